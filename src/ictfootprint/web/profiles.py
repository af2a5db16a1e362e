"""What the pages show, assembled from published data: the world and a country against the
L.1470 pathway, a country's profile and a company's (the world map is ``web/worldmap.py``).
Pure reads of the store and the reference data; the pages (``web/pages.py``) only lay them out.

Every figure keeps its unit, method and source. Ratios the dashboard derives itself (a
country's renewable share, the carbon intensity of the sector's electricity, the median of its
companies' published ratios) are labelled ``calculated`` with what they come from, and their
units go through pint.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ictfootprint.model import Entity, EntityKind, Method, StoredObservation
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries
from ictfootprint.store import Store
from ictfootprint.store import published_summary as _summary
from ictfootprint.store.observations import best_available
from ictfootprint.units import convert

if TYPE_CHECKING:
    from ictfootprint.compute.trends import SectorTrends

# what a country's intensities are derived from (sums over its in-sector entities)
ELECTRICITY: Final = "energy_electricity"
RENEWABLE: Final = "energy_electricity_renewable"
SCOPE2: Final = "ghg_scope2_location"
# published ratios shown as they are when a country has them
RATIOS: Final = (
    "energy_per_line_mobile",
    "energy_per_line_fixed_broadband",
    "dc_pue",
    "energy_electricity_renewable_share",
    "sector_ghg_share",
    "sector_electricity_share",
    "sector_data_coverage",
)


#: The pathway the pages judge an area's and a company's emissions against.
PATHWAY: Final = "l1470-sector"


def trajectory_years() -> range:
    """The years of an area's trend that :func:`trajectory` reads (the pathway's)."""
    from ictfootprint.assess.trajectories import load_pathway, trend_years

    return trend_years(load_pathway(PATHWAY, None))


def trajectory(
    store: Store,
    level: str,
    key: str,
    scope: str = "1+2-location",
    trends: SectorTrends | None = None,
) -> dict[str, Any] | None:
    """Actual emissions of ``scope`` against L.1470 (``None`` without a base-year value).
    Sector totals exist location-based only; an entity's series may be market-based.
    ``trends``: an area's, already computed (:func:`ictfootprint.web.sector.area_trends`)."""
    from ictfootprint.assess.trajectories import assess_trajectory, load_pathway
    from ictfootprint.errors import InputError

    try:
        result = assess_trajectory(
            store,
            level=level,
            key=key,
            scope=scope,
            pathway=load_pathway(PATHWAY, None),
            trends=trends,
        )
    except InputError:
        return None
    data = result.as_dict()
    if not any(point["actual"] is not None for point in data["points"]):
        return None
    return data


def company_trajectory(store: Store, entity_id: str, targets: list[Any]) -> dict[str, Any] | None:
    """The company against L.1470 on the basis of its targets: market-based when a target is
    (as the benchmark's trend is), else location-based; the other basis when only it has data.
    The result's ``scope`` says which, for the chart's label."""
    market_first = any(str(t.scope).endswith("market") for t in targets) or not targets
    order = ("1+2-market", "1+2-location") if market_first else ("1+2-location", "1+2-market")
    for scope in order:
        found = trajectory(store, "entity", entity_id, scope)
        if found is not None:
            return found
    return None


def latest_year(points: list[dict[str, Any]]) -> dict[str, Any] | None:
    with_data = [p for p in points if p["actual"] is not None]
    return with_data[-1] if with_data else None


_AREAS: Final = {EntityKind.COUNTRY.value, EntityKind.REGION.value, EntityKind.WORLD.value}


@dataclass
class CountryData:
    """What a country's profile shows of its published values (its national ones and its
    entities'), read as such: the coverage matrix, the ratios, the sources and who gave them."""

    years: list[int] = field(default_factory=list)
    matrix: list[dict[str, Any]] = field(default_factory=list)
    intensities: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    entity_ids: list[str] = field(default_factory=list)


def country_data(store: Store, iso3: str) -> CountryData:
    """:class:`CountryData` of ``iso3``: grouped and counted in the database, only the
    published ratios come back whole (a few per year); kept between requests while the data
    holds (:mod:`ictfootprint.compute.kept_answers`): France's took 137 ms on PostgreSQL at
    4.4 M values, 80 ms of it its 4,700 ratios."""
    from ictfootprint.compute.kept_answers import answer

    return answer(
        store,
        "country_data",
        {"iso3": iso3},
        lambda: _country_data(store, iso3),
        _plain_data,
        _data_back,
    )


def _plain_data(data: CountryData) -> dict[str, Any]:
    return {
        "years": data.years,
        "matrix": data.matrix,
        "intensities": data.intensities,
        "sources": data.sources,
        "entity_ids": data.entity_ids,
    }


def _data_back(kept: dict[str, Any]) -> CountryData:
    """:class:`CountryData` from its JSON values, each of the same type as computed (methods
    as :class:`Method`, a ratio's ``derived`` and ``spread`` as tuples)."""
    return CountryData(
        years=kept["years"],
        matrix=[
            {**r, "cells": [[Method(m) for m in cell] for cell in r["cells"]]}
            for r in kept["matrix"]
        ],
        intensities=[
            {
                **f,
                "method": Method(f["method"]),
                "derived": None if f["derived"] is None else tuple(f["derived"]),
                "spread": None if f["spread"] is None else tuple(f["spread"]),
            }
            for f in kept["intensities"]
        ],
        sources=[{**s, "method": Method(s["method"])} for s in kept["sources"]],
        entity_ids=kept["entity_ids"],
    )


def _country_data(store: Store, iso3: str) -> CountryData:
    where = {"countries": [iso3]}
    with store.engine.connect() as connection:
        cells = _summary.cells(connection, **where)
        found = CountryData(
            sources=_summary.sources(connection, **where),
            entity_ids=_summary.contributors(connection, **where),
        )
        sums = _summary.sums(
            connection, other_than=iso3, indicator_ids=[ELECTRICITY, RENEWABLE, SCOPE2], **where
        )
    _total, rows = store.published_page(indicator_ids=list(RATIOS), with_count=False, **where)
    found.years, found.matrix = coverage_matrix(cells)
    found.intensities = intensities([obs for obs, _area in rows], sums, iso3)
    return found


def country_entities(store: Store, ids: Collection[str]) -> list[Entity]:
    """The in-sector entities behind the country's figures: every company or facility with a
    published value in the country (``ids``: :attr:`CountryData.entity_ids`), wherever it is
    based (a data-centre operator based in India with a site in France counts in France).

    The same set the sector totals add up, so that the page lists every entity behind a bar,
    and the same rule as :func:`entities_by_country` (the country list's counts). Only these
    entities are read.
    """
    return sorted(
        (e for e in store.entities(ids) if e.kind.value not in _AREAS),
        key=lambda e: (e.name.casefold(), e.id),
    )


def entities_by_country(store: Store) -> dict[str, int]:
    """Country → how many in-sector entities have a published value there (see above); a
    country with national values only is listed with none. Counted in the database: one
    row per area comes back, not the store's values; kept between requests while the data
    holds (:mod:`ictfootprint.compute.kept_answers`): the distinct (area, entity) pairs of
    4.4 M values took 0.6 s on PostgreSQL, 1.1 s on SQLite."""
    from ictfootprint.compute.kept_answers import answer

    return answer(store, "entities_by_country", {}, lambda: _entities_by_country(store), dict, dict)


def _entities_by_country(store: Store) -> dict[str, int]:
    known = countries()
    with store.engine.connect() as connection:
        counts = _summary.in_sector_by_area(connection)
        national = _summary.published_ids(connection, known)
    found = {code: 0 for code in national}
    found.update({code: n for code, n in counts.items() if code in known})
    return found


def intensities(
    ratios: list[StoredObservation], sums: list[tuple[str, int, str, float]], iso3: str
) -> list[dict[str, Any]]:
    """Ratios by year: those published for the country itself (``ratios`` of the entity
    ``iso3``, its national statistics) as they are; those of its companies and facilities as
    one figure an indicator and year, the median of each one's best available value in the
    catalogue's unit, with how many and the lowest and highest (a country of 50 operators has
    1,500 of them over ten years: listed one by one, without their names, they made the page
    600 kB; the explorer lists them with their names); and two derived from its entities' sums
    (``sums``: indicator, year, unit, sum of the values in that unit): the renewable share of
    electricity, Scope 2 location-based per kWh of electricity."""
    totals: dict[tuple[str, int], float] = defaultdict(float)
    units: dict[str, str] = {}
    shown: list[dict[str, Any]] = []
    for indicator, year, unit, value in sums:
        base = catalogue()[indicator].unit
        totals[(indicator, year)] += convert(value, unit, base).value
        units[indicator] = base
    spread: dict[tuple[str, int, str], list[tuple[float, StoredObservation]]] = defaultdict(list)
    for obs in best_available(ratios):
        if obs.value is None or obs.unit is None:
            continue
        if obs.entity_id == iso3:
            shown.append(
                _figure(obs.indicator_id, obs.year, obs.value, obs.unit, obs.method, obs.source)
            )
            continue
        unit = catalogue()[obs.indicator_id].unit or obs.unit
        value = convert(obs.value, obs.unit, unit).value
        spread[(obs.indicator_id, obs.year, unit)].append((value, obs))
    for (indicator, year, unit), found in spread.items():
        values = [value for value, _obs in found]
        only = found[0][1] if len(found) == 1 else None  # one company's value, as it is
        figure = (
            _figure(indicator, year, values[0], unit, only.method, only.source)
            if only is not None
            else _figure(indicator, year, statistics.median(values), unit, "calculated", None)
        )
        shown.append({**figure, "spread": (len(values), min(values), max(values))})
    for year in sorted({y for _i, y in totals}):
        electricity = totals.get((ELECTRICITY, year))
        if not electricity:
            continue
        if (RENEWABLE, year) in totals:
            share = convert(
                totals[(RENEWABLE, year)] / electricity, "dimensionless", "percent"
            ).value
            shown.append(
                _figure(
                    "energy_electricity_renewable_share",
                    year,
                    share,
                    "percent",
                    "calculated",
                    None,
                    derived=(RENEWABLE, ELECTRICITY),
                )
            )
        if (SCOPE2, year) in totals:
            per = totals[(SCOPE2, year)] / electricity
            rate = convert(per, f"{units[SCOPE2]}/{units[ELECTRICITY]}", "gCO2e/kWh").value
            shown.append(
                _figure(
                    "ghg_grid_emission_factor",
                    year,
                    rate,
                    "gCO2e/kWh",
                    "calculated",
                    None,
                    derived=(SCOPE2, ELECTRICITY),
                )
            )
    return sorted(shown, key=lambda f: (f["indicator"], f["year"]))


def _figure(
    indicator: str,
    year: int,
    value: float,
    unit: str,
    method: str,
    source: str | None,
    derived: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A ratio; ``derived`` (numerator, denominator) when the dashboard computed it from the
    sums over the country's entities, ``spread`` (how many, lowest, highest) when it is the
    median of their published values (the page says so in the reader's language)."""
    return {
        "derived": derived,
        "spread": None,
        "indicator": indicator,
        "year": year,
        "value": value,
        "unit": unit,
        "method": Method(method),
        "source": source,
    }


def coverage_matrix(
    cells: list[tuple[str, int, Method]],
) -> tuple[list[int], list[dict[str, Any]]]:
    """Indicator × year → how the country's values came to be (reported, calculated...), from
    the distinct (indicator, year, method) of its values."""
    found: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for indicator, year, method in cells:
        found[indicator][year].add(method)
    years = sorted({y for by_year in found.values() for y in by_year})
    order = list(catalogue())
    rows = [
        {"indicator": ind, "cells": [sorted(found[ind].get(y, ())) for y in years]}
        for ind in sorted(found, key=order.index)
    ]
    return years, rows


def company_series(observations: list[StoredObservation]) -> dict[str, list[dict[str, Any]]]:
    """A company's values by indicator, oldest first."""
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obs in sorted(observations, key=lambda o: (o.indicator_id, o.year)):
        series[obs.indicator_id].append(
            {
                "year": obs.year,
                "value": obs.value,
                "text": obs.value_text,
                "unit": obs.unit,
                "method": obs.method,
                "source": obs.source,
                "country": obs.country,
                "revision": obs.revision,
                "flags": list(obs.quality_flags),
            }
        )
    order = list(catalogue())
    return {k: series[k] for k in sorted(series, key=order.index)}


BENCHMARK_FIXED: Final = ("rank", "name", "country", "score")
# what a first click on a column header shows: the best first for a score or a criterion, A to
# Z for names, rank 1 first
FIRST_ORDER: Final = {"rank": "asc", "name": "asc", "country": "asc", "score": "desc"}


def benchmark_columns() -> tuple[str, ...]:
    from ictfootprint.assess.benchmark import CRITERIA

    return BENCHMARK_FIXED + CRITERIA


def first_order(column: str) -> str:
    return FIRST_ORDER.get(column, "desc")


def benchmark_rows(store: Store, year: int | None, lang: str) -> list[dict[str, Any]]:
    """The ranked companies of ``year``, each with its country and its country's name in
    ``lang`` (what the "Based in" column shows, and sorts by)."""
    from ictfootprint.assess.benchmark import rank
    from ictfootprint.assess.benchmark_store import companies_from_store

    if year is None:
        return []
    rows = [r.as_dict() for r in rank(companies_from_store(store, year))]
    found = {e.id: e for e in store.entities({r["entity_id"] for r in rows})}
    known = countries()
    for row in rows:
        code = found[row["entity_id"]].country or ""
        row["country"] = code
        row["country_name"] = known[code].name(lang) if code in known else code
        row["criteria"] = {c["criterion"]: c for c in row["criteria"]}
    return rows


def sort_benchmark(rows: list[dict[str, Any]], column: str, order: str, lang: str) -> None:
    """Sort in place by ``column`` (a fixed column or a criterion's points); missing last."""
    from ictfootprint.web.i18n import sort_key

    def key(row: dict[str, Any]) -> Any:
        if column == "name":
            return sort_key(row["name"], lang)
        if column == "country":
            return sort_key(row["country_name"], lang)
        if column in BENCHMARK_FIXED:
            return row[column]
        return row["criteria"][column]["points"]

    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: (key(r), r["rank"]), reverse=order == "desc")
    rows[:] = present + missing
