"""Embodied impacts of equipment, annualised over its lifetime (ITU-T L.1450 perspective).

Each item's life-cycle impact (manufacture, transport, end of life) is spread evenly over its
lifetime and counted in every year it is in use: acquired in ``year`` with a lifetime of ``n``
years, it counts ``1/n`` of its impact in ``year`` … ``year + n - 1``.
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis import _

from ictfootprint.reference.loader import defaults
from ictfootprint.units import convert


def annualised(equipment: Any, years: list[int]) -> Any:
    """``equipment``: ``entity_id, country, type, count, year, lifetime_years,
    embodied_kgco2e`` (per unit), and optional ``adp_kgsbeq``, ``water_m3`` (per unit).
    Returns per ``entity_id, country, year`` (for ``years``): ``embodied_tco2e, adp_kgsbeq,
    water_m3, units_in_use``."""
    places = int(defaults()["rounding"]["tCO2e"])
    span = ibis.memtable({"report_year": years})
    e = equipment
    for optional in ("adp_kgsbeq", "water_m3"):
        if optional not in e.columns:
            e = e.mutate(**{optional: ibis.literal(None, type="float64")})
    joined = e.cross_join(span).filter(
        (_.report_year >= _.year) & (_.report_year < _.year + _.lifetime_years)
    )
    per_year = joined.mutate(per=_["count"] / _.lifetime_years)
    kg_to_t = convert(1.0, "kgCO2e", "tCO2e").value
    return (
        per_year.group_by(["entity_id", "country", per_year.report_year.name("year")])
        .aggregate(
            embodied_tco2e=(_.per * _.embodied_kgco2e).sum() * kg_to_t,
            adp_kgsbeq=(_.per * _.adp_kgsbeq).sum(),
            water_m3=(_.per * _.water_m3).sum(),
            units_in_use=_["count"].sum(),
        )
        .mutate(embodied_tco2e=_.embodied_tco2e.round(places))
    )
