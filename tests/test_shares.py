"""Shares of national totals and intensities, against hand calculations.

Denominators: the real OWID rows of examples/owid-*-sample.csv (France 2022: electricity
demand 483.390 TWh, GHG excluding land use 329.368 MtCO2e; Finland 2022: 84.690 TWh, 48.227
MtCO2e).
Reporters (fictitious), 2022:

======  =======  ==============  =====================  ===========  ============  =========
entity  country  sub-sector      electricity / fuel MWh  S1 / S2 t    lines         revenue
======  =======  ==============  =====================  ===========  ============  =========
op-a    FRA      mobile_network  1,200,000 / 100,000     20k / 60k    20 M mobile   10 bn USD
op-b    FRA      fixed_network   800,000 / 50,000        10k / 40k    10 M fixed    5 bn USD
op-c    FRA      mobile_network  500,000 / -             5k / -       -             -
op-d    FIN      mobile_network  300,000 / 20,000        2k / 8k      5 M mobile    -
======  =======  ==============  =====================  ===========  ============  =========

op-a also reports 5,000 PB of traffic. op-c's Scope 1 + 2 and total energy are incomplete.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.compute.shares import sector_shares
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.national import import_national
from ictfootprint.store import Store

HERE = Path(__file__).resolve().parents[1] / "examples"
YEAR = 2022
REPORTS = {
    "op-a": {
        "energy_electricity": 1_200_000,
        "energy_fuel": 100_000,
        "ghg_scope1": 20_000,
        "ghg_scope2_location": 60_000,
        "activity_mobile_lines": 20_000_000,
        "activity_revenue": 10e9,
        "activity_traffic_total": 5_000,
    },
    "op-b": {
        "energy_electricity": 800_000,
        "energy_fuel": 50_000,
        "ghg_scope1": 10_000,
        "ghg_scope2_location": 40_000,
        "activity_fixed_broadband_lines": 10_000_000,
        "activity_revenue": 5e9,
    },
    "op-c": {"energy_electricity": 500_000, "ghg_scope1": 5_000},
    "op-d": {
        "energy_electricity": 300_000,
        "energy_fuel": 20_000,
        "ghg_scope1": 2_000,
        "ghg_scope2_location": 8_000,
        "activity_mobile_lines": 5_000_000,
    },
}
HOMES = {
    "op-a": ("FRA", "mobile_network"),
    "op-b": ("FRA", "fixed_network"),
    "op-c": ("FRA", "mobile_network"),
    "op-d": ("FIN", "mobile_network"),
}
UNITS = {"energy": "MWh", "ghg": "tCO2e", "activity": None}


def _store(url: str) -> Store:
    store = Store.open(url)
    import_national(store, HERE / "owid-co2-sample.csv", "owid-co2", citation="OWID CO2")
    import_national(store, HERE / "owid-energy-sample.csv", "owid-energy", citation="OWID energy")
    for entity_id, (home, subsector) in HOMES.items():
        store.add_entity(
            Entity(
                id=entity_id,
                name=entity_id,
                kind=EntityKind.COMPANY,
                country=home,
                subsectors=(subsector,),
            )
        )
    units = {
        "activity_mobile_lines": "count",
        "activity_fixed_broadband_lines": "count",
        "activity_revenue": "USD",
        "activity_traffic_total": "PB",
    }
    store.record_observations(
        [
            Observation(
                entity_id=entity_id,
                indicator_id=name,
                year=YEAR,
                value=value,
                unit=units.get(name, "tCO2e" if name.startswith("ghg") else "MWh"),
                method=Method.REPORTED,
                source="test report",
            )
            for entity_id, values in REPORTS.items()
            for name, value in values.items()
        ]
    )
    return store


def _by(rows: list[dict[str, object]], key: str) -> dict[tuple[object, object], dict[str, object]]:
    return {(r["area"], r[key]): r for r in rows}


def test_country_shares_equal_hand_calculations(db_url: str) -> None:
    result = sector_shares(_store(db_url), level="country", year=YEAR)
    shares = _by(result.shares, "indicator")
    france = shares["FRA", "sector_electricity_share"]
    # (1.2 + 0.8 + 0.5) TWh / 483.390 TWh
    assert france["value"] == pytest.approx(2.5 / 483.390 * 100, rel=1e-12)
    assert france["unit"] == "percent" and france["method"] == "calculated"
    assert france["numerator"] == {  # type: ignore[comparison-overlap]
        "quantity": "energy_electricity",
        "value": 2_500_000.0,
        "unit": "MWh",
        "entities": 3,
        "incomplete": 0,
    }
    assert france["denominator"]["value"] == pytest.approx(483.39)  # type: ignore[index]
    assert "OWID energy" in france["denominator"]["source"]  # type: ignore[index]
    ghg = shares["FRA", "sector_ghg_share"]
    # (20k + 60k + 10k + 40k) t = 0.13 Mt of 329.368 Mt; op-c (Scope 1 only) left out
    assert ghg["value"] == pytest.approx(0.13 / 329.368 * 100, rel=1e-12)
    assert ghg["numerator"]["entities"] == 2 and ghg["numerator"]["incomplete"] == 1  # type: ignore[index]
    assert "reporters' share" in str(ghg["sample"]) and "2 reporting entities" in str(ghg["sample"])
    assert shares["FIN", "sector_electricity_share"]["value"] == pytest.approx(
        0.3 / 84.690 * 100, rel=1e-12
    )
    assert shares["FIN", "sector_ghg_share"]["value"] == pytest.approx(
        0.01 / 48.227 * 100, rel=1e-12
    )
    assert result.missing == []


def test_intensities_on_matched_samples(db_url: str) -> None:
    result = sector_shares(_store(db_url), level="country", year=YEAR)
    got = {k: r["value"] for k, r in _by(result.intensities, "intensity").items()}
    # op-a: 1,300,000 MWh / 20 M lines; op-c (no lines, incomplete energy) is not in it
    assert got["FRA", "energy_per_mobile_line"] == pytest.approx(65.0, rel=1e-12)
    assert got["FRA", "energy_per_fixed_line"] == pytest.approx(85.0, rel=1e-12)
    # 1.3e9 kWh / 5,000 PB = 5e6 TB
    assert got["FRA", "energy_per_tb"] == pytest.approx(260.0, rel=1e-12)
    # (1.3 + 0.85) e9 kWh / 15e9 USD
    assert got["FRA", "energy_per_revenue"] == pytest.approx(2.15 / 15, rel=1e-12)
    assert got["FRA", "ghg_per_mobile_line"] == pytest.approx(4.0, rel=1e-12)
    assert got["FRA", "ghg_per_fixed_line"] == pytest.approx(5.0, rel=1e-12)
    assert got["FRA", "ghg_per_revenue"] == pytest.approx(130_000e6 / 15e9, rel=1e-12)
    assert got["FIN", "energy_per_mobile_line"] == pytest.approx(64.0, rel=1e-12)
    assert got["FIN", "ghg_per_mobile_line"] == pytest.approx(2.0, rel=1e-12)
    assert ("FIN", "energy_per_revenue") not in got  # no revenue reported: no figure
    row = _by(result.intensities, "intensity")["FRA", "energy_per_mobile_line"]
    assert (row["unit"], row["entities"], row["indicator"]) == (
        "kWh/line",
        1,
        "energy_per_line_mobile",
    )


def test_world_needs_a_world_statistic_and_regions_every_country(db_url: str) -> None:
    store = _store(db_url)
    assert sector_shares(store, level="world", year=YEAR).shares == []
    missing = sector_shares(store, level="world", year=YEAR).missing
    assert {m["reason"] for m in missing} == {
        "no economy_electricity statistic for WORLD in 2022",
        "no economy_ghg_total statistic for WORLD in 2022",
    }
    store.add_entity(Entity(id="WORLD", name="World", kind=EntityKind.WORLD))
    store.record_observations(
        [
            Observation(
                entity_id="WORLD",
                indicator_id="economy_electricity",
                year=YEAR,
                value=29_000,
                unit="TWh",
                method=Method.STATISTICAL,
                source="test world statistic",
            )
        ]
    )
    world = sector_shares(store, level="world", year=YEAR)
    (share,) = world.shares
    assert share["entity_id"] == "WORLD"
    assert share["value"] == pytest.approx(2.8 / 29_000 * 100, rel=1e-12)
    region = sector_shares(store, level="region", year=YEAR)
    assert region.shares == []
    assert all("missing for" in m["reason"] for m in region.missing)


def test_stored_shares_are_calculated_and_never_read_back_as_statistics(db_url: str) -> None:
    store = _store(db_url)
    first = sector_shares(store, level="country", year=YEAR, write=True)
    # 4 shares and 3 per-line energies (FRA mobile and fixed, FIN mobile)
    assert (first.written, first.unchanged) == (7, 0)
    (stored,) = store.current_observations(
        entity_ids=["FRA"], indicator_ids=["sector_ghg_share"], years=[YEAR]
    )
    assert stored.method is Method.CALCULATED and "reporters-only" in stored.quality_flags
    assert stored.value == pytest.approx(0.13 / 329.368 * 100, rel=1e-12)
    assert stored.lineage["denominator"]["indicator"] == "economy_ghg_total"
    again = sector_shares(store, level="country", year=YEAR, write=True)
    assert (again.written, again.unchanged) == (0, 7)
    assert _by(again.shares, "indicator") == _by(first.shares, "indicator")


def test_api_shares_read_and_cli_table(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings

    url = f"sqlite:///{tmp_path / 'api.db'}"
    store = _store(url)
    client = TestClient(create_app(Settings.default(db=url, rate_limit_per_minute=0), store))
    body = client.get("/api/v1/shares", params={"year": YEAR, "level": "country"}).json()
    shares = {(r["area"], r["indicator"]): r["value"] for r in body["shares"]}
    assert shares["FRA", "sector_electricity_share"] == pytest.approx(2.5 / 483.390 * 100)
    assert {r["intensity"] for r in body["intensities"] if r["area"] == "FIN"} == {
        "energy_per_mobile_line",
        "ghg_per_mobile_line",
    }
    assert store.current_observations(methods=["calculated"]) == []  # a read stores nothing
    bad = client.get("/api/v1/shares", params={"year": YEAR, "level": "planet"})
    assert bad.status_code in (400, 422) and "error" in bad.json()
    assert "/api/v1/shares" in client.get("/openapi.json").json()["paths"]
    store.close()
    command = ["shares", "--level", "country", "--year", "2022", "--db", str(tmp_path / "api.db")]
    done = subprocess.run(
        [sys.executable, "-m", "ictfootprint", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "reporters' share" in done.stdout and "stored 7 calculated observations" in done.stdout
    assert "0.5172" in done.stdout  # France's electricity share, 4 significant digits


def test_a_calculated_value_on_a_country_is_never_its_statistic(db_url: str) -> None:
    store = _store(db_url)
    store.record_observations(
        [
            Observation(
                entity_id="FRA",
                indicator_id="economy_electricity",
                year=YEAR,
                value=1.0,  # a sum someone computed: not a national statistic
                unit="TWh",
                method=Method.CALCULATED,
                source="a calculation",
            )
        ]
    )
    shares = _by(sector_shares(store, level="country", year=YEAR).shares, "indicator")
    assert shares["FRA", "sector_electricity_share"]["value"] == pytest.approx(
        2.5 / 483.390 * 100, rel=1e-12
    )


def test_a_region_divides_by_the_sum_of_all_its_countries() -> None:
    from datetime import UTC, datetime

    from ictfootprint.compute.sector import membership
    from ictfootprint.compute.shares import shares_of
    from ictfootprint.model import StoredObservation

    members = sorted(membership("region", "itu").query("area == 'ITU-EUR'")["country"])
    statistics = {
        (code, "economy_electricity", YEAR): StoredObservation(
            id=n,
            revision=1,
            recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
            entity_id=code,
            indicator_id="economy_electricity",
            year=YEAR,
            value=10.0,
            unit="TWh",
            method=Method.STATISTICAL,
            source="fixture",
        )
        for n, code in enumerate(members, start=1)
    }
    row = {
        "area": "ITU-EUR",
        "area_name": "Europe",
        "subsector": "_T",
        "quantity": "energy_electricity",
        "value": 1_000_000.0,
        "unit": "MWh",
        "entities": 4,
        "incomplete": 0,
    }
    shares, missing = shares_of([row], statistics, level="region", region_kind="itu", year=YEAR)
    (share,) = shares
    # 1 TWh of 10 TWh × every country of the region
    assert share["value"] == pytest.approx(1 / (10 * len(members)) * 100, rel=1e-12)
    assert share["denominator"]["countries"] == len(members) and missing == []
    del statistics[members[0], "economy_electricity", YEAR]
    shares, missing = shares_of([row], statistics, level="region", region_kind="itu", year=YEAR)
    assert shares == [] and f"missing for 1 of the region's {len(members)}" in missing[0]["reason"]
