"""Reading a submitted long CSV: ``indicator,year,value,unit`` plus optional columns.

Optional columns: ``entity_id,method,source,comment,country,subsector``; a ``name`` column (as
in the generated CSV template) is ignored. Any common encoding (see :mod:`.encoding`); comma,
semicolon or tab separated. Values stay text here: numbers are read later, once the file's
number format is known.

Memory is bounded: a file of more than ``max_values`` rows (``defaults.toml``) is refused as
soon as the reader gets there; the text is split into lines one at a time (never copied whole),
texts that repeat (indicator, unit, year, ...) are kept once, and the reader's notices are
bounded like a report's findings (the first ``findings_per_rule``, then a count).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from typing import Final

from ictfootprint.collection.encoding import decode
from ictfootprint.collection.findings import findings_per_rule
from ictfootprint.collection.raw import FIELDS, Cell, Notice, RawFile, RawValue, RowCells
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.loader import defaults

REQUIRED: Final = ("indicator", "year", "value", "unit")
OPTIONAL: Final = ("entity_id", "method", "source", "comment", "country", "subsector", "name")
# a line and its end (\r\n, \r or \n, as csv and universal newlines read them), or a last
# line without one
_LINE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_SHARED_TEXTS: Final = 100_000  # distinct texts kept once; beyond, new ones are not shared


def read_csv(data: bytes, name: str, *, encoding: str | None = None) -> RawFile:
    """Read a long CSV submission; :class:`InputError` if it is not one at all."""
    text, used = decode(data, name, encoding)
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(_lines(text), delimiter=delimiter)
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
    positions: dict[str, int] = {f: header.index(f) for f in FIELDS if f in header}
    fields = tuple(positions)  # one tuple for every row's cells
    shared: dict[str, str] = {}
    wrong, limit = 0, findings_per_rule()
    most = int(defaults()["collection"]["max_values"])
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(result.values) + wrong >= most:
                raise InputError(
                    "too many rows for one submission: split the file (by year, for example)",
                    Location(file=name, row=number),
                    expected=f"at most {most:,} values",
                    found=f"more than {most:,}: reading stopped at row {number:,}",
                )
            if len(cells) != len(header):
                wrong += 1
                if wrong <= limit:
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
            result.values.append(_value(cells, positions, fields, shared, name, number))
    except csv.Error as exc:
        raise InputError(
            f"unreadable CSV: {exc}", Location(file=name, row=reader.line_num)
        ) from None
    if wrong > limit:
        result.notices.append(
            Notice(
                "csv-columns",
                "error",
                f"... and {wrong - limit:,} more rows with the wrong number of columns",
                Cell(Location(file=name)),
                omitted=wrong - limit,
            )
        )
    return result


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time (``io.StringIO`` would copy it, 4 bytes a letter)."""
    for match in _LINE.finditer(text):
        yield match.group()


def _value(
    cells: list[str],
    positions: dict[str, int],
    fields: tuple[str, ...],
    shared: dict[str, str],
    name: str,
    number: int,
) -> RawValue:
    got = {field: _shared(cells[index].strip(), shared) for field, index in positions.items()}
    return RawValue(
        indicator=got["indicator"],
        year=got["year"],
        value=got["value"],
        unit=got["unit"] or None,
        cells=RowCells(name, number, fields),
        entity_id=got.get("entity_id") or None,
        method=got.get("method") or None,
        source=got.get("source") or None,
        comment=got.get("comment") or None,
        country=got.get("country") or None,
        subsector=got.get("subsector") or None,
    )


def _shared(text: str, shared: dict[str, str]) -> str:
    """One object for a text that repeats (the same indicator on a million rows)."""
    found = shared.get(text)
    if found is not None:
        return found
    if len(shared) < _SHARED_TEXTS:
        shared[text] = text
    return text
