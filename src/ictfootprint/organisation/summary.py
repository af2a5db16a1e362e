"""An organisation's stored inventory read back: by scope and category, flights by haul and
cabin, and the change from one year to the next with its causes (more legs, longer hauls,
more passenger-km, facilities).

Reads current observations only (the best available of each series); computes nothing that
is not a sum or a difference of stored figures.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ictfootprint.errors import InputError, Location
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available

SCOPES = ("ghg_scope1", "ghg_scope2_location")


@dataclass
class YearInventory:
    year: int
    by_indicator: dict[str, float]
    travel: list[dict[str, Any]]  # the c06 breakdown
    radiative_forcing: bool | None
    factor_set: str | None

    @property
    def total(self) -> float:
        """Scope 1 + Scope 2 (location) + every Scope 3 category stored."""
        return sum(
            v for k, v in self.by_indicator.items() if k in SCOPES or k.startswith("ghg_scope3_c")
        )

    def mode_total(self, mode: str, key: str = "tco2e") -> float:
        return sum(float(e.get(key, 0) or 0) for e in self.travel if e["mode"] == mode)


@dataclass
class Change:
    """From one year to the next: the total's change and what moved it (largest first)."""

    year: int
    previous: int
    total_change: float
    percent: float | None
    causes: list[tuple[str, float]] = field(default_factory=list)
    legs: tuple[int, int] = (0, 0)
    passenger_km: tuple[float, float] = (0.0, 0.0)


@dataclass
class OrganisationSummary:
    entity_id: str
    name: str
    years: list[YearInventory]
    changes: list[Change]

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity_id,
            "name": self.name,
            "years": [
                {
                    "year": y.year,
                    "total_tco2e": round(y.total, 6),
                    "by_indicator": y.by_indicator,
                    "business_travel": y.travel,
                    "radiative_forcing": y.radiative_forcing,
                    "factor_set": y.factor_set,
                }
                for y in self.years
            ],
            "changes": [
                {
                    "year": c.year,
                    "from": c.previous,
                    "change_tco2e": round(c.total_change, 6),
                    "change_percent": c.percent,
                    "causes": [{"part": p, "change_tco2e": round(v, 6)} for p, v in c.causes],
                    "air_legs": list(c.legs),
                    "air_passenger_km": list(c.passenger_km),
                }
                for c in self.changes
            ],
        }


def organisation_summary(store: Store, entity_id: str) -> OrganisationSummary:
    entity = store.find_entity(entity_id)
    if entity is None:
        raise InputError("unknown entity", Location(field="entity"), found=entity_id)
    current = best_available(store.current_observations(entity_ids=[entity_id]))
    years: dict[int, YearInventory] = {}
    for obs in current:
        if obs.value is None or not obs.indicator_id.startswith("ghg_scope"):
            continue
        if obs.indicator_id not in SCOPES and not obs.indicator_id.startswith("ghg_scope3_c"):
            continue
        inv = years.setdefault(obs.year, YearInventory(obs.year, {}, [], None, None))
        inv.by_indicator[obs.indicator_id] = obs.value
        if obs.indicator_id == "ghg_scope3_c06" and obs.lineage.get("breakdown") is not None:
            inv.travel = list(obs.lineage["breakdown"])
            inv.radiative_forcing = obs.lineage.get("radiative_forcing")
            inv.factor_set = obs.lineage.get("factor_set")
    ordered = [years[y] for y in sorted(years)]
    changes = [_change(a, b) for a, b in itertools.pairwise(ordered)]
    return OrganisationSummary(entity_id, entity.name, ordered, changes)


def _parts(inv: YearInventory) -> dict[str, float]:
    """What a total is made of, named for the causes of a change."""
    parts = {
        "facilities: Scope 1": inv.by_indicator.get("ghg_scope1", 0.0),
        "facilities: Scope 2": inv.by_indicator.get("ghg_scope2_location", 0.0),
    }
    for entry in inv.travel:
        if entry["mode"] == "air":
            key = f"flights: {entry['haul']} haul, {entry['cabin']}"
        else:
            key = f"{entry['mode']}"
        parts[key] = parts.get(key, 0.0) + float(entry["tco2e"])
    if not inv.travel and "ghg_scope3_c06" in inv.by_indicator:
        parts["business travel"] = inv.by_indicator["ghg_scope3_c06"]
    for indicator, value in inv.by_indicator.items():
        if indicator.startswith("ghg_scope3_c") and indicator != "ghg_scope3_c06":
            parts[indicator] = value
    return parts


def _change(before: YearInventory, after: YearInventory) -> Change:
    old, new = _parts(before), _parts(after)
    deltas = {k: new.get(k, 0.0) - old.get(k, 0.0) for k in old.keys() | new.keys()}
    causes = sorted(
        ((k, v) for k, v in deltas.items() if abs(v) >= 0.0005), key=lambda kv: -abs(kv[1])
    )
    change = after.total - before.total
    percent = round(100 * change / before.total, 1) if before.total else None
    return Change(
        year=after.year,
        previous=before.year,
        total_change=change,
        percent=percent,
        causes=causes,
        legs=(int(before.mode_total("air", "legs")), int(after.mode_total("air", "legs"))),
        passenger_km=(
            before.mode_total("air", "passenger_km"),
            after.mode_total("air", "passenger_km"),
        ),
    )
