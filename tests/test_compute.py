"""The engine's calculations against hand calculations, identical on DuckDB and Spark local[2]."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from ictfootprint.compute import embodied, market, scope1
from ictfootprint.compute.engine import connect, table
from ictfootprint.compute.scope2 import location_based_by_site, location_based_hourly_by_site


@pytest.fixture(scope="module", params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    yield connect(request.param)


def frame(backend: Any, name: str, **columns: list[Any]) -> Any:
    return table(backend, pd.DataFrame(columns), name)


def rows(expr: Any, *keys: str) -> list[dict[str, Any]]:
    result = expr.to_pandas().sort_values(list(keys)).reset_index(drop=True)
    return [
        {k: (None if pd.isna(v) else (v.item() if hasattr(v, "item") else v)) for k, v in r.items()}
        for r in result.to_dict(orient="records")
    ]


def readings(backend: Any) -> Any:
    return frame(
        backend,
        "readings",
        entity_id=["e1"] * 5,
        site_id=["s1", "s1", "s1", "s2", "s2"],
        country=["FRA", "FRA", "FRA", "KEN", "KEN"],
        timestamp=pd.to_datetime(
            [
                "2022-01-01 00:00",
                "2022-01-01 01:00",
                "2023-06-01 12:00",
                "2022-03-01 00:00",
                "2022-03-01 01:00",
            ]
        ),
        kwh=[100.0, 50.5, 200.0, 10.0, 20.25],
    )


def annual_factors(backend: Any) -> Any:
    return frame(
        backend,
        "annual",
        country=["FRA", "FRA", "KEN"],
        year=[2022, 2023, 2022],
        factor=[56.039, 52.0, 84.2],
    )


def test_annual_location_based(backend: Any) -> None:
    result = rows(
        location_based_by_site(readings(backend), annual_factors(backend)), "site_id", "year"
    )
    # s1 2022: 150.5 kWh × 56.039 g = 8,433.8695 g; s1 2023: 200 × 52 = 10,400 g;
    # s2 2022: 30.25 × 84.2 = 2,547.05 g
    assert [(r["site_id"], r["year"], r["kwh"], r["readings"], r["tco2e"]) for r in result] == [
        ("s1", 2022, 150.5, 2, 0.008434),
        ("s1", 2023, 200.0, 1, 0.0104),
        ("s2", 2022, 30.25, 2, 0.002547),
    ]


def test_hourly_location_based_with_annual_fallback(backend: Any) -> None:
    hourly = frame(
        backend,
        "hourly",
        country=["FRA", "FRA"],
        timestamp=pd.to_datetime(["2022-01-01 00:00", "2022-01-01 01:00"]),
        factor=[40.0, 70.0],
    )
    result = rows(
        location_based_hourly_by_site(readings(backend), hourly, annual_factors(backend)),
        "site_id",
        "year",
    )
    # s1 2022: 100 × 40 + 50.5 × 70 = 7,535 g (hourly); s1 2023 and s2 2022 fall back to annual
    assert [(r["site_id"], r["year"], r["tco2e"], r["fallback_hours"]) for r in result] == [
        ("s1", 2022, 0.007535, 0),
        ("s1", 2023, 0.0104, 1),
        ("s2", 2022, 0.002547, 2),
    ]


def test_missing_factor_is_null_never_zero(backend: Any) -> None:
    factors = frame(backend, "only_fra", country=["FRA"], year=[2022], factor=[56.039])
    result = rows(location_based_by_site(readings(backend), factors), "site_id", "year")
    assert [(r["site_id"], r["year"], r["tco2e"]) for r in result] == [
        ("s1", 2022, 0.008434),
        ("s1", 2023, None),
        ("s2", 2022, None),
    ]


def test_market_based_with_instruments_residual_mix_and_fallback(backend: Any) -> None:
    electricity = frame(
        backend,
        "elec",
        entity_id=["e1", "e1", "e1"],
        country=["FRA", "DEU", "KEN"],
        year=[2022] * 3,
        mwh=[1000.0, 500.0, 200.0],
    )
    instruments = frame(
        backend,
        "inst",
        entity_id=["e1", "e1", "e1"],
        country=["FRA", "FRA", "DEU"],
        year=[2022] * 3,
        mwh=[300.0, 100.0, 600.0],
        factor=[0.0, 20.0, 0.0],
    )
    residual = frame(backend, "resid", country=["FRA"], year=[2022], factor=[60.0])
    grid = frame(
        backend, "grid", country=["FRA", "DEU", "KEN"], year=[2022] * 3, factor=[56.0, 380.0, 84.2]
    )
    result = rows(market.market_based(electricity, instruments, residual, grid), "country")
    by = {r["country"]: r for r in result}
    # FRA: 100 MWh × 20 g + 600 MWh × 60 g (residual) = 2 t + 36 t = 38 t
    assert (by["FRA"]["scope2_market"], by["FRA"]["residual_fallback"]) == (38.0, False)
    # DEU: instruments (600 MWh) exceed consumption (500): capped, nothing left uncovered
    assert (by["DEU"]["scope2_market"], by["DEU"]["instruments_capped"]) == (0.0, True)
    # KEN: no instrument, no residual mix: the grid factor, flagged
    assert (by["KEN"]["scope2_market"], by["KEN"]["residual_fallback"]) == (16.84, True)


def test_fuels_and_refrigerants(backend: Any) -> None:
    fuel_use = frame(
        backend,
        "fuel",
        entity_id=["e1", "e1", "e1"],
        country=["FRA", "FRA", "KEN"],
        year=[2022] * 3,
        fuel=["diesel", "natural_gas", "diesel"],
        quantity=[1000.0, 100.0, 2.0],
        unit=["L", "MWh", "m^3"],
    )
    factors = frame(
        backend,
        "fuel_factors",
        **{
            k: list(v)
            for k, v in scope1.combustion_factors(
                [("diesel", "L"), ("natural_gas", "MWh"), ("diesel", "m^3")], "AR5"
            )[["fuel", "unit", "factor"]].items()
        },
    )
    result = {
        r["country"]: r["scope1_combustion"]
        for r in rows(scope1.combustion(fuel_use, factors), "country")
    }
    # diesel: 1,000 L × 0.84 kg/L = 0.84 t → 0.03612 TJ (NCV 43.0) →
    #   CO2 2,676.492 + CH4 0.3612 × 28 + N2O 0.021672 × 265 = 2,692.34868 kg
    # natural gas: 100 MWh = 0.36 TJ → 20,196 + 1.8 × 28 + 0.036 × 265 = 20,255.94 kg
    assert result == {"FRA": 22.948289, "KEN": 5.384697}  # KEN: 2 m³ = 2,000 L
    leaks = frame(
        backend,
        "leaks",
        entity_id=["e1", "e1"],
        country=["FRA", "FRA"],
        year=[2022, 2022],
        gas=["R-410A", "HFC-134a"],
        kg=[10.0, 2.0],
    )
    gases = frame(
        backend,
        "gas_factors",
        **{
            k: list(v)
            for k, v in scope1.refrigerant_factors(["R-410A", "HFC-134a"], "AR5")[
                ["gas", "factor"]
            ].items()
        },
    )
    (fugitive,) = rows(scope1.fugitive(leaks, gases), "country")
    # R-410A: 10 kg × 1,923.5 = 19.235 t; HFC-134a: 2 kg × 1,300 = 2.6 t
    assert (fugitive["refrigerant_kg"], fugitive["scope1_fugitive"]) == (12.0, 21.835)


def test_embodied_annualised(backend: Any) -> None:
    equipment = frame(
        backend,
        "equipment",
        entity_id=["e1", "e1"],
        country=["FRA", "FRA"],
        type=["server", "router"],
        count=[10, 4],
        year=[2020, 2022],
        lifetime_years=[4, 8],
        embodied_kgco2e=[1200.0, 500.0],
        adp_kgsbeq=[0.02, 0.01],
        water_m3=[3.0, 1.0],
    )
    result = {
        r["year"]: r for r in rows(embodied.annualised(equipment, [2019, 2021, 2023, 2024]), "year")
    }
    assert set(result) == {2021, 2023, 2024}  # nothing in use in 2019
    # servers 10 × 1,200 kg / 4 = 3 t a year (2020-2023); routers 4 × 500 / 8 = 0.25 t (2022-2029)
    assert result[2021]["embodied_tco2e"] == 3.0
    assert result[2023]["embodied_tco2e"] == 3.25
    assert result[2024]["embodied_tco2e"] == 0.25
    assert result[2023]["adp_kgsbeq"] == pytest.approx(10 * 0.02 / 4 + 4 * 0.01 / 8)
    assert result[2023]["units_in_use"] == 14
