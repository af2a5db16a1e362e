"""The quantities the sector's totals roll up, read from ``reference/data/quantities.toml``.

A quantity is a catalogue indicator (its id and unit are the catalogue's) with what the roll-up
needs to know about it: its family, the components whose sum stands in when the figure itself
is not reported, whether it is shown beside the Scope 1 + 2 totals (Scope 3, life-cycle) and
whether it is a denominator (activity)::

    >>> quantities()["ghg_s1s2_location"].components
    ('ghg_scope1', 'ghg_scope2_location')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.loader import read_toml

FAMILIES: Final = ("energy", "ghg", "resource", "activity")


@dataclass(frozen=True)
class Quantity:
    """One quantity of the sector's totals."""

    id: str
    family: str
    unit: str
    components: tuple[str, ...] = ()
    beside: bool = False
    denominator: bool = False

    @property
    def inputs(self) -> tuple[str, ...]:
        """The indicators read for it: itself, then its components."""
        return (self.id, *self.components)


@cache
def quantities() -> dict[str, Quantity]:
    """Every quantity by id, in the file's order (checked against the catalogue)."""
    known = catalogue()
    found: dict[str, Quantity] = {}
    for number, entry in enumerate(read_toml("quantities.toml")["quantity"], start=1):
        where = f"quantities.toml, quantity {number}"
        ident = str(entry.get("id", ""))
        for name in (ident, *entry.get("components", ())):
            if name not in known:
                raise ReferenceDataError(f"{where}: {name!r} is not in the indicator catalogue")
        if entry.get("family") not in FAMILIES:
            raise ReferenceDataError(f"{where}: family must be one of {', '.join(FAMILIES)}")
        if ident in found:
            raise ReferenceDataError(f"{where}: {ident!r} appears twice")
        found[ident] = Quantity(
            id=ident,
            family=str(entry["family"]),
            unit=known[ident].unit,
            components=tuple(entry.get("components", ())),
            beside=bool(entry.get("beside", False)),
            denominator=bool(entry.get("denominator", False)),
        )
    return found


def chosen(names: Sequence[str] | None) -> list[Quantity]:
    """The quantities named (all when ``None``), in the file's order; an unknown name is an
    error listing the known ones."""
    every = quantities()
    if names is None:
        return list(every.values())
    unknown = [n for n in names if n not in every]
    if unknown:
        raise InputError(
            "unknown quantity",
            Location(field="quantity"),
            expected=", ".join(every),
            found=", ".join(unknown),
        )
    wanted = set(names)
    return [q for q in every.values() if q.id in wanted]
