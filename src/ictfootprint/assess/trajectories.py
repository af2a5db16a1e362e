"""Trajectories from the store: a yearly series for an entity, a country, a region, the world
or a sub-sector, compared with a pathway (ITU-T L.1470, SBTi, or a user's own), projected and
with the reduction it still needs.

Entity series use the entity's best available values for the scope (its reported total, else
the sum of the components of the same year); area and sub-sector series are sector totals
(Scope 1 + 2 location-based of in-sector entities, :mod:`ictfootprint.compute.sector`), so
only the ``1+2-location`` scope can be compared there: any other is an error, not a mix. An
area's trend is judged on its like-for-like series (:mod:`.area_trend`), shown beside its
reported totals, coverage and reported share.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ictfootprint.assess.alignment import (
    Projection,
    RequiredReduction,
    project,
    required_reduction,
)
from ictfootprint.assess.area_trend import AreaTrend, area_key, area_trend
from ictfootprint.assess.gases import co2_area_error, co2_entity_series
from ictfootprint.assess.inventory import organisation_series
from ictfootprint.assess.trajectory import Trajectory, trajectory
from ictfootprint.compute.quantities import Quantity
from ictfootprint.compute.sector_frame import entity_totals
from ictfootprint.errors import InputError, Location
from ictfootprint.model import EntityKind
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.pathway_file import read_pathway_file
from ictfootprint.reference.pathways import Applicability, Pathway, applicability, for_gas
from ictfootprint.reference.pathways import pathway as pathway_named
from ictfootprint.store import Store

if TYPE_CHECKING:
    from ictfootprint.compute.trends import SectorTrends

LEVELS: Final = ("entity", "country", "region", "world", "subsector")

#: the years an area's trend is read for, unless asked otherwise (the pathway's base year
#: when it is earlier)
FIRST_YEAR: Final = 2015
LAST_YEAR: Final = 2030


@dataclass(frozen=True)
class Assessment:
    level: str
    key: str
    trajectory: Trajectory
    projection: Projection | None
    required: RequiredReduction | None
    applicability: Applicability | None = None
    #: an area's reported totals, coverage and reported share beside the like-for-like
    #: series the trend is judged on (None for an entity)
    trend: AreaTrend | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "key": self.key,
            **self.trajectory.as_dict(),
            "applicability": self.applicability.as_dict() if self.applicability else None,
            "projection": self.projection.as_dict() if self.projection else None,
            "required_reduction": self.required.as_dict() if self.required else None,
            "trend": self.trend.as_dict() if self.trend else None,
        }


def _scope_indicators() -> dict[str, tuple[str, tuple[str, ...]]]:
    """scope → (its total indicator, that total's components), from the catalogue."""
    found = {}
    for item in catalogue().values():
        if item.scope and item.components and item.unit == "tCO2e" and "+" in item.scope:
            found[item.scope] = (item.id, item.components)
    return found


def entity_series(store: Store, entity_id: str, scope: str) -> dict[int, float]:
    """The entity's yearly values for ``scope`` (all countries together), by the sector's
    rules (:func:`ictfootprint.compute.sector_frame.entity_totals`): the best available value
    of each series, estimates never; the reported combined figure or the sum of its complete
    components, the newer of the two when they disagree."""
    indicators = _scope_indicators()
    if scope not in indicators:
        raise InputError(
            "no such combined scope",
            Location(field="scope"),
            expected=", ".join(sorted(indicators)),
            found=scope,
        )
    total, parts = indicators[scope]
    quantity = Quantity(id=total, family="ghg", unit=catalogue()[total].unit, components=parts)
    frame = entity_totals(store, [quantity], [entity_id])
    complete = frame[frame["status"] == "complete"]
    return {int(y): float(v) for y, v in zip(complete["year"], complete["value"], strict=True)}


def load_pathway(pathway_id: str | None, pathway_file: Path | None) -> Pathway:
    """A shipped pathway by id, or a user's own from a file: a ``[target]`` (base year,
    target year, reduction, source) or a ``[[pathway]]`` in TOML, or a target as CSV
    (:mod:`ictfootprint.reference.pathway_file`)."""
    if pathway_file is None:
        return pathway_named(pathway_id or "l1470-sector")
    return read_pathway_file(pathway_file)


def assess_trajectory(
    store: Store,
    *,
    level: str,
    key: str,
    scope: str,
    pathway: Pathway,
    target_year: int = 2030,
    last_years: int = 5,
    first_year: int = FIRST_YEAR,
    last_year: int = LAST_YEAR,
    base_year: int | None = None,
    gas: str = "co2e",
    trends: SectorTrends | None = None,
) -> Assessment:
    """``level``/``key``'s series for ``scope`` against ``pathway`` from ``base_year`` (default:
    the pathway's own base year, else the first year with a value); a pathway of fixed points
    is defined from its own base year only. A base year without a value is an error naming
    the indicators that would give one. ``gas="co2"`` compares a CO2-only series with the
    pathway's CO2 variant (:mod:`.gases`). The result says whether the pathway is the
    place's own or an indicative comparison (``applicability``). ``trends``: an area's trends
    already computed (:func:`~ictfootprint.assess.area_trend.area_trend`'s ``known``)."""
    if level not in LEVELS:
        raise InputError(
            "unknown level", Location(field="level"), expected=", ".join(LEVELS), found=level
        )
    if level != "entity":
        key = area_key(level, key)  # an unknown area is an error before any data is read
    pathway = for_gas(pathway, gas)
    pathway.check_scope(scope)  # before any data: another scope is an error, not a mix
    if base_year is not None and pathway.kind == "points" and base_year != pathway.base_year:
        raise InputError(
            f"pathway {pathway.id} is defined from {pathway.base_year}: its base year cannot move",
            Location(field="base_year"),
            expected=f"{pathway.base_year}, or an annual pathway such as sbti-aca-1.5c",
            found=str(base_year),
        )
    subsectors: tuple[str, ...] = (key,) if level == "subsector" else ()
    trend: AreaTrend | None = None
    kind: str | None = None
    if level == "entity":
        entity = store.find_entity(key)
        if entity is None:
            raise InputError("unknown entity", Location(field="id"), found=key)
        subsectors, kind = tuple(entity.subsectors), entity.kind.value
        if kind == EntityKind.ORGANISATION.value and scope.startswith("1+2+3") and gas == "co2e":
            # its inventory's Scope 3 is the categories it inventories (travel), not all 15
            series = organisation_series(store, key, scope)
        elif gas == "co2e":
            series = entity_series(store, key, scope)
        else:
            series = co2_entity_series(store, key, scope, _scope_indicators())
    elif gas != "co2e":
        raise co2_area_error(level, key)
    else:
        if scope != "1+2-location":
            raise InputError(
                "sector totals are Scope 1 + 2 location-based",
                Location(field="scope"),
                expected="1+2-location",
                found=scope,
            )
        # judged on the like-for-like series: a company joining is not growth; read from the
        # pathway's own base year when it is earlier (the UN system's 2010)
        years = trend_years(pathway, first_year, last_year, base_year)
        trend = area_trend(store, level, key, years, trends)
        series = dict(trend.like_for_like)
    if not series:
        hint = (
            ""
            if level == "entity"
            else ": an entity-year enters the sector's total only with both ghg_scope1 and "
            "ghg_scope2_location (or a reported ghg_s1s2_location); compute Scope 2 from "
            "electricity with the footprint run, or report it (docs/sector-totals.md)"
        )
        raise InputError(
            f"no {scope} values for {level} {key}{hint}", Location(field="id"), found=key
        )
    start = base_year if base_year is not None else (pathway.base_year or min(series))
    if start not in series:
        raise _missing_base_year(level, key, scope, pathway, start, series, kind)
    if base_year is not None:
        series = {y: v for y, v in series.items() if y >= base_year}
    unit = "tCO2" if gas == "co2" else "tCO2e"
    result = trajectory(
        series, pathway, scope=scope, unit=unit, base_year=start, until=target_year, gas=gas
    )
    target = next((p.pathway for p in result.points if p.year == target_year), None)
    projection = project(series, target_year, last_years) if len(series) >= 2 else None
    required = (
        required_reduction(series, target_year, target)
        if target is not None and max(series) < target_year
        else None
    )
    label = applicability(pathway, level, key, subsectors, kind)
    return Assessment(level, key, result, projection, required, label, trend)


def trend_years(
    pathway: Pathway,
    first_year: int = FIRST_YEAR,
    last_year: int = LAST_YEAR,
    base_year: int | None = None,
) -> range:
    """The years of an area's trend that :func:`assess_trajectory` reads: from ``first_year``,
    or the pathway's (or the asked) base year when it is earlier, to ``last_year``."""
    return range(min(first_year, base_year or pathway.base_year or first_year), last_year + 1)


def _missing_base_year(
    level: str,
    key: str,
    scope: str,
    pathway: Pathway,
    year: int,
    series: dict[int, float],
    kind: str | None = None,
) -> InputError:
    """The error for a base year without a value: which entity, indicators and year would
    give one (submit or import them), or which option to use."""
    if level == "entity" and kind == EntityKind.ORGANISATION.value and scope.startswith("1+2+3"):
        scope2 = "ghg_scope2_market" if scope.endswith("market") else "ghg_scope2_location"
        needed = (
            f"submit or import the {year} inventory of {key}: ghg_scope1, {scope2} and its "
            f"Scope 3 (ghg_scope3_total or its categories, e.g. ghg_scope3_c06 business travel) "
            f"for {year}"
        )
    elif level == "entity":
        total, parts = _scope_indicators()[scope]
        needed = (
            f"submit or import the {year} total of {key} ({total}), or its components "
            f"{' and '.join(parts)} for {year}"
        )
    else:
        needed = (
            f"the in-sector entities of {key} need ghg_scope1 and ghg_scope2_location for {year}"
        )
    if pathway.kind == "annual-linear":
        needed += ", or choose a year with a value (--base-year)"
    return InputError(
        f"no {scope} value for {level} {key} in the base year {year} of {pathway.id}: {needed}",
        Location(field="base_year"),
        expected=f"a value for {year}",
        found="values for " + ", ".join(str(y) for y in sorted(series)),
    )
