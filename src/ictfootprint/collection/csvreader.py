"""Reading a submitted long CSV: ``indicator,year,value,unit`` plus optional columns.

Optional columns: ``entity_id,method,source,comment,country,subsector``; a ``name`` column (as
in the generated CSV template) is ignored. Any common encoding (see :mod:`.encoding`); comma,
semicolon or tab separated. Values stay text here: numbers are read later, once the file's
number format is known.
"""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Final

from ictfootprint.collection.encoding import decode
from ictfootprint.collection.raw import Cell, Notice, RawFile, RawValue, RowCells
from ictfootprint.errors import InputError, Location

REQUIRED: Final = ("indicator", "year", "value", "unit")
OPTIONAL: Final = ("entity_id", "method", "source", "comment", "country", "subsector", "name")
_FIELDS: Final = (
    "indicator",
    "year",
    "value",
    "unit",
    "entity_id",
    "method",
    "source",
    "comment",
    "country",
    "subsector",
)


def read_csv(data: bytes, name: str, *, encoding: str | None = None) -> RawFile:
    """Read a long CSV submission; :class:`InputError` if it is not one at all."""
    text, used = decode(data, name, encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as exc:
        raise InputError(f"unreadable CSV header: {exc}", Location(file=name, row=1)) from None
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            Location(file=name, row=1, field=missing[0]),
            expected="columns " + ",".join(REQUIRED) + " (optional: " + ",".join(OPTIONAL) + ")",
            found=",".join(header)[:200],
        )
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r}",
            Location(file=name, row=1, column=unknown[0]),
            expected="only " + ",".join(REQUIRED + OPTIONAL),
        )
    if len(set(header)) != len(header):
        raise InputError("a column appears twice", Location(file=name, row=1))
    result = RawFile(name, "csv", hashlib.sha256(data).hexdigest(), encoding=used)
    positions: dict[str, int] = {f: header.index(f) for f in _FIELDS if f in header}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                result.notices.append(
                    Notice(
                        "csv-columns",
                        "error",
                        "wrong number of columns; row not read",
                        Cell(Location(file=name, row=number)),
                        found=str(len(cells)),
                        expected=str(len(header)),
                    )
                )
                continue
            result.values.append(_value(cells, positions, name, number))
    except csv.Error as exc:
        raise InputError(
            f"unreadable CSV: {exc}", Location(file=name, row=reader.line_num)
        ) from None
    return result


def _value(cells: list[str], positions: dict[str, int], name: str, number: int) -> RawValue:
    got = {field: cells[index].strip() for field, index in positions.items()}
    return RawValue(
        indicator=got["indicator"],
        year=got["year"],
        value=got["value"],
        unit=got["unit"] or None,
        cells=RowCells(name, number, tuple(positions)),
        entity_id=got.get("entity_id") or None,
        method=got.get("method") or None,
        source=got.get("source") or None,
        comment=got.get("comment") or None,
        country=got.get("country") or None,
        subsector=got.get("subsector") or None,
    )
