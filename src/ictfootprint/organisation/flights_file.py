"""A travel agency's flight list (CSV): one row a booked leg, IATA airport codes.

Columns (header names compared lower-case, spaces and hyphens read as ``_``):

=============  ==========================================  ==================================
column         also accepted as                            values
=============  ==========================================  ==================================
origin         from, departure, dep                        IATA airport code (GVA)
destination    to, arrival, arr                            IATA airport code (JFK)
cabin          class, cabin_class                          economy, premium_economy, business,
                                                           first (also Y/W/C/J/F, "Economy
                                                           class", "premium economy")
date           departure_date, travel_date                 YYYY-MM-DD, within the year given
passengers     pax                   (optional, 1)         whole number, 1 to 1,000
trip           journey, type         (optional, one-way)   one-way (oneway, single, OW) or
                                                           return (round-trip, RT)
=============  ==========================================  ==================================

Any other column is refused. The bytes go through the collection's decoder (UTF-8, UTF-16,
GB18030, Windows-1256, Latin-1; binary refused) and the file may be at most ``[collection]
max_file_megabytes``. Every check runs on whole columns; the first failure is one error
naming its row and field, and how many rows share it. Nothing is stored by reading.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from ictfootprint.collection.encoding import decode
from ictfootprint.compute.travel import positions
from ictfootprint.csvfile import read_bounded
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.travel import airports

ALIASES: Final = {
    "origin": ("origin", "from", "departure", "dep"),
    "destination": ("destination", "to", "arrival", "arr"),
    "cabin": ("cabin", "class", "cabin_class"),
    "date": ("date", "departure_date", "travel_date"),
    "passengers": ("passengers", "pax"),
    "trip": ("trip", "journey", "type"),
}
REQUIRED: Final = ("origin", "destination", "cabin", "date")
CABIN_NAMES: Final = {
    "economy": "economy",
    "y": "economy",
    "premium_economy": "premium_economy",
    "premium": "premium_economy",
    "w": "premium_economy",
    "business": "business",
    "c": "business",
    "j": "business",
    "first": "first",
    "f": "first",
}
TRIP_NAMES: Final = {
    "one_way": 1,
    "oneway": 1,
    "single": 1,
    "ow": 1,
    "return": 2,
    "round_trip": 2,
    "roundtrip": 2,
    "rt": 2,
}
MAX_PASSENGERS: Final = 1000
_WORD: Final = re.compile(r"[\s\-]+")


def _key(text: str) -> str:
    return _WORD.sub("_", text.strip().lower())


def read_flights(path: Path, year: int, *, encoding: str | None = None) -> pd.DataFrame:
    """The legs of ``path`` as ``row, origin, destination, cabin, passengers, trips, date``."""
    name = str(path)
    return parse_flights(read_bounded(path), name, year, encoding=encoding)


def parse_flights(
    data: bytes, name: str, year: int, *, encoding: str | None = None
) -> pd.DataFrame:
    text, _used = decode(data, name, encoding)
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max((",", ";", "\t"), key=first_line.count)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    columns = _columns(header, name)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"unreadable CSV: {str(exc).strip()[:200]}", Location(file=name)) from None
    frame.columns = columns
    frame = frame[(frame != "").any(axis=1)]
    if frame.empty:
        raise InputError("no flight in the file", Location(file=name), expected="one row a leg")
    rows = frame.index.to_numpy() + 2  # the header is row 1
    legs = pd.DataFrame({"row": rows})
    for column in ("origin", "destination"):
        legs[column] = frame[column].str.strip().str.upper().to_numpy()
    known = airports().index
    for column in ("origin", "destination"):
        unknown = positions(legs[column], known) < 0
        _refuse(
            name,
            rows,
            column,
            unknown,
            legs[column],
            "unknown airport code",
            "an IATA airport code",
        )
    _refuse(
        name,
        rows,
        "destination",
        (legs.origin == legs.destination).to_numpy(),
        legs.destination,
        "a leg with the same origin and destination",
        "another airport",
    )
    cabins = _by_value(frame["cabin"], lambda c: CABIN_NAMES.get(_key(c).removesuffix("_class")))
    _refuse(
        name,
        rows,
        "cabin",
        pd.isna(cabins),
        frame["cabin"],
        "unknown cabin",
        "economy, premium_economy, business or first",
    )
    legs["cabin"] = cabins
    legs["passengers"] = _passengers(frame, name, rows)
    legs["trips"] = _trips(frame, name, rows)
    dates = pd.to_datetime(
        pd.Series(_by_value(frame["date"], str.strip)), format="%Y-%m-%d", errors="coerce"
    )
    _refuse(name, rows, "date", dates.isna().to_numpy(), frame["date"], "not a date", "YYYY-MM-DD")
    _refuse(
        name,
        rows,
        "date",
        (dates.dt.year != year).to_numpy(),
        frame["date"],
        "date outside the year",
        f"a date in {year}",
    )
    legs["date"] = dates.to_numpy()
    return legs


def _columns(header: list[str], name: str) -> list[str]:
    lookup = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
    columns: list[str] = []
    for position, cell in enumerate(header, start=1):
        column = lookup.get(_key(cell))
        if column is None:
            raise InputError(
                f"unknown column {cell.strip()[:40]!r}",
                Location(file=name, row=1, column=str(position)),
                expected="origin, destination, cabin, date, passengers, trip (or their "
                "documented variants)",
            )
        if column in columns:
            raise InputError(f"column {column!r} appears twice", Location(file=name, row=1))
        columns.append(column)
    for column in REQUIRED:
        if column not in columns:
            raise InputError(
                f"missing column {column!r}",
                Location(file=name, row=1, field=column),
                expected="columns " + ", ".join(REQUIRED) + " (optional: passengers, trip)",
                found=",".join(header)[:200],
            )
    return columns


def _by_value(column: pd.Series, convert: Callable[[str], Any]) -> np.ndarray:
    """``convert`` applied once per distinct value (a flight list repeats a few hundred
    cabins, dates and trip types over a million rows), spread back over the rows."""
    codes, uniques = pd.factorize(column)
    converted = np.array([convert(str(u)) for u in uniques] + [None], dtype=object)
    return np.asarray(converted[codes])


def _passengers(frame: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    if "passengers" not in frame.columns:
        return np.ones(len(frame), dtype=np.int64)
    raw = frame["passengers"].str.strip().replace("", "1")
    number = pd.to_numeric(raw, errors="coerce")
    bad = number.isna() | (number % 1 != 0) | (number < 1) | (number > MAX_PASSENGERS)
    _refuse(
        name,
        rows,
        "passengers",
        bad.to_numpy(),
        frame["passengers"],
        "passengers must be a whole number",
        f"1 to {MAX_PASSENGERS:,}",
    )
    return number.to_numpy(dtype=np.int64)


def _trips(frame: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    if "trip" not in frame.columns:
        return np.ones(len(frame), dtype=np.int64)
    trips = _by_value(frame["trip"], lambda t: TRIP_NAMES.get(_key(t)) if t.strip() else 1)
    _refuse(
        name, rows, "trip", pd.isna(trips), frame["trip"], "unknown trip type", "one-way or return"
    )
    return trips.astype(np.int64)


def _refuse(
    name: str,
    rows: np.ndarray,
    field: str,
    bad: np.ndarray,
    values: pd.Series,
    message: str,
    expected: str,
) -> None:
    """One error at the first offending row, with the count of the others."""
    count = int(bad.sum())
    if not count:
        return
    first = int(np.argmax(bad))
    found = str(values.iloc[first])[:40]
    more = f" (and {count - 1:,} more row(s))" if count > 1 else ""
    raise InputError(
        message + more,
        Location(file=name, row=int(rows[first]), field=field),
        expected=expected,
        found=found,
    )
