"""The footprint run end to end, checked against hand calculations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.examples import load_illustrative
from ictfootprint.footprint import compute_footprint
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store


def _reported(
    entity: str, indicator: str, year: int, country: str, value: float, unit: str
) -> Observation:
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=year,
        country=country,
        value=value,
        unit=unit,
        method=Method.REPORTED,
        source="hand test",
    )


@pytest.fixture
def two_country_store(db_url: str, tmp_path: Path) -> Store:
    """Two countries, two years, with factors we choose, so the figures can be done by hand."""
    store = Store.open(db_url)
    factors = tmp_path / "factors.csv"
    factors.write_text(
        "iso3,country,year,carbon_intensity_g_per_kwh\n"
        "FRA,France,2020,56.039\nFRA,France,2021,58.5\n"
        "KEN,Kenya,2020,84.2\nKEN,Kenya,2021,77.35\n"
    )
    store.import_factor_file(factors, dataset="hand")
    for entity in ("op-a", "op-b"):
        store.add_entity(Entity(id=entity, name=entity, kind=EntityKind.COMPANY, country="FRA"))
    store.record_observations(
        [
            _reported("op-a", "energy_electricity", 2020, "FRA", 12_000, "MWh"),
            _reported("op-a", "energy_electricity", 2021, "FRA", 11_500, "MWh"),
            _reported("op-a", "energy_electricity", 2020, "KEN", 3_250.5, "MWh"),
            _reported("op-a", "energy_electricity", 2021, "KEN", 3_400, "MWh"),
            _reported("op-b", "energy_electricity", 2020, "KEN", 8_000, "MWh"),
            _reported("op-b", "energy_electricity", 2021, "KEN", 7_000, "MWh"),
            _reported("op-a", "ghg_scope1", 2020, "FRA", 100, "tCO2e"),
            _reported("op-a", "ghg_scope1", 2021, "FRA", 90, "tCO2e"),
            _reported("op-a", "ghg_scope1", 2020, "KEN", 40, "tCO2e"),
            _reported("op-a", "ghg_scope1", 2021, "KEN", 35, "tCO2e"),
            _reported("op-b", "ghg_scope1", 2020, "KEN", 250, "tCO2e"),
            _reported("op-b", "ghg_scope1", 2021, "KEN", 240, "tCO2e"),
        ]
    )
    return store


def test_scope2_location_based_equals_the_hand_calculation(two_country_store: Store) -> None:
    run = compute_footprint(two_country_store)
    scope2 = {(r["entity_id"], r["country"], r["year"]): r["scope2_location"] for r in run.entities}
    # MWh × gCO2e/kWh = kgCO2e/1000 ... = tCO2e / 1000:  12,000 × 56.039 / 1,000
    assert scope2[("op-a", "FRA", 2020)] == 672.468
    assert scope2[("op-a", "FRA", 2021)] == 672.75  # 11,500 × 58.5 / 1,000
    assert scope2[("op-a", "KEN", 2020)] == 273.6921  # 3,250.5 × 84.2 / 1,000
    assert scope2[("op-a", "KEN", 2021)] == 262.99  # 3,400 × 77.35 / 1,000
    assert scope2[("op-b", "KEN", 2020)] == 673.6  # 8,000 × 84.2 / 1,000
    assert scope2[("op-b", "KEN", 2021)] == 541.45  # 7,000 × 77.35 / 1,000
    assert all(f.dataset == "hand" and f.flags == () for f in run.factors)


def test_totals_add_up_by_hand(two_country_store: Store) -> None:
    run = compute_footprint(two_country_store)
    national = {(r["country"], r["year"]): r["total"] for r in run.countries}
    assert national[("FRA", 2020)] == 772.468  # 100 + 672.468
    assert national[("KEN", 2020)] == 1237.2921  # 40 + 273.6921 + 250 + 673.6
    world = {r["year"]: r["total"] for r in run.world}
    assert world[2020] == 2009.7601
    assert world[2021] == 1842.19  # 90 + 672.75 + 35 + 262.99 + 240 + 541.45
    itu = {(r["region"], r["year"]): r["total"] for r in run.itu_regions}
    assert itu[("ITU-EUR", 2020)] == 772.468 and itu[("ITU-AFR", 2020)] == 1237.2921
    assert sum(r["total"] for r in run.itu_regions if r["year"] == 2021) == pytest.approx(
        world[2021], abs=1e-9
    )
    assert sum(r["total"] for r in run.m49_regions if r["year"] == 2021) == pytest.approx(
        world[2021], abs=1e-9
    )


def test_results_are_stored_with_method_source_and_lineage(two_country_store: Store) -> None:
    run = compute_footprint(two_country_store)
    stored = two_country_store.current_observations(
        indicator_ids=["ghg_scope2_location"], entity_ids=["op-a"], years=[2020]
    )
    fra = next(o for o in stored if o.country == "FRA")
    assert (fra.value, fra.unit, fra.method) == (672.468, "tCO2e", Method.CALCULATED)
    assert "grid factor" in fra.source and "hand@v1" in fra.source
    assert fra.lineage["factor_id"] and len(fra.lineage["inputs"]) == 2
    world = two_country_store.current_observations(entity_ids=["WORLD"], years=[2020])
    assert world[0].unit == "MtCO2e" and world[0].value == pytest.approx(0.0020097601)
    again = compute_footprint(two_country_store)
    assert again.written == 0 and again.unchanged == run.written  # idempotent


def test_world_against_l1470(two_country_store: Store) -> None:
    run = compute_footprint(two_country_store)
    assert run.trajectory is not None
    point = {p.year: p for p in run.trajectory.points}[2021]
    # pathway 2021 = 2,009.7601 × (1 − 0.045) = 1,919.3208955 (kept to 1 g: 6 decimals)
    assert point.pathway == pytest.approx(1919.3208955, abs=1e-6)
    assert point.gap == pytest.approx(1842.19 - 1919.3208955, abs=1e-6)
    assert point.on_track is True


def test_demo_runs_and_is_labelled_illustrative(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ictfootprint",
            "demo",
            "--db",
            str(tmp_path / "d.db"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["illustrative"] is True and "ILLUSTRATIVE" in result["notice"]
    assert result["years"] == [2020, 2021, 2022, 2023]
    # operator D (Brazil, ITU Americas) joins in 2022
    assert {r["country"] for r in result["countries"]} == {"FRA", "KEN", "IND", "BRA"}
    assert {r["region"] for r in result["itu_regions"]} == {
        "ITU-EUR",
        "ITU-AFR",
        "ITU-ASP",
        "ITU-AMS",
    }
    assert result["trajectory"]["pathway_id"] == "l1470-sector"
    trend = {y["year"]: y for y in result["world_trend"]["years"]}
    assert (trend[2022]["entities"], trend[2022]["sample"]) == (4, 3)
    assert 0 < trend[2022]["reported_share_percent"] < 100
    assert result["world_trend"]["trajectory"]["pathway_id"] == "l1470-sector"
    table = subprocess.run(
        [sys.executable, "-m", "ictfootprint", "demo", "--db", str(tmp_path / "d.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert table.returncode == 0, table.stderr
    assert "ILLUSTRATIVE DATA" in table.stdout and "already current" in table.stdout


def test_illustrative_data_converts_received_units(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "i.db"))
    load_illustrative(store)
    india = store.current_observations(
        entity_ids=["illustrative-dc-c"], indicator_ids=["energy_electricity"], years=[2020]
    )
    ind = next(o for o in india if o.country == "IND")
    assert (ind.value, ind.unit, ind.value_received, ind.unit_received) == (
        80_000.0,
        "MWh",
        "80",
        "GWh",
    )
    assert "illustrative" in ind.quality_flags
