"""Estimates for missing entity-years: by hand, flagged, never replacing reported values."""

from __future__ import annotations

from pathlib import Path

from ictfootprint.compute.estimates import intensity, interpolate
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available


def _obs(entity: str, indicator: str, year: int, value: float) -> Observation:
    unit = "count" if indicator == "activity_mobile_lines" else "tCO2e"
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=year,
        value=value,
        unit=unit,
        method=Method.REPORTED,
        source="report",
        country="KEN",
    )


def _store(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "e.db"))
    for entity in ("a", "b", "c", "d"):
        store.add_entity(
            Entity(
                id=entity,
                name=entity,
                kind=EntityKind.COMPANY,
                country="KEN",
                subsectors=("mobile_network",),
            )
        )
    return store


def test_interpolation_fills_gaps_only_between_reported_years(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.record_observations(
        [_obs("a", "ghg_scope1", 2020, 100.0), _obs("a", "ghg_scope1", 2023, 70.0)]
    )
    run = interpolate(store)
    got = {(e["year"], e["value"]) for e in run.estimates}
    assert got == {(2021, 90.0), (2022, 80.0)}  # 100 → 70 over 3 years; nothing before or after
    (estimate,) = store.current_observations(years=[2021])
    assert estimate.method is Method.ESTIMATED
    assert estimate.quality_flags == ("estimated:linear-interpolation",)
    assert "2020 (reported) and 2023 (reported)" in estimate.source
    again = interpolate(store)
    assert again.written == 0  # estimates are not re-estimated, nor stored twice


def test_intensity_uses_the_median_of_peers(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.record_observations(
        [
            _obs("a", "ghg_scope1", 2023, 100.0),
            _obs("a", "activity_mobile_lines", 2023, 1000),
            _obs("b", "ghg_scope1", 2023, 300.0),
            _obs("b", "activity_mobile_lines", 2023, 1000),
            _obs("c", "ghg_scope1", 2023, 200.0),
            _obs("c", "activity_mobile_lines", 2023, 2000),
            _obs("d", "activity_mobile_lines", 2023, 500),  # no emissions reported
        ]
    )
    run = intensity(store, 2023, ["ghg_scope1"])
    # peer intensities 0.1, 0.3, 0.1 t per line → median 0.1 → d: 500 × 0.1 = 50 t
    assert [(e["entity_id"], e["value"]) for e in run.estimates] == [("d", 50.0)]
    (d,) = store.current_observations(entity_ids=["d"], indicator_ids=["ghg_scope1"])
    assert d.quality_flags == ("estimated:intensity-median-of-3-peers",)


def test_a_reported_value_always_wins_over_an_estimate(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.record_observations(
        [_obs("a", "ghg_scope1", 2020, 100.0), _obs("a", "ghg_scope1", 2022, 80.0)]
    )
    interpolate(store)
    store.record_observations([_obs("a", "ghg_scope1", 2021, 95.0)])  # reported later
    (best,) = [o for o in best_available(store.current_observations(years=[2021]))]
    assert (best.method, best.value) == (Method.REPORTED, 95.0)
