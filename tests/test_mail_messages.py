"""The messages' text: every kind in the six UN languages, dates the language's way, the link
as given, and parameters kept to one line."""

from __future__ import annotations

from datetime import date

import pytest

from ictfootprint.errors import InputError
from ictfootprint.mail.messages import KINDS, render
from ictfootprint.reference.catalogue import LANGUAGES

PARAMS = {
    "round_name": "Enquête annuelle",
    "custodian": "ARCEP",
    "year": 2025,
    "deadline": date(2026, 3, 31),
    "link": "https://footprint.example.org/xx/r/ifl_personal",
    "entity_name": "Opérateur A",
}
DEADLINES = {
    "en": "March 31, 2026",
    "fr": "31 mars 2026",
    "es": "31 de marzo de 2026",
    "ru": "31 марта 2026 г.",
    "zh": "2026年3月31日",
    "ar": "31 مارس 2026",
}


def spaced(text: str) -> str:
    """CLDR puts no-break spaces in some dates (31 марта 2026 г.): compared as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_is_written_in_every_language(kind: str, lang: str) -> None:
    subject, body = (spaced(text) for text in render(kind, lang, **PARAMS))
    assert DEADLINES[lang] in subject and DEADLINES[lang] in body
    assert "Enquête annuelle" in subject and "2025" in subject
    assert PARAMS["link"] in body.splitlines()
    assert "Opérateur A" in body and "ARCEP" in body
    assert "2,025" not in body and "2 025" not in body  # a year is not grouped like a number
    english, _ = render(kind, "en", **PARAMS)
    assert (subject == english) is (lang == "en")
    assert ".." not in body  # a date that ends with a point (2026 г.) ends no sentence twice


def test_the_three_kinds_say_different_things() -> None:
    subjects = {render(kind, "en", **PARAMS)[0].split(":")[0] for kind in KINDS}
    assert subjects == {"ARCEP", "Reminder", "Overdue"}


def test_a_line_break_in_a_parameter_stays_on_one_line() -> None:
    subject, body = render(
        "round-invitation", "en", **{**PARAMS, "entity_name": "Op A\r\nBcc: x@example.org"}
    )
    assert "\n" not in subject and "\r" not in body
    assert "Op A Bcc: x@example.org" in body


@pytest.mark.parametrize(
    ("kind", "lang", "params", "field"),
    [
        ("round-welcome", "en", PARAMS, "kind"),
        ("round-invitation", "de", PARAMS, "lang"),
        ("round-invitation", "en", {**PARAMS, "link": ""}, "link"),
        ("round-invitation", "en", {**PARAMS, "deadline": "2026-03-31"}, "deadline"),
    ],
)
def test_a_wrong_kind_language_or_parameter_is_a_clear_error(
    kind: str, lang: str, params: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as raised:
        render(kind, lang, **params)
    assert raised.value.location.field == field
