"""Reading an untrusted CSV file: decoding, header, rows with their numbers, shared checks.

Both the factor importers and the long CSV loader read through here, so every CSV error names
its file and row the same way. (Encodings beyond UTF-8 and locale-aware numbers come with the
data-collection work.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.loader import defaults


@dataclass(frozen=True)
class CsvRow:
    """One data row: its 1-based row number in the file and its cells by header name."""

    number: int
    cells: dict[str, str]
    where: Location

    def at(self, field: str) -> Location:
        return Location(self.where.file, None, self.number, field, field)


@dataclass(frozen=True)
class CsvFile:
    name: str
    header: tuple[str, ...]
    text: str

    def rows(self) -> Iterator[CsvRow]:
        """Data rows (blank ones skipped); a row with the wrong number of cells is an error."""
        reader = csv.reader(io.StringIO(self.text, newline=""))
        next(reader, None)
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            where = Location(file=self.name, row=number)
            if len(cells) != len(self.header):
                raise InputError(
                    "wrong number of columns",
                    where,
                    expected=str(len(self.header)),
                    found=str(len(cells)),
                )
            yield CsvRow(
                number, dict(zip(self.header, (c.strip() for c in cells), strict=True)), where
            )


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(file=str(path))) from exc


def parse_csv(data: bytes, name: str, *, lower_header: bool = False) -> CsvFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            "file is not UTF-8 text", Location(file=name), expected="a UTF-8 CSV file"
        ) from exc
    first = next(csv.reader(io.StringIO(text, newline="")), [])
    header = tuple(c.strip().lower() if lower_header else c.strip() for c in first)
    return CsvFile(name, header, text)


def parse_year(value: str, where: Location) -> int:
    """A calendar year between 1990 and 2100, or an error at ``where``."""
    try:
        year = int(value)
    except ValueError:
        raise InputError("year is not a whole number", where, found=value) from None
    if not 1990 <= year <= 2100:
        raise InputError("year out of range", where, expected="1990 to 2100", found=value)
    return year


def read_bounded(path: Path) -> bytes:
    """An untrusted file's bytes, refused above ``[collection] max_file_megabytes`` before it
    is read (a file larger than what the collection takes is never loaded whole)."""
    limit = int(defaults()["collection"]["max_file_megabytes"]) * 2**20
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                "file too large",
                Location(file=str(path)),
                expected=f"at most {limit // 2**20} MB",
                found=f"{size / 2**20:.0f} MB",
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(file=str(path))) from None
