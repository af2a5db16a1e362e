"""Raw values → observations in canonical units, collecting every problem as a finding.

Unlike a loader that stops at the first bad row, a submission's report must list everything
that is wrong, each at its cell, so the sender can fix the file in one go.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ictfootprint.collection.characters import digit_script, printable, refused_character
from ictfootprint.collection.findings import Finding, FindingLog, Severity
from ictfootprint.collection.numbers import (
    NumberError,
    NumberFormat,
    detect_format,
    is_not_available,
    parse_number,
)
from ictfootprint.collection.raw import FIELDS, RawValue
from ictfootprint.errors import InputError
from ictfootprint.model import Method
from ictfootprint.normalise import MagnitudeError, normalised_fields
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.loader import defaults
from ictfootprint.units import likely_units

INPUT_METHODS = {m.value: m for m in (Method.REPORTED, Method.ESTIMATED, Method.STATISTICAL)}


@dataclass(frozen=True, slots=True)
class Checked:
    """A value that passed normalisation (canonical unit), with the raw value it came from.

    A plain slotted record, not a pydantic model: a 100,000-row file makes 100,000 of them.
    """

    raw: RawValue
    entity_id: str
    indicator_id: str
    year: int
    value: float | None
    unit: str | None
    value_text: str | None
    value_received: str | None
    unit_received: str | None
    method: str
    source: str
    country: str | None
    subsector: str | None
    comment: str | None
    gwp_set: str | None
    lineage: dict[str, Any] | None  # the GWP value used, where a gas was converted

    @property
    def key(self) -> tuple[str, int, str | None, str | None]:
        return (self.indicator_id, self.year, self.country, self.subsector)

    def payload(self) -> dict[str, Any]:
        """The observation as stored with the submission (and written on acceptance)."""
        return {name: getattr(self, name) for name in _PAYLOAD if getattr(self, name) is not None}


_PAYLOAD = (
    "entity_id",
    "indicator_id",
    "year",
    "value",
    "unit",
    "value_text",
    "value_received",
    "unit_received",
    "method",
    "source",
    "country",
    "subsector",
    "comment",
    "gwp_set",
    "lineage",
)


def number_format(
    values: Iterable[RawValue], declared: NumberFormat | None
) -> tuple[NumberFormat, set[str]]:
    """The file's number format (declared, or detected from every text value)."""
    if declared is not None:
        return declared, set()
    texts = [v.value for v in values if isinstance(v.value, str) and v.value.strip()]
    return detect_format(t for t in texts if not is_not_available(t))


def check_values(
    values: list[RawValue],
    *,
    entity_id: str,
    source: str,
    fmt: NumberFormat,
    mixed: set[str],
    today: datetime | None = None,
) -> tuple[list[Checked], list[Finding]]:
    """Normalise every raw value; a value with a problem becomes a finding instead.

    The findings are bounded as a report bounds them (:class:`FindingLog`): a file of a million
    bad rows gives a hundred findings of each rule and counts, never a million findings.
    """
    latest_year = (today or datetime.now(UTC)).year
    earliest = int(defaults()["validation"]["earliest_year"])
    checked: list[Checked] = []
    findings = FindingLog()
    years: dict[int, int] = {}
    known = catalogue()
    for raw in values:
        problem = _characters(raw) or _required(raw)
        if problem:
            findings.add(problem)
            continue
        if raw.entity_id and raw.entity_id != entity_id:
            findings.add(
                _finding(
                    "entity-match",
                    raw,
                    "entity_id",
                    "row is for another entity than the submission's",
                    expected=entity_id,
                    found=raw.entity_id,
                )
            )
            continue
        year, problem = _year(raw, earliest, latest_year)
        if problem:
            findings.add(problem)
            continue
        year = years.setdefault(year, year)  # one int object per year, not one per value
        notes = _digit_notes(raw, year) if not f"{raw.year}{raw.value}".isascii() else []
        entry = known.get(raw.indicator.strip())
        if entry is None:
            findings.add(
                _finding(
                    "indicator-known",
                    raw,
                    "indicator",
                    "unknown indicator",
                    expected="an id of the catalogue",
                    found=raw.indicator,
                    year=year,
                )
            )
            continue
        if isinstance(raw.value, str) and is_not_available(raw.value):
            findings.add(
                _finding(
                    "not-available",
                    raw,
                    "value",
                    "marked as not available: left out",
                    severity=Severity.WARNING,
                    found=raw.value,
                    year=year,
                )
            )
            continue
        value, problem = _value(raw, entry.value_type, entry.categories, fmt, mixed)
        if problem:
            findings.add(problem)
            continue
        for note in notes:
            findings.add(note)
        method = INPUT_METHODS.get((raw.method or "reported").strip().lower())
        if method is None:
            findings.add(
                _finding(
                    "method-known",
                    raw,
                    "method",
                    "unknown method",
                    expected=", ".join(INPUT_METHODS),
                    found=raw.method,
                    year=year,
                )
            )
            continue
        try:
            fields = normalised_fields(
                indicator_id=entry.id,
                value=value,
                unit=raw.unit,
                country=raw.country,
                subsector=raw.subsector,
                received=raw.value if isinstance(raw.value, str) else None,
            )
        except InputError as error:
            field = error.location.field or "value"
            rule = {
                "unit": "unit-known",
                "country": "country-known",
                "subsector": "subsector-known",
            }.get(field, "value-readable")
            if rule == "unit-known" and "cannot convert" in error.message:
                rule = "unit-compatible"
            if isinstance(error, MagnitudeError):
                rule = "value-magnitude"
            expected = error.expected
            if rule == "unit-known" and expected is None:
                expected = likely_units(raw.unit or "", entry.unit)
            findings.add(
                _finding(
                    rule, raw, field, error.message, expected=expected, found=error.found, year=year
                )
            )
            continue
        checked.append(
            Checked(
                raw=raw,
                entity_id=entity_id,
                year=year,
                method=method.value,
                source=raw.source or source,
                comment=raw.comment,
                **fields,
            )
        )
    return checked, findings.findings()


def _finding(
    rule: str,
    raw: RawValue,
    field: str,
    message: str,
    *,
    severity: Severity = Severity.ERROR,
    expected: str | None = None,
    found: object = None,
    year: int | None = None,
) -> Finding:
    cell = raw.cells.get(field) or raw.where
    if year is None and isinstance(raw.year, int):
        year = raw.year
    return Finding.at(
        rule,
        severity,
        message,
        cell,
        indicator=printable(raw.indicator) or None,
        year=year,
        expected=expected,
        found=None if found is None else printable(str(found)[:200]),
    )


def _characters(raw: RawValue) -> Finding | None:
    """Text no database keeps (NUL, other C0 controls, lone surrogates), named by code point."""
    r = raw  # the common case, one search a row: every field in one string (None as "None")
    row = (
        f"{r.indicator}\t{r.year}\t{r.value}\t{r.unit}\t{r.entity_id}\t{r.method}\t"
        f"{r.source}\t{r.comment}\t{r.country}\t{r.subsector}"
    )
    if refused_character(row) is None:
        return None
    for field in FIELDS:
        text = getattr(raw, field)
        where = refused_character(text) if isinstance(text, str) else None
        if where is not None:
            return _finding(
                "text-characters",
                raw,
                field,
                f"{field} holds a control character or a lone surrogate: not stored",
                expected="text without control characters (tab and line breaks are fine)",
                found=where,
            )
    return None


def _digit_notes(raw: RawValue, year: int) -> list[Finding]:
    """Warnings for a year or a value written in digits of another script (read as numbers)."""
    notes = []
    for field, text in (("year", raw.year), ("value", raw.value)):
        script = digit_script(text) if isinstance(text, str) else None
        if script is not None:
            notes.append(
                _finding(
                    "digits-converted",
                    raw,
                    field,
                    f"{script} digits read as Western digits 0-9",
                    severity=Severity.WARNING,
                    found=text,
                    year=year,
                )
            )
    return notes


def _required(raw: RawValue) -> Finding | None:
    for field, present in (
        ("indicator", raw.indicator),
        ("year", str(raw.year).strip()),
        ("value", raw.value if raw.value is not None else ""),
    ):
        if present == "" or present is None:
            return _finding("required-field", raw, field, f"missing {field}")
    return None


def _year(raw: RawValue, earliest: int, latest: int) -> tuple[int, Finding | None]:
    text = str(raw.year).strip()
    # digits only: int() would also take "2_023", "+2023" and " 2023 " as 2023
    if isinstance(raw.year, int):
        year = raw.year
    elif text.isdecimal():
        year = int(text) if len(text) <= 9 else 10**9
    else:
        return 0, _finding(
            "year-range",
            raw,
            "year",
            "year is not a whole number",
            expected=f"a year from {earliest} to {latest} in digits",
            found=text[:50],
        )
    if year > latest:
        return year, _finding(
            "year-range",
            raw,
            "year",
            "year in the future",
            expected=f"{earliest} to {latest}",
            found=text,
        )
    if year < earliest:
        return year, _finding(
            "year-range",
            raw,
            "year",
            "year too early",
            expected=f"{earliest} to {latest}",
            found=text,
        )
    return year, None


def _value(
    raw: RawValue,
    value_type: str,
    categories: tuple[str, ...],
    fmt: NumberFormat,
    mixed: set[str],
) -> tuple[str | float, Finding | None]:
    if value_type == "category":
        text = str(raw.value).strip()
        if text not in categories:
            return text, _finding(
                "category-known",
                raw,
                "value",
                "not one of the categories",
                expected=", ".join(categories),
                found=text,
            )
        return text, None
    if isinstance(raw.value, int | float):
        try:
            number = float(raw.value)
        except OverflowError:  # an integer of hundreds of digits
            number = math.inf
    else:
        text = str(raw.value)
        if text in mixed:
            return text, _finding(
                "number-format",
                raw,
                "value",
                f"mixed decimal marks in the file: this number does not use {fmt.decimal!r}",
                expected="one decimal mark throughout the file (or declare the locale)",
                found=text,
            )
        try:
            number = parse_number(text, fmt)
        except NumberError as error:
            return text, _finding(
                "number-format", raw, "value", str(error), expected=error.expected, found=text
            )
    if not math.isfinite(number):
        return number, _finding(
            "value-magnitude",
            raw,
            "value",
            "value is not a finite number",
            expected="a finite number",
            found="an integer too large" if isinstance(raw.value, int) else str(raw.value)[:40],
        )
    if value_type == "year":
        if number != int(number):
            return number, _finding(
                "value-readable", raw, "value", "a year must be whole", found=raw.value
            )
        return str(int(number)), None
    return number, None
