"""Scope 2, location-based: electricity consumed × the grid factor of where it was consumed.

GHG Protocol Scope 2 Guidance (2015), location-based method; ITU-T L.1420. Pure: takes Ibis
tables, returns an Ibis table; reading activity and resolving factors happen at the edges.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.datatypes as dt
from ibis import _

from ictfootprint.reference.loader import defaults
from ictfootprint.units import convert

OUTPUT_UNIT = "tCO2e"


def scope2_location_based(
    electricity: Any, factors: Any, *, energy_unit: str = "MWh", factor_unit: str = "gCO2e/kWh"
) -> Any:
    """Location-based Scope 2 per entity, country and year.

    ``electricity``: ``entity_id, country, year, electricity`` (in ``energy_unit``).
    ``factors``: ``country, year, factor, factor_id, factor_source, factor_flags`` (in
    ``factor_unit``), one row per country and year used.

    Returns ``entity_id, country, year, electricity, factor, factor_id, factor_source,
    factor_flags, scope2_location`` (tCO2e), rounded once to the resolution in
    ``defaults.toml``. Every electricity row must have a factor: a missing one is an error,
    never a silent zero.
    """
    to_tonnes = convert(1.0, f"{energy_unit} * ({factor_unit})", OUTPUT_UNIT).value
    places = int(defaults()["rounding"][OUTPUT_UNIT])
    joined = electricity.left_join(
        factors, [electricity.country == factors.country, electricity.year == factors.year]
    )
    missing = joined.filter(joined.factor.isnull()).count().execute()
    if missing:
        from ictfootprint.errors import NotFoundError

        raise NotFoundError(f"{missing} electricity rows have no grid factor")
    return joined.select(
        entity_id=electricity.entity_id,
        country=electricity.country,
        year=electricity.year,
        electricity=electricity.electricity,
        factor=factors.factor,
        factor_id=factors.factor_id,
        factor_source=factors.factor_source,
        factor_flags=factors.factor_flags,
        scope2_location=(electricity.electricity * factors.factor * to_tonnes).round(places),
    )


def _tonnes_factor(energy_unit: str, factor_unit: str) -> float:
    return convert(1.0, f"{energy_unit} * ({factor_unit})", OUTPUT_UNIT).value


def _year(timestamp: dt.timestamp) -> dt.int64:
    """The engines' own ``year()``: ibis renders ``.year()`` as ``EXTRACT``, which DuckDB runs
    about 40 % slower over 100 million timestamps (benchmarks/bench_engine.py)."""


_calendar_year: Any = ibis.udf.scalar.builtin(name="year")(_year)


def readings_by_site_year(readings: Any) -> Any:
    """Sum readings (``site_id, entity_id, country, timestamp | year, kwh``) by site and year."""
    year = _calendar_year(readings.timestamp) if "timestamp" in readings.columns else readings.year
    return (
        readings.mutate(year=year)
        .group_by(["entity_id", "site_id", "country", "year"])
        .aggregate(kwh=_.kwh.sum(), readings=_.count())
        .mutate(year=_.year.cast("int32"))  # after grouping: the cast runs once per group
    )


def location_based_by_site(readings: Any, factors: Any, *, factor_unit: str = "gCO2e/kWh") -> Any:
    """Annual location-based Scope 2 per site and year: Σ kWh × the country-year grid factor.

    ``readings``: ``entity_id, site_id, country, timestamp | year, kwh`` (any number of rows:
    hourly meter readings or annual totals). ``factors``: ``country, year, factor``.
    Returns ``entity_id, site_id, country, year, kwh, readings, factor, tco2e``; a site-year
    whose country and year have no factor keeps ``factor`` and ``tco2e`` null, for the caller
    to flag: never a silent zero.
    """
    k = _tonnes_factor("kWh", factor_unit)
    places = int(defaults()["rounding"][OUTPUT_UNIT])
    sums = readings_by_site_year(readings)
    joined = sums.left_join(factors, [sums.country == factors.country, sums.year == factors.year])
    return joined.select(
        "entity_id",
        "site_id",
        sums.country,
        sums.year,
        "kwh",
        "readings",
        factor=joined.factor,
        tco2e=(joined.kwh * joined.factor * k).round(places),
    )


def location_based_hourly_by_site(
    readings: Any, hourly: Any, annual: Any, *, factor_unit: str = "gCO2e/kWh"
) -> Any:
    """Location-based Scope 2 per site and year from hourly factors: Σ kWh(h) × factor(h).

    ``hourly``: ``country, timestamp, factor`` (the hour's grid intensity). An hour without an
    hourly factor falls back to the country's annual factor (``annual``: ``country, year,
    factor``) and is counted in ``fallback_hours``, so the result says how much was estimated.
    """
    k = _tonnes_factor("kWh", factor_unit)
    places = int(defaults()["rounding"][OUTPUT_UNIT])
    r = readings.mutate(year=readings.timestamp.year().cast("int32"))
    h = hourly.rename(hourly_factor="factor")
    a = annual.rename(annual_factor="factor")
    joined = r.left_join(h, [r.country == h.country, r.timestamp == h.timestamp]).select(
        r.entity_id, r.site_id, r.country, r.year, r.kwh, h.hourly_factor
    )
    joined = joined.left_join(a, [joined.country == a.country, joined.year == a.year]).select(
        "entity_id",
        "site_id",
        joined.country,
        joined.year,
        "kwh",
        "hourly_factor",
        "annual_factor",
    )
    factor = joined.hourly_factor.coalesce(joined.annual_factor)
    return (
        joined.mutate(factor=factor)
        .group_by(["entity_id", "site_id", "country", "year"])
        .aggregate(
            kwh=_.kwh.sum(),
            readings=_.count(),
            fallback_hours=_.hourly_factor.isnull().sum(),
            missing_hours=_.factor.isnull().sum(),
            tco2e=(_.kwh * _.factor).sum() * k,
        )
        .mutate(tco2e=_.tco2e.round(places))
    )
