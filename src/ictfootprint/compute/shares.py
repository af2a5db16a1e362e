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

Intensities (per line, per TB, per US dollar: :mod:`ictfootprint.compute.intensities`) are
returned beside the shares; the two energy-per-line figures are stored with them
(``energy_per_line_mobile``, ``energy_per_line_fixed_broadband``), the others have no
catalogue indicator and are returned only.

Every unit conversion goes through the pint registry (MWh/TWh, t/Mt, PB/TB).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ictfootprint import __version__
from ictfootprint.compute.intensities import INTENSITIES, area_entity_id, intensities_of
from ictfootprint.compute.sector import ALL_SUBSECTORS, check_level, membership, totals_of
from ictfootprint.compute.sector_frame import entity_years
from ictfootprint.compute.sector_store import area_entity
from ictfootprint.model import Method, Observation, StoredObservation
from ictfootprint.national import national_statistics
from ictfootprint.reference.catalogue import indicator
from ictfootprint.store import Store
from ictfootprint.units import registry

REPORTERS_ONLY: Final = "reporters-only"


@dataclass(frozen=True)
class ShareSpec:
    indicator: str  # the catalogue indicator the share is stored as
    numerator: str  # a sector quantity
    denominator: str  # a national statistic


SHARES: Final = (
    ShareSpec("sector_electricity_share", "energy_electricity", "economy_electricity"),
    ShareSpec("sector_ghg_share", "ghg_s1s2_location", "economy_ghg_total"),
)


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


def _store(store: Store, result: SharesResult) -> None:
    figures = [*result.shares, *(i for i in result.intensities if i["indicator"])]
    if not figures:
        return
    known = {e.id: e for e in store.entities()}
    level = f"{result.region_kind}_region" if result.level == "region" else result.level
    batch = [
        Observation(
            entity_id=area_entity(store, level, figure["area"], known),
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
        for figure in figures
    ]
    recorded = store.record_observations(batch, action="sector-shares")
    result.written, result.unchanged = len(recorded.written), recorded.unchanged
