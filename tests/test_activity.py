"""ictfootprint compute: activity files → stored figures, by hand, on DuckDB and Spark."""

from __future__ import annotations

from pathlib import Path

import pytest

from ictfootprint.compute.activity import compute_activity
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Method
from ictfootprint.store import Store

ELECTRICITY = """entity_id,site_id,country,timestamp,kwh
op-1,s1,FRA,2022-01-01 00:00:00,100000
op-1,s1,FRA,2022-01-01 01:00:00,50500
op-1,s2,KEN,2022-03-01 00:00:00,20000
"""
FILES = {
    "instruments.csv": "entity_id,country,year,mwh,instrument,g_per_kwh\nop-1,FRA,2022,100,ppa,0\n",
    "residual_mix.csv": "country,year,g_per_kwh\nFRA,2022,60\n",
    "fuels.csv": "entity_id,country,year,fuel,quantity,unit\nop-1,KEN,2022,diesel,1000,L\n",
    "refrigerants.csv": "entity_id,country,year,gas,kg\nop-1,FRA,2022,R-410A,10\n",
    "equipment.csv": "entity_id,country,type,count,year,lifetime_years,embodied_kgco2e\n"
    "op-1,FRA,server,10,2020,4,1200\n",
}


def setup(tmp_path: Path, electricity: str = ELECTRICITY) -> tuple[Store, Path]:
    store = Store.open(str(tmp_path / "a.db"))
    store.add_entity(
        Entity(
            id="op-1",
            name="Op",
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("mobile_network",),
        )
    )
    factors = tmp_path / "grid.csv"
    factors.write_text(
        "iso3,country,year,carbon_intensity_g_per_kwh\nFRA,France,2022,56.039\n"
        "KEN,Kenya,2022,84.2\n"
    )
    store.import_factor_file(factors, dataset="hand")
    folder = tmp_path / "activity"
    folder.mkdir()
    (folder / "electricity.csv").write_text(electricity)
    for name, text in FILES.items():
        (folder / name).write_text(text)
    return store, folder


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_every_figure_by_hand_and_stored_with_lineage(tmp_path: Path, engine: str) -> None:
    store, folder = setup(tmp_path)
    run = compute_activity(store, folder, engine=engine)
    current = {
        (o.indicator_id, o.country): o
        for o in store.current_observations(
            entity_ids=["op-1"], years=[2022], methods=["calculated"]
        )
    }
    value = {k: o.value for k, o in current.items()}
    # FRA electricity 150.5 MWh; location 150.5 × 56.039 = 8.433870 t;
    # market: 100 MWh PPA at 0 + 50.5 MWh × 60 g residual = 3.03 t
    assert value[("energy_electricity", "FRA")] == 150.5
    assert value[("ghg_scope2_location", "FRA")] == 8.43387
    assert value[("ghg_scope2_market", "FRA")] == 3.03
    # KEN: 20 MWh × 84.2 g = 1.684 t both ways (no instrument, no residual mix: flagged)
    assert value[("ghg_scope2_market", "KEN")] == 1.684
    assert (
        "residual-mix-missing:grid-factor-used"
        in current[("ghg_scope2_market", "KEN")].quality_flags
    )
    # Scope 1: KEN 1,000 L diesel = 2.692349 t; FRA 10 kg R-410A = 19.235 t
    assert value[("ghg_scope1", "KEN")] == 2.692349
    assert value[("ghg_scope1", "FRA")] == 19.235
    assert value[("ghg_refrigerant_leakage", "FRA")] == 10.0
    assert value[("ghg_embodied_annualised", "FRA")] == 3.0  # 10 × 1,200 kg / 4 years
    location = current[("ghg_scope2_location", "FRA")]
    assert location.method is Method.CALCULATED
    assert location.lineage["grid_factor"]["dataset"] == "hand"
    assert set(location.lineage["inputs"]) == {
        "electricity",
        "instruments",
        "residual_mix",
        "fuels",
        "refrigerants",
        "equipment",
    }
    assert run.written == len(current)
    again = compute_activity(store, folder, engine=engine)
    assert (again.written, again.unchanged) == (0, run.written)  # same inputs: nothing new
    if engine == "spark":  # and DuckDB gives exactly the same figures: nothing new either
        other = compute_activity(store, folder, engine="duckdb")
        assert (other.written, other.unchanged) == (0, run.written)


def test_reported_values_are_never_replaced(tmp_path: Path) -> None:
    from ictfootprint.model import Observation
    from ictfootprint.store.observations import best_available

    store, folder = setup(tmp_path)
    store.record_observations(
        [
            Observation(
                entity_id="op-1",
                indicator_id="ghg_scope2_location",
                year=2022,
                country="FRA",
                value=9.0,
                unit="tCO2e",
                method=Method.REPORTED,
                source="annual report",
            )
        ]
    )
    compute_activity(store, folder)
    (best,) = [
        o
        for o in best_available(
            store.current_observations(indicator_ids=["ghg_scope2_location"], entity_ids=["op-1"])
        )
        if o.country == "FRA"
    ]
    assert (best.method, best.value) == (Method.REPORTED, 9.0)


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("op-1,s9,XYZ,2022-01-01 02:00:00,5", "country", "unknown country in 1 row(s)"),
        ("op-1,s9,FRA,2022-01-01 02:00:00,-5", "kwh", "negative value in 1 row(s)"),
        ("op-9,s9,FRA,2022-01-01 02:00:00,5", "entity_id", "unknown entity"),
    ],
)
def test_bad_readings_are_clear_errors(tmp_path: Path, line: str, field: str, message: str) -> None:
    store, folder = setup(tmp_path, ELECTRICITY + line + "\n")
    with pytest.raises(InputError) as caught:
        compute_activity(store, folder)
    assert caught.value.location.field == field
    assert caught.value.location.file and caught.value.location.file.endswith("electricity.csv")
    assert message in caught.value.message and "s9" in caught.value.message
    assert store.current_observations(methods=["calculated"]) == []


def test_a_missing_factor_year_is_a_flagged_fallback(tmp_path: Path) -> None:
    store, folder = setup(tmp_path, ELECTRICITY + "op-1,s1,FRA,2021-01-01 00:00:00,1000\n")
    compute_activity(store, folder)
    (obs,) = store.current_observations(indicator_ids=["ghg_scope2_location"], years=[2021])
    # no dataset has FRA 2021: the nearest year (hand, 2022) is used, and flagged
    assert obs.quality_flags == ("factor-year-proxy:2022",)
    assert obs.value == 0.056039  # 1 MWh × 56.039 g/kWh


def test_a_country_without_any_factor_is_an_error(tmp_path: Path) -> None:
    store, folder = setup(tmp_path, ELECTRICITY + "op-1,s9,ATA,2022-01-01 00:00:00,5\n")
    with pytest.raises(InputError, match="no grid factor"):
        compute_activity(store, folder)
