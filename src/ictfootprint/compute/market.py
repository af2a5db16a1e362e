"""Scope 2, market-based (GHG Protocol Scope 2 Guidance, 2015).

Electricity covered by contractual instruments (PPAs, guarantees of origin, RECs, green
tariffs) takes the instrument's factor (usually 0); the rest takes the residual mix where one
is known, else the location-based grid factor, and that fallback is flagged. Instruments can
never cover more than the electricity consumed: if they claim more, their emissions are
scaled down to the consumption and that is flagged too.
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis import _

from ictfootprint.reference.loader import defaults
from ictfootprint.units import convert


def market_based(electricity: Any, instruments: Any, residual: Any, grid: Any) -> Any:
    """``electricity``: ``entity_id, country, year, mwh``; ``instruments``: ``entity_id,
    country, year, mwh, factor`` (gCO2e/kWh); ``residual`` and ``grid``: ``country, year,
    factor`` (gCO2e/kWh). Returns ``entity_id, country, year, mwh, covered_mwh,
    scope2_market, residual_fallback, instruments_capped``."""
    k = convert(1.0, "MWh * (gCO2e/kWh)", "tCO2e").value
    places = int(defaults()["rounding"]["tCO2e"])
    covered = instruments.group_by(["entity_id", "country", "year"]).aggregate(
        covered_mwh=_.mwh.sum(), instrument_t=(_.mwh * _.factor).sum() * k
    )
    keys = ["entity_id", "country", "year"]
    e = electricity.left_join(covered, keys).select(
        electricity.entity_id,
        electricity.country,
        electricity.year,
        electricity.mwh,
        covered_mwh=covered.covered_mwh.fill_null(0.0),
        instrument_t=covered.instrument_t.fill_null(0.0),
    )
    r = residual.rename(residual_factor="factor")
    g = grid.rename(grid_factor="factor")
    e = e.left_join(r, [e.country == r.country, e.year == r.year]).select(
        *[e[c] for c in e.columns], r.residual_factor
    )
    e = e.left_join(g, [e.country == g.country, e.year == g.year]).select(
        *[e[c] for c in e.columns], g.grid_factor
    )
    capped = e.covered_mwh > e.mwh
    uncovered = ibis.greatest(e.mwh - e.covered_mwh, 0.0)
    rest_factor = e.residual_factor.coalesce(e.grid_factor)
    instrument_t = ibis.ifelse(capped, e.instrument_t * e.mwh / e.covered_mwh, e.instrument_t)
    return e.select(
        "entity_id",
        "country",
        "year",
        "mwh",
        "covered_mwh",
        scope2_market=(instrument_t + uncovered * rest_factor * k).round(places),
        residual_fallback=e.residual_factor.isnull() & (uncovered > 0),
        instruments_capped=capped,
        rest_factor=rest_factor,
    )
