"""An area's trend for a trajectory: the like-for-like series the trend is judged on, beside
the reported totals, the reporting sample, the coverage of national denominators and the
reported share of the estimated sector (docs/sector-trends.md).

The reported total of an area moves when a company starts or stops reporting; the
like-for-like series (constant sample between consecutive years, chained from the first
year's reported total) moves only with what the same reporters emit, so the projection and
"on track" use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from ictfootprint.compute.sector import WORLD
from ictfootprint.compute.sector_trends import TOTAL, area_of
from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.reference.codes import subsector_code

if TYPE_CHECKING:
    from ictfootprint.compute.trends import SectorTrends

QUANTITY: Final = "ghg_s1s2_location"
BASIS: Final = (
    "like-for-like: constant sample of reporters between consecutive years, chained from the "
    "first year's reported total (a company joining or leaving does not move it)"
)


@dataclass(frozen=True)
class AreaTrend:
    """Per year: the reported total, the like-for-like value, the constant sample with the
    year before, the coverage of the national denominator and the reported share."""

    area: str
    subsector: str
    quantity: str
    reported: dict[int, float] = field(default_factory=dict)
    like_for_like: dict[int, float] = field(default_factory=dict)
    sample: dict[int, int] = field(default_factory=dict)
    entities: dict[int, int] = field(default_factory=dict)
    coverage_percent: dict[int, float | None] = field(default_factory=dict)
    reported_share_percent: dict[int, float | None] = field(default_factory=dict)
    estimated_total: dict[int, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "basis": BASIS,
            "area": self.area,
            "subsector": self.subsector,
            "quantity": self.quantity,
            "years": [
                {
                    "year": year,
                    "reported": self.reported[year],
                    "like_for_like": self.like_for_like[year],
                    "entities": self.entities[year],
                    "sample": self.sample[year],
                    "coverage_percent": self.coverage_percent.get(year),
                    "reported_share_percent": self.reported_share_percent.get(year),
                    "estimated_total": self.estimated_total.get(year),
                }
                for year in sorted(self.reported)
            ],
        }


def area_key(level: str, key: str) -> str:
    """``key`` as the area of ``level`` (country, region, world or subsector) it names: a
    country's ISO alpha-3 or a region's code in any case, a sub-sector as typed. An area that
    does not exist is an error before anything is computed: its empty trends would otherwise be
    kept like any answer, and a visitor trying codes would push the real ones out."""
    if level == "subsector":
        return subsector_code(key, Location(field="id"))
    if level == "world":
        if key != WORLD:
            raise InputError(
                "the world is area 001", Location(field="id"), expected=WORLD, found=key[:64]
            )
        return key
    code = key.strip().upper()
    if level not in ("country", "region") or code not in _areas(level, code.isdigit()):
        raise NotFoundError(f"no {level} {key[:64]!r}")
    return code


@cache
def _areas(level: str, m49: bool) -> frozenset[str]:
    """The areas of ``level`` (the shipped reference data's: read once)."""
    return frozenset(area_of(level, "m49" if m49 else "itu").values())


def area_trend(
    store: Any, level: str, key: str, years: range, known: SectorTrends | None = None
) -> AreaTrend:
    """The trend of ``level`` (country, region, world or subsector) ``key`` over ``years``:
    Scope 1 + 2 location-based of in-sector entities. ``known``: trends already computed
    (a page's, for its series and this), used when they give these figures; otherwise kept
    between requests (:func:`~ictfootprint.compute.trends_kept.kept_trends`)."""
    from ictfootprint.compute.trends_kept import kept_trends

    sector_level = "world" if level == "subsector" else level
    area = WORLD if level in ("world", "subsector") else key
    subsector = key if level == "subsector" else TOTAL
    region_kind = "m49" if key.isdigit() else "itu"
    if known is not None and known.give(sector_level, region_kind, area, QUANTITY, years):
        result = known
    else:
        result = kept_trends(
            store,
            level=sector_level,
            years=list(years),
            region_kind=region_kind,
            quantities=[QUANTITY],
            area=area,
        )
    trend = AreaTrend(area, subsector, QUANTITY)

    def ours(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            r
            for r in rows
            if r["area"] == area
            and r["subsector"] == subsector
            and r["quantity"] == QUANTITY
            and r["year"] in years
        ]

    for row in ours(result.like_for_like):
        year = int(row["year"])
        trend.reported[year] = float(row["reported"])
        trend.like_for_like[year] = float(row["like_for_like"])
        trend.sample[year] = int(row["sample"])
        trend.entities[year] = int(row["entities"])
    for row in ours(result.coverage):
        trend.coverage_percent[int(row["year"])] = row["coverage_percent"]
    for row in ours(result.estimates):
        trend.reported_share_percent[int(row["year"])] = row["reported_share_percent"]
        trend.estimated_total[int(row["year"])] = row["total"]
    return trend
