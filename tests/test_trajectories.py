"""L.1470 trajectories from the store: by hand, at entity and area level, scope checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.assess.alignment import project, required_reduction
from ictfootprint.assess.trajectories import assess_trajectory, load_pathway
from ictfootprint.compute.kept_answers import kept_count
from ictfootprint.errors import InputError, NotFoundError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.reference.pathways import pathway
from ictfootprint.store import Store

SERIES = {2020: 1000.0, 2021: 950.0, 2022: 930.0, 2023: 910.0, 2024: 900.0}


def _store(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "t.db"))
    store.add_entity(
        Entity(
            id="co",
            name="Fixture Co",
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("mobile_network",),
        )
    )
    observations = []
    for year, value in SERIES.items():
        # S1 + S2 market given as components: 20 % Scope 1, 80 % Scope 2 market-based
        for indicator, share in (
            ("ghg_scope1", 0.2),
            ("ghg_scope2_market", 0.8),
            ("ghg_scope2_location", 0.8),
        ):
            observations.append(
                Observation(
                    entity_id="co",
                    indicator_id=indicator,
                    year=year,
                    value=value * share,
                    unit="tCO2e",
                    method=Method.REPORTED,
                    source="fixture",
                    country="FRA",
                )
            )
    store.record_observations(observations)
    return store


def test_fixture_company_against_l1470_by_hand(tmp_path: Path) -> None:
    result = assess_trajectory(
        _store(tmp_path),
        level="entity",
        key="co",
        scope="1+2-market",
        pathway=pathway("l1470-sector"),
    )
    points = {p.year: p for p in result.trajectory.points}
    assert points[2030].pathway == 550.0  # 1,000 t × (1 − 0.45)
    # 2024: 1,000 × (1 − 0.45 × 4/10) = 820 t; actual 900 t → gap 80 t = 9.76 % above
    assert (points[2024].pathway, points[2024].gap, points[2024].gap_percent) == (820.0, 80.0, 9.76)
    assert points[2024].on_track is False
    # least squares over 2020-2024: mean year 2022, mean value 938;
    # slope = (−2·62 − 1·12 + 0 + 1·(−28) + 2·(−38)) / 10 = −24 t/yr → 2030: 938 − 24·8 = 746
    assert result.projection is not None
    assert result.projection.slope_per_year == pytest.approx(-24.0)
    assert result.projection.projected == pytest.approx(746.0)
    # needed from 2024: (900 − 550) / 6 = 58.33 t a year, or 1 − (550/900)^(1/6) a year
    assert result.required is not None
    assert result.required.absolute_per_year == pytest.approx(350 / 6)
    assert result.required.percent_per_year == pytest.approx(100 * (1 - (550 / 900) ** (1 / 6)))


def test_country_series_is_the_sector_total(tmp_path: Path) -> None:
    result = assess_trajectory(
        _store(tmp_path),
        level="country",
        key="FRA",
        scope="1+2-location",
        pathway=pathway("l1470-sector"),
    )
    assert {p.year: p.actual for p in result.trajectory.points if p.actual} == SERIES


def test_another_scope_is_an_error_not_a_mix(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(InputError, match="Scope 1 \\+ 2 location-based"):
        assess_trajectory(
            store, level="world", key="001", scope="1+2-market", pathway=pathway("l1470-sector")
        )
    with pytest.raises(InputError, match="does not cover scope 1\\+2\\+3-market"):
        assess_trajectory(
            store, level="entity", key="co", scope="1+2+3-market", pathway=pathway("sbti-aca-1.5c")
        )


def test_an_unknown_area_is_an_error_before_anything_is_computed_or_kept(
    tmp_path: Path,
) -> None:
    """An unknown country or region was computed (empty trends), kept like any answer and then
    reported as "no values for country ZZZ": a visitor trying codes pushed the real answers
    out of the 500 kept. Now it is a 404 and nothing is kept; codes are read in any case."""
    store = _store(tmp_path)
    l1470 = pathway("l1470-sector")

    def assess(level: str, key: str) -> object:
        return assess_trajectory(store, level=level, key=key, scope="1+2-location", pathway=l1470)

    for level, key in (("country", "ZZZ"), ("region", "ITU-XYZ"), ("region", "999")):
        with pytest.raises(NotFoundError, match=f"no {level} '{key}'"):
            assess(level, key)
    with pytest.raises(InputError, match="field 'id': the world is area 001"):
        assess("world", "FRA")
    with pytest.raises(InputError, match="unknown sub-sector"):
        assess("subsector", "nonsense")
    assert kept_count(store) == 0
    france = assess("country", "fra")
    assert france.as_dict() == assess("country", "FRA").as_dict()
    assert {p.year: p.actual for p in france.trajectory.points if p.actual} == SERIES
    assert assess("region", "itu-eur").as_dict()["key"] == "ITU-EUR"
    mobile = assess("subsector", "Mobile-Network").as_dict()
    assert mobile["key"] == "mobile_network"

    url = f"sqlite:///{tmp_path / 't.db'}"
    client = TestClient(create_app(Settings.default(db=url, rate_limit_per_minute=0), store))
    kept = kept_count(store)
    for query in ("level=country&id=ZZZ", "level=region&id=ITU-XYZ", "level=region&id=999"):
        answer = client.get(f"/api/v1/trajectories?{query}")
        assert answer.status_code == 404, (query, answer.text)
    for query in ("level=world&id=FRA", "level=subsector&id=nonsense"):
        answer = client.get(f"/api/v1/trajectories?{query}")
        assert answer.status_code == 400, (query, answer.text)
        assert answer.json()["error"]["location"] == {"field": "id"}
    assert kept_count(store) == kept
    assert client.get("/api/v1/trajectories?level=country&id=FRA").status_code == 200


def test_sbti_and_a_users_own_pathway(tmp_path: Path) -> None:
    store = _store(tmp_path)
    sbti = assess_trajectory(
        store, level="entity", key="co", scope="1+2-market", pathway=pathway("sbti-aca-1.5c")
    )
    assert {p.year: p.pathway for p in sbti.trajectory.points}[2025] == 790.0  # 1 − 5 × 4.2 %
    own = tmp_path / "own.toml"
    own.write_text(
        '[[pathway]]\nid = "national-plan"\nname = "National plan: -30 % by 2030"\n'
        'source = "fixture"\napplies_to = ["entity"]\nscopes = ["1+2-market"]\n'
        'kind = "points"\nbase_year = 2020\npoints = [[2020, 1.0], [2030, 0.7]]\n'
    )
    mine = assess_trajectory(
        store, level="entity", key="co", scope="1+2-market", pathway=load_pathway(None, own)
    )
    assert {p.year: p.pathway for p in mine.trajectory.points}[2030] == 700.0
    with pytest.raises(InputError, match=r"missing\.toml: cannot read file"):
        load_pathway(None, tmp_path / "missing.toml")


def test_projection_and_required_reduction_need_enough_data() -> None:
    with pytest.raises(InputError, match="at least 2 years"):
        project({2020: 1.0}, 2030)
    with pytest.raises(InputError, match="at or after the target year"):
        required_reduction({2031: 1.0}, 2030, 0.5)


def test_cli(tmp_path: Path) -> None:
    _store(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ictfootprint",
            "assess",
            "trajectory",
            "--level",
            "entity",
            "--id",
            "co",
            "--scope",
            "1+2-market",
            "--db",
            str(tmp_path / "t.db"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["pathway_id"] == "l1470-sector" and data["projection"]["projected"] == 746.0


def test_base_year_moves_an_annual_pathway(tmp_path: Path) -> None:
    result = assess_trajectory(
        _store(tmp_path),
        level="entity",
        key="co",
        scope="1+2-market",
        pathway=pathway("sbti-aca-1.5c"),
        base_year=2021,
    )
    t = result.trajectory
    assert (t.base_year, t.base_value) == (2021, 950.0)
    assert {p.year: p.pathway for p in t.points}[2025] == pytest.approx(950.0 * (1 - 4 * 0.042))
    assert min(p.year for p in t.points) == 2021


def test_a_missing_base_year_says_which_data_would_fix_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(InputError) as raised:
        assess_trajectory(
            store,
            level="entity",
            key="co",
            scope="1+2-market",
            pathway=pathway("l1470-sector"),
            base_year=2019,
        )
    message = raised.value.one_line()
    assert "l1470-sector is defined from 2020" in message
    no_2020 = {y: v for y, v in SERIES.items() if y != 2020}
    store = Store.open(str(tmp_path / "later.db"))
    store.add_entity(Entity(id="co", name="Co", kind=EntityKind.COMPANY, country="FRA"))
    store.record_observations(
        [
            Observation(
                entity_id="co",
                indicator_id="ghg_s1s2_market",
                year=year,
                value=value,
                unit="tCO2e",
                method=Method.REPORTED,
                source="fixture",
                country="FRA",
            )
            for year, value in no_2020.items()
        ]
    )
    with pytest.raises(InputError) as raised:
        assess_trajectory(
            store, level="entity", key="co", scope="1+2-market", pathway=pathway("l1470-sector")
        )
    message = raised.value.one_line()
    assert "base year 2020" in message
    assert "ghg_s1s2_market" in message and "ghg_scope1" in message
    assert "ghg_scope2_market" in message and "2021, 2022, 2023, 2024" in message
    with pytest.raises(InputError, match="--base-year"):
        assess_trajectory(
            store, level="entity", key="co", scope="1+2-market", pathway=pathway("sbti-aca-1.5c"),
            base_year=2020,
        )  # fmt: skip


def _reported(indicator: str, year: int, value: float, country: str | None = None) -> Observation:
    return Observation(
        entity_id="op",
        indicator_id=indicator,
        year=year,
        value=value,
        unit="tCO2e",
        method=Method.REPORTED,
        source="test",
        country=country,
    )


def test_regression_newer_components_beat_an_older_rounded_total(db_url: str) -> None:
    """The entity trajectory silently preferred an older, rounded reported S1+2 total over
    components restated later; it now follows the sector's rule (the newer one wins)."""
    from ictfootprint.assess.trajectories import entity_series

    store = Store.open(db_url)
    store.add_entity(Entity(id="op", name="Op", kind=EntityKind.COMPANY, country="FRA"))
    store.record_observations(
        [
            _reported("ghg_s1s2_location", 2022, 1_000_000),  # rounded, first
            _reported("ghg_s1s2_location", 2023, 500),  # a total later restated by components
            _reported("ghg_scope1", 2021, 100),  # both, components older (below: newer total)
            _reported("ghg_scope2_location", 2021, 200),
        ]
    )
    store.record_observations(
        [
            _reported("ghg_scope1", 2022, 403_215, country="FRA"),
            _reported("ghg_scope2_location", 2022, 662_512, country="FRA"),
            _reported("ghg_s1s2_location", 2021, 320),
            _reported("ghg_scope1", 2023, 100),  # only Scope 1 restated: the total stays
        ]
    )
    assert entity_series(store, "op", "1+2-location") == {
        2021: 320.0,
        2022: 1_065_727.0,
        2023: 500.0,
    }
