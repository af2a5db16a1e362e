"""Reading a submitted workbook (.xlsx): refuse unsafe or unusable files, then hand over each
value as found, with the cell it came from.

The zip package is checked before openpyxl parses anything (:mod:`.xlsxpackage`: damaged,
encrypted, zip bomb, macros, a data sheet of more than ``MAX_CELLS`` cells). Formulas are never
evaluated: a formula in a data cell becomes an error notice and its value is not handed over;
likewise cells under merged ranges. Hidden sheets are never read; links to other workbooks are
never followed.

Two layouts are recognised: a template made by :mod:`.template` (custom document properties
``ictfootprint.*``; one row per indicator, one column per year) and the long layout (a header
row with at least ``indicator, year, value, unit``; one value per row).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ictfootprint.collection import template, xlsxpackage
from ictfootprint.collection.findings import findings_per_rule
from ictfootprint.collection.raw import Cell, Notice, RawFile, RawValue
from ictfootprint.collection.xlsxpackage import (
    DAMAGE,
    bounds,
    damaged,
    data_sheet,
    open_package,
    package_notices,
    package_parts,
    scan_sheet,
    too_many,
)
from ictfootprint.errors import InputError, Location

LONG_REQUIRED: Final = ("indicator", "year", "value", "unit")
LONG_OPTIONAL: Final = ("entity_id", "method", "source", "comment", "country", "subsector")
LONG_IGNORED: Final = ("name",)
TEMPLATE_READ: Final = ("id", "unit", "method", "source", "comment")  # name, required: not read


class SheetCells(Mapping[str, Cell]):
    """The cells of one value in a worksheet, made only when asked for (most never are).

    ``letters`` (field → column letter) is shared by every value of a column; ``fixed`` holds
    cells outside the value's row, such as the year header of a template's value.
    """

    __slots__ = ("file", "fixed", "letters", "row", "sheet")

    def __init__(
        self, file: str, sheet: str, row: int, letters: dict[str, str], fixed: dict[str, Cell]
    ) -> None:
        self.file, self.sheet, self.row, self.letters, self.fixed = file, sheet, row, letters, fixed

    def __getitem__(self, field: str) -> Cell:
        letter = self.letters.get(field)
        if letter is None:
            return self.fixed[field]
        return Cell(Location(self.file, self.sheet, self.row, letter, field), f"{letter}{self.row}")

    def __iter__(self) -> Iterator[str]:
        yield from self.letters
        yield from self.fixed

    def __len__(self) -> int:
        return len(self.letters) + len(self.fixed)


def read_xlsx(data: bytes, name: str) -> RawFile:
    """Read a submitted workbook: its values as found, each with its cell, and its notices.

    Raises :class:`InputError` (naming ``name``) when the file cannot or must not be read.
    """
    raw = RawFile(name=name, format="xlsx", sha256=hashlib.sha256(data).hexdigest())
    with open_package(data, name) as zf:
        parts = package_parts(zf, name)
        raw.notices.extend(package_notices(parts, name))
        props = parts.properties
        is_template = template.PROP_VERSION in props
        sheet = data_sheet(parts, name, props if is_template else None)
        merges = scan_sheet(zf, sheet, name)
    if is_template:
        raw.respondent = props.get(template.PROP_RESPONDENT)
        raw.language = props.get(template.PROP_LANGUAGE)
    reader = _SheetReader(name, sheet.title, merges)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about parts it skips; not the user's
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except DAMAGE as exc:
            raise damaged(name, exc) from None
        try:
            rows = _rows(wb[sheet.title], reader.where())
            (reader.read_template if is_template else reader.read_long)(rows)
        finally:
            wb.close()
    raw.values = reader.values
    raw.notices.extend(reader.notices)
    raw.notices.extend(reader.left_out())
    return raw


def _rows(ws: Any, where: Location) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Numbered rows of a read-only worksheet, counting cells against ``MAX_CELLS``."""
    ws.reset_dimensions()  # a wrong <dimension> would make openpyxl stop early, losing rows
    rows = ws.iter_rows()
    seen = 0
    for number in range(1, 2**31):
        try:
            row = next(rows, None)
        except DAMAGE as exc:
            raise damaged(str(where.file), exc) from None
        if row is None:
            return
        seen += max(len(row), 1)
        if seen > xlsxpackage.MAX_CELLS:  # also when <dimension> was missing or understated
            raise too_many(str(where.file), str(where.sheet), "more cells than the limit")
        yield number, row


@dataclass
class _SheetReader:
    """Turns the rows of the data sheet into values and notices."""

    file: str
    sheet: str
    merges: list[str]
    values: list[RawValue] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    merged: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # notices made per rule: beyond findings_per_rule they are counted, not kept
    made: Counter[str] = field(default_factory=Counter)
    limit: int = field(default_factory=findings_per_rule)

    def where(self) -> Location:
        return Location(file=self.file, sheet=self.sheet)

    def cell(self, row: int, column: int, name: str | None) -> Cell:
        letter = get_column_letter(column + 1)
        return Cell(Location(self.file, self.sheet, row, letter, name), f"{letter}{row}")

    def notice(self, rule: str, message: str, at: Cell, found: str, expected: str) -> None:
        self.made[rule] += 1
        if self.made[rule] <= self.limit:
            self.notices.append(Notice(rule, "error", message, at, found=found, expected=expected))

    def left_out(self) -> list[Notice]:
        """One stand-in per rule for the notices counted but not kept (see ``FindingLog``)."""
        return [
            Notice(
                rule,
                "error",
                f"... and {n - self.limit:,} more",
                Cell(self.where()),
                omitted=n - self.limit,
            )
            for rule, n in self.made.items()
            if n > self.limit
        ]

    def header(
        self, rows: Iterator[tuple[int, tuple[Any, ...]]], key: Callable[[Any], str | int | None]
    ) -> tuple[int, dict[str | int, int]]:
        """The first non-empty row, as field (or year) → column index; notices for the rest."""
        for number, row in rows:  # noqa: B007 (the loop stops at the header row)
            if any(_present(c.value) for c in row):
                break
        else:
            raise InputError("empty workbook: no header row", self.where())
        columns: dict[str | int, int] = {}
        for index, c in enumerate(row):
            if not _present(c.value):
                continue
            found = str(c.value).strip()
            label = key(c.value)
            if label is None or c.data_type == "f":
                self.notice(
                    "xlsx-header",
                    f"unknown column {found!r}: its cells are not read",
                    self.cell(number, index, None),
                    found,
                    "a known column",
                )
            elif label in columns:
                self.notice(
                    "xlsx-header",
                    f"column {found!r} appears twice: the second is not read",
                    self.cell(number, index, None),
                    found,
                    "once",
                )
            elif label != "":
                columns[label] = index
        return number, columns

    def prepare_merges(self, header_row: int, columns: dict[str | int, int]) -> None:
        """Notices for merged ranges over read cells; remember what they cover."""
        read = set(columns.values())
        for ref in self.merges:
            box = bounds(ref)
            if box is None:
                continue
            low_col, low_row, high_col, high_row = box
            span = {c for c in read if low_col - 1 <= c <= high_col - 1}
            if high_row < header_row or not span:
                continue
            top = self.cell(max(low_row, header_row), min(span), None)
            self.notice(
                "xlsx-merged-cells",
                f"merged cells {ref}: unmerge them and enter one value per cell",
                top,
                ref,
                "one value per cell",
            )
            for r in range(max(low_row, header_row), high_row + 1):
                self.merged.setdefault(r, []).append((low_col - 1, high_col - 1))

    def usable(self, row: int, row_cells: tuple[Any, ...], fields: dict[str, int]) -> bool:
        """False (with notices) when any of these cells holds a formula or is merged."""
        ok = True
        spans = self.merged.get(row, ())
        for name, index in fields.items():
            if any(low <= index <= high for low, high in spans):
                ok = False
            c = _at(row_cells, index)
            if c is not None and c.data_type == "f":
                formula = str(getattr(c.value, "text", None) or c.value)
                self.notice(
                    "xlsx-formula",
                    "formula not evaluated: enter the value itself",
                    self.cell(row, index, "indicator" if name == "id" else name),
                    formula,
                    "a value, not a formula",
                )
                ok = False
        return ok

    def read_long(self, rows: Iterator[tuple[int, tuple[Any, ...]]]) -> None:
        known = {*LONG_REQUIRED, *LONG_OPTIONAL}

        def key(value: Any) -> str | None:
            label = str(value).strip().casefold()
            return label if label in known else "" if label in LONG_IGNORED else None

        header_row, columns = self.header(rows, key)
        missing = [f for f in LONG_REQUIRED if f not in columns]
        if missing:
            raise InputError(
                "long-layout header row lacks a column",
                Location(self.file, self.sheet, header_row, field=missing[0]),
                expected="a header row with indicator, year, value, unit",
                found=", ".join(map(str, columns)) or "no known column",
            )
        self.prepare_merges(header_row, columns)
        fields = {str(k): i for k, i in columns.items()}
        letters = {f: get_column_letter(i + 1) for f, i in fields.items()}
        for number, row in rows:
            raw = {f: _cell_value(row, i) for f, i in fields.items()}
            if not any(_present(v) for v in raw.values()):
                continue
            if not self.usable(number, row, fields):
                continue
            text = {f: _text(v) for f, v in raw.items()}
            self.values.append(
                RawValue(
                    indicator=text["indicator"] or "",
                    year=_year(raw["year"]),
                    value=_value(raw["value"]),
                    unit=text["unit"],
                    cells=SheetCells(self.file, self.sheet, number, letters, {}),
                    entity_id=text.get("entity_id"),
                    method=text.get("method"),
                    source=text.get("source"),
                    comment=text.get("comment"),
                    country=text.get("country"),
                    subsector=text.get("subsector"),
                )
            )

    def read_template(self, rows: Iterator[tuple[int, tuple[Any, ...]]]) -> None:
        labels = template.column_keys()

        def key(value: Any) -> str | int | None:
            year = _header_year(value)
            if year is not None:
                return year
            label = labels.get(str(value).strip().casefold())
            return None if label is None else label if label in TEMPLATE_READ else ""

        header_row, columns = self.header(rows, key)
        years = {k: i for k, i in columns.items() if isinstance(k, int)}
        if "id" not in columns or not years:
            raise InputError(
                "the template's header row was changed",
                Location(self.file, self.sheet, header_row),
                expected="the id column and one column per year",
                found=", ".join(map(str, columns)) or "no known column",
            )
        self.prepare_merges(header_row, columns)
        fields = {str(k): i for k, i in columns.items() if isinstance(k, str)}
        shared = {
            ("indicator" if f == "id" else f): get_column_letter(i + 1) for f, i in fields.items()
        }
        letters = {i: {"value": get_column_letter(i + 1), **shared} for i in years.values()}
        headers = {i: {"year": self.cell(header_row, i, "year")} for i in years.values()}
        methods = template.method_keys()
        for number, row in rows:
            present = [(y, i) for y, i in years.items() if _present(_cell_value(row, i))]
            if not present:
                continue
            if not self.usable(number, row, fields):
                continue
            text = {f: _text(_cell_value(row, i)) for f, i in fields.items()}
            method = text.get("method")
            for year, index in present:
                if not self.usable(number, row, {"value": index}):
                    continue
                cells = SheetCells(self.file, self.sheet, number, letters[index], headers[index])
                self.values.append(
                    RawValue(
                        indicator=text["id"] or "",
                        year=year,
                        value=_value(_cell_value(row, index)),
                        unit=text.get("unit"),
                        cells=cells,
                        method=methods.get(method.strip().casefold(), method) if method else None,
                        source=text.get("source"),
                        comment=text.get("comment"),
                    )
                )


def _at(row: tuple[Any, ...], index: int) -> Any:
    return row[index] if index < len(row) else None


def _cell_value(row: tuple[Any, ...], index: int) -> Any:
    return row[index].value if index < len(row) else None


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _value(value: Any) -> str | float | int | None:
    """A cell's value as found: numbers stay numbers; anything else becomes its text."""
    if not _present(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return _text(value)


def _text(value: Any) -> str | None:
    if not _present(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return value if isinstance(value, str) else str(value)


def _year(value: Any) -> str | int:
    """A year as found: a whole number as ``int``, anything else as its text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _text(value) or ""


def _header_year(value: Any) -> int | None:
    """The year a template's column header names (a number or four digits), else ``None``.

    Decimal digits only: superscripts (``²⁰²³``) pass ``isdigit()`` but are not numbers.
    """
    year = _year(value)
    if isinstance(year, str):
        year = int(year.strip()) if year.strip().isdecimal() and len(year.strip()) == 4 else 0
    return year if 1000 <= year <= 9999 else None
