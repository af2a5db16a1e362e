"""Errors a user can act on.

Every error raised because of outside input says *where* (file, sheet, row, column, field),
*what was expected* and *what was found*. The CLI and the API render them as one line; tests
assert on their fields rather than on message text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class IctFootprintError(Exception):
    """Base class of every error this package raises on purpose."""


@dataclass(frozen=True)
class Location:
    """Where in an input something is wrong. Rows are 1-based as a spreadsheet shows them."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column and self.column != self.field:
            parts.append(f"column {self.column!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


@dataclass
class InputError(IctFootprintError):
    """Outside input is wrong. Nothing has been written when this is raised."""

    message: str
    location: Location = field(default_factory=Location)
    expected: str | None = None
    found: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.location.describe()
        text = f"{where}: {self.message}" if where else self.message
        if self.expected is not None:
            text += f" (expected {self.expected}"
            text += f", found {self.found!r})" if self.found is not None else ")"
        elif self.found is not None:
            text += f" (found {self.found!r})"
        return text

    def at(self, **where: str | int | None) -> InputError:
        """The same error, placed more precisely (fields given here win)."""
        merged = {**self.location.__dict__, **{k: v for k, v in where.items() if v is not None}}
        return InputError(self.message, Location(**merged), self.expected, self.found)

    def __str__(self) -> str:
        return self.one_line()


def from_validation(exc: Any, where: Location | None = None) -> InputError:
    """A pydantic ``ValidationError`` as our one-line error, at ``where`` (file, row) with the
    field pydantic names: records built from outside input report like everything else."""
    first = exc.errors()[0]
    field_name = str(first["loc"][0]) if first["loc"] else None
    base = where or Location()
    return InputError(
        first["msg"],
        Location(base.file, base.sheet, base.row, field_name, field_name),
        found=str(first.get("input")),
    )


class ConflictError(InputError):
    """The record is not in a state that allows this (e.g. a submission already reviewed)."""


class UnitError(InputError):
    """A unit string is unknown, ambiguous, or not compatible with what is asked."""


class ReferenceDataError(IctFootprintError):
    """The shipped reference data is inconsistent: a defect in the package, not in the input."""


class NotFoundError(IctFootprintError):
    """A looked-up record (country, indicator, factor, entity) does not exist."""
