"""The ICT sector's shares of national totals, and its intensities, where denominators exist.

Shares (stored as ``calculated`` observations of the catalogue's indicators):

* ``sector_electricity_share`` = sector total of ``energy_electricity`` / ``economy_electricity``
* ``sector_ghg_share`` = sector total of ``ghg_s1s2_location`` / ``economy_ghg_total``

The numerator is the sector total of the area (:mod:`ictfootprint.compute.sector`: complete
entity rows only); the denominator a national statistic (:func:`ictfootprint.national.
national_statistics`: statistical or reported values on the country's or the world's entity,
never a calculated sum). A region's denominator is the sum of its countries' statistics, and
only when every country of the region has one. **The share is the reporters' share**: the
sector total adds the entities that reported, so the share of the whole sector is larger by
whatever the unreported part uses; each figure says how many entities it rests on.

Intensities (per line, per TB, per US dollar) are computed on a matched sample: an entity row
counts only when both its numerator and its denominator are complete for the same entity,
country and year, so that a company reporting energy but no lines does not inflate the ratio.
Per-line intensities take the numerator of the sub-sector (mobile network per mobile line,
fixed network per fixed line) as the totals attribute it. The two energy-per-line figures
are stored (``energy_per_line_mobile``, ``energy_per_line_fixed_broadband``); the others
have no catalogue indicator and are returned only.

Every unit conversion goes through the pint registry (MWh/TWh, t/Mt, PB/TB).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from ictfootprint import __version__
from ictfootprint.compute.engine import connect, table
from ictfootprint.compute.quantities import quantities
from ictfootprint.compute.sector import ALL_SUBSECTORS, WORLD, check_level, membership, totals_of
from ictfootprint.compute.sector_frame import entity_years
from ictfootprint.model import Entity, EntityKind, Method, Observation, StoredObservation
from ictfootprint.national import national_statistics
from ictfootprint.reference.catalogue import indicator
from ictfootprint.reference.countries import countries, regions
from ictfootprint.store import Store
from ictfootprint.units import registry

REPORTERS_ONLY: Final = "reporters-only"


@dataclass(frozen=True)
class ShareSpec:
    indicator: str  # the catalogue indicator the share is stored as
    numerator: str  # a sector quantity
    denominator: str  # a national statistic


@dataclass(frozen=True)
class IntensitySpec:
    id: str
    numerator: str  # a sector quantity
    denominator: str  # an activity quantity of the same entities
    unit: str
    subsector: str | None = None  # numerator only from this sub-sector
    indicator: str | None = None  # the catalogue indicator it is stored as, if any


SHARES: Final = (
    ShareSpec("sector_electricity_share", "energy_electricity", "economy_electricity"),
    ShareSpec("sector_ghg_share", "ghg_s1s2_location", "economy_ghg_total"),
)
INTENSITIES: Final = (
    IntensitySpec(
        "energy_per_mobile_line",
        "energy_total",
        "activity_mobile_lines",
        "kWh/line",
        "mobile_network",
        "energy_per_line_mobile",
    ),
    IntensitySpec(
        "energy_per_fixed_line",
        "energy_total",
        "activity_fixed_broadband_lines",
        "kWh/line",
        "fixed_network",
        "energy_per_line_fixed_broadband",
    ),
    IntensitySpec("energy_per_tb", "energy_total", "activity_traffic_total", "kWh/TB"),
    IntensitySpec("energy_per_revenue", "energy_total", "activity_revenue", "kWh/USD"),
    IntensitySpec(
        "ghg_per_mobile_line",
        "ghg_s1s2_location",
        "activity_mobile_lines",
        "kgCO2e/line",
        "mobile_network",
    ),
    IntensitySpec(
        "ghg_per_fixed_line",
        "ghg_s1s2_location",
        "activity_fixed_broadband_lines",
        "kgCO2e/line",
        "fixed_network",
    ),
    IntensitySpec("ghg_per_revenue", "ghg_s1s2_location", "activity_revenue", "gCO2e/USD"),
)
ENTITY_KEYS: Final = ["entity_id", "country", "year"]


@dataclass
class SharesResult:
    """Shares and intensities at one level for one year, what lacks a denominator, and what
    storing them wrote."""

    level: str
    year: int
    region_kind: str
    shares: list[dict[str, Any]] = field(default_factory=list)
    intensities: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0


def sector_shares(
    store: Store,
    *,
    level: str,
    year: int,
    region_kind: str = "itu",
    engine: str = "duckdb",
    write: bool = False,
) -> SharesResult:
    """Shares of national totals and intensities of the sector at ``level`` for ``year``;
    with ``write``, the shares and the per-line energy stored as calculated observations."""
    check_level(level, region_kind)
    wanted = sorted(
        {s.numerator for s in SHARES}
        | {i.numerator for i in INTENSITIES}
        | {i.denominator for i in INTENSITIES}
    )
    frame = entity_years(store, years=[year], quantities=wanted)
    totals = totals_of(frame, level=level, years=[year], region_kind=region_kind, engine=engine)
    statistics = national_statistics(store, [s.denominator for s in SHARES], years=[year])
    result = SharesResult(level, year, region_kind)
    result.shares, result.missing = shares_of(
        totals[year].rows, statistics, level=level, region_kind=region_kind, year=year
    )
    result.intensities = intensities_of(
        frame, level=level, region_kind=region_kind, year=year, engine=engine
    )
    if write:
        _store(store, result)
    return result


def area_entity_id(level: str, region_kind: str, area: str) -> str:
    """The entity an area's figures are stored on (as the footprint run names them)."""
    if level == "world":
        return "WORLD"
    if level == "region" and region_kind == "m49":
        return f"M49-{area}"
    return area


def shares_of(
    rows: Sequence[dict[str, Any]],
    statistics: dict[tuple[str, str, int], StoredObservation],
    *,
    level: str,
    region_kind: str,
    year: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Shares from sector total rows and national statistics (pure); and the areas with a
    total but no usable denominator, with the reason."""
    shares: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for spec in SHARES:
        for row in rows:
            if row["quantity"] != spec.numerator or row["subsector"] != ALL_SUBSECTORS:
                continue
            if row["value"] is None:
                continue
            entity = area_entity_id(level, region_kind, row["area"])
            denominator, reason = _denominator(
                statistics, spec.denominator, level, region_kind, row["area"], entity, year
            )
            if denominator is None or denominator["value"] <= 0:
                missing.append(
                    {
                        "area": row["area"],
                        "area_name": row["area_name"],
                        "indicator": spec.indicator,
                        "denominator": spec.denominator,
                        "reason": reason or "the national statistic is zero",
                    }
                )
                continue
            shares.append(_share(spec, row, entity, denominator, year))
    return shares, missing


def _denominator(
    statistics: dict[tuple[str, str, int], StoredObservation],
    name: str,
    level: str,
    region_kind: str,
    area: str,
    entity: str,
    year: int,
) -> tuple[dict[str, Any] | None, str | None]:
    if level != "region":
        found = statistics.get((entity, name, year))
        if found is None:
            return None, f"no {name} statistic for {entity} in {year}"
        return {
            "indicator": name,
            "entity_id": entity,
            "value": found.value,
            "unit": found.unit,
            "method": found.method.value,
            "source": found.source,
            "observations": [found.id],
            "countries": 1 if level == "country" else None,
        }, None
    members = membership("region", region_kind)
    codes = sorted(members.loc[members["area"] == area, "country"])
    held = [statistics.get((c, name, year)) for c in codes]
    absent = [c for c, h in zip(codes, held, strict=True) if h is None]
    if absent:
        return None, (
            f"{name} missing for {len(absent)} of the region's {len(codes)} countries "
            f"({', '.join(absent[:5])}{', ...' if len(absent) > 5 else ''})"
        )
    unit = indicator(name).unit
    present = [h for h in held if h is not None]
    return {
        "indicator": name,
        "entity_id": entity,
        "value": sum(_in(h.value or 0.0, h.unit or unit, unit) for h in present),
        "unit": unit,
        "method": "calculated",
        "source": f"sum of the {len(codes)} countries' statistics",
        "observations": [h.id for h in present],
        "countries": len(codes),
    }, None


def _in(value: float, unit: str, target: str) -> float:
    return float(registry().Quantity(value, unit).to(target).magnitude)


def _share(
    spec: ShareSpec, row: dict[str, Any], entity: str, denominator: dict[str, Any], year: int
) -> dict[str, Any]:
    quantity = registry().Quantity
    ratio = quantity(row["value"], row["unit"]) / quantity(
        denominator["value"], denominator["unit"]
    )
    entities, incomplete = int(row["entities"]), int(row["incomplete"])
    return {
        "area": row["area"],
        "area_name": row["area_name"],
        "entity_id": entity,
        "year": year,
        "indicator": spec.indicator,
        "value": float(ratio.to("percent").magnitude),
        "unit": "percent",
        "method": "calculated",
        "numerator": {
            "quantity": spec.numerator,
            "value": row["value"],
            "unit": row["unit"],
            "entities": entities,
            "incomplete": incomplete,
        },
        "denominator": denominator,
        "sample": (
            f"reporters' share: the sector total of {entities} reporting "
            f"{'entity' if entities == 1 else 'entities'} ({incomplete} incomplete left out); "
            "the part of the sector that did not report is not in it"
        ),
        "source": (
            f"ictfootprint {__version__}: sector total of {spec.numerator} "
            f"({entities} entities) / {denominator['indicator']} of {denominator['entity_id']} "
            f"({denominator['source']})"
        ),
    }


def intensities_of(
    frame: pd.DataFrame, *, level: str, region_kind: str, year: int, engine: str = "duckdb"
) -> list[dict[str, Any]]:
    """Intensities on matched entity rows, by area (pure: frame in, rows out)."""
    complete = frame[(frame["status"] == "complete") & (frame["year"] == year)]
    if complete.empty:
        return []
    backend = connect(engine)
    rows_in = table(
        backend,
        complete[["entity_id", "country", "subsector", "year", "quantity", "value"]],
        "intensity_rows",
    )
    areas = table(backend, membership(level, region_kind), "intensity_areas")
    names = _names(level)
    found: list[dict[str, Any]] = []
    every = quantities()
    for spec in INTENSITIES:
        numerator = rows_in.filter(rows_in.quantity == spec.numerator)
        if spec.subsector is not None:
            numerator = numerator.filter(numerator.subsector == spec.subsector)
        numerator = numerator.group_by(ENTITY_KEYS).aggregate(numerator=numerator.value.sum())
        denominator = rows_in.filter(rows_in.quantity == spec.denominator)
        denominator = denominator.group_by(ENTITY_KEYS).aggregate(
            denominator=denominator.value.sum()
        )
        matched = numerator.join(denominator, ENTITY_KEYS).join(areas, "country")
        by_area = backend.to_pandas(
            matched.group_by("area")
            .aggregate(
                numerator=matched.numerator.sum(),
                denominator=matched.denominator.sum(),
                entities=matched.entity_id.nunique(),
            )
            .order_by("area")
        )
        num_unit, den_unit = every[spec.numerator].unit, every[spec.denominator].unit
        for item in by_area.to_dict(orient="records"):
            if not item["denominator"] > 0:
                continue
            ratio = registry().Quantity(float(item["numerator"]), num_unit) / registry().Quantity(
                float(item["denominator"]), den_unit
            )
            entities = int(item["entities"])
            found.append(
                {
                    "area": str(item["area"]),
                    "area_name": names(str(item["area"])),
                    "entity_id": area_entity_id(level, region_kind, str(item["area"])),
                    "year": year,
                    "intensity": spec.id,
                    "indicator": spec.indicator,
                    "value": float(ratio.to(spec.unit).magnitude),
                    "unit": spec.unit,
                    "method": "calculated",
                    "numerator": {
                        "quantity": spec.numerator,
                        "subsector": spec.subsector or ALL_SUBSECTORS,
                        "value": float(item["numerator"]),
                        "unit": num_unit,
                    },
                    "denominator": {
                        "quantity": spec.denominator,
                        "value": float(item["denominator"]),
                        "unit": den_unit,
                    },
                    "entities": entities,
                    "sample": (
                        f"{entities} {'entity' if entities == 1 else 'entities'} reporting "
                        f"both {spec.numerator} and {spec.denominator} in {year}"
                    ),
                    "source": (
                        f"ictfootprint {__version__}: sum of {spec.numerator}"
                        f"{' (' + spec.subsector + ')' if spec.subsector else ''} / sum of "
                        f"{spec.denominator}, same {entities} entities"
                    ),
                }
            )
    return found


def _names(level: str) -> Any:
    def name(area: str) -> str:
        if level == "country":
            return countries()[area].name()
        return regions()[area].name()

    return name


def _store(store: Store, result: SharesResult) -> None:
    figures = [*result.shares, *(i for i in result.intensities if i["indicator"])]
    if not figures:
        return
    known = {e.id for e in store.entities()}
    batch = []
    for figure in figures:
        entity = figure["entity_id"]
        if entity not in known:
            store.add_entity(_area_entity(result.level, result.region_kind, figure["area"]))
            known.add(entity)
        batch.append(
            Observation(
                entity_id=entity,
                indicator_id=figure["indicator"],
                year=figure["year"],
                value=figure["value"],
                unit=indicator(figure["indicator"]).unit,
                method=Method.CALCULATED,
                source=figure["source"],
                quality_flags=(REPORTERS_ONLY,),
                lineage={
                    "rule": "share" if figure in result.shares else "intensity",
                    "level": result.level,
                    "numerator": figure["numerator"],
                    "denominator": figure["denominator"],
                },
            )
        )
    recorded = store.record_observations(batch, action="sector-shares")
    result.written, result.unchanged = len(recorded.written), recorded.unchanged


def _area_entity(level: str, region_kind: str, area: str) -> Entity:
    entity_id = area_entity_id(level, region_kind, area)
    if level == "world" or area == WORLD:
        return Entity(id=entity_id, name=regions()[WORLD].name(), kind=EntityKind.WORLD)
    if level == "country":
        return Entity(
            id=entity_id, name=countries()[area].name(), kind=EntityKind.COUNTRY, country=area
        )
    return Entity(id=entity_id, name=regions()[area].name(), kind=EntityKind.REGION)
