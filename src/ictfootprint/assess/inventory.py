"""An organisation's own inventory (issue 19): its stored observations by scope and Scope 3
category and year, the business-travel breakdown of each year (from the lineage of its
``ghg_scope3_c06`` observation), the year-on-year change with its causes, and its series for
a pathway such as the UN system's (-45 % from 2010 by 2030).

An organisation's inventory (the UN system's Greening the Blue one) counts Scope 1, Scope 2
and the Scope 3 categories it inventories (business travel above all), not all fifteen: its
Scope 3 is the reported ``ghg_scope3_total`` when there is one, else the sum of the
categories it has for the year. The total is S1 + S2 (location-based, or market-based for a
market scope) + S3. Pure functions on observations; :func:`read_inventory` reads the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from ictfootprint.errors import InputError, Location
from ictfootprint.model import StoredObservation
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.store import Store
from ictfootprint.units import convert

UNIT: Final = "tCO2e"
SCOPE1: Final = "ghg_scope1"
SCOPE2: Final = {"location": "ghg_scope2_location", "market": "ghg_scope2_market"}
SCOPE3_TOTAL: Final = "ghg_scope3_total"
CATEGORIES: Final = tuple(f"ghg_scope3_c{n:02d}" for n in range(1, 16))
TRAVEL: Final = "ghg_scope3_c06"
# the travel breakdown's measures that explain a change, by mode
MEASURES: Final = ("legs", "passenger_km", "nights")


@dataclass(frozen=True)
class Line:
    """One stored figure of the inventory: an indicator of a year, with its provenance."""

    indicator: str
    scope: str  # "1", "2-location", "3.6", ... (the catalogue's)
    year: int
    value: float
    unit: str
    method: str
    source: str
    observation_id: int


@dataclass(frozen=True)
class TravelRow:
    """One row of the business-travel breakdown: a mode (air by haul and cabin)."""

    mode: str
    tco2e: float
    haul: str | None = None
    cabin: str | None = None
    legs: int | None = None
    passenger_km: float | None = None
    nights: int | None = None


@dataclass(frozen=True)
class Travel:
    """The business travel of one year, as its calculation stored it (the lineage)."""

    year: int
    observation_id: int
    factor_set: str
    factor_source: str
    radiative_forcing: bool | None
    distance_uplift: float | None
    rows: tuple[TravelRow, ...]

    def measure(self, mode: str, name: str) -> float | None:
        """The sum of ``name`` (legs, passenger_km, nights) over the rows of ``mode``."""
        found = [getattr(r, name) for r in self.rows if r.mode == mode]
        found = [v for v in found if v is not None]
        return float(sum(found)) if found else None

    def emissions(self, mode: str) -> float:
        return sum(r.tco2e for r in self.rows if r.mode == mode)


@dataclass(frozen=True)
class Cause:
    """One part of a year-on-year change: a scope or category's emissions, or a travel
    measure (flight legs, passenger-km, hotel nights) of a mode."""

    kind: str  # "emissions" (of ``indicator``) or a travel measure: legs, passenger_km, nights
    before: float
    after: float
    unit: str
    indicator: str | None = None
    mode: str | None = None

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def ratio(self) -> float | None:
        return None if self.before == 0 else self.after / self.before - 1


@dataclass(frozen=True)
class Change:
    """The total of ``year`` against the year before it, and what explains the change."""

    from_year: int
    year: int
    before: float
    after: float
    causes: tuple[Cause, ...]

    @property
    def ratio(self) -> float | None:
        return None if self.before == 0 else self.after / self.before - 1


@dataclass(frozen=True)
class Inventory:
    entity_id: str
    basis: str  # location | market (Scope 2 in the totals)
    unit: str
    lines: tuple[Line, ...]
    totals: Mapping[int, float]
    travel: tuple[Travel, ...]
    changes: tuple[Change, ...]
    incomplete: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({line.year for line in self.lines})

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["totals"] = {str(y): v for y, v in sorted(self.totals.items())}
        data["incomplete"] = {str(y): list(v) for y, v in sorted(self.incomplete.items())}
        for change, raw in zip(self.changes, data["changes"], strict=True):
            raw["ratio"] = change.ratio
            for cause, out in zip(change.causes, raw["causes"], strict=True):
                out["delta"], out["ratio"] = cause.delta, cause.ratio
        return data


def _tco2e(obs: StoredObservation) -> float:
    assert obs.value is not None and obs.unit is not None
    return obs.value if obs.unit == UNIT else convert(obs.value, obs.unit, UNIT).value


def _travel(obs: StoredObservation) -> Travel | None:
    """The breakdown in an observation's lineage (spec: "calculation": "business-travel"),
    or None when the figure was reported without one."""
    lineage = obs.lineage or {}
    if lineage.get("calculation") != "business-travel":
        return None
    rows = []
    for item in lineage.get("breakdown") or []:
        if not isinstance(item, Mapping) or "mode" not in item or "tco2e" not in item:
            continue
        rows.append(
            TravelRow(
                mode=str(item["mode"]),
                tco2e=float(item["tco2e"]),
                haul=item.get("haul"),
                cabin=item.get("cabin"),
                legs=None if item.get("legs") is None else int(item["legs"]),
                passenger_km=None
                if item.get("passenger_km") is None
                else float(item["passenger_km"]),
                nights=None if item.get("nights") is None else int(item["nights"]),
            )
        )
    rf = lineage.get("radiative_forcing")
    uplift = lineage.get("distance_uplift")
    return Travel(
        year=obs.year,
        observation_id=obs.id,
        factor_set=str(lineage.get("factor_set", "")),
        factor_source=str(lineage.get("factor_source", "")),
        radiative_forcing=None if rf is None else bool(rf),
        distance_uplift=None if uplift is None else float(uplift),
        rows=tuple(rows),
    )


def _year_total(by: Mapping[str, float], basis: str) -> tuple[float | None, tuple[str, ...]]:
    """S1 + S2 (``basis``) + S3 of one year, or None with what is missing."""
    missing = [i for i in (SCOPE1, SCOPE2[basis]) if i not in by]
    categories = [by[c] for c in CATEGORIES if c in by]
    if SCOPE3_TOTAL not in by and not categories:
        missing.append(f"{SCOPE3_TOTAL} or a Scope 3 category")
    if missing:
        return None, tuple(missing)
    scope3 = by[SCOPE3_TOTAL] if SCOPE3_TOTAL in by else sum(categories)
    return by[SCOPE1] + by[SCOPE2[basis]] + scope3, ()


def inventory(
    entity_id: str, observations: Iterable[StoredObservation], basis: str = "location"
) -> Inventory:
    """The inventory of ``entity_id`` from its current observations (any order).

    >>> inventory("org", []).totals
    {}
    """
    known = catalogue()
    wanted = {SCOPE1, SCOPE3_TOTAL, *SCOPE2.values(), *CATEGORIES}
    lines: list[Line] = []
    by_year: dict[int, dict[str, float]] = defaultdict(dict)
    travel: list[Travel] = []
    for obs in observations:
        if obs.entity_id != entity_id or obs.indicator_id not in wanted or obs.value is None:
            continue
        value = _tco2e(obs)
        # an inventory may come by country: its figures add up
        by_year[obs.year][obs.indicator_id] = by_year[obs.year].get(obs.indicator_id, 0) + value
        lines.append(
            Line(
                indicator=obs.indicator_id,
                scope=known[obs.indicator_id].scope or "",
                year=obs.year,
                value=value,
                unit=UNIT,
                method=obs.method,
                source=obs.source,
                observation_id=obs.id,
            )
        )
        if obs.indicator_id == TRAVEL and (found := _travel(obs)) is not None:
            travel.append(found)
    totals: dict[int, float] = {}
    incomplete: dict[int, tuple[str, ...]] = {}
    for year, by in sorted(by_year.items()):
        total, missing = _year_total(by, basis)
        if total is None:
            incomplete[year] = missing
        else:
            totals[year] = total
    order = list(known)
    lines.sort(key=lambda x: (x.year, order.index(x.indicator)))
    travel.sort(key=lambda t: t.year)
    changes = tuple(
        _change(y0, y1, totals, by_year, {t.year: t for t in travel})
        for y0, y1 in zip(sorted(totals), sorted(totals)[1:], strict=False)
        if y1 == y0 + 1
    )
    return Inventory(
        entity_id, basis, UNIT, tuple(lines), totals, tuple(travel), changes, incomplete
    )


def _change(
    y0: int,
    y1: int,
    totals: Mapping[int, float],
    by_year: Mapping[int, Mapping[str, float]],
    travel: Mapping[int, Travel],
) -> Change:
    """Year ``y1`` against ``y0``: each figure that moved, the largest move first; then, for
    business travel, the measures behind it (legs, passenger-km, nights by mode)."""
    causes: list[Cause] = []
    for indicator in sorted(set(by_year[y0]) | set(by_year[y1])):
        before, after = by_year[y0].get(indicator, 0.0), by_year[y1].get(indicator, 0.0)
        if round(after - before, 3) != 0:
            causes.append(Cause("emissions", before, after, UNIT, indicator=indicator))
    causes.sort(key=lambda c: -abs(c.delta))
    if y0 in travel and y1 in travel:
        modes = sorted({r.mode for r in travel[y0].rows} | {r.mode for r in travel[y1].rows})
        for mode in modes:
            for name in MEASURES:
                before_m, after_m = travel[y0].measure(mode, name), travel[y1].measure(mode, name)
                if before_m is None and after_m is None:
                    continue
                if (before_m or 0.0) != (after_m or 0.0):
                    unit = "km" if name == "passenger_km" else "1"
                    causes.append(Cause(name, before_m or 0.0, after_m or 0.0, unit, mode=mode))
    return Change(y0, y1, totals[y0], totals[y1], tuple(causes))


def organisation_series(store: Store, entity_id: str, scope: str) -> dict[int, float]:
    """An organisation's yearly S1 + S2 + S3 for ``scope`` (1+2+3-location or -market)."""
    basis = scope.rsplit("-", 1)[-1]
    if not scope.startswith("1+2+3-") or basis not in SCOPE2:
        raise InputError(
            "an organisation's inventory is compared as Scope 1 + 2 + 3",
            Location(field="scope"),
            expected="1+2+3-location or 1+2+3-market",
            found=scope,
        )
    return dict(read_inventory(store, entity_id, basis).totals)


def read_inventory(store: Store, entity_id: str, basis: str = "location") -> Inventory:
    """The inventory from the store's published (current) values of the entity."""
    _count, rows = store.published_page(entity_ids=[entity_id])
    return inventory(entity_id, (obs for obs, _area in rows), basis)
