"""Scope 2, location-based: electricity consumed × the grid factor of where it was consumed.

GHG Protocol Scope 2 Guidance (2015), location-based method; ITU-T L.1420. Pure: takes Ibis
tables, returns an Ibis table; reading activity and resolving factors happen at the edges.
"""

from __future__ import annotations

from typing import Any

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
