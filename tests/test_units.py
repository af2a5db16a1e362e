"""The unit registry: conversions, GWP contexts, and the traps other tools fell into."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ictfootprint.errors import UnitError
from ictfootprint.units import co2e, convert, is_compatible, parse_unit


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1500, "kWh", "MWh", 1.5),
        (1, "TWh", "GWh", 1000),
        (1, "PJ", "TJ", 1000),
        (1, "MWh", "GJ", 3.6),
        (1, "toe", "GJ", 41.868),  # IEA: 1 toe = 41.868 GJ
        (2500, "kgCO2e", "tCO2e", 2.5),
        (3, "kt CO2e", "MtCO2e", 0.003),  # "kt" is kilotonne, never knot
        (1, "MtCO2e", "tCO2e", 1e6),
        (1, "GtCO2e", "MtCO2e", 1e3),
        (1, "tCO2", "tCO2e", 1),
        (1, "tC", "tCO2", 44 / 12),  # carbon content: 44/12 (IPCC 2006)
        (2000, "L", "m^3", 2),
        (2, "m³", "L", 2000),
        (1, "kg Sb-eq", "g Sbeq", 1000),
        (56, "g CO2e/kWh", "kg CO2e/MWh", 56),
        (1, "kg CH4", "t CH4", 0.001),
        (50, "percent", "dimensionless", 0.5),
    ],
)
def test_plain_conversions(value: float, source: str, target: str, expected: float) -> None:
    result = convert(value, source, target)
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.gwp_set is None  # a plain conversion never uses a GWP context


def test_carbon_C_is_never_silently_coulomb() -> None:
    with pytest.raises(UnitError) as caught:
        parse_unit("C")
    assert "ambiguous" in caught.value.message
    assert "coulomb" in (caught.value.expected or "")
    with pytest.raises(UnitError):
        parse_unit("t C")  # with a space, "C" is the bare symbol again: refused


def test_coulomb_is_never_silently_carbon() -> None:
    assert parse_unit("coulomb").dimensionality == parse_unit("A*s").dimensionality
    assert not is_compatible("coulomb", "tCO2e")
    assert convert(1, "tC", "tCO2e").value == pytest.approx(44 / 12)


def test_celsius_is_still_temperature() -> None:
    assert convert(0, "°C", "K").value == pytest.approx(273.15)
    assert convert(10, "degC", "K").value == pytest.approx(283.15)


@pytest.mark.parametrize("ambiguous", ["mt", "MT", "ton", "tons"])
def test_ambiguous_tonnes_are_refused(ambiguous: str) -> None:
    with pytest.raises(UnitError, match="ambiguous"):
        parse_unit(f"{ambiguous} CO2e")


@pytest.mark.parametrize("bad", ["furlongz", "MWh)", "kWh//", "", "   "])
def test_unknown_unit_is_a_clear_error(bad: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_unit(bad)
    assert caught.value.location.field == "unit"
    assert "Traceback" not in str(caught.value)


def test_incompatible_units_name_both() -> None:
    with pytest.raises(UnitError, match="cannot convert 'MWh' to 'tCO2e'"):
        convert(1, "MWh", "tCO2e")


@pytest.mark.parametrize(
    ("gas", "gwp", "expected"),
    [
        ("CH4", "AR4", 25.0),
        ("CH4", "AR5", 28.0),
        ("CH4", "AR6", 27.9),
        ("N2O", "AR5", 265.0),
        ("SF6", "AR5", 23500.0),
        ("HFC134a", "AR5", 1300.0),
    ],
)
def test_gwp_context_converts_species_and_records_the_set(
    gas: str, gwp: str, expected: float
) -> None:
    result = convert(1, f"t {gas}", "tCO2e", gwp=gwp)
    assert result.value == pytest.approx(expected)
    assert result.gwp_set == f"{gwp}GWP100"


def test_species_change_uses_the_default_set_when_none_is_named() -> None:
    assert convert(1, "kg CH4", "kg CO2e").gwp_set == "AR5GWP100"


def test_refrigerant_blend_by_composition() -> None:
    # R-410A = 50 % HFC-32 + 50 % HFC-125; AR5: 0.5 × 677 + 0.5 × 3170 = 1923.5
    result = co2e(10, "R-410A", "kg", gwp="AR5")
    assert result.value == pytest.approx(19.235)
    assert result.gwp_set == "AR5GWP100"
    assert co2e(1, "R-134a", "t", gwp="AR6").value == pytest.approx(1530.0)


def test_unknown_gas_is_a_clear_error() -> None:
    from ictfootprint.errors import InputError

    with pytest.raises(InputError, match="no AR5GWP100 GWP for gas 'unobtainium'"):
        co2e(1, "unobtainium")


ENERGY = ["Wh", "kWh", "MWh", "GWh", "TWh", "J", "kJ", "MJ", "GJ", "TJ", "PJ", "toe"]
MASS = ["gCO2e", "kgCO2e", "tCO2e", "kt CO2e", "MtCO2e", "GtCO2e"]
WATER = ["L", "m^3", "kL", "ML"]


@given(
    value=st.floats(min_value=1e-9, max_value=1e12, allow_nan=False),
    pair=st.sampled_from([(a, b) for group in (ENERGY, MASS, WATER) for a in group for b in group]),
)
def test_conversions_round_trip(value: float, pair: tuple[str, str]) -> None:
    source, target = pair
    there = convert(value, source, target).value
    back = convert(there, target, source).value
    assert math.isclose(back, value, rel_tol=1e-12)


@given(
    value=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    gas=st.sampled_from(["CH4", "N2O", "SF6", "NF3", "HFC32"]),
    gwp=st.sampled_from(["AR4", "AR5", "AR6"]),
)
def test_gwp_round_trip(value: float, gas: str, gwp: str) -> None:
    there = convert(value, f"t {gas}", "tCO2e", gwp=gwp).value
    back = convert(there, "tCO2e", f"t {gas}", gwp=gwp).value
    assert math.isclose(back, value, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("PB", "percent"),
        ("count", "percent"),
        ("count", "dimensionless"),
        ("kWh/line", "kWh"),
        ("kgCO2e/device", "kgCO2e"),
        ("USD", "EUR"),
    ],
)
def test_counts_information_and_money_never_pass_for_something_else(
    source: str, target: str
) -> None:
    # pint's defaults make bytes and counts dimensionless: 1 PB would become 1e15 "percent"
    assert not is_compatible(source, target)
    with pytest.raises(UnitError):
        convert(1, source, target)


def test_information_and_rates_still_convert() -> None:
    assert convert(1, "PB", "TB").value == pytest.approx(1000)
    assert convert(1, "kB", "B").value == pytest.approx(1000)
    assert convert(8, "bit", "byte").value == pytest.approx(1)
    assert convert(2.5, "kWh/line", "MWh/line").value == pytest.approx(0.0025)


def test_a_unit_of_100000_characters_is_refused_before_pint_reads_it() -> None:
    """Regression: pint's parser spent minutes on a 100,000-character unit (the API's time
    limit answered 503 while a thread went on parsing)."""
    with pytest.raises(UnitError, match="unit too long") as caught:
        parse_unit("M" * 100_000)
    assert caught.value.found is not None and len(caught.value.found) <= 65
