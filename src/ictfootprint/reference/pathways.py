"""Emission pathways (L.1470 sector trajectory, SBTi absolute contraction) read as data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.loader import read_toml


@dataclass(frozen=True)
class Pathway:
    id: str
    name: str
    source: str
    applies_to: tuple[str, ...]
    scopes: tuple[str, ...]
    kind: str
    base_year: int | None = None
    points: tuple[tuple[int, float], ...] = ()
    annual_reduction: float | None = None
    subsectors: tuple[str, ...] = ()

    def share(self, year: int, base_year: int | None = None) -> float:
        """Share of base-year emissions on the path in ``year``.

        >>> pathway("l1470-sector").share(2030)
        0.55
        """
        if self.kind == "annual-linear":
            start = base_year if base_year is not None else self.base_year
            if start is None or self.annual_reduction is None:
                raise InputError(
                    f"pathway {self.id} needs a base year", Location(field="base_year")
                )
            return max(0.0, 1.0 - self.annual_reduction * (year - start))
        if base_year is not None and base_year != self.base_year:
            raise InputError(
                f"pathway {self.id} is defined from {self.base_year}",
                Location(field="base_year"),
                expected=str(self.base_year),
                found=str(base_year),
            )
        (first_year, _), (last_year, last_share) = self.points[0], self.points[-1]
        if year < first_year:
            raise InputError(
                f"pathway {self.id} starts in {first_year}",
                Location(field="year"),
                expected=f">= {first_year}",
                found=str(year),
            )
        if year >= last_year:
            return last_share
        for (y0, s0), (y1, s1) in zip(self.points, self.points[1:], strict=False):
            if y0 <= year <= y1:
                return s0 + (s1 - s0) * (year - y0) / (y1 - y0)
        raise ReferenceDataError(f"pathway {self.id}: points do not cover {year}")

    def check_scope(self, scope: str) -> None:
        """Comparing data of a scope the pathway does not cover is an error."""
        if scope not in self.scopes:
            raise InputError(
                f"pathway {self.id} does not cover scope {scope}",
                Location(field="scope"),
                expected=" or ".join(self.scopes),
                found=scope,
            )


def pathway_from_dict(entry: dict[str, Any]) -> Pathway:
    """A pathway from one ``[[pathway]]`` table (the grammar of pathways.toml)."""
    return Pathway(
        id=entry["id"],
        name=entry["name"],
        source=entry["source"],
        applies_to=tuple(entry["applies_to"]),
        scopes=tuple(entry["scopes"]),
        kind=entry["kind"],
        base_year=entry.get("base_year"),
        points=tuple((int(y), float(s)) for y, s in entry.get("points", ())),
        annual_reduction=entry.get("annual_reduction"),
        subsectors=tuple(entry.get("subsectors", ())),
    )


@cache
def pathways() -> dict[str, Pathway]:
    result = {}
    for entry in read_toml("pathways.toml")["pathway"]:
        path = pathway_from_dict(entry)
        if path.kind not in ("points", "annual-linear"):
            raise ReferenceDataError(f"pathways.toml: {path.id} has unknown kind {path.kind}")
        if path.kind == "points" and [y for y, _ in path.points] != sorted(
            y for y, _ in path.points
        ):
            raise ReferenceDataError(f"pathways.toml: {path.id} points are not in year order")
        result[path.id] = path
    return result


def pathway(pathway_id: str) -> Pathway:
    found = pathways().get(pathway_id)
    if found is None:
        raise InputError(
            "unknown pathway",
            Location(field="pathway"),
            expected=", ".join(pathways()),
            found=pathway_id,
        )
    return found
