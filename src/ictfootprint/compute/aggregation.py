"""Aggregation: entity → country → region (ITU and UN M49) → world.

A sector total adds the Scope 1 + Scope 2 of in-sector entities only; Scope 3 is never summed
into it (DESIGN.md §4). Pure: Ibis tables in, Ibis tables out.
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis import _

from ictfootprint.reference.loader import defaults


def country_totals(emissions: Any, value: str) -> Any:
    """Sum ``value`` by country and year over entity rows (``entity_id, country, year, value``)."""
    places = int(defaults()["rounding"]["tCO2e"])
    return (
        emissions.group_by(["country", "year"])
        .aggregate(
            total=emissions[value].sum().round(places),
            entities=emissions.entity_id.nunique(),
        )
        .order_by(["year", "country"])
    )


def region_totals(countries: Any, membership: Any, region_column: str) -> Any:
    """Sum country totals into regions (``membership``: ``country`` → ``region_column``)."""
    places = int(defaults()["rounding"]["tCO2e"])
    joined = countries.join(membership, countries.country == membership.country)
    return (
        joined.group_by([joined[region_column].name("region"), joined.year])
        .aggregate(
            total=joined.total.sum().round(places),
            countries=joined.country.nunique(),
            entities=joined.entities.sum(),
        )
        .order_by(["year", "region"])
    )


def world_totals(countries: Any) -> Any:
    places = int(defaults()["rounding"]["tCO2e"])
    return (
        countries.group_by("year")
        .aggregate(
            total=countries.total.sum().round(places),
            countries=countries.country.nunique(),
            entities=countries.entities.sum(),
        )
        .mutate(region=ibis.literal("001"))
        .order_by("year")
    )


def sector_rollup(entities: Any, membership: Any, group: str) -> Any:
    """Sum entity rows into ``group`` of ``membership`` (country, area or world), by
    sub-sector. ``entities``: ``entity_id, country, subsector, year, scope1, scope2_location,
    s1s2_location, scope3, mobile_lines, complete``. The sector total is ``s1s2_location``;
    ``scope3`` is summed beside it, never into it."""
    places = int(defaults()["rounding"]["tCO2e"])
    joined = entities.join(membership, entities.country == membership.country)
    area = joined[group] if group != "country" else joined.country
    grouped = joined.mutate(area=area).group_by(["area", "subsector", "year"])
    return grouped.aggregate(
        s1s2_location=_.s1s2_location.sum().round(places),
        scope1=_.scope1.sum().round(places),
        scope2_location=_.scope2_location.sum().round(places),
        scope3_beside=_.scope3.sum().round(places),
        mobile_lines=_.mobile_lines.sum(),
        entities=_.entity_id.nunique(),
        entities_incomplete=(~_.complete).cast("int64").sum(),
    ).order_by(["area", "subsector"])
