"""Open-data exports: every format round-trips, spreadsheet formulas are neutralised, and the
SDMX-CSV export and its structure load in an independent reader (sdmx1)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sdmx

from ictfootprint.cli.export import ExportFormat
from ictfootprint.errors import InputError
from ictfootprint.export import (
    COLUMNS,
    EXTENSIONS,
    FORMATS,
    MEDIA_TYPES,
    STRUCTURE_ID,
    export_observations,
    observation_table,
    sdmx_structure,
)
from ictfootprint.model import Entity, EntityKind, Method, Observation, StoredObservation
from ictfootprint.reference.catalogue import SUBSECTORS, catalogue
from ictfootprint.reference.countries import countries, regions
from ictfootprint.store import Store

RECORDED = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)

ENTITIES = {
    "fr-op-1": Entity(id="fr-op-1", name="Opérateur Un", kind=EntityKind.COMPANY, country="FRA"),
    "demo-dc": Entity(
        id="demo-dc",
        name="Demo data centres",
        kind=EntityKind.COMPANY,
        country="KEN",
        illustrative=True,
    ),
}


def stored(number: int, **fields: object) -> StoredObservation:
    defaults: dict[str, object] = {
        "id": number,
        "revision": 1,
        "recorded_at": RECORDED,
        "entity_id": "fr-op-1",
        "year": 2023,
        "method": Method.REPORTED,
        "source": "Annual report 2023",
    }
    return StoredObservation(**(defaults | fields))  # type: ignore[arg-type]


OBSERVATIONS = [
    stored(
        1,
        indicator_id="energy_total",
        value=1234.5,
        unit="MWh",
        country="FRA",
        subsector="mobile_network",
        quality_flags=("restated", "partial"),
        boundary="operational",
        assurance="limited",
        revision=2,
        submission_id=7,
        lineage={"file": "fr-op-1.xlsx"},
    ),
    stored(
        2,
        indicator_id="ghg_scope1",
        value=5600.0,
        unit="tCO2e",
        method=Method.CALCULATED,
        source="ictfootprint compute: fuels x IPCC 2006 factors",
        gwp_set="AR6",
    ),
    stored(3, indicator_id="ghg_assurance_level", value_text="limited"),
    stored(
        4,
        entity_id="demo-dc",
        indicator_id="resource_water_withdrawal",
        value=42.0,
        unit="m^3",
        method=Method.ESTIMATED,
        source="illustrative",
        quality_flags=("illustrative",),
    ),
]

#: What a reader of the published table must find, written out by hand.
EXPECTED = [
    {
        "entity": "fr-op-1",
        "entity_name": "Opérateur Un",
        "country": "FRA",
        "subsector": "mobile_network",
        "indicator": "energy_total",
        "year": 2023,
        "value": 1234.5,
        "unit": "MWh",
        "value_text": None,
        "method": "reported",
        "source": "Annual report 2023",
        "quality_flags": "restated;partial",
        "boundary": "operational",
        "assurance": "limited",
        "gwp_set": None,
        "revision": 2,
        "recorded_at": "2024-05-01T12:30:00Z",
        "illustrative": False,
    },
    {
        "entity": "fr-op-1",
        "entity_name": "Opérateur Un",
        "country": "FRA",  # the entity's: the observation has none
        "subsector": None,
        "indicator": "ghg_scope1",
        "year": 2023,
        "value": 5600.0,
        "unit": "tCO2e",
        "value_text": None,
        "method": "calculated",
        "source": "ictfootprint compute: fuels x IPCC 2006 factors",
        "quality_flags": None,
        "boundary": None,
        "assurance": None,
        "gwp_set": "AR6",
        "revision": 1,
        "recorded_at": "2024-05-01T12:30:00Z",
        "illustrative": False,
    },
    {
        "entity": "fr-op-1",
        "entity_name": "Opérateur Un",
        "country": "FRA",
        "subsector": None,
        "indicator": "ghg_assurance_level",
        "year": 2023,
        "value": None,
        "unit": None,
        "value_text": "limited",
        "method": "reported",
        "source": "Annual report 2023",
        "quality_flags": None,
        "boundary": None,
        "assurance": None,
        "gwp_set": None,
        "revision": 1,
        "recorded_at": "2024-05-01T12:30:00Z",
        "illustrative": False,
    },
    {
        "entity": "demo-dc",
        "entity_name": "Demo data centres",
        "country": "KEN",
        "subsector": None,
        "indicator": "resource_water_withdrawal",
        "year": 2023,
        "value": 42.0,
        "unit": "m^3",
        "value_text": None,
        "method": "estimated",
        "source": "illustrative",
        "quality_flags": "illustrative",
        "boundary": None,
        "assurance": None,
        "gwp_set": None,
        "revision": 1,
        "recorded_at": "2024-05-01T12:30:00Z",
        "illustrative": True,
    },
]


def test_formats_media_types_and_extensions_agree() -> None:
    assert FORMATS == ("csv", "xlsx", "parquet", "json", "sdmx-csv")
    assert set(MEDIA_TYPES) == set(EXTENSIONS) == set(FORMATS)
    assert EXTENSIONS["sdmx-csv"] == ".sdmx.csv"
    assert tuple(f.value for f in ExportFormat) == FORMATS


def test_table_has_the_published_columns_and_no_internal_ones() -> None:
    table = observation_table(OBSERVATIONS, ENTITIES)
    assert tuple(table.columns) == COLUMNS
    assert not {"id", "submission_id", "lineage", "recorded_by", "comment"} & set(table.columns)
    records = table.to_dict("records")
    for got, expected in zip(records, EXPECTED, strict=True):
        for name, value in expected.items():
            if value is None:
                assert got[name] is None or pd.isna(got[name]), name
            else:
                assert got[name] == value, name
    assert str(table["year"].dtype) == "Int64" and str(table["value"].dtype) == "float64"


def test_table_of_an_unknown_entity_has_no_name() -> None:
    table = observation_table(OBSERVATIONS[:1], {})
    assert table.loc[0, "entity_name"] is None
    assert table.loc[0, "country"] == "FRA"


def test_csv_round_trips() -> None:
    data = export_observations(OBSERVATIONS, ENTITIES, "csv")
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM
    text = data.decode("utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "\r\n" in text  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["value"] for r in rows] == ["1234.5", "5600.0", "", "42.0"]
    assert [r["unit"] for r in rows] == ["MWh", "tCO2e", "", "m^3"]
    assert [r["method"] for r in rows] == ["reported", "calculated", "reported", "estimated"]
    assert [r["illustrative"] for r in rows] == ["false", "false", "false", "true"]
    frame = pd.read_csv(io.BytesIO(data))
    assert frame["value"].tolist()[:2] == [1234.5, 5600.0]
    assert frame["year"].tolist() == [2023] * 4
    assert frame["illustrative"].tolist() == [False, False, False, True]
    assert frame["entity_name"][0] == "Opérateur Un"


def test_json_round_trips() -> None:
    data = json.loads(export_observations(OBSERVATIONS, ENTITIES, "json"))
    assert data == {"observations": EXPECTED}


def test_xlsx_round_trips() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_observations(OBSERVATIONS, ENTITIES, "xlsx")))
    assert book.sheetnames == ["observations", "about"]
    rows = list(book["observations"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    for got, expected in zip(rows[1:], EXPECTED, strict=True):
        assert dict(zip(COLUMNS, got, strict=True)) == expected
    about = [row[0] for row in book["about"].iter_rows(values_only=True)]
    assert any(str(line).startswith("Generated by ictfootprint") for line in about)
    assert any("values carry their own source" in str(line) for line in about)
    assert any("MWh" in str(line) and "tCO2e" in str(line) for line in about)


def test_parquet_round_trips_with_typed_columns() -> None:
    table = pq.read_table(io.BytesIO(export_observations(OBSERVATIONS, ENTITIES, "parquet")))
    assert table.column_names == list(COLUMNS)
    assert table.schema.field("year").type == pa.int32()
    assert table.schema.field("value").type == pa.float64()
    assert table.schema.field("illustrative").type == pa.bool_()
    assert table.schema.field("recorded_at").type == pa.timestamp("ms", tz="UTC")
    rows = table.to_pylist()
    for got, expected in zip(rows, EXPECTED, strict=True):
        assert got["recorded_at"] == RECORDED
        assert {k: v for k, v in got.items() if k != "recorded_at"} == {
            k: v for k, v in expected.items() if k != "recorded_at"
        }


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        export_observations(OBSERVATIONS, ENTITIES, "docx")
    assert caught.value.location.field == "format"
    assert caught.value.found == "docx"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_export_has_the_header_only(fmt: str) -> None:
    data = export_observations([], {}, fmt)
    if fmt == "csv":
        assert data.decode() == ",".join(COLUMNS) + "\r\n"
    elif fmt == "sdmx-csv":
        assert data.decode().startswith("STRUCTURE,STRUCTURE_ID,ACTION,ENTITY,")
        assert data.count(b"\r\n") == 1
    elif fmt == "json":
        assert json.loads(data) == {"observations": []}
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data))["observations"]
        assert list(sheet.iter_rows(values_only=True)) == [COLUMNS]
    else:
        table = pq.read_table(io.BytesIO(data))
        assert table.num_rows == 0 and table.column_names == list(COLUMNS)


# -- spreadsheet formula injection ------------------------------------------------------------

HOSTILE = {
    "name": '=HYPERLINK("http://x","y")',
    "source": "+1",
    "text": "@SUM(A1)",
    "minus": "-2+3",
    "tab": "\t=1",
    "cr": "\r=1",
}


def hostile() -> tuple[list[StoredObservation], dict[str, Entity]]:
    entity = Entity(id="evil", name=HOSTILE["name"], kind=EntityKind.COMPANY, country="FRA")
    observations = [
        stored(
            1,
            entity_id="evil",
            indicator_id="ghg_scope1",
            value=-7.5,
            unit="tCO2e",
            source=HOSTILE["source"],
            boundary=HOSTILE["tab"],
            assurance=HOSTILE["cr"],
        ),
        stored(2, entity_id="evil", indicator_id="target_base_year", value_text=HOSTILE["text"]),
        stored(3, entity_id="evil", indicator_id="ghg_assurance_level", value_text="-2+3"),
    ]
    return observations, {"evil": entity}


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    observations, entities = hostile()
    rows = list(
        csv.DictReader(io.StringIO(export_observations(observations, entities, "csv").decode()))
    )
    assert rows[0]["entity_name"] == "'" + HOSTILE["name"]
    assert rows[0]["source"] == "'+1"
    assert rows[0]["boundary"] == "'\t=1"
    assert rows[0]["assurance"] == "'\r=1"
    assert rows[1]["value_text"] == "'@SUM(A1)"
    assert rows[2]["value_text"] == "'-2+3"
    assert rows[0]["value"] == "-7.5"  # a number, not neutralised
    assert rows[0]["year"] == "2023"
    # nothing in the file starts a cell with a formula character
    for row in rows:
        for name, cell in row.items():
            if name != "value":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)


def test_xlsx_neutralises_formulas_and_keeps_numbers() -> None:
    observations, entities = hostile()
    book = openpyxl.load_workbook(io.BytesIO(export_observations(observations, entities, "xlsx")))
    sheet = book["observations"]
    column = {name: index + 1 for index, name in enumerate(COLUMNS)}
    assert sheet.cell(2, column["entity_name"]).value == "'" + HOSTILE["name"]
    assert sheet.cell(2, column["source"]).value == "'+1"
    assert sheet.cell(2, column["boundary"]).value == "'\t=1"
    assert sheet.cell(3, column["value_text"]).value == "'@SUM(A1)"
    assert sheet.cell(4, column["value_text"]).value == "'-2+3"
    value = sheet.cell(2, column["value"])
    assert value.value == -7.5 and value.data_type == "n"
    assert sheet.cell(2, column["year"]).value == 2023
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_sdmx_csv_neutralises_free_text_too() -> None:
    observations, entities = hostile()
    text = export_observations(observations, entities, "sdmx-csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["SOURCE_DETAIL"] == "'+1"
    assert rows[1]["OBS_VALUE_TEXT"] == "'@SUM(A1)"
    assert rows[0]["OBS_VALUE"] == "-7.5"


def test_json_and_parquet_carry_text_exactly() -> None:
    observations, entities = hostile()
    data = json.loads(export_observations(observations, entities, "json"))
    assert data["observations"][0]["entity_name"] == HOSTILE["name"]
    table = pq.read_table(io.BytesIO(export_observations(observations, entities, "parquet")))
    assert table.column("source").to_pylist()[0] == "+1"


# -- SDMX ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def structure() -> sdmx.message.StructureMessage:
    message = sdmx.read_sdmx(io.BytesIO(sdmx_structure()))
    assert isinstance(message, sdmx.message.StructureMessage)
    return message


def test_structure_parses_with_sdmx1(structure: sdmx.message.StructureMessage) -> None:
    dataflow = structure.dataflow["DF_ICT_FOOTPRINT"]
    assert dataflow.maintainer.id == "ICTFOOTPRINT" and dataflow.version == "1.0.0"
    assert STRUCTURE_ID == "ICTFOOTPRINT:DF_ICT_FOOTPRINT(1.0.0)"
    dsd = dataflow.structure
    assert dsd is structure.structure["DSD_ICT_FOOTPRINT"]
    assert [d.id for d in dsd.dimensions] == [
        "ENTITY",
        "REF_AREA",
        "ICT_SUBSECTOR",
        "INDICATOR",
        "METHOD",
        "TIME_PERIOD",
    ]
    assert [m.id for m in dsd.measures] == ["OBS_VALUE"]
    assert {
        "UNIT_MEASURE",
        "SOURCE_DETAIL",
        "QUALITY_FLAGS",
        "REVISION",
        "ILLUSTRATIVE",
        "OBS_VALUE_TEXT",
    } <= {a.id for a in dsd.attributes}
    # ENTITY is free text; the other dimensions are coded
    assert dsd.dimensions.get("ENTITY").local_representation.enumerated is None
    for dimension_id, codelist_id in [
        ("REF_AREA", "CL_AREA"),
        ("ICT_SUBSECTOR", "CL_ICT_SUBSECTOR"),
        ("INDICATOR", "CL_INDICATOR"),
        ("METHOD", "CL_METHOD"),
    ]:
        enumerated = dsd.dimensions.get(dimension_id).local_representation.enumerated
        assert enumerated is structure.codelist[codelist_id]
    unit = dsd.attributes.get("UNIT_MEASURE").local_representation.enumerated
    assert unit is structure.codelist["CL_UNIT"]


def test_structure_codelists_cover_the_reference_data(
    structure: sdmx.message.StructureMessage,
) -> None:
    areas = {code.id for code in structure.codelist["CL_AREA"]}
    assert areas == set(countries()) | set(regions()) | {"_Z"}
    assert structure.codelist["CL_AREA"]["FRA"].name.localizations["fr"] == "France"
    indicators = structure.codelist["CL_INDICATOR"]
    assert [code.id for code in indicators] == list(catalogue())
    names = indicators["energy_total"].name.localizations
    assert set(names) == {"ar", "zh", "en", "fr", "ru", "es"}
    assert names["en"] == "Total energy consumption"
    assert names["zh"] == catalogue()["energy_total"].name("zh")
    assert {c.id for c in structure.codelist["CL_METHOD"]} == {m.value for m in Method}
    assert {c.id for c in structure.codelist["CL_ICT_SUBSECTOR"]} == {*SUBSECTORS, "_Z"}
    units = {c.id: str(c.name) for c in structure.codelist["CL_UNIT"]}
    assert units["MWh"] == "MWh" and units["m3"] == "m^3" and units["gCO2e_PER_kWh"] == "gCO2e/kWh"
    assert {i.unit for i in catalogue().values() if i.unit} == set(units.values())


def test_sdmx_csv_loads_in_sdmx1_with_the_values_that_went_in(
    structure: sdmx.message.StructureMessage,
) -> None:
    data = export_observations(OBSERVATIONS, ENTITIES, "sdmx-csv")
    assert data.startswith(b"STRUCTURE,STRUCTURE_ID,ACTION,")
    message = sdmx.read_sdmx(
        io.BytesIO(data), format="csv", structure=structure.dataflow["DF_ICT_FOOTPRINT"]
    )
    assert isinstance(message, sdmx.message.DataMessage)
    assert len(message.data) == 1
    dataset = message.data[0]
    assert dataset.structured_by is structure.structure["DSD_ICT_FOOTPRINT"]
    got = [
        (
            {k: v.value for k, v in obs.dimension.values.items()},
            obs.value,
            {k: v.value for k, v in obs.attached_attribute.items()},
        )
        for obs in dataset.obs
    ]
    none = {"BOUNDARY": "", "ASSURANCE": "", "GWP_SET": "", "QUALITY_FLAGS": ""}
    assert got == [
        (
            {
                "ENTITY": "fr-op-1",
                "REF_AREA": "FRA",
                "ICT_SUBSECTOR": "mobile_network",
                "INDICATOR": "energy_total",
                "METHOD": "reported",
                "TIME_PERIOD": "2023",
            },
            "1234.5",
            {
                "UNIT_MEASURE": "MWh",
                "OBS_VALUE_TEXT": "",
                "SOURCE_DETAIL": "Annual report 2023",
                "QUALITY_FLAGS": "restated;partial",
                "BOUNDARY": "operational",
                "ASSURANCE": "limited",
                "GWP_SET": "",
                "REVISION": "2",
                "ILLUSTRATIVE": "false",
            },
        ),
        (
            {
                "ENTITY": "fr-op-1",
                "REF_AREA": "FRA",
                "ICT_SUBSECTOR": "_Z",
                "INDICATOR": "ghg_scope1",
                "METHOD": "calculated",
                "TIME_PERIOD": "2023",
            },
            "5600.0",
            none
            | {
                "UNIT_MEASURE": "tCO2e",
                "OBS_VALUE_TEXT": "",
                "SOURCE_DETAIL": "ictfootprint compute: fuels x IPCC 2006 factors",
                "GWP_SET": "AR6",
                "REVISION": "1",
                "ILLUSTRATIVE": "false",
            },
        ),
        (
            {
                "ENTITY": "fr-op-1",
                "REF_AREA": "FRA",
                "ICT_SUBSECTOR": "_Z",
                "INDICATOR": "ghg_assurance_level",
                "METHOD": "reported",
                "TIME_PERIOD": "2023",
            },
            "",  # a text value: empty OBS_VALUE, the text in OBS_VALUE_TEXT
            none
            | {
                "UNIT_MEASURE": "",
                "OBS_VALUE_TEXT": "limited",
                "SOURCE_DETAIL": "Annual report 2023",
                "REVISION": "1",
                "ILLUSTRATIVE": "false",
            },
        ),
        (
            {
                "ENTITY": "demo-dc",
                "REF_AREA": "KEN",
                "ICT_SUBSECTOR": "_Z",
                "INDICATOR": "resource_water_withdrawal",
                "METHOD": "estimated",
                "TIME_PERIOD": "2023",
            },
            "42.0",
            none
            | {
                "UNIT_MEASURE": "m3",
                "OBS_VALUE_TEXT": "",
                "SOURCE_DETAIL": "illustrative",
                "QUALITY_FLAGS": "illustrative",
                "REVISION": "1",
                "ILLUSTRATIVE": "true",
            },
        ),
    ]
    # every coded value is a code of its codelist in the structure
    dsd = dataset.structured_by
    for obs in dataset.obs:
        for key_value in obs.dimension.values.values():
            codelist = dsd.dimensions.get(key_value.id).local_representation.enumerated
            if codelist is not None:
                assert key_value.value in codelist, key_value
        unit = obs.attached_attribute["UNIT_MEASURE"].value
        assert unit == "" or unit in structure.codelist["CL_UNIT"]


def test_sdmx_csv_without_area_uses_not_applicable(
    structure: sdmx.message.StructureMessage,
) -> None:
    world = stored(1, entity_id="nowhere", indicator_id="energy_total", value=1.0, unit="MWh")
    data = export_observations([world], {}, "sdmx-csv")
    message = sdmx.read_sdmx(
        io.BytesIO(data), format="csv", structure=structure.dataflow["DF_ICT_FOOTPRINT"]
    )
    key = message.data[0].obs[0].dimension.values
    assert key["REF_AREA"].value == "_Z" and key["ICT_SUBSECTOR"].value == "_Z"


def test_empty_sdmx_csv_loads_in_sdmx1(structure: sdmx.message.StructureMessage) -> None:
    message = sdmx.read_sdmx(
        io.BytesIO(export_observations([], {}, "sdmx-csv")),
        format="csv",
        structure=structure.dataflow["DF_ICT_FOOTPRINT"],
    )
    assert message.data == []


# -- the command --------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args], capture_output=True, check=False
    )


INTERNAL = {"submission_id", "lineage"}


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "export.db")
    store = Store.open(url)
    store.add_entity(ENTITIES["fr-op-1"])
    store.record_observations(
        [
            Observation(**o.model_dump(include=set(Observation.model_fields) - INTERNAL))
            for o in OBSERVATIONS[:3]
        ]
    )
    store.close()
    return url


def test_cli_exports_csv_to_stdout_with_filters(db: str) -> None:
    done = run("export", "--db", db, "--indicator", "energy_total", "--indicator", "ghg_scope1")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert [(r["indicator"], r["value"], r["unit"]) for r in rows] == [
        ("energy_total", "1234.5", "MWh"),
        ("ghg_scope1", "5600.0", "tCO2e"),
    ]
    assert rows[0]["entity_name"] == "Opérateur Un"
    only = run("export", "--db", db, "--method", "calculated", "--format", "json")
    assert only.returncode == 0, only.stderr
    assert [o["indicator"] for o in json.loads(only.stdout)["observations"]] == ["ghg_scope1"]


def test_cli_writes_binary_formats_and_the_structure_to_files(db: str, tmp_path: Path) -> None:
    out = tmp_path / "observations.xlsx"
    done = run("export", "--db", db, "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out)["observations"].max_row == 4
    dsd = tmp_path / "dsd.xml"
    done = run("export", "--structure", "--out", str(dsd))
    assert done.returncode == 0, done.stderr
    assert "DSD_ICT_FOOTPRINT" in sdmx.read_sdmx(dsd).structure


def test_cli_refuses_a_binary_format_on_stdout(db: str) -> None:
    done = run("export", "--db", db, "--format", "parquet")
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"field 'out'" in done.stderr and b"binary" in done.stderr
