"""Reading a published file of national statistics: Our World in Data's long CSVs.

Formats (OWID's own column names; other columns are ignored):

* ``owid-co2`` — ``owid-co2-data.csv``: ``total_ghg_excluding_lucf`` (MtCO2e, land use
  excluded, as the national inventories the catalogue's ``economy_ghg_total`` means) and
  ``co2`` (fossil and industry CO2, MtCO2) → ``economy_ghg_total``, ``economy_co2_total``.
  OWID's ``total_ghg`` includes land-use change (Finland 2022: 82.7 Mt with it, 48.2 Mt
  without) and is not read.
* ``owid-energy`` — ``owid-energy-data.csv``: ``electricity_demand`` (TWh: generation plus
  net imports) → ``economy_electricity``.

Rows are keyed by ``iso_code``: an ISO 3166 alpha-3 code is a country; ``OWID_WRL`` is the
world (entity ``WORLD``) and ``OWID_KOS`` Kosovo (``XKX``); OWID's other aggregates (an empty
``iso_code``: continents, income groups, "Europe (GCP)"; other ``OWID_`` codes) are skipped
and counted, never read as a country. Any other code stops the file.

The file is read whole or not at all: the first bad cell raises an :class:`InputError`
naming file, row and column. Bytes are decoded like a submission (BOM, UTF-16, Latin-1, ...;
binary refused) and the file may be at most ``[collection] max_file_megabytes``.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ictfootprint.collection.encoding import decode
from ictfootprint.csvfile import read_bounded
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.catalogue import indicator
from ictfootprint.reference.countries import countries, country
from ictfootprint.reference.loader import defaults
from ictfootprint.units import convert

WORLD: Final = "WORLD"
KEYS: Final = ("country", "year", "iso_code")
#: The years an observation may have (model.Observation).
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2200


@dataclass(frozen=True)
class Column:
    """A column of a published file read as one catalogue indicator."""

    name: str
    indicator: str
    unit: str  # the unit the publisher states for the column
    meaning: str  # what the column is, in the publisher's words (recorded in each source)


FORMATS: Final[dict[str, tuple[Column, ...]]] = {
    "owid-co2": (
        Column(
            "total_ghg_excluding_lucf",
            "economy_ghg_total",
            "Mt CO2e",
            "total greenhouse gas emissions excluding land-use change and forestry",
        ),
        Column("co2", "economy_co2_total", "Mt CO2", "CO2 emissions, fossil and industry"),
    ),
    "owid-energy": (
        Column(
            "electricity_demand",
            "economy_electricity",
            "TWh",
            "electricity demand (generation plus net imports)",
        ),
    ),
}
#: OWID codes that are areas the program knows (the rest of ``OWID_*`` are aggregates).
OWID_AREAS: Final = {"OWID_WRL": WORLD, "OWID_KOS": "XKX"}

_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class NationalValue:
    """One statistic as read: area (ISO3 or WORLD), indicator, year, value in the canonical
    unit, and the cell it came from."""

    area: str
    indicator: str
    year: int
    value: float
    unit: str
    received: str
    unit_received: str
    column: str
    row: int


@dataclass
class NationalFile:
    """A read file: its values and what identifies it; what was left out is counted."""

    format: str
    file_name: str
    sha256: str
    values: list[NationalValue] = field(default_factory=list)
    aggregates_skipped: int = 0
    rows_filtered: int = 0

    @property
    def areas(self) -> list[str]:
        return sorted({v.area for v in self.values})


def area_code(code: str, where: Location | None = None) -> str:
    """A ``--country`` filter value as the area it names: ISO code (any form) or the world."""
    text = code.strip().upper()
    if text in (WORLD, "OWID_WRL"):
        return WORLD
    if text in OWID_AREAS:
        return OWID_AREAS[text]
    if text.startswith("OWID_"):
        raise InputError(
            "an OWID aggregate, not a country or the world: it is never imported",
            where or Location(field="country"),
            expected="an ISO 3166 country code, or OWID_WRL/WORLD",
            found=code,
        )
    return country(code, where or Location(field="country")).iso3


def read_national_file(
    path: Path,
    fmt: str,
    *,
    years: tuple[int, int] | None = None,
    areas: Collection[str] | None = None,
) -> NationalFile:
    """Read ``path`` in format ``fmt`` whole, or raise an :class:`InputError` saying where."""
    name = str(path)
    columns = FORMATS.get(fmt)
    if columns is None:
        raise InputError(
            "unknown national statistics format",
            Location(file=name, field="format"),
            expected=" or ".join(FORMATS),
            found=fmt,
        )
    data = read_bounded(path)
    text, _encoding = decode(data, name)
    reader = csv.reader(_lines(text))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as exc:
        raise InputError(f"unreadable CSV header: {exc}", Location(file=name, row=1)) from None
    _check_header(header, columns, fmt, name)
    position = {column: header.index(column) for column in (*KEYS, *(c.name for c in columns))}
    first, last = years or (int(defaults()["validation"]["earliest_year"]), 2100)
    _check_years(first, last)
    wanted = set(areas) if areas is not None else None
    result = NationalFile(fmt, path.name, hashlib.sha256(data).hexdigest())
    seen: dict[tuple[str, int], int] = {}
    most = int(defaults()["collection"]["max_values"])
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise InputError(
                    "wrong number of columns",
                    Location(file=name, row=number),
                    expected=str(len(header)),
                    found=str(len(cells)),
                )
            code = cells[position["iso_code"]].strip()
            if wanted is not None and OWID_AREAS.get(code.upper(), code.upper()) not in wanted:
                result.rows_filtered += 1  # not asked for: its code is not even looked up
                continue
            area = _area(code, Location(name, None, number, "iso_code", "iso_code"))
            if area is None:
                result.aggregates_skipped += 1
                continue
            year = _year(
                cells[position["year"]].strip(), Location(name, None, number, "year", "year")
            )
            if not first <= year <= last or (wanted is not None and area not in wanted):
                result.rows_filtered += 1
                continue
            if (area, year) in seen:
                raise InputError(
                    f"the same area and year twice (first at row {seen[area, year]})",
                    Location(name, None, number, "iso_code", "iso_code"),
                    found=f"{area} {year}",
                )
            seen[area, year] = number
            for column in columns:
                cell = cells[position[column.name]].strip()
                if cell:
                    where = Location(name, None, number, column.name, column.name)
                    result.values.append(_value(cell, column, area, year, number, where))
            if len(result.values) > most:
                raise InputError(
                    "too many values for one import: filter by year or country",
                    Location(file=name, row=number),
                    expected=f"at most {most:,} values",
                )
    except csv.Error as exc:
        raise InputError(
            f"unreadable CSV: {exc}", Location(file=name, row=reader.line_num)
        ) from None
    if not result.values:
        raise InputError(
            "nothing to import: no country row in the years and countries asked for has a value",
            Location(file=name),
            expected=f"a value in {', '.join(c.name for c in columns)} for {first}-{last}",
        )
    return result


def _check_years(first: int, last: int) -> None:
    """The years asked for: observations hold 1900 to 2200 (OWID's series start in 1750)."""
    if not FIRST_YEAR <= first <= LAST_YEAR:
        raise InputError(
            "first year out of range",
            Location(field="from"),
            expected=f"{FIRST_YEAR} to {LAST_YEAR}",
            found=str(first),
        )
    if not first <= last <= LAST_YEAR:
        raise InputError(
            "last year out of range",
            Location(field="to"),
            expected=f"{first} to {LAST_YEAR}",
            found=str(last),
        )


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time, without copying it."""
    for match in _LINE.finditer(text):
        yield match.group()


def _check_header(header: list[str], columns: tuple[Column, ...], fmt: str, name: str) -> None:
    for column in (*KEYS, *(c.name for c in columns)):
        if column not in header:
            raise InputError(
                f"not an {fmt} file: missing column {column!r}",
                Location(file=name, row=1, column=column, field=column),
                expected="OWID's columns " + ",".join((*KEYS, *(c.name for c in columns))),
                found=",".join(header)[:200],
            )
        if header.count(column) > 1:
            raise InputError(
                f"column {column!r} appears twice", Location(name, None, 1, column, column)
            )


def _area(code: str, where: Location) -> str | None:
    """The area of an ``iso_code`` cell; ``None`` for an OWID aggregate."""
    upper = code.upper()
    if upper in OWID_AREAS:
        area = OWID_AREAS[upper]
        return area if area == WORLD or area in countries() else None
    if not code or upper.startswith("OWID_"):
        return None
    return country(code, where).iso3


def _year(text: str, where: Location) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError("year is not a whole number", where, found=text) from None


def _value(
    cell: str, column: Column, area: str, year: int, row: int, where: Location
) -> NationalValue:
    try:
        number = float(cell)
    except ValueError:
        raise InputError(
            "not a number", where, expected=f"a number in {column.unit}", found=cell
        ) from None
    if not math.isfinite(number):
        raise InputError("not a finite number", where, found=cell)
    if number < 0:
        raise InputError(
            "negative: a national total cannot be", where, expected="0 or more", found=cell
        )
    unit = indicator(column.indicator).unit
    value = convert(number, column.unit, unit).value
    limit = float(defaults()["national_statistics"]["max"][column.indicator])
    if value > limit:
        raise InputError(
            "too large for a national total (a unit or typing error?)",
            where,
            expected=f"at most {limit:,.0f} {unit}",
            found=cell,
        )
    return NationalValue(
        area, column.indicator, year, value, unit, cell, column.unit, column.name, row
    )
