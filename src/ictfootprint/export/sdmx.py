"""SDMX: the data structure (an SDMX-ML 2.1 Structure message) and data as SDMX-CSV 2.0.

The structure: a dataflow ``ICTFOOTPRINT:DF_ICT_FOOTPRINT(1.0.0)`` described by the data
structure definition ``DSD_ICT_FOOTPRINT`` with six dimensions (ENTITY, REF_AREA,
ICT_SUBSECTOR, INDICATOR, METHOD, TIME_PERIOD), the measure OBS_VALUE and attributes for the
unit, the source and the rest of an observation's provenance, plus its codelists (built from the
reference data: countries, regions, the indicator catalogue in six languages, sub-sectors,
units) and its concept scheme.

The data: SDMX-CSV 2.0.0 (``STRUCTURE,STRUCTURE_ID,ACTION,...``), the version that sdmx1's CSV
reader and SDMX 3.0 tools load. Versions are three-part (``1.0.0``) so that one identifier is
valid in SDMX 2.1 and 3.0 alike. Empty dimensions carry SDMX's ``_Z`` (not applicable).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, Final

from ictfootprint import __version__
from ictfootprint.errors import ReferenceDataError
from ictfootprint.export.tables import spreadsheet_safe
from ictfootprint.model import Method
from ictfootprint.reference.catalogue import LANGUAGES, SUBSECTORS, catalogue
from ictfootprint.reference.countries import countries, regions
from ictfootprint.store.database import now

AGENCY: Final = "ICTFOOTPRINT"
VERSION: Final = "1.0.0"
DATAFLOW: Final = "DF_ICT_FOOTPRINT"
DSD: Final = "DSD_ICT_FOOTPRINT"
CONCEPT_SCHEME: Final = "CS_ICT_FOOTPRINT"
#: The dataflow as SDMX-CSV names it in ``STRUCTURE_ID``.
STRUCTURE_ID: Final = f"{AGENCY}:{DATAFLOW}({VERSION})"
#: "Not applicable": the code of an empty dimension.
NOT_APPLICABLE: Final = "_Z"

DIMENSIONS: Final = ("ENTITY", "REF_AREA", "ICT_SUBSECTOR", "INDICATOR", "METHOD", "TIME_PERIOD")
MEASURE: Final = "OBS_VALUE"
ATTRIBUTES: Final = (
    "UNIT_MEASURE",
    "OBS_VALUE_TEXT",
    "SOURCE_DETAIL",
    "QUALITY_FLAGS",
    "BOUNDARY",
    "ASSURANCE",
    "GWP_SET",
    "REVISION",
    "ILLUSTRATIVE",
)
#: Attributes holding free text (codes, numbers and ids are never neutralised).
_FREE_TEXT: Final = frozenset(
    {"OBS_VALUE_TEXT", "SOURCE_DETAIL", "QUALITY_FLAGS", "BOUNDARY", "ASSURANCE", "GWP_SET"}
)
#: The columns of an SDMX-CSV 2.0 file, in order.
CSV_COLUMNS: Final = ("STRUCTURE", "STRUCTURE_ID", "ACTION", *DIMENSIONS, MEASURE, *ATTRIBUTES)

_CONCEPTS: Final = {
    "ENTITY": "Reporting entity (company, facility, organisation, country, region)",
    "REF_AREA": "Reference area",
    "ICT_SUBSECTOR": "ICT sub-sector",
    "INDICATOR": "Indicator",
    "METHOD": "Method (how the value came to be)",
    "TIME_PERIOD": "Time period",
    "OBS_VALUE": "Observation value",
    "UNIT_MEASURE": "Unit of measure",
    "OBS_VALUE_TEXT": "Observation value as text (years, categories)",
    "SOURCE_DETAIL": "Source",
    "QUALITY_FLAGS": "Quality flags, separated by ';'",
    "BOUNDARY": "Organisational boundary (operational or financial control)",
    "ASSURANCE": "Assurance (third-party verification)",
    "GWP_SET": "Global warming potentials used (IPCC assessment report)",
    "REVISION": "Revision of the value",
    "ILLUSTRATIVE": "Illustrative (fictitious) data",
}

#: Coded components and their codelists; the others are free text.
_CODED: Final = {
    "REF_AREA": "CL_AREA",
    "ICT_SUBSECTOR": "CL_ICT_SUBSECTOR",
    "INDICATOR": "CL_INDICATOR",
    "METHOD": "CL_METHOD",
    "UNIT_MEASURE": "CL_UNIT",
}
_TEXT_FORMATS: Final = {
    "ENTITY": {"textType": "String", "maxLength": "64"},
    "TIME_PERIOD": {"textType": "ObservationalTimePeriod"},
    "OBS_VALUE": {"textType": "Double"},
    "REVISION": {"textType": "Integer"},
    "ILLUSTRATIVE": {"textType": "Boolean"},
}

_NS: Final = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}
_XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
for _prefix, _uri in _NS.items():
    ET.register_namespace(_prefix, _uri)


def unit_code(unit: str) -> str:
    """The CL_UNIT code of a unit: an SDMX id (``[A-Za-z0-9_@$-]``), case kept.

    >>> unit_code("gCO2e/kWh"), unit_code("m^3"), unit_code("kg Sbeq")
    ('gCO2e_PER_kWh', 'm3', 'kg_Sbeq')
    """
    code = unit.strip().replace("/", "_PER_").replace("^", "")
    return re.sub(r"[^A-Za-z0-9_@$-]", "_", code)


@cache
def units() -> dict[str, str]:
    """CL_UNIT: code -> unit, for every unit of the catalogue."""
    table: dict[str, str] = {}
    for indicator in catalogue().values():
        if indicator.unit:
            code = unit_code(indicator.unit)
            if table.setdefault(code, indicator.unit) != indicator.unit:
                raise ReferenceDataError(
                    f"units {table[code]!r} and {indicator.unit!r} share the SDMX code {code!r}"
                )
    return table


# -- data ----------------------------------------------------------------------------------


def sdmx_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """Published rows (:func:`~ictfootprint.export.tables.observation_rows`) as SDMX-CSV 2.0.

    ``ACTION`` is ``I`` (information: a dissemination, not an update to apply). Free text is
    neutralised against spreadsheet formulas like the plain CSV, since this too is a CSV file
    people open in a spreadsheet.
    """
    buffer = io.StringIO()
    write_sdmx_csv(rows, buffer)
    return buffer.getvalue().encode("utf-8")


def write_sdmx_csv(rows: Iterable[dict[str, Any]], out: io.TextIOBase | Any) -> None:
    """:func:`sdmx_csv` written to a text stream row by row (no table held in memory)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        record = {
            "STRUCTURE": "dataflow",
            "STRUCTURE_ID": STRUCTURE_ID,
            "ACTION": "I",
            "ENTITY": row["entity"],
            "REF_AREA": row["country"] or NOT_APPLICABLE,
            "ICT_SUBSECTOR": row["subsector"] or NOT_APPLICABLE,
            "INDICATOR": row["indicator"],
            "METHOD": row["method"],
            "TIME_PERIOD": str(row["year"]),
            "OBS_VALUE": "" if row["value"] is None else repr(float(row["value"])),
            "UNIT_MEASURE": unit_code(row["unit"]) if row["unit"] else "",
            "OBS_VALUE_TEXT": row["value_text"],
            "SOURCE_DETAIL": row["source"],
            "QUALITY_FLAGS": row["quality_flags"],
            "BOUNDARY": row["boundary"],
            "ASSURANCE": row["assurance"],
            "GWP_SET": row["gwp_set"],
            "REVISION": str(row["revision"]),
            "ILLUSTRATIVE": "true" if row["illustrative"] else "false",
        }
        writer.writerow(
            ""
            if record[name] is None
            else spreadsheet_safe(record[name])
            if name in _FREE_TEXT
            else record[name]
            for name in CSV_COLUMNS
        )


# -- structure -----------------------------------------------------------------------------


def sdmx_structure(prepared: datetime | None = None) -> bytes:
    """The SDMX-ML 2.1 Structure message: dataflow, DSD, codelists and concept scheme.

    ``prepared`` (default: now) is the time the header gives.
    """
    root = ET.Element(_q("mes", "Structure"))
    header = _sub(root, "mes", "Header")
    _sub(header, "mes", "ID", text="ICTFOOTPRINT_STRUCTURE")
    _sub(header, "mes", "Test", text="false")
    _sub(header, "mes", "Prepared", text=(prepared or now()).isoformat(timespec="seconds"))
    sender = _sub(header, "mes", "Sender", id=AGENCY)
    _sub(sender, "com", "Name", text=f"ictfootprint {__version__}", **{_XML_LANG: "en"})
    structures = _sub(root, "mes", "Structures")

    dataflows = _sub(structures, "str", "Dataflows")
    dataflow = _maintainable(dataflows, "Dataflow", DATAFLOW, "ICT sector footprint")
    _ref(_sub(dataflow, "str", "Structure"), DSD, "datastructure", "DataStructure")

    codelists = _sub(structures, "str", "Codelists")
    for codelist_id, name, codes in _codelists():
        codelist = _maintainable(codelists, "Codelist", codelist_id, name)
        for code_id, names, descriptions in codes:
            code = _sub(codelist, "str", "Code", id=code_id)
            _names(code, "Name", names)
            _names(code, "Description", descriptions)

    concepts = _sub(structures, "str", "Concepts")
    scheme = _maintainable(concepts, "ConceptScheme", CONCEPT_SCHEME, "ICT footprint concepts")
    for concept_id, name in _CONCEPTS.items():
        _names(_sub(scheme, "str", "Concept", id=concept_id), "Name", {"en": name})

    structures_el = _sub(structures, "str", "DataStructures")
    dsd = _maintainable(structures_el, "DataStructure", DSD, "ICT sector footprint")
    components = _sub(dsd, "str", "DataStructureComponents")
    dimension_list = _sub(components, "str", "DimensionList", id="DimensionDescriptor")
    for position, dimension_id in enumerate(DIMENSIONS, start=1):
        tag = "TimeDimension" if dimension_id == "TIME_PERIOD" else "Dimension"
        element = _sub(dimension_list, "str", tag, id=dimension_id, position=str(position))
        _component(element, dimension_id)
    attribute_list = _sub(components, "str", "AttributeList", id="AttributeDescriptor")
    for attribute_id in ATTRIBUTES:
        element = _sub(
            attribute_list, "str", "Attribute", id=attribute_id, assignmentStatus="Conditional"
        )
        _component(element, attribute_id)
        relationship = _sub(element, "str", "AttributeRelationship")
        ET.SubElement(_sub(relationship, "str", "PrimaryMeasure"), "Ref", id=MEASURE)
    measure_list = _sub(components, "str", "MeasureList", id="MeasureDescriptor")
    _component(_sub(measure_list, "str", "PrimaryMeasure", id=MEASURE), MEASURE)

    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text


_Code = tuple[str, dict[str, str], dict[str, str]]


def _codelists() -> list[tuple[str, str, list[_Code]]]:
    # methods' and sub-sectors' names in the six languages, from the dashboard's catalogues
    from ictfootprint.web import code_names

    names = code_names.in_every_language
    not_applicable: _Code = (NOT_APPLICABLE, names(code_names.NOT_APPLICABLE), {})
    areas: list[_Code] = [(c.iso3, c.names, {}) for c in countries().values()]
    areas += [(r.code, r.names, {}) for r in regions().values()]
    indicators: list[_Code] = [(i.id, i.names, i.definitions) for i in catalogue().values()]
    subsectors: list[_Code] = [(s, names(code_names.SUBSECTORS[s]), {}) for s in SUBSECTORS]
    methods: list[_Code] = [(m.value, names(code_names.METHODS[m.value]), {}) for m in Method]
    unit_codes: list[_Code] = [(code, {"en": unit}, {}) for code, unit in units().items()]
    return [
        (
            "CL_AREA",
            "Countries (ISO 3166-1 alpha-3) and regions (UN M49, ITU)",
            [*areas, not_applicable],
        ),
        ("CL_ICT_SUBSECTOR", "ICT sub-sectors", [*subsectors, not_applicable]),
        ("CL_INDICATOR", "Indicators of the ictfootprint catalogue", indicators),
        ("CL_METHOD", "Methods", methods),
        ("CL_UNIT", "Units of measure", unit_codes),
    ]


def _q(prefix: str, tag: str) -> str:
    return f"{{{_NS[prefix]}}}{tag}"


def _sub(
    parent: ET.Element, prefix: str, tag: str, text: str | None = None, **attrs: str
) -> ET.Element:
    element = ET.SubElement(parent, _q(prefix, tag), attrs)
    element.text = text
    return element


def _names(parent: ET.Element, tag: str, texts: dict[str, str]) -> None:
    for lang in LANGUAGES:
        if texts.get(lang):
            _sub(parent, "com", tag, text=texts[lang], **{_XML_LANG: lang})


def _maintainable(parent: ET.Element, tag: str, item_id: str, name: str) -> ET.Element:
    element = _sub(
        parent,
        "str",
        tag,
        id=item_id,
        agencyID=AGENCY,
        version=VERSION,
        isFinal="false",
        urn=f"urn:sdmx:org.sdmx.infomodel.{_URN_PACKAGE[tag]}={AGENCY}:{item_id}({VERSION})",
    )
    _names(element, "Name", {"en": name})
    return element


_URN_PACKAGE: Final = {
    "Dataflow": "datastructure.Dataflow",
    "Codelist": "codelist.Codelist",
    "ConceptScheme": "conceptscheme.ConceptScheme",
    "DataStructure": "datastructure.DataStructure",
}


def _ref(parent: ET.Element, item_id: str, package: str, cls: str, **extra: str) -> None:
    # Ref is an unqualified element in SDMX-ML 2.1 (form="unqualified" in SDMXCommon.xsd)
    ET.SubElement(
        parent,
        "Ref",
        {
            "id": item_id,
            **extra,
            "agencyID": AGENCY,
            "version": VERSION,
            "package": package,
            "class": cls,
        },
    )


def _component(element: ET.Element, component_id: str) -> None:
    identity = _sub(element, "str", "ConceptIdentity")
    ET.SubElement(
        identity,
        "Ref",
        {
            "id": component_id,
            "maintainableParentID": CONCEPT_SCHEME,
            "maintainableParentVersion": VERSION,
            "agencyID": AGENCY,
            "package": "conceptscheme",
            "class": "Concept",
        },
    )
    representation = _sub(element, "str", "LocalRepresentation")
    if component_id in _CODED:
        enumeration = _sub(representation, "str", "Enumeration")
        _ref(enumeration, _CODED[component_id], "codelist", "Codelist")
    else:
        _sub(
            representation,
            "str",
            "TextFormat",
            **_TEXT_FORMATS.get(component_id, {"textType": "String"}),
        )
