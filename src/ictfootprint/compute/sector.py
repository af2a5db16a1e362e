"""Sector totals from the store: entity → country → region → world, by sub-sector.

The sector total adds the Scope 1 + Scope 2 (location-based) of in-sector entities only
(companies, facilities, organisations), taking for each entity, country and year the best
value available (reported, else statistical, calculated, estimated). Scope 3 is added up
beside it and never into it (DESIGN.md §4). Coverage: where a national statistic gives the
sector's mobile lines, the share of them the reporting entities account for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from ictfootprint.compute import aggregation
from ictfootprint.compute.engine import connect, table
from ictfootprint.errors import InputError, Location
from ictfootprint.model import EntityKind
from ictfootprint.reference.countries import countries, regions
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available

LEVELS: Final = ("country", "region", "world")
IN_SECTOR: Final = (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)
INDICATORS: Final = {
    "ghg_scope1": "scope1",
    "ghg_scope2_location": "scope2_location",
    "ghg_scope3_total": "scope3",
    "activity_mobile_lines": "mobile_lines",
}


@dataclass
class SectorTotals:
    level: str
    year: int
    region_kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    unit: str = "tCO2e"


def entity_frame(store: Store, year: int) -> pd.DataFrame:
    """One row per in-sector entity, country and sub-sector for ``year``."""
    entities = {e.id: e for e in store.entities()}
    values = best_available(
        store.current_observations(indicator_ids=list(INDICATORS), years=[year])
    )
    records: dict[tuple[str, str, str], dict[str, Any]] = {}
    for obs in values:
        entity = entities.get(obs.entity_id)
        if entity is None or entity.kind not in IN_SECTOR or obs.value is None:
            continue
        country = obs.country or entity.country
        if country is None:
            continue
        subsector = obs.subsector or (entity.subsectors[0] if entity.subsectors else "unspecified")
        row = records.setdefault(
            (entity.id, country, subsector),
            {
                "entity_id": entity.id,
                "country": country,
                "subsector": subsector,
                "year": year,
                "scope1": None,
                "scope2_location": None,
                "scope3": None,
                "mobile_lines": None,
            },
        )
        row[INDICATORS[obs.indicator_id]] = obs.value
    frame = pd.DataFrame(
        list(records.values()),
        columns=[
            "entity_id",
            "country",
            "subsector",
            "year",
            "scope1",
            "scope2_location",
            "scope3",
            "mobile_lines",
        ],
    )
    # explicit types: a column with no value at all (no Scope 3 anywhere) must still sum
    numeric = ["scope1", "scope2_location", "scope3", "mobile_lines"]
    frame[numeric] = frame[numeric].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    frame["s1s2_location"] = frame[["scope1", "scope2_location"]].sum(axis=1, min_count=1)
    frame["complete"] = frame.scope1.notna() & frame.scope2_location.notna()
    return frame


def sector_totals(
    store: Store, *, level: str, year: int, region_kind: str = "itu", engine: str = "duckdb"
) -> SectorTotals:
    """Totals at ``level`` (country, region or world) for ``year``, by sub-sector."""
    if level not in LEVELS:
        raise InputError(
            "unknown level", Location(field="level"), expected=", ".join(LEVELS), found=level
        )
    if region_kind not in ("itu", "m49"):
        raise InputError(
            "unknown region kind",
            Location(field="regions"),
            expected="itu or m49",
            found=region_kind,
        )
    frame = entity_frame(store, year)
    result = SectorTotals(level, year, region_kind)
    if frame.empty:
        return result
    backend = connect(engine)
    t = table(backend, frame, "entities")
    membership = table(
        backend,
        pd.DataFrame(
            [
                {
                    "country": c.iso3,
                    "area": (c.itu_region if region_kind == "itu" else c.m49_region) or "",
                    "world": "001",
                }
                for c in countries().values()
            ]
        ),
        "membership",
    )
    group = {"country": "country", "region": "area", "world": "world"}[level]
    # executed by this call's own backend: expr.to_pandas() would run on Ibis's one default
    # DuckDB connection, which the API's concurrent requests would then share (and DuckDB
    # refuses a busy connection)
    totals = backend.to_pandas(aggregation.sector_rollup(t, membership, group))
    national = _national_lines(store, year)
    names = regions()
    for row in totals.to_dict(orient="records"):
        area = str(row["area"])
        name = countries()[area].name() if level == "country" else names[area].name()
        lines = national.get(area) if level == "country" else None
        coverage = (
            round(100 * row["mobile_lines"] / lines, 1)
            if lines and row["mobile_lines"] == row["mobile_lines"]
            else None
        )
        result.rows.append(
            {
                **{k: (None if v != v else v) for k, v in row.items()},
                "area_name": name,
                "mobile_lines_coverage_percent": coverage,
            }
        )
    return result


def _national_lines(store: Store, year: int) -> dict[str, float]:
    """Mobile lines reported for a whole country (an entity of kind country)."""
    areas = {e.id: e for e in store.entities() if e.kind is EntityKind.COUNTRY}
    return {
        (areas[o.entity_id].country or o.entity_id): float(o.value)
        for o in best_available(
            store.current_observations(
                indicator_ids=["activity_mobile_lines"],
                years=[year],
                entity_ids=list(areas) or ["-"],
            )
        )
        if o.value is not None
    }
