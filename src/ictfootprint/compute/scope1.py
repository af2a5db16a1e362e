"""Scope 1: stationary combustion of fuels, and fugitive refrigerant emissions.

The factor for each (fuel, unit) or (gas) pair is worked out once, through the unit registry
and the reference data (IPCC 2006 defaults, GWP100 set); the bulk multiplication runs in the
engine. Pure: Ibis tables in, Ibis tables out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from ibis import _

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.fuels import fuel as fuel_named
from ictfootprint.reference.gwp import gwp_set
from ictfootprint.reference.loader import defaults
from ictfootprint.units import co2e, convert, parse_unit


def combustion_factor(fuel_id: str, unit: str, gwp: str | None = None) -> tuple[float, str]:
    """tCO2e per ``unit`` of ``fuel`` (CO2 + CH4 + N2O with the GWP set) and the set's name.

    A volume goes through the fuel's density, a mass through its net calorific value, an
    energy directly: quantity → TJ → kg of each gas → tCO2e.

    >>> round(combustion_factor("diesel", "L", "AR5")[0] * 1000, 5)  # kgCO2e per litre
    2.69235
    """
    where = Location(field="unit")
    fuel = fuel_named(fuel_id)
    dims = parse_unit(unit, where).dimensionality
    if dims == parse_unit("L").dimensionality:
        if fuel.density_kg_per_l is None:
            raise InputError(
                f"{fuel.id} has no density: give a mass or an energy", where, found=unit
            )
        mass_kg = convert(1.0, unit, "L").value * fuel.density_kg_per_l
        mass_gg = convert(mass_kg, "kg", "Gg").value
        tj = mass_gg * fuel.ncv_tj_per_gg
    elif dims == parse_unit("kg").dimensionality:
        tj = convert(1.0, unit, "Gg").value * fuel.ncv_tj_per_gg
    elif dims == parse_unit("TJ").dimensionality:
        tj = convert(1.0, unit, "TJ").value
    else:
        raise InputError(
            "fuel quantity must be a volume, a mass or an energy",
            where,
            expected="L, m^3, kg, t, kWh, GJ, ...",
            found=unit,
        )
    gases = gwp_set(gwp)
    kg_co2e = tj * (
        fuel.co2_kg_per_tj
        + fuel.ch4_kg_per_tj * gases.of("CH4")
        + fuel.n2o_kg_per_tj * gases.of("N2O")
    )
    return convert(kg_co2e, "kgCO2e", "tCO2e").value, gases.name


def combustion(fuel_use: Any, factors: Any) -> Any:
    """Fuel use (``entity_id, country, year, fuel, quantity, unit``) → tCO2e per row group.

    ``factors``: ``fuel, unit, factor`` (tCO2e per unit) from :func:`combustion_factors`.
    """
    places = int(defaults()["rounding"]["tCO2e"])
    joined = fuel_use.left_join(
        factors, [fuel_use.fuel == factors.fuel, fuel_use.unit == factors.unit]
    )
    return (
        joined.group_by(["entity_id", "country", "year"])
        .aggregate(scope1_combustion=(_.quantity * _.factor).sum())
        .mutate(scope1_combustion=_.scope1_combustion.round(places))
    )


def combustion_factors(pairs: Iterable[tuple[str, str]], gwp: str | None = None) -> pd.DataFrame:
    rows = []
    for fuel_id, unit in sorted(set(pairs)):
        factor, set_name = combustion_factor(fuel_id, unit, gwp)
        rows.append(
            {
                "fuel": fuel_id,
                "unit": unit,
                "factor": factor,
                "gwp_set": set_name,
                "source": fuel_named(fuel_id).source,
            }
        )
    return pd.DataFrame(rows, columns=["fuel", "unit", "factor", "gwp_set", "source"])


def refrigerant_factors(gases: Iterable[str], gwp: str | None = None) -> pd.DataFrame:
    """tCO2e per kg of each refrigerant (species or blend) with the GWP set."""
    rows = [
        {"gas": gas, "factor": co2e(1.0, gas, "kg", gwp=gwp).value, "gwp_set": gwp_set(gwp).name}
        for gas in sorted(set(gases))
    ]
    return pd.DataFrame(rows, columns=["gas", "factor", "gwp_set"])


def fugitive(leaks: Any, factors: Any) -> Any:
    """Refrigerant leakage (``entity_id, country, year, gas, kg``) → kg and tCO2e by group."""
    places = int(defaults()["rounding"]["tCO2e"])
    joined = leaks.left_join(factors, leaks.gas == factors.gas)
    return (
        joined.group_by(["entity_id", "country", "year"])
        .aggregate(refrigerant_kg=_.kg.sum(), scope1_fugitive=(_.kg * _.factor).sum())
        .mutate(scope1_fugitive=_.scope1_fugitive.round(places))
    )
