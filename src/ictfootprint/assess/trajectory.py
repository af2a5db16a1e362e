"""Trajectory alignment (ITU-T L.1470): actual emissions against a pathway from a base year.

For each year: pathway value = base-year actual × the pathway's share for that year; gap =
actual − pathway (positive = above the path); on track when actual ≤ pathway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.loader import defaults
from ictfootprint.reference.pathways import GAS_NAMES, Pathway


@dataclass(frozen=True)
class TrajectoryPoint:
    year: int
    actual: float | None
    pathway: float
    gap: float | None
    gap_percent: float | None
    on_track: bool | None


@dataclass(frozen=True)
class Trajectory:
    pathway_id: str
    pathway_name: str
    pathway_source: str
    scope: str
    unit: str
    base_year: int
    base_value: float
    points: tuple[TrajectoryPoint, ...]
    gas: str = "co2e"  # what the series and the pathway count: co2e, or co2 only

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def trajectory(
    actual: Mapping[int, float],
    pathway: Pathway,
    *,
    scope: str,
    unit: str,
    base_year: int | None = None,
    until: int | None = None,
    gas: str = "co2e",
) -> Trajectory:
    """Compare a yearly series with ``pathway``; the scope must be one the pathway covers.

    >>> from ictfootprint.reference.pathways import pathway
    >>> t = trajectory({2020: 1000.0, 2024: 900.0}, pathway("l1470-sector"),
    ...                scope="1+2-market", unit="tCO2e")
    >>> [(p.year, p.pathway, p.gap) for p in t.points if p.actual is not None]
    [(2020, 1000.0, 0.0), (2024, 820.0, 80.0)]
    """
    pathway.check_scope(scope)
    if pathway.gas != gas:
        raise InputError(
            f"pathway {pathway.id} counts {GAS_NAMES[pathway.gas]}, the series {GAS_NAMES[gas]}",
            Location(field="gas"),
            expected=pathway.gas,
            found=gas,
        )
    start = base_year if base_year is not None else (pathway.base_year or min(actual))
    if start not in actual:
        raise InputError(
            f"no actual value in the base year {start} of {pathway.id}: the series needs a "
            f"{start} value (submit or import the {start} total)",
            Location(field="base_year"),
            expected=f"a value for {start}",
            found=", ".join(str(y) for y in sorted(actual)) or "no years",
        )
    places = int(defaults()["rounding"].get(unit, 9))
    base = actual[start]
    end = max(until or start, *actual)
    points = []
    for year in range(start, end + 1):
        path_value = round(
            base * pathway.share(year, start if pathway.kind != "points" else None), places
        )
        value = actual.get(year)
        # compared at the stored resolution: a sum's binary noise (13134464.666000001 against
        # 13134464.666) is neither a gap nor off track; + 0.0 turns a -0.0 into 0.0
        stored = None if value is None else round(value, places)
        gap = None if stored is None else round(stored - path_value, places) + 0.0
        points.append(
            TrajectoryPoint(
                year=year,
                actual=value,
                pathway=path_value,
                gap=gap,
                gap_percent=None
                if gap is None or path_value == 0
                else round(100 * gap / path_value, 2) + 0.0,
                on_track=None if stored is None else stored <= path_value,
            )
        )
    return Trajectory(
        pathway_id=pathway.id,
        pathway_name=pathway.name,
        pathway_source=pathway.source,
        scope=scope,
        unit=unit,
        base_year=start,
        base_value=base,
        points=tuple(points),
        gas=gas,
    )
