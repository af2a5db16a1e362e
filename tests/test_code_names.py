"""Every method and ICT sub-sector has a name in the six languages, on the pages and in the
SDMX codelists (issue 17 item 2): a new code without a translated name fails here.

Regression: the SDMX structure named sub-sectors and methods in English only ("Mobile
network", "Statistical"), and the pages showed the method ``statistical`` as its English code.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ictfootprint.export.sdmx import sdmx_structure
from ictfootprint.model import Method
from ictfootprint.reference.catalogue import LANGUAGES, SUBSECTORS
from ictfootprint.web import code_names
from ictfootprint.web.i18n import translator
from ictfootprint.web.render import environment

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OTHER = [lang for lang in LANGUAGES if lang != "en"]


def test_every_method_and_sub_sector_has_a_name() -> None:
    assert set(code_names.METHODS) == {m.value for m in Method}
    assert set(code_names.SUBSECTORS) == set(SUBSECTORS)


@pytest.mark.parametrize("lang", OTHER)
def test_every_name_is_translated(lang: str) -> None:
    gettext = translator(lang).gettext
    messages = [*code_names.METHOD_LABELS.values(), *code_names.SUBSECTOR_LABELS.values()]
    missing = [m for m in [*messages, code_names.NOT_APPLICABLE] if gettext(m) == m]
    assert missing == [], f"{lang}: not translated: {missing}"


def test_sdmx_codelists_name_methods_and_sub_sectors_in_six_languages() -> None:
    root = ET.fromstring(sdmx_structure())
    for codelist in ("CL_METHOD", "CL_ICT_SUBSECTOR"):
        found = [e for e in root.iter() if e.tag.endswith("Codelist") and e.get("id") == codelist]
        assert found, codelist
        for code in (e for e in found[0] if e.tag.endswith("Code")):
            names = {n.get(XML_LANG): n.text for n in code if n.tag.endswith("Name")}
            assert set(names) == set(LANGUAGES), (codelist, code.get("id"), names)
            assert names["fr"] != names["en"] or code.get("id") == "_Z", names


@pytest.mark.parametrize("lang", OTHER)
def test_the_pages_name_the_statistical_method(lang: str) -> None:
    shown = environment().from_string('{{ method_label("statistical") }}').render(lang=lang)
    assert shown == translator(lang).gettext("statistical") != "statistical"


def test_the_pages_labels_are_the_translations_as_they_are_and_unknown_codes_escaped() -> None:
    """As ``{{ _("…") }}`` in a macro gave them (the pages are byte for byte the same): the
    translation marked safe, an apostrophe kept; a code without a label escaped."""
    page = environment().from_string(
        "{{ subsector_label('enterprise_network') }}|{{ subsector_label('_T') }}|"
        "{{ method_badge('modelled') }}|{{ subsector_label('<b>x</b>') }}|"
        "{{ method_badge('<i>') }}"
    )
    assert page.render(lang="fr").split("|") == [
        "Réseaux d'entreprise",
        translator("fr").gettext("All sub-sectors"),
        f'<span class="method method-modelled">{translator("fr").gettext("modelled")}</span>',
        "&lt;b&gt;x&lt;/b&gt;",
        '<span class="method method-&lt;i&gt;">&lt;i&gt;</span>',
    ]
