"""Sector totals: by hand on a small store, and the invariants as property tests."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictfootprint.compute.aggregation import sector_rollup
from ictfootprint.compute.engine import connect, table
from ictfootprint.compute.sector import sector_totals
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.reference.countries import countries
from ictfootprint.store import Store


def _value(
    entity: str,
    indicator: str,
    value: float,
    country: str | None = None,
    method: Method = Method.REPORTED,
) -> Observation:
    unit = "count" if indicator == "activity_mobile_lines" else "tCO2e"
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=2023,
        value=value,
        unit=unit,
        method=method,
        source="test",
        country=country,
    )


def test_totals_by_hand(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "s.db"))
    for entity_id, country, subsectors in (
        ("fr-mob", "FRA", ("mobile_network",)),
        ("ke-mob", "KEN", ("mobile_network",)),
        ("ke-dc", "KEN", ("data_centre",)),
    ):
        store.add_entity(
            Entity(
                id=entity_id,
                name=entity_id,
                kind=EntityKind.COMPANY,
                country=country,
                subsectors=subsectors,
            )
        )
    store.add_entity(Entity(id="KEN", name="Kenya", kind=EntityKind.COUNTRY, country="KEN"))
    store.record_observations(
        [
            _value("fr-mob", "ghg_scope1", 100),
            _value("fr-mob", "ghg_scope2_location", 50),
            _value("fr-mob", "ghg_scope3_total", 5000),
            _value("ke-mob", "ghg_scope1", 10),
            _value("ke-mob", "ghg_scope2_location", 20),
            _value("ke-mob", "ghg_scope2_location", 25, method=Method.CALCULATED),  # not chosen
            _value("ke-mob", "activity_mobile_lines", 3_000_000),
            _value("ke-dc", "ghg_scope2_location", 7),  # no Scope 1: counted, marked incomplete
            _value("KEN", "activity_mobile_lines", 4_000_000),  # national statistic: denominator
            _value("KEN", "ghg_scope1", 999_999),  # an area entity is never summed in
        ]
    )
    by_country = {
        (r["area"], r["subsector"]): r
        for r in sector_totals(store, level="country", year=2023).rows
    }
    assert by_country[("FRA", "mobile_network")]["s1s2_location"] == 150.0
    assert by_country[("FRA", "mobile_network")]["scope3_beside"] == 5000.0
    assert by_country[("KEN", "mobile_network")]["s1s2_location"] == 30.0  # reported wins
    assert by_country[("KEN", "mobile_network")]["mobile_lines_coverage_percent"] == 75.0
    assert by_country[("KEN", "data_centre")]["entities_incomplete"] == 1
    world = sector_totals(store, level="world", year=2023).rows
    assert sum(r["s1s2_location"] for r in world) == 187.0  # 150 + 30 + 7, no Scope 3
    regions = {
        (r["area"], r["subsector"]): r["s1s2_location"]
        for r in sector_totals(store, level="region", year=2023).rows
    }
    assert regions == {
        ("ITU-AFR", "data_centre"): 7.0,
        ("ITU-AFR", "mobile_network"): 30.0,
        ("ITU-EUR", "mobile_network"): 150.0,
    }


CODES = ["FRA", "DEU", "KEN", "NGA", "IND", "BRA", "EGY", "RUS"]
entity_rows = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(["mobile_network", "data_centre"]),
        st.floats(min_value=0, max_value=1e6, allow_nan=False),
        st.floats(min_value=0, max_value=1e6, allow_nan=False),
        st.floats(min_value=0, max_value=1e7, allow_nan=False),
    ),
    min_size=1,
    max_size=12,
)
BACKEND = connect("duckdb")
MEMBERSHIP = table(
    BACKEND,
    pd.DataFrame(
        [
            {"country": c.iso3, "area": c.itu_region or "", "world": "001"}
            for c in countries().values()
        ]
    ),
    "membership",
)


def _frame(rows: list[tuple[str, str, float, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "entity_id": f"e{i}",
                "country": c,
                "subsector": s,
                "year": 2023,
                "scope1": s1,
                "scope2_location": s2,
                "scope3": s3,
                "mobile_lines": None,
            }
            for i, (c, s, s1, s2, s3) in enumerate(rows)
        ]
    )
    frame["mobile_lines"] = frame.mobile_lines.astype("float64")
    frame["s1s2_location"] = frame.scope1 + frame.scope2_location
    frame["complete"] = True
    return frame


def _total(frame: pd.DataFrame, group: str) -> float:
    result = sector_rollup(table(BACKEND, frame, "e"), MEMBERSHIP, group).to_pandas()
    return float(result.s1s2_location.sum())


FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(entity_rows)
def test_world_equals_regions_equals_countries(
    rows: list[tuple[str, str, float, float, float]],
) -> None:
    frame = _frame(rows)
    world, regions, national = (_total(frame, g) for g in ("world", "area", "country"))
    assert math.isclose(world, regions, rel_tol=1e-9, abs_tol=1e-5)
    assert math.isclose(world, national, rel_tol=1e-9, abs_tol=1e-5)
    assert math.isclose(world, float(frame.s1s2_location.sum()), rel_tol=1e-9, abs_tol=1e-5)


@FAST
@given(entity_rows, entity_rows)
def test_adding_entities_never_lowers_a_total(
    rows: list[tuple[str, str, float, float, float]],
    more: list[tuple[str, str, float, float, float]],
) -> None:
    before, after = _frame(rows), _frame(rows + more)
    assert _total(after, "world") >= _total(before, "world") - 1e-6


@FAST
@given(entity_rows, st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_scope3_never_enters_a_sector_total(
    rows: list[tuple[str, str, float, float, float]], extra: float
) -> None:
    frame = _frame(rows)
    bigger = frame.assign(scope3=frame.scope3 + extra)
    assert _total(frame, "world") == _total(bigger, "world")


def test_regression_no_scope3_anywhere(tmp_path: Path) -> None:
    """A store where no entity reports Scope 3 (an all-null column) still aggregates."""
    store = Store.open(str(tmp_path / "n.db"))
    store.add_entity(
        Entity(
            id="a", name="a", kind=EntityKind.COMPANY, country="FRA", subsectors=("mobile_network",)
        )
    )
    store.record_observations([_value("a", "ghg_scope1", 1.5)])
    (row,) = sector_totals(store, level="world", year=2023).rows
    assert (row["s1s2_location"], row["scope3_beside"], row["entities_incomplete"]) == (
        1.5,
        None,
        1,
    )
