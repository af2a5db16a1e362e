"""The sector's trends from the store: coverage, like-for-like series and estimates of the
unreported part (docs/sector-trends.md), and the estimates stored as ``estimated``
observations on the area entities.

Reads the entity-year frame (:func:`ictfootprint.compute.sector_frame.entity_years`, where
estimates are never read) and the national denominators: statistical or reported
observations on entities of kind country, never a calculated sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ictfootprint import __version__
from ictfootprint.compute.quantities import chosen
from ictfootprint.compute.sector import check_level
from ictfootprint.compute.sector_estimates import (
    METHOD,
    SCOPES,
    estimate_unreported,
    itu_regions,
    widest_peers,
)
from ictfootprint.compute.sector_frame import entity_years
from ictfootprint.compute.sector_store import area_entity
from ictfootprint.compute.sector_trends import (
    NATIONAL_COLUMNS,
    TOTAL,
    area_of,
    coverage,
    estimate_settings,
    like_for_like,
    national_indicators,
    reporter_indicators,
)
from ictfootprint.model import EntityKind, Method, Observation
from ictfootprint.reference.catalogue import indicator
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available
from ictfootprint.units import convert


@dataclass
class SectorTrends:
    """Coverage, like-for-like and estimate rows at one level (see the functions of
    :mod:`ictfootprint.compute.sector_trends` and :mod:`~.sector_estimates`)."""

    level: str
    region_kind: str
    years: list[int]
    quantities: list[str]
    coverage: list[dict[str, Any]] = field(default_factory=list)
    like_for_like: list[dict[str, Any]] = field(default_factory=list)
    estimates: list[dict[str, Any]] = field(default_factory=list)
    interval: float = 0.0
    method: str = METHOD
    area: str | None = None  # the one area whose rows these are (None: every area's)

    def give(
        self, level: str, region_kind: str, area: str, quantity: str, years: Sequence[int]
    ) -> bool:
        """Whether these are ``area``'s figures of ``quantity`` for every one of ``years``,
        as :func:`sector_trends` would give them asked for those years alone: a year's rows
        do not depend on the other years asked. The world's are the same whatever the kind
        of regions (an estimate's regional peers are always ITU regions)."""
        return (
            self.level == level
            and (level == "world" or self.region_kind == region_kind)
            and self.area in (None, area)
            and quantity in self.quantities
            and set(years) <= set(self.years)
        )


def national_frame(store: Store, years: Sequence[int] | None = None) -> pd.DataFrame:
    """National denominators: the best statistical or reported value of each national
    indicator of ``sector_trends.toml`` on each entity of kind country (``country, year,
    indicator, subsector`` ("" for none), ``value`` in the indicator's unit,
    ``observation``)."""
    areas = {e.id: e for e in store.entities(kind=EntityKind.COUNTRY)}
    if not areas:
        return pd.DataFrame(columns=NATIONAL_COLUMNS)
    found = best_available(
        store.current_observations(
            indicator_ids=national_indicators(),
            entity_ids=list(areas),
            methods=["statistical", "reported"],
            **({"years": list(years)} if years is not None else {}),
        )
    )
    rows = []
    for obs in found:
        if obs.value is None:
            continue
        unit = indicator(obs.indicator_id).unit
        value = (
            obs.value
            if not obs.unit or obs.unit == unit
            else convert(obs.value, obs.unit, unit).value
        )
        country = obs.country or areas[obs.entity_id].country or obs.entity_id
        rows.append((country, obs.year, obs.indicator_id, obs.subsector or "", value, obs.id))
    out = pd.DataFrame(rows, columns=NATIONAL_COLUMNS)
    out["year"] = out["year"].astype("int64")
    return out


def sector_trends(
    store: Store,
    *,
    level: str,
    years: Sequence[int] | None = None,
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
    area: str | None = None,
) -> SectorTrends:
    """Coverage, like-for-like series and estimates of ``quantities`` (all but the activity
    denominators when ``None``) at ``level``, for ``years`` (every year when ``None``; the
    like-for-like chain always starts at the first year with a value). ``area``: only that
    area's rows (the coverage and the chain are computed from its countries alone; its
    estimates still take their peers from the region and the world: with ``years``, its
    countries' rows are read, then their ITU regions' only when an estimate takes a region's
    peers, and every row only when one takes the world's; the same figures as the area's rows
    of every area's trends)."""
    check_level(level, region_kind)
    wanted = [q.id for q in chosen(quantities) if quantities is not None or not q.denominator]
    last = max(years) if years else None
    members = (
        None
        if area is None
        else sorted(c for c, a in area_of(level, region_kind).items() if a == area)
    )

    def read(only: list[str] | None) -> pd.DataFrame:
        frame = entity_years(
            store,
            quantities=sorted({*wanted, *reporter_indicators()}),
            complete_only=True,
            countries=only,
        )
        return frame if last is None else frame[frame["year"] <= last]

    national = national_frame(store, years)
    keep = set(years) if years else None

    def asked_of(frame: pd.DataFrame) -> pd.DataFrame:
        """Coverage and estimates need only the years asked for; the like-for-like chain all."""
        return frame if keep is None else frame[frame["year"].isin(sorted(keep))]

    # one area's figures read the fewest rows that give its estimates exactly (_stages);
    # every row when no years are given (the years listed are every row's)
    for only, holds in _stages(members) if members is not None and years else [(None, "world")]:
        frame = read(only)
        asked = asked_of(frame)
        if holds == "world" or members is None:
            break
        widest = widest_peers(asked, national, members, wanted)
        if widest is None or SCOPES.index(widest) <= SCOPES.index(holds):
            break

    def within(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            r
            for r in rows
            if (keep is None or r["year"] in keep) and (area is None or r["area"] == area)
        ]

    return SectorTrends(
        level=level,
        region_kind=region_kind,
        years=sorted(keep) if keep else sorted({int(y) for y in frame["year"]}),
        quantities=wanted,
        coverage=within(
            coverage(
                _of_area(asked, members),
                _of_area(national, members),
                level=level,
                region_kind=region_kind,
                quantities=wanted,
                seen=None if members is None else _seen(store, wanted, keep, level, region_kind),
            )
        ),
        like_for_like=within(
            like_for_like(
                _of_area(frame, members), level=level, region_kind=region_kind, quantities=wanted
            )
        ),
        estimates=[
            r
            for r in within(
                estimate_unreported(asked, national, level=level, region_kind=region_kind)
            )
            if r["quantity"] in wanted
        ],
        interval=estimate_settings().interval,
        area=area,
    )


def _seen(
    store: Store, wanted: list[str], keep: set[int] | None, level: str, region_kind: str
) -> dict[tuple[str, int], set[str]]:
    """(Sub-sector (``_T`` included), year) → the quantities of ``wanted`` with a complete row
    that year in some area of ``level`` (of ``keep``'s years): what the coverage of one area's
    rows alone needs of the others (a 0 % row where the area has a national figure and no
    reporter)."""
    from ictfootprint.compute.sector_stored import stored_places

    found: dict[tuple[str, int], set[str]] = {}
    for subsector, year, quantity in stored_places(
        store,
        quantities=wanted,
        years=None if keep is None else sorted(keep),
        countries=area_of(level, region_kind).keys(),
    ):
        found.setdefault((subsector, year), set()).add(quantity)
        found.setdefault((TOTAL, year), set()).add(quantity)
    return found


def _stages(members: list[str]) -> list[tuple[list[str] | None, str]]:
    """The reads that the figures of an area of countries ``members`` may need, narrowest
    first, each with the widest origin of peers (``SCOPES``) whose estimates it gives
    exactly: its countries' rows (their own peers), with their ITU regions' (a region's
    peers), every row (None: the world's). A later read is made only when the estimates
    need wider peers than the last holds. France's trajectory at 4.4 M values reads its own
    900 rows instead of Europe's 38,000."""
    known = itu_regions()  # the regions the estimates' peers come from
    regions = {known[c] for c in members if known.get(c)}
    reach = {*members, *(c for c, region in known.items() if region in regions)}
    stages: list[tuple[list[str] | None, str]] = []
    if reach != set(members):
        stages.append((sorted(members), "country"))
    if not reach >= known.keys():
        stages.append((sorted(reach), "region"))
    return [*stages, (None, "world")]


def _of_area(frame: pd.DataFrame, members: list[str] | None) -> pd.DataFrame:
    """The rows of ``frame`` in the area's countries ``members`` (every row when ``None``)."""
    return frame if members is None else frame[frame["country"].isin(members)]


def store_estimates(store: Store, trends: SectorTrends) -> tuple[int, int]:
    """Each estimate row as an ``estimated`` observation on its area entity (the sector
    totals' own, :func:`ictfootprint.compute.sector_store.area_entity`): the sector's
    estimated total (reported + the estimated unreported part), sub-sector None for ``_T``,
    lineage with the method, the reported and unreported parts, the interval and the peers.
    Returns (written, already current)."""
    known = {e.id: e for e in store.entities()}
    batch = []
    for row in trends.estimates:
        if row["total"] is None:
            continue
        kind = trends.level if trends.level != "region" else f"{trends.region_kind}_region"
        entity_id = area_entity(store, kind, str(row["area"]), known)
        batch.append(
            Observation(
                entity_id=entity_id,
                indicator_id=row["quantity"],
                year=row["year"],
                subsector=None if row["subsector"] == TOTAL else row["subsector"],
                value=row["total"],
                unit=row["unit"],
                method=Method.ESTIMATED,
                source=f"ictfootprint {__version__}: reported total plus the unreported part "
                f"scaled by national denominators ({row['reported_share_percent']} % reported)",
                quality_flags=(f"estimated:{METHOD}",),
                lineage={
                    "rule": "reported + estimated unreported part (docs/sector-trends.md)",
                    "method": METHOD,
                    "level": trends.level,
                    "regions": trends.region_kind,
                    "reported": row["reported"],
                    "unreported": row["estimated"],
                    "interval": {
                        "level": row["interval"],
                        "low": row["total_low"],
                        "high": row["total_high"],
                        "bootstrap": row["bootstrap"],
                    },
                    "reported_share_percent": row["reported_share_percent"],
                    "countries": [
                        {k: c[k] for k in ("country", "subsector", "denominator", "peers_from")}
                        for c in row["countries"]
                    ],
                    "peers": row["peers"],
                },
            )
        )
    if not batch:
        return 0, 0
    result = store.record_observations(batch, action="sector estimates")
    return len(result.written), result.unchanged
