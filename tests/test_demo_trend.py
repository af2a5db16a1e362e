"""The illustrative dataset shows the issue-14 acceptance: operator D (Brazil) joins in 2022,
national mobile lines give coverage and the reported share, and the world's like-for-like
trend is that of the three operators who reported in both years (hand calculations below)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ictfootprint.cli import app
from ictfootprint.compute.trends import sector_trends
from ictfootprint.examples import illustrative_entities, load_illustrative
from ictfootprint.footprint import compute_footprint
from ictfootprint.model import EntityKind
from ictfootprint.store import Store

# shipped grid factors, gCO2e/kWh = tCO2e/GWh (codecarbon 3.3.2, 2023 for every year)
FRA, KEN, IND, BRA = 56.039, 70.492, 713.441, 98.348


def s1s2(scope1: float, mwh: float, factor: float) -> float:
    return scope1 + mwh * factor / 1000


# the three original operators' rows (illustrative-op-a, -op-b, -dc-c csv files)
ORIGINAL = {
    2021: [
        s1s2(2000, 118_000, FRA),  # A, France
        s1s2(5000, 32_000, KEN),  # A, Kenya
        s1s2(7600, 47_000, KEN),  # B
        s1s2(310, 26_000, FRA),  # C, France
        s1s2(2000, 88_000, IND),  # C, India
    ],
    2022: [
        s1s2(1850, 112_000, FRA),
        s1s2(4700, 33_000, KEN),
        s1s2(7100, 48_000, KEN),
        s1s2(320, 27_500, FRA),
        s1s2(2100, 95_000, IND),
    ],
}
JOINER_2022 = s1s2(3000, 60_000, BRA)  # D joins in 2022: 8,900.88 t


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store.open(str(tmp_path_factory.mktemp("demo") / "demo.db"))
    load_illustrative(store)
    compute_footprint(store)
    return store


def _world(rows: list[dict[str, object]], year: int) -> dict[str, object]:
    return next(
        r
        for r in rows
        if r["area"] == "001"
        and r["subsector"] == "_T"
        and r["quantity"] == "ghg_s1s2_location"
        and r["year"] == year
    )


def test_demo_joiner_does_not_change_the_world_like_for_like_trend(demo_store: Store) -> None:
    trends = sector_trends(demo_store, level="world", quantities=["ghg_s1s2_location"])
    row = _world(trends.like_for_like, 2022)
    before, after = sum(ORIGINAL[2021]), sum(ORIGINAL[2022])  # 93,331.292 → 97,374.1875
    assert row["reported"] == pytest.approx(after + JOINER_2022, abs=1e-3)  # D is reported
    assert row["entities"] == 4 and row["sample"] == 3  # but not in the constant sample
    assert row["change_percent"] == pytest.approx(100 * (after / before - 1), abs=1e-6)
    assert row["like_for_like"] == pytest.approx(after, abs=1e-3)  # 2021 anchors at 93,331.292


def test_demo_world_has_a_reported_share(demo_store: Store) -> None:
    trends = sector_trends(
        demo_store, level="world", years=[2022], quantities=["ghg_s1s2_location"]
    )
    row = _world(trends.estimates, 2022)
    assert row["reported"] == pytest.approx(sum(ORIGINAL[2022]) + JOINER_2022, abs=1e-3)
    assert row["estimated"] > 0 and 0 < row["reported_share_percent"] < 100
    assert row["reported_share_percent"] == pytest.approx(
        100 * row["reported"] / row["total"], abs=0.01
    )


def test_demo_national_statistics_are_statistical_and_illustrative(demo_store: Store) -> None:
    countries = [e for e in illustrative_entities() if e.kind is EntityKind.COUNTRY]
    assert {e.id for e in countries} == {"FRA", "KEN", "IND", "BRA"}
    lines = demo_store.current_observations(
        entity_ids=["FRA", "KEN", "IND", "BRA"], indicator_ids=["activity_mobile_lines"]
    )
    assert len(lines) == 16
    for obs in lines:
        assert obs.method.value == "statistical" and "illustrative" in obs.quality_flags
        assert "fictitious" in obs.source


def test_demo_joiner_reports_from_2022_only(demo_store: Store) -> None:
    years = {
        o.year
        for o in demo_store.current_observations(entity_ids=["illustrative-op-d"])
        if o.method.value == "reported"
    }
    assert years == {2022, 2023}


def test_demo_prints_reported_share_and_like_for_like(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "d.db")])
    assert done.exit_code == 0, done.output
    assert "like-for-like" in done.output and "reported share" in done.output
    world = CliRunner().invoke(
        app, ["assess", "trajectory", "--level", "world", "--db", str(tmp_path / "d.db")]
    )
    assert world.exit_code == 0, world.output
    assert "97,374" in world.output and "106,275" in world.output and "18.87" in world.output
