"""What a reader hands over: values exactly as found in the file, each with its location."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from ictfootprint.errors import Location


@dataclass(frozen=True)
class Cell:
    """Where one value sits: a spreadsheet cell (``Data!E12``) or a CSV/JSON row and field."""

    location: Location
    ref: str | None = None  # "E12" in a workbook, None in CSV/JSON

    def describe(self) -> str:
        """``Data!E12`` in a workbook, ``row 4`` in a CSV or JSON file."""
        if self.ref and self.location.sheet:
            return f"{self.location.sheet}!{self.ref}"
        if self.location.row is not None:
            return f"row {self.location.row}"
        return self.location.describe()


class RowCells(Mapping[str, Cell]):
    """The cells of one CSV or JSON row, made only when asked for.

    A 100,000-row file would otherwise carry a million small objects that no finding uses.
    """

    __slots__ = ("fields", "file", "row")

    def __init__(self, file: str, row: int, fields: tuple[str, ...]) -> None:
        self.file, self.row, self.fields = file, row, fields

    def __getitem__(self, field: str) -> Cell:
        if field not in self.fields:
            raise KeyError(field)
        return Cell(Location(file=self.file, row=self.row, field=field))

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)


#: The text fields of a value as found, beside ``year`` and ``value`` (the optional columns of
#: the long format, the keys of a JSON entry).
TEXT_FIELDS: Final = (
    "indicator",
    "unit",
    "entity_id",
    "method",
    "source",
    "comment",
    "country",
    "subsector",
)
#: Every field a reader hands over, in the long format's column order.
FIELDS: Final = ("indicator", "year", "value", *TEXT_FIELDS[1:])


@dataclass(frozen=True, slots=True)
class RawValue:
    """One value as found. Strings are untouched (no number or unit parsing yet).

    ``value`` may already be a number when the format carries typed numbers (xlsx, JSON).
    ``cells`` maps a field name (``value``, ``unit``, ``method``, ...) to where it was found, so
    a finding can point at the exact cell.
    """

    indicator: str
    year: str | int
    value: str | float | int | None
    unit: str | None
    cells: Mapping[str, Cell]
    entity_id: str | None = None
    method: str | None = None
    source: str | None = None
    comment: str | None = None
    country: str | None = None
    subsector: str | None = None

    @property
    def where(self) -> Cell:
        return self.cells.get("value") or next(iter(self.cells.values()))


@dataclass(frozen=True)
class Notice:
    """Something a reader found that the report must show: a file-level warning (hidden sheet
    ignored, locale detected) or an error at one cell (a formula, a merged data cell) whose value
    it therefore did not hand over. ``severity`` is ``"error"`` or ``"warning"``."""

    rule: str
    severity: str
    message: str
    cell: Cell
    found: str | None = None
    expected: str | None = None
    # > 0: a stand-in for this many further notices of the rule, left out (see FindingLog)
    omitted: int = 0


@dataclass
class RawFile:
    """A whole file, read. Readers raise :class:`~ictfootprint.errors.InputError` instead when
    the file is unusable (not the format it claims, encrypted, truncated, too large, ...)."""

    name: str
    format: str  # "csv", "xlsx", "json"
    sha256: str
    values: list[RawValue] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    respondent: str | None = None  # from a generated template's metadata
    language: str | None = None
    encoding: str | None = None
    locale: str | None = None
