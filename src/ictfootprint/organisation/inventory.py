"""An organisation's own footprint: compute an inventory and store it, all or nothing.

Per organisation and year the store holds ``calculated`` observations of the organisation
entity: ``ghg_scope1`` and ``ghg_scope2_location`` (facilities: fuels and refrigerants through
:mod:`ictfootprint.compute.scope1`, electricity times the store's grid factor as
:mod:`ictfootprint.compute.scope2` does), ``ghg_scope3_c06`` (business travel: air from the
flight list, rail, road and hotel nights from the inventory) whose lineage holds the
breakdown, and the other Scope 3 categories the inventory gives (``ghg_scope3_c07``).

The c06 lineage is also where the two imports meet: importing flights keeps the rail, road
and hotel lines stored with the year's current c06 value, importing an inventory keeps its air
lines. Storing goes through ``Store.record_observations``: one transaction, new revisions
only, earlier ones kept.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from ictfootprint import __version__
from ictfootprint.compute import scope1
from ictfootprint.compute.travel import (
    flight_legs,
    flights_by_haul_and_cabin,
    hotel_nights,
    records,
    surface_travel,
)
from ictfootprint.errors import InputError, Location
from ictfootprint.model import EntityKind, Method, Observation, StoredObservation
from ictfootprint.organisation.flights_file import read_flights
from ictfootprint.organisation.inventory_file import CATEGORIES, InventoryRow, read_inventory
from ictfootprint.reference.gwp import gwp_set_name
from ictfootprint.reference.loader import defaults
from ictfootprint.reference.travel import FactorSet, airports_version, factor_set
from ictfootprint.store import Store
from ictfootprint.units import co2e, convert

TRAVEL: Final = "ghg_scope3_c06"
INDICATORS: Final = (
    "ghg_scope1",
    "ghg_scope2_location",
    TRAVEL,
    *sorted({i for i, _ in CATEGORIES.values()} - {"ghg_scope1", "ghg_scope2_location", TRAVEL}),
)


@dataclass
class OrganisationRun:
    """What an import computed (and, unless a dry run, stored)."""

    entity_id: str
    years: list[int]
    observations: list[Observation]
    written: int = 0
    unchanged: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def figures(self) -> list[dict[str, Any]]:
        return [
            {"year": o.year, "indicator": o.indicator_id, "tco2e": o.value}
            for o in self.observations
        ]


def _organisation(store: Store, entity_id: str) -> bool:
    """The entity must exist and be an organisation; returns whether it is illustrative."""
    entity = store.find_entity(entity_id)
    if entity is None:
        raise InputError(
            "unknown entity (add it first: ictfootprint entities add --kind organisation)",
            Location(field="entity"),
            found=entity_id,
        )
    if entity.kind is not EntityKind.ORGANISATION:
        raise InputError(
            "not an organisation",
            Location(field="entity"),
            expected="organisation",
            found=entity.kind.value,
        )
    return entity.illustrative


def _places() -> int:
    return int(defaults()["rounding"]["tCO2e"])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# flights ----------------------------------------------------------------------------------------
def air_breakdown(
    legs: pd.DataFrame, factors: FactorSet, *, radiative_forcing: bool
) -> list[dict[str, Any]]:
    """The air lines of the c06 breakdown: one per haul and cabin flown."""
    grouped = flights_by_haul_and_cabin(
        flight_legs(legs, factors, radiative_forcing=radiative_forcing)
    )
    return [
        {
            "mode": "air",
            "haul": str(r["haul"]),
            "cabin": str(r["cabin"]),
            "legs": int(r["legs"]),
            "passenger_km": float(r["passenger_km"]),
            "tco2e": float(r["tco2e"]),
        }
        for r in records(grouped)
    ]


def import_flights(
    store: Store,
    entity_id: str,
    path: Path,
    year: int,
    *,
    radiative_forcing: bool = True,
    factor_set_id: str | None = None,
    factor_file: Path | None = None,
    dry_run: bool = False,
    encoding: str | None = None,
) -> OrganisationRun:
    """Compute the year's flights from a flight list and store the year's c06 with them."""
    illustrative = _organisation(store, entity_id)
    factors = factor_set(factor_set_id, factor_file)
    legs = read_flights(path, year, encoding=encoding)
    air = air_breakdown(legs, factors, radiative_forcing=radiative_forcing)
    held = _held_travel(store, entity_id, year)
    _same_set(held, factors, year)
    others = [e for e in (held.lineage.get("breakdown", []) if held else []) if e["mode"] != "air"]
    inputs = {**(held.lineage.get("inputs", {}) if held else {}), "flights": _sha256(path)}
    observation = _travel_observation(
        entity_id, year, [*air, *others], factors, radiative_forcing, inputs, illustrative
    )
    return _store(store, entity_id, [observation], dry_run)


# inventory --------------------------------------------------------------------------------------
def import_inventory(
    store: Store,
    entity_id: str,
    path: Path,
    *,
    radiative_forcing: bool = True,
    factor_set_id: str | None = None,
    factor_file: Path | None = None,
    gwp: str | None = None,
    dry_run: bool = False,
    encoding: str | None = None,
) -> OrganisationRun:
    """Compute every year of a Greening-the-Blue inventory and store it in one transaction."""
    illustrative = _organisation(store, entity_id)
    factors = factor_set(factor_set_id, factor_file)
    rows = read_inventory(path, encoding=encoding)
    sha = _sha256(path)
    by_year: dict[int, list[InventoryRow]] = defaultdict(list)
    for row in rows:
        by_year[row.year].append(row)
    batch: list[Observation] = []
    try:
        for year, year_rows in sorted(by_year.items()):
            batch.extend(
                _inventory_year(
                    store,
                    entity_id,
                    year,
                    year_rows,
                    factors,
                    radiative_forcing,
                    gwp,
                    sha,
                    illustrative,
                )
            )
    except InputError as error:
        raise error.at(file=str(path)) from None
    return _store(store, entity_id, batch, dry_run)


def _inventory_year(
    store: Store,
    entity_id: str,
    year: int,
    rows: list[InventoryRow],
    factors: FactorSet,
    radiative_forcing: bool,
    gwp: str | None,
    sha: str,
    illustrative: bool,
) -> list[Observation]:
    set_name = gwp_set_name(gwp)
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    grid: dict[str, Any] = {}
    for row in rows:
        indicator, needs = CATEGORIES[row.category]
        if indicator == TRAVEL:
            continue
        tco2e = _facility_tco2e(store, row, needs, set_name, grid)
        parts[indicator].append(
            {
                "category": row.category,
                # only a checked name (fuel, gas) is kept: free text is never stored
                "detail": (row.detail or None) if row.unit != "tCO2e" else None,
                "country": row.country or None,
                "quantity": row.quantity,
                "unit": row.unit,
                "tco2e": round(tco2e, _places()),
                "row": row.number,
            }
        )
    flags = ["illustrative"] if illustrative else []
    tool = f"ictfootprint {__version__} organisation"
    batch = []
    for indicator, items in parts.items():
        lineage: dict[str, Any] = {
            "calculation": "facilities" if indicator != "ghg_scope3_c07" else "reported-figure",
            "inputs": {"inventory": sha},
            "parts": items,
        }
        if indicator == "ghg_scope1":
            lineage["gwp_set"] = set_name
        if grid:
            lineage["grid_factors"] = grid if indicator == "ghg_scope2_location" else None
        batch.append(
            Observation(
                entity_id=entity_id,
                indicator_id=indicator,
                year=year,
                value=round(sum(p["tco2e"] for p in items), _places()),
                unit="tCO2e",
                method=Method.CALCULATED,
                source=f"{tool}: Greening the Blue inventory",
                quality_flags=tuple(flags + _proxy_flags(grid, indicator)),
                lineage={k: v for k, v in lineage.items() if v is not None},
                gwp_set=set_name if indicator == "ghg_scope1" else None,
            )
        )
    travel = [r for r in rows if CATEGORIES[r.category][0] == TRAVEL]
    held = _held_travel(store, entity_id, year)
    if travel or held is not None:
        _same_set(held, factors, year)
        air = [e for e in (held.lineage.get("breakdown", []) if held else []) if e["mode"] == "air"]
        rf = (
            bool(held.lineage.get("radiative_forcing", radiative_forcing))
            if held
            else (radiative_forcing)
        )
        inputs = {**(held.lineage.get("inputs", {}) if held else {}), "inventory": sha}
        batch.append(
            _travel_observation(
                entity_id,
                year,
                [*air, *_surface_breakdown(travel, factors)],
                factors,
                rf,
                inputs,
                illustrative,
            )
        )
    return batch


def _facility_tco2e(
    store: Store, row: InventoryRow, needs: str, set_name: str, grid: dict[str, Any]
) -> float:
    if row.unit == "tCO2e":
        return row.quantity
    try:
        if needs == "fuel":
            factor, _ = scope1.combustion_factor(row.detail, row.unit, set_name)
            return row.quantity * factor
        if needs == "refrigerant":
            return co2e(row.quantity, row.detail, row.unit, gwp=set_name).value
        # electricity: kWh × the grid factor of the country and year, as compute.scope2 does
        kwh = convert(
            row.quantity, row.unit, "kWh", where=Location(row=row.number, field="unit")
        ).value
    except InputError as error:
        raise error.at(row=row.number) from None
    resolved = store.resolve_grid_factors([(row.country, row.year)])[(row.country, row.year)]
    if resolved is None:
        raise InputError(
            "no grid factor for this country in any dataset",
            Location(row=row.number, field="country"),
            found=row.country,
            expected="import one: ictfootprint factors import",
        )
    grid[row.country] = {
        "id": resolved.factor_id,
        "dataset": resolved.dataset,
        "version": resolved.dataset_version,
        "year": resolved.year,
        "g_per_kwh": resolved.value,
        "flags": list(resolved.flags),
    }
    return kwh * resolved.value * convert(1.0, "kWh * (gCO2e/kWh)", "tCO2e").value


def _proxy_flags(grid: dict[str, Any], indicator: str) -> list[str]:
    if indicator != "ghg_scope2_location":
        return []
    return sorted({flag for g in grid.values() for flag in g["flags"]})


def _surface_breakdown(rows: list[InventoryRow], factors: FactorSet) -> list[dict[str, Any]]:
    trips = pd.DataFrame(
        [
            {"mode": r.category, "category": r.detail, "passenger_km": r.quantity, "row": r.number}
            for r in rows
            if r.category in ("rail", "road")
        ],
        columns=["mode", "category", "passenger_km", "row"],
    )
    entries: list[dict[str, Any]] = [
        {
            "mode": str(r["mode"]),
            "legs": int(r["legs"]),
            "passenger_km": float(r["passenger_km"]),
            "tco2e": float(r["tco2e"]),
        }
        for r in records(surface_travel(trips, factors))
    ]
    stays = pd.DataFrame(
        [
            {"country": r.country, "nights": r.quantity, "row": r.number}
            for r in rows
            if r.category == "hotel"
        ],
        columns=["country", "nights", "row"],
    )
    hotel = hotel_nights(stays, factors)
    if hotel is not None:
        entries.append(hotel)
    return entries


# c06 --------------------------------------------------------------------------------------------
def _held_travel(store: Store, entity_id: str, year: int) -> StoredObservation | None:
    held = store.current_observations(
        entity_ids=[entity_id], indicator_ids=[TRAVEL], years=[year], methods=["calculated"]
    )
    return held[0] if held else None


def _same_set(held: StoredObservation | None, factors: FactorSet, year: int) -> None:
    if held is not None and held.lineage.get("factor_set") not in (None, factors.id):
        raise InputError(
            f"{year}'s business travel was computed with another factor set: import both files "
            "with the same --factor-set",
            Location(field="factor-set"),
            expected=str(held.lineage.get("factor_set")),
            found=factors.id,
        )


def _travel_observation(
    entity_id: str,
    year: int,
    breakdown: list[dict[str, Any]],
    factors: FactorSet,
    radiative_forcing: bool,
    inputs: dict[str, str],
    illustrative: bool,
) -> Observation:
    rf = "with" if radiative_forcing else "without"
    return Observation(
        entity_id=entity_id,
        indicator_id=TRAVEL,
        year=year,
        value=round(sum(float(e["tco2e"]) for e in breakdown), _places()),
        unit="tCO2e",
        method=Method.CALCULATED,
        source=(
            f"ictfootprint {__version__} organisation: business travel, factor set "
            f"{factors.id}, {rf} radiative forcing"
        ),
        quality_flags=("illustrative",) if illustrative else (),
        lineage={
            "calculation": "business-travel",
            "factor_set": factors.id,
            "factor_source": factors.source,
            "radiative_forcing": radiative_forcing,
            "distance_uplift": factors.distance_uplift,
            "breakdown": breakdown,
            "airports": airports_version(),
            "inputs": inputs,
        },
    )


def _store(
    store: Store, entity_id: str, batch: list[Observation], dry_run: bool
) -> OrganisationRun:
    run = OrganisationRun(entity_id, sorted({o.year for o in batch}), batch, dry_run=dry_run)
    if not dry_run and batch:
        result = store.record_observations(batch, action="organisation-import")
        run.written, run.unchanged = len(result.written), result.unchanged
    return run
