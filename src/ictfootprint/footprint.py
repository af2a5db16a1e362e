"""The footprint run: reported activity → Scope 2 → entity, national, regional and world totals.

One pass of the main job, on whatever the store holds:

1. read the current reported electricity (by country) and Scope 1 of each entity;
2. resolve the grid factor for every country and year (:meth:`Store.resolve_grid_factor`);
3. compute Scope 2 location-based and Scope 1 + 2 per entity, country and year (Ibis);
4. write every computed figure back as a ``calculated`` observation with its lineage;
5. add up in-sector Scope 1 + 2 by country, ITU region, UN M49 region and world with the
   sector's one roll-up (:mod:`ictfootprint.compute.sector`: complete entity rows only, the
   best available value of each series) and store those totals too;
6. compare the world series with the L.1470 pathway from its base year.

With ``write=False`` nothing is stored, and the area totals add up what the store already
holds (the Scope 2 computed here but not stored is not in them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import ibis
import pandas as pd

from ictfootprint import __version__
from ictfootprint.assess.trajectory import Trajectory, trajectory
from ictfootprint.compute.engine import connect, table
from ictfootprint.compute.scope2 import scope2_location_based
from ictfootprint.compute.sector import ALL_SUBSECTORS, membership, sector_levels
from ictfootprint.compute.sector_store import area_entity
from ictfootprint.errors import InputError, Location
from ictfootprint.model import Entity, EntityKind, Method, Observation, ResolvedFactor
from ictfootprint.reference.catalogue import indicator
from ictfootprint.reference.loader import defaults
from ictfootprint.reference.pathways import pathway as pathway_named
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available
from ictfootprint.units import convert, round_figure

ELECTRICITY: Final = "energy_electricity"
RENEWABLE_ELECTRICITY: Final = "energy_electricity_renewable"
SCOPE1: Final = "ghg_scope1"
SCOPE2_LOCATION: Final = "ghg_scope2_location"
S1S2_LOCATION: Final = "ghg_s1s2_location"
NATIONAL_GHG: Final = "national_ict_ghg"
GLOBAL_GHG: Final = "global_ict_ghg"
REGIONAL_GHG: Final = "regional_ict_ghg"
SCOPE: Final = "1+2-location"
INPUT_METHODS: Final = ("reported", "estimated", "statistical")


@dataclass
class FootprintRun:
    """What one run computed, in tCO2e, and what it wrote."""

    years: list[int]
    entities: list[dict[str, Any]]
    countries: list[dict[str, Any]]
    itu_regions: list[dict[str, Any]]
    m49_regions: list[dict[str, Any]]
    world: list[dict[str, Any]]
    factors: list[ResolvedFactor]
    trajectory: Trajectory | None
    illustrative: bool
    written: int = 0
    unchanged: int = 0
    gaps: list[str] = field(default_factory=list)
    unit: str = "tCO2e"


def compute_footprint(
    store: Store,
    *,
    years: Sequence[int] | None = None,
    engine: str = "duckdb",
    pathway_id: str = "l1470-sector",
    factor_dataset: str | None = None,
    write: bool = True,
) -> FootprintRun:
    """Run the footprint pipeline on the store's current data (see the module docstring)."""
    inputs = best_available(
        store.current_observations(
            indicator_ids=[ELECTRICITY, SCOPE1], years=years, methods=INPUT_METHODS
        )
    )
    known = {e.id: e for e in store.entities()}
    in_sector = {e.id for e in known.values() if e.kind in _REPORTING_KINDS}
    inputs = [o for o in inputs if o.entity_id in in_sector]
    if not any(o.indicator_id == ELECTRICITY for o in inputs):
        raise InputError(
            "no reported electricity to compute from",
            Location(field=ELECTRICITY),
            expected="reported electricity by country (ictfootprint demo loads an example)",
        )
    for obs in inputs:
        if obs.country is None:
            raise InputError(
                "observation has no country: Scope 2 needs where electricity was used",
                Location(field="country"),
                found=f"{obs.entity_id} {obs.indicator_id} {obs.year}",
            )
    frame = pd.DataFrame(
        [
            {
                "obs_id": o.id,
                "entity_id": o.entity_id,
                "country": o.country,
                "year": o.year,
                "indicator": o.indicator_id,
                "value": o.value,
            }
            for o in inputs
        ]
    )
    electricity = frame[frame.indicator == ELECTRICITY].rename(columns={"value": "electricity"})
    scope1 = frame[frame.indicator == SCOPE1].rename(columns={"value": "scope1"})

    resolved = {
        (c, int(y)): store.resolve_grid_factor(c, int(y), dataset=factor_dataset)
        for c, y in electricity[["country", "year"]].drop_duplicates().itertuples(index=False)
    }
    factors = pd.DataFrame(
        [
            {
                "country": c,
                "year": y,
                "factor": f.value,
                "factor_id": f.factor_id,
                "factor_source": f"{f.dataset}@v{f.dataset_version} {f.area} {f.year}: {f.source}",
                "factor_flags": ";".join(f.flags),
            }
            for (c, y), f in resolved.items()
        ]
    )
    backend = connect(engine)
    s2 = scope2_location_based(
        table(backend, electricity[["entity_id", "country", "year", "electricity"]], "elec"),
        table(backend, factors, "factors"),
        energy_unit=indicator(ELECTRICITY).unit,
    )
    s1 = table(backend, scope1[["entity_id", "country", "year", "scope1"]], "scope1")
    keys = ["entity_id", "country", "year"]
    both = s2.join(s1, keys, how="outer")
    places = int(defaults()["rounding"]["tCO2e"])
    per_entity = both.select(
        entity_id=ibis.coalesce(both.entity_id, both.entity_id_right),
        country=ibis.coalesce(both.country, both.country_right),
        year=ibis.coalesce(both.year, both.year_right),
        electricity=both.electricity,
        factor=both.factor,
        factor_id=both.factor_id,
        factor_source=both.factor_source,
        factor_flags=both.factor_flags,
        scope1=both.scope1,
        scope2_location=both.scope2_location,
        s1s2_location=(both.scope1 + both.scope2_location).round(places),
    ).order_by(keys)
    entity_rows = backend.to_pandas(per_entity)
    gaps = [
        f"{r.entity_id} {r.country} {r.year}: "
        + ("Scope 1 missing" if pd.isna(r.scope1) else "electricity missing")
        for r in entity_rows.itertuples()
        if pd.isna(r.s1s2_location)
    ]
    entities = _records(entity_rows)
    written = unchanged = 0
    if write:
        written, unchanged = _write_entities(
            store, entities, frame, known, _illustrative(inputs, known)
        )
    country_rows, itu, m49, world = _area_totals(
        store, sorted({int(r["year"]) for r in entities}), engine
    )

    world_series = {int(r["year"]): float(r["total"]) for r in world}
    path = pathway_named(pathway_id)
    track = None
    if path.base_year is None or path.base_year in world_series:
        track = trajectory(world_series, path, scope=SCOPE, unit="tCO2e")
    run = FootprintRun(
        years=sorted(world_series),
        entities=entities,
        countries=country_rows,
        itu_regions=itu,
        m49_regions=m49,
        world=world,
        factors=sorted(resolved.values(), key=lambda f: (f.area, f.requested_year)),
        trajectory=track,
        illustrative=_illustrative(inputs, known),
        gaps=gaps,
        written=written,
        unchanged=unchanged,
    )
    if write:
        _write_areas(store, run, known)
    return run


def _illustrative(inputs: Sequence[Any], known: dict[str, Entity]) -> bool:
    return any(known[o.entity_id].illustrative for o in inputs)


def _area_totals(store: Store, years: list[int], engine: str) -> tuple[list[dict[str, Any]], ...]:
    """Country, ITU region, UN M49 region and world totals of Scope 1 + 2 (location-based),
    across sub-sectors, from the sector's one roll-up."""
    found: list[list[dict[str, Any]]] = []
    by_country: dict[tuple[str, int], float] = {}
    every = sector_levels(store, years=years, quantities=[S1S2_LOCATION], engine=engine)
    for level, kind, code in (
        ("country", "itu", "country"),
        ("region", "itu", "region"),
        ("region", "m49", "region"),
        ("world", "itu", "region"),
    ):
        member = membership("country", "itu") if level == "country" else membership(level, kind)
        area_of = dict(zip(member["country"], member["area"], strict=True))
        rows = []
        for year, totals in every[(level, kind)].items():
            for r in totals.rows:
                if r["subsector"] != ALL_SUBSECTORS or r["value"] is None:
                    continue
                row: dict[str, Any] = {code: r["area"], "year": year, "total": r["value"]}
                if level == "country":
                    by_country[(r["area"], year)] = r["value"]
                else:
                    row["countries"] = sum(
                        1 for (c, y) in by_country if y == year and area_of.get(c) == r["area"]
                    )
                row["entities"] = r["entities"]
                rows.append(row)
        found.append(rows)
    return tuple(found)


_REPORTING_KINDS: Final = (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({str(k): (None if _missing(v) else _plain(v)) for k, v in row.items()})
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _write_entities(
    store: Store,
    entities: list[dict[str, Any]],
    inputs: pd.DataFrame,
    known: dict[str, Entity],
    illustrative: bool,
) -> tuple[int, int]:
    """Store each entity's computed Scope 2 and Scope 1 + 2 as calculated observations."""
    flags = ("illustrative",) if illustrative else ()
    tool = f"ictfootprint {__version__}"
    batch: list[Observation] = []
    for row in entities:
        ids = inputs[
            (inputs.entity_id == row["entity_id"])
            & (inputs.country == row["country"])
            & (inputs.year == row["year"])
        ].obs_id.tolist()
        lineage = {"inputs": ids, "factor_id": row["factor_id"], "tool": tool}
        common = {
            "entity_id": row["entity_id"],
            "year": row["year"],
            "country": row["country"],
            "method": Method.CALCULATED,
            "lineage": lineage,
        }
        factor_flags = tuple(f for f in (row["factor_flags"] or "").split(";") if f)
        if row["scope2_location"] is not None:
            batch.append(
                Observation(
                    indicator_id=SCOPE2_LOCATION,
                    value=row["scope2_location"],
                    unit="tCO2e",
                    source=f"{tool}: electricity × grid factor ({row['factor_source']})",
                    quality_flags=flags + factor_flags,
                    **common,
                )
            )
        if row["s1s2_location"] is not None:
            batch.append(
                Observation(
                    indicator_id=S1S2_LOCATION,
                    value=row["s1s2_location"],
                    unit="tCO2e",
                    source=f"{tool}: Scope 1 + Scope 2 location-based",
                    quality_flags=flags + factor_flags,
                    **common,
                )
            )
    if not batch:
        return 0, 0
    result = store.record_observations(batch, action="footprint-run")
    return len(result.written), result.unchanged


def _write_areas(store: Store, run: FootprintRun, known: dict[str, Entity]) -> None:
    """Store the national, regional and world totals (national_ict_ghg, ...)."""
    flags = ("illustrative",) if run.illustrative else ()
    tool = f"ictfootprint {__version__}"
    batch: list[Observation] = []
    for level, rows, code in (
        ("country", run.countries, "country"),
        ("itu_region", run.itu_regions, "region"),
        ("m49_region", run.m49_regions, "region"),
        ("world", run.world, "region"),
    ):
        for row in rows:
            area = area_entity(store, level, row[code], known)
            target = {"world": GLOBAL_GHG, "country": NATIONAL_GHG}.get(level, REGIONAL_GHG)
            unit = indicator(target).unit
            value = round_figure(
                convert(row["total"], "tCO2e", unit).value, unit, defaults()["rounding"]
            )
            batch.append(
                Observation(
                    entity_id=area,
                    indicator_id=target,
                    year=row["year"],
                    value=value,
                    unit=unit,
                    method=Method.CALCULATED,
                    source=f"{tool}: sum of Scope 1 + Scope 2 (location-based) of "
                    f"{row['entities']} in-sector entities",
                    quality_flags=flags,
                    lineage={"level": level, "tool": tool},
                )
            )
    if batch:
        result = store.record_observations(batch, action="footprint-run")
        run.written += len(result.written)
        run.unchanged += result.unchanged
