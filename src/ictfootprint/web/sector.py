"""The sector's footprint as the pages show it, for a country, a region or the world: every
quantity (energy by carrier, emissions by scope, resources) by sub-sector with the total across
sub-sectors, the entities in each total and those left out, and the headline series over the
years (reported total, its sample, coverage, like-for-like).

Every figure comes from the computation layer: the totals from
:func:`ictfootprint.compute.sector.sector_totals` (one rule for what enters a total), the
coverage, like-for-like series and estimates from :mod:`ictfootprint.compute.sector_trends`.
This module only picks and arranges them; nothing here adds a value up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ictfootprint.store import Store
from ictfootprint.store.published_summary import entity_names

if TYPE_CHECKING:
    from ictfootprint.compute.trends import SectorTrends

ALL: Final = "_T"  # SDMX's code for the total across sub-sectors
FAMILIES: Final = ("energy", "ghg", "resource")
# the order a reader expects: totals first, then their parts; beside-quantities last
QUANTITIES: Final = (
    "energy_total",
    "energy_electricity",
    "energy_electricity_renewable",
    "energy_fuel",
    "ghg_s1s2_location",
    "ghg_s1s2_market",
    "ghg_scope1",
    "ghg_scope2_location",
    "ghg_scope2_market",
    "ghg_scope3_total",
    "ghg_embodied_annualised",
    "resource_water_withdrawal",
    "resource_water_consumption",
    "resource_ewaste_generated",
    "resource_ewaste_collected",
    "resource_abiotic_depletion",
)
HEADLINE: Final = "ghg_s1s2_location"
LEFT_OUT_SHOWN: Final = 200
SUBSECTOR_ORDER: Final = (
    "mobile_network",
    "fixed_network",
    "data_centre",
    "devices",
    "user_equipment",
    "enterprise_network",
    "manufacturing",
    "software_services",
    "other",
    "unspecified",
)


@dataclass
class FamilyTable:
    """One family's totals: a row per quantity, a cell per sub-sector (the total last)."""

    family: str
    subsectors: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AreaTotals:
    """What a country, region or world page shows for one year."""

    level: str
    key: str
    year: int | None
    area_entity: str = ""
    tables: list[FamilyTable] = field(default_factory=list)
    chart: dict[str, Any] | None = None  # Scope 1 and Scope 2 by sub-sector
    incomplete: list[dict[str, Any]] = field(default_factory=list)  # the first ``shown``
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # the first ``shown``
    rows: list[dict[str, Any]] = field(default_factory=list)  # the long rows, for download
    shown: int = LEFT_OUT_SHOWN  # the page lists this many of each list; the counts have all
    incomplete_total: int = 0  # how many rows each list holds
    conflicts_total: int = 0


def region_kind(level: str, key: str) -> str:
    """M49 regions have numeric codes (``002``), ITU regions ``ITU-AFR``."""
    return "m49" if level == "region" and key.isdigit() else "itu"


def _one_area(level: str, key: str) -> str | None:
    """The area whose rows alone a page reads (picked in the database); the world's are all."""
    return None if level == "world" else key


def area_totals(store: Store, level: str, key: str, year: int | None) -> AreaTotals:
    """The area's totals of ``year`` by family and sub-sector, with who is left out: how
    many rows each list holds, and its first ``LEFT_OUT_SHOWN`` rows (read by keyset in the
    database, as the API pages them: the world's year at 10 M observations lists 27,000).
    Kept between requests while the data holds (:mod:`ictfootprint.compute.kept_answers`):
    the world's were 43 ms of its page at 4.4 M values on PostgreSQL. ``year`` is one with
    values (or None), as the pages and reports choose it."""
    from ictfootprint.compute.kept_answers import answer

    return answer(
        store,
        "area_totals",
        {"level": level, "key": key, "year": year},
        lambda: _area_totals(store, level, key, year),
        asdict,
        _totals_back,
    )


def _totals_back(kept: dict[str, Any]) -> AreaTotals:
    return AreaTotals(**{**kept, "tables": [FamilyTable(**t) for t in kept["tables"]]})


def _area_totals(store: Store, level: str, key: str, year: int | None) -> AreaTotals:
    from ictfootprint.compute.sector import sector_totals
    from ictfootprint.compute.sector_listed import listed_counts, listed_page
    from ictfootprint.compute.sector_rows import area_level

    result = AreaTotals(level, key, year, area_entity(level, key), shown=LEFT_OUT_SHOWN)
    if year is None:
        return result
    kind = region_kind(level, key)
    totals = sector_totals(
        store, level=level, year=year, region_kind=kind, area=_one_area(level, key), listed=False
    )
    rows = [{**r, "value": _value(r)} for r in totals.rows if level == "world" or r["area"] == key]
    result.rows = sorted(rows, key=_row_order)
    result.tables = family_tables(rows)
    result.chart = _scope_chart(rows)
    inside = None if level == "world" else (area_level(level, kind), key)
    counts = listed_counts(store, year=year, inside=inside)
    result.incomplete_total, result.conflicts_total = counts["incomplete"], counts["conflicts"]
    incomplete, conflicts = (
        listed_page(store, which=which, year=year, limit=result.shown, inside=inside)[0]
        if counts[which]
        else []
        for which in ("incomplete", "conflicts")
    )
    with store.engine.connect() as connection:
        names = entity_names(connection, {i["entity_id"] for i in incomplete + conflicts})
    result.incomplete = [
        {
            **item,
            "name": names.get(item["entity_id"], item["entity_id"]),
            "missing": [m.strip() for m in str(item["missing"]).split(",") if m.strip()],
        }
        for item in incomplete
    ]
    result.conflicts = [
        {**item, "name": names.get(item["entity_id"], item["entity_id"])} for item in conflicts
    ]
    return result


def _row_order(row: dict[str, Any]) -> tuple[int, int]:
    return _quantity_rank(row["quantity"]), _subsector_rank(row["subsector"])


def _quantity_rank(quantity: str) -> int:
    return QUANTITIES.index(quantity) if quantity in QUANTITIES else len(QUANTITIES)


def _subsector_rank(code: str) -> int:
    if code == ALL:
        return len(SUBSECTOR_ORDER) + 1
    return SUBSECTOR_ORDER.index(code) if code in SUBSECTOR_ORDER else len(SUBSECTOR_ORDER)


def family_tables(rows: list[dict[str, Any]]) -> list[FamilyTable]:
    """The long rows as one table a family: quantities down, sub-sectors across (the total
    across sub-sectors last), quantities beside the total (Scope 3, life-cycle) after the
    others. A family with no row is left out."""
    tables = []
    for family in FAMILIES:
        mine = [r for r in rows if r["family"] == family]
        if not mine:
            continue
        subsectors = sorted({r["subsector"] for r in mine}, key=_subsector_rank)
        cells: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for row in mine:
            cells[row["quantity"]][row["subsector"]] = row
        table = FamilyTable(family, subsectors)
        ordered = sorted(cells, key=lambda q: (bool(_first(cells[q])["beside"]), _quantity_rank(q)))
        for quantity in ordered:
            first = _first(cells[quantity])
            table.rows.append(
                {
                    "quantity": quantity,
                    "unit": first["unit"],
                    "beside": bool(first["beside"]),
                    "cells": [cells[quantity].get(s) for s in subsectors],
                }
            )
        tables.append(table)
    return tables


def _first(by_subsector: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return next(iter(by_subsector.values()))


def _scope_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Scope 1 and Scope 2 (location-based) by sub-sector: what the stacked bars draw."""
    parts = ("ghg_scope1", "ghg_scope2_location")
    found = {(r["quantity"], r["subsector"]): r for r in rows if r["quantity"] in parts}
    subsectors = sorted({s for _q, s in found if s != ALL}, key=_subsector_rank)
    if not subsectors:
        return None
    units = {found[k]["unit"] for k in found}
    return {
        "subsectors": subsectors,
        "unit": units.pop() if len(units) == 1 else "tCO2e",
        "series": {q: [_value(found.get((q, s))) for s in subsectors] for q in parts},
    }


def _value(row: dict[str, Any] | None) -> float | None:
    if row is None or row["value"] is None:
        return None
    value = float(row["value"])
    return value if value == value else None  # NaN: no value, never "NaN" on a page


WORLD_ENTITY: Final = "WORLD"


def area_entity(level: str, key: str) -> str:
    """The entity the footprint run stores an area's totals on (``footprint._area_entity``)."""
    if level == "world":
        return WORLD_ENTITY
    if level == "region" and key.isdigit():
        return f"M49-{key}"
    return key


@dataclass
class AreaSeries:
    """One quantity's total across sub-sectors over the years, with its sample."""

    quantity: str
    unit: str | None
    points: list[dict[str, Any]] = field(default_factory=list)
    estimated_method: str | None = None

    @property
    def view(self) -> dict[str, Any]:
        """The series as its chart draws it, in one unit scaled for the largest value."""
        from ictfootprint.units import convert
        from ictfootprint.web.render import series_unit

        unit = self.unit or ""
        wanted = ("reported", "like_for_like", "with_estimate")
        values = [p[k] for p in self.points for k in wanted]
        shown_unit = series_unit(values, unit) if unit else unit

        def shown(value: float | None) -> float | None:
            if value is None or not unit:
                return value
            return convert(value, unit, shown_unit).value

        return {
            "unit": shown_unit,
            "x": [p["year"] for p in self.points],
            **{k: [shown(p[k]) for p in self.points] for k in wanted},
        }


def area_trends(
    store: Store, level: str, key: str, years: list[int], quantity: str = HEADLINE
) -> SectorTrends:
    """The area's trends of ``quantity`` and the headline for ``years`` and those of its
    trajectory against L.1470, in one computation: the figures of :func:`area_series` and
    :func:`~ictfootprint.web.profiles.trajectory` asked for separately (a year's do not depend
    on the other years asked), for the price of one (60 ms of a country's page at 4.4 M
    values), kept in the store between requests
    (:func:`~ictfootprint.compute.trends_kept.kept_trends`)."""
    from ictfootprint.compute.trends_kept import kept_trends
    from ictfootprint.web.profiles import trajectory_years

    wanted = sorted({*years, *trajectory_years()})
    return kept_trends(
        store,
        level=level,
        years=wanted,
        region_kind=region_kind(level, key),
        quantities=sorted({quantity, HEADLINE}),
        area=key,
    )


def area_series(
    store: Store,
    level: str,
    key: str,
    years: list[int],
    quantity: str = HEADLINE,
    trends: SectorTrends | None = None,
) -> AreaSeries:
    """``quantity``'s total across sub-sectors for each year with its entities counted and
    left out (:func:`~ictfootprint.compute.sector.sector_series`), its coverage, like-for-like
    series and estimate of the unreported part
    (:func:`~ictfootprint.compute.trends.sector_trends`, kept between requests; ``trends``
    when they give them, :func:`area_trends`)."""
    from ictfootprint.compute.sector import sector_series
    from ictfootprint.compute.trends_kept import kept_trends

    series = AreaSeries(quantity, None)
    if not years:
        return series
    kind = region_kind(level, key)
    by_year = sector_series(
        store,
        level=level,
        years=years,
        region_kind=kind,
        quantities=[quantity],
        area=_one_area(level, key),
        listed=False,  # the rows' counts are what a series shows, not who is left out
    )
    if trends is None or not trends.give(level, kind, key, quantity, years):
        trends = kept_trends(
            store, level=level, years=years, region_kind=kind, quantities=[quantity], area=key
        )

    asked = set(years)  # shared trends may hold others

    def mine(row: dict[str, Any]) -> bool:
        return bool(
            row["area"] == key
            and row["subsector"] == ALL
            and row["quantity"] == quantity
            and row["year"] in asked
        )

    covered: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in trends.coverage:
        if r["area"] == key and r["quantity"] == quantity and r["coverage_percent"] is not None:
            covered[r["year"]].append(r)
    chained = {r["year"]: r for r in trends.like_for_like if mine(r)}
    estimated = {r["year"]: r for r in trends.estimates if mine(r)}
    for year in years:
        found = [r for r in by_year[year].rows if mine(r)]
        if not found:
            continue
        row = found[0]
        series.unit = series.unit or row["unit"]
        point = {"year": year, "reported": _value(row), "entities": row["entities"]}
        point["incomplete"] = row["incomplete"]
        point["coverage"] = _coverage(covered.get(year, []))
        point.update(_chained(chained.get(year)))
        point.update(_estimate(estimated.get(year), point["reported"]))
        series.points.append(point)
    if estimated:
        series.estimated_method = trends.method
    return series


def _coverage(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The share of its first national denominator the sample covers: of the total across
    sub-sectors when it has one, else of each sub-sector that has (a lower bound when some
    of the sample do not report their own figure of it)."""
    total = [r for r in rows if r["subsector"] == ALL]
    chosen = total or sorted(
        (r for r in rows if r["subsector"] != ALL), key=lambda r: _subsector_rank(r["subsector"])
    )
    return [
        {
            "subsector": r["subsector"],
            "share": r["coverage_percent"] / 100,
            "denominator": r["coverage"][0]["denominator"],
            "lower_bound": bool(r["without_denominator"]),
        }
        for r in chosen
    ]


def _chained(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return {"like_for_like": None, "change": None, "sample": None}
    change = row["change_percent"]
    return {
        "like_for_like": row["like_for_like"],
        "change": None if change is None else change / 100,
        "sample": row["sample"] if change is not None else None,
    }


def _estimate(row: dict[str, Any] | None, reported: float | None) -> dict[str, Any]:
    if row is None or row["estimated"] is None:
        return {"estimated": None, "low": None, "high": None, "share": None, "with_estimate": None}
    share = row["reported_share_percent"]
    return {
        "estimated": row["estimated"],
        "low": row["estimated_low"],
        "high": row["estimated_high"],
        "share": None if share is None else share / 100,
        "with_estimate": row["total"],
    }


def headline(series: AreaSeries) -> dict[str, Any] | None:
    """The latest year with a reported total: what is reported, what is estimated and what
    share is reported, the sample and its coverage, and the like-for-like change."""
    points = [p for p in series.points if p["reported"] is not None]
    if not points:
        return None
    return {**points[-1], "unit": series.unit, "quantity": series.quantity}


def sector_years(store: Store) -> list[int]:
    """Years with a published value of any quantity the totals add."""
    return store.published_years(list(QUANTITIES))
