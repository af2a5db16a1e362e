"""The indicator catalogue: what L.1472-style data exists, in which unit, at which level.

Read from ``indicators.csv`` (one indicator a row, reviewable as a table). The file's grammar:
``levels``, ``subsectors``, ``standard``, ``components`` and ``categories`` hold several values
joined by ``;``; ``subsectors`` may be ``all``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.loader import read_csv

LANGUAGES: Final = ("ar", "zh", "en", "fr", "ru", "es")
LEVELS: Final = ("entity", "national", "global")
VALUE_TYPES: Final = ("quantity", "year", "category")
SUBSECTORS: Final = (
    "mobile_network",
    "fixed_network",
    "data_centre",
    "user_equipment",
    "enterprise_network",
    "manufacturing",
    "software_services",
)
SCOPES: Final = (
    "1",
    "2-location",
    "2-market",
    "3",
    *(f"3.{n}" for n in range(1, 16)),
    "1+2-location",
    "1+2-market",
    "1+2+3-location",
    "1+2+3-market",
)


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry."""

    id: str
    value_type: str
    unit: str
    levels: tuple[str, ...]
    subsectors: tuple[str, ...]
    scope: str | None
    standard: tuple[str, ...]
    components: tuple[str, ...]
    categories: tuple[str, ...]
    names: dict[str, str]
    definitions: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names[language(lang)]

    def definition(self, lang: str = "en") -> str:
        return self.definitions[language(lang)]

    def as_row(self, lang: str = "en") -> dict[str, object]:
        """A flat record in one language (what ``catalogue --format json`` prints)."""
        return {
            "id": self.id,
            "name": self.name(lang),
            "definition": self.definition(lang),
            "value_type": self.value_type,
            "unit": self.unit or None,
            "levels": list(self.levels),
            "subsectors": list(self.subsectors),
            "scope": self.scope,
            "standard": list(self.standard),
            "components": list(self.components),
            "categories": list(self.categories),
        }


def language(lang: str) -> str:
    code = lang.strip().lower().split("-")[0].split("_")[0]
    if code not in LANGUAGES:
        raise InputError(
            "unsupported language",
            Location(field="lang"),
            expected="one of " + ", ".join(LANGUAGES),
            found=lang,
        )
    return code


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


@cache
def catalogue() -> dict[str, Indicator]:
    """All indicators by id, in file order. Checked for consistency on first load."""
    indicators: dict[str, Indicator] = {}
    for number, row in enumerate(read_csv("indicators.csv"), start=2):
        subsectors = _split(row["subsectors"])
        indicator = Indicator(
            id=row["id"].strip(),
            value_type=row["value_type"].strip(),
            unit=row["unit"].strip(),
            levels=_split(row["levels"]),
            subsectors=SUBSECTORS if subsectors == ("all",) else subsectors,
            scope=row["scope"].strip() or None,
            standard=_split(row["standard"]),
            components=_split(row["components"]),
            categories=_split(row["categories"]),
            names={lang: row[f"name_{lang}"].strip() for lang in LANGUAGES},
            definitions={lang: row[f"definition_{lang}"].strip() for lang in LANGUAGES},
        )
        _check(indicator, number, indicators)
        indicators[indicator.id] = indicator
    for indicator in indicators.values():
        for part in indicator.components:
            if part not in indicators or indicators[part].unit != indicator.unit:
                raise ReferenceDataError(
                    f"indicators.csv: component {part!r} of {indicator.id!r} is missing "
                    "or has another unit"
                )
    return indicators


def _check(indicator: Indicator, number: int, seen: dict[str, Indicator]) -> None:
    def fail(problem: str) -> ReferenceDataError:
        return ReferenceDataError(f"indicators.csv, row {number} ({indicator.id}): {problem}")

    if indicator.id in seen:
        raise fail("duplicate id")
    if indicator.value_type not in VALUE_TYPES:
        raise fail(f"value_type {indicator.value_type!r}")
    if (indicator.value_type == "quantity") != bool(indicator.unit):
        raise fail("a quantity needs a unit; a year or a category has none")
    if not indicator.levels or set(indicator.levels) - set(LEVELS):
        raise fail(f"levels {indicator.levels}")
    if not indicator.subsectors or set(indicator.subsectors) - set(SUBSECTORS):
        raise fail(f"subsectors {indicator.subsectors}")
    if indicator.scope is not None and indicator.scope not in SCOPES:
        raise fail(f"scope {indicator.scope!r}")
    if indicator.value_type == "category" and not indicator.categories:
        raise fail("a category indicator needs its categories")
    if not all(indicator.names.values()) or not all(indicator.definitions.values()):
        raise fail("a name or definition is empty")


def indicator(indicator_id: str, where: Location | None = None) -> Indicator:
    """The catalogue entry for an id; :class:`InputError` naming the id if there is none."""
    found = catalogue().get(indicator_id.strip())
    if found is None:
        raise InputError(
            "unknown indicator",
            where or Location(field="indicator"),
            expected="an indicator id of the catalogue (ictfootprint catalogue)",
            found=indicator_id,
        )
    return found
