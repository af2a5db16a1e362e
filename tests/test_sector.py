"""Sector totals of every quantity: by hand on a small store (SQLite and PostgreSQL), and the
invariants of the roll-up as property tests on entity-year frames."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictfootprint.compute.sector import ALL_SUBSECTORS, sector_totals, totals_of
from ictfootprint.compute.sector_frame import COLUMNS, entity_years
from ictfootprint.compute.sector_store import store_sector_totals
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store

S1S2 = "ghg_s1s2_location"


def _value(
    entity: str,
    indicator: str,
    value: float,
    country: str | None = None,
    method: Method = Method.REPORTED,
    subsector: str | None = None,
) -> Observation:
    unit = "count" if indicator.startswith("activity_") else "tCO2e"
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=2023,
        value=value,
        unit=unit,
        method=method,
        source="test",
        country=country,
        subsector=subsector,
    )


ENTITIES = (
    ("fr-mob", "FRA", "mobile_network"),
    ("ke-mob", "KEN", "mobile_network"),
    ("ke-dc", "KEN", "data_centre"),
    ("multi", "FRA", "fixed_network"),
    ("combo", "DEU", "data_centre"),
    ("restated", "DEU", "data_centre"),
    ("late-total", "FRA", "data_centre"),
    ("agree", "KEN", "fixed_network"),
    ("dual", "KEN", "mobile_network"),
    ("est", "FRA", "mobile_network"),
)


@pytest.fixture
def sector_store(db_url: str) -> Store:
    """Ten operators in three countries, each showing one rule (see the comments)."""
    store = Store.open(db_url)
    for entity_id, country, subsector in ENTITIES:
        store.add_entity(
            Entity(
                id=entity_id,
                name=entity_id,
                kind=EntityKind.COMPANY,
                country=country,
                subsectors=(subsector,),
            )
        )
    store.add_entity(Entity(id="KEN", name="Kenya", kind=EntityKind.COUNTRY, country="KEN"))
    store.record_observations(
        [
            # complete: S1 + S2 = 150; market-based too; Scope 3 beside
            _value("fr-mob", "ghg_scope1", 100),
            _value("fr-mob", "ghg_scope2_location", 50),
            _value("fr-mob", "ghg_scope2_market", 40),
            _value("fr-mob", "ghg_scope3_total", 5000),
            # reported beats calculated (rule 1): 10 + 20
            _value("ke-mob", "ghg_scope1", 10),
            _value("ke-mob", "ghg_scope2_location", 20),
            _value("ke-mob", "ghg_scope2_location", 25, method=Method.CALCULATED),
            # no Scope 1: incomplete, counted and listed, never added
            _value("ke-dc", "ghg_scope2_location", 7),
            # split by country (rule 3): FRA 30 + 10, DEU 20 + 5; the group's 55 and 15 not again
            _value("multi", "ghg_scope1", 30, country="FRA"),
            _value("multi", "ghg_scope1", 20, country="DEU"),
            _value("multi", "ghg_scope1", 55),
            _value("multi", "ghg_scope2_location", 10, country="FRA"),
            _value("multi", "ghg_scope2_location", 5, country="DEU"),
            _value("multi", "ghg_scope2_location", 15),
            # only a combined figure: it stands in
            _value("combo", "ghg_s1s2_location", 300),
            # an older rounded total, restated components come later (below): components win
            _value("restated", "ghg_s1s2_location", 1000),
            # components first, a different total later (below): the total wins
            _value("late-total", "ghg_scope1", 60),
            _value("late-total", "ghg_scope2_location", 40),
            # a total within 0.1 % of its components: the components, no conflict
            _value("agree", "ghg_s1s2_location", 100.05),
            _value("agree", "ghg_scope1", 60),
            _value("agree", "ghg_scope2_location", 40),
            # split by sub-sector (rule 4): mobile 6 + 8, data centre 4 + 2; the unsplit 10 not
            _value("dual", "ghg_scope1", 6, subsector="mobile_network"),
            _value("dual", "ghg_scope1", 4, subsector="data_centre"),
            _value("dual", "ghg_scope1", 10),
            _value("dual", "ghg_scope2_location", 8, subsector="mobile_network"),
            _value("dual", "ghg_scope2_location", 2, subsector="data_centre"),
            # estimates never enter a total
            _value("est", "ghg_scope1", 99, method=Method.ESTIMATED),
            _value("est", "ghg_scope2_location", 1, method=Method.ESTIMATED),
            # an area entity's figure is a statistic, never summed in
            _value("KEN", "ghg_scope1", 999_999),
            _value("KEN", "activity_mobile_lines", 4_000_000, method=Method.STATISTICAL),
        ]
    )
    store.record_observations(
        [
            _value("restated", "ghg_scope1", 400),
            _value("restated", "ghg_scope2_location", 500),
            _value("late-total", "ghg_s1s2_location", 120),
        ]
    )
    return store


def _by(rows: list[dict[str, Any]], quantity: str = S1S2) -> dict[tuple[str, str], Any]:
    return {(r["area"], r["subsector"]): r for r in rows if r["quantity"] == quantity}


def test_country_totals_by_hand(sector_store: Store) -> None:
    totals = sector_totals(sector_store, level="country", year=2023)
    rows = _by(totals.rows)
    value = {key: r["value"] for key, r in rows.items()}
    assert value[("FRA", "mobile_network")] == 150.0
    assert value[("FRA", "fixed_network")] == 40.0  # multi's FRA split: 30 + 10
    assert value[("FRA", "data_centre")] == 120.0  # the newer total beats older components
    assert value[("FRA", ALL_SUBSECTORS)] == 310.0
    assert value[("KEN", "mobile_network")] == 44.0  # 10 + 20, and dual's 6 + 8
    assert value[("KEN", "data_centre")] == 6.0  # dual's 4 + 2; ke-dc left out
    assert value[("KEN", "fixed_network")] == 100.0  # agreeing: the components
    assert value[("KEN", ALL_SUBSECTORS)] == 150.0
    assert value[("DEU", "fixed_network")] == 25.0  # multi's DEU split: 20 + 5
    assert value[("DEU", "data_centre")] == 1200.0  # 300 combined alone + 400 + 500 restated
    assert value[("DEU", ALL_SUBSECTORS)] == 1225.0
    assert (
        rows[("KEN", "data_centre")]["entities"],
        rows[("KEN", "data_centre")]["incomplete"],
    ) == (1, 1)
    assert (
        rows[("KEN", ALL_SUBSECTORS)]["entities"],
        rows[("KEN", ALL_SUBSECTORS)]["incomplete"],
    ) == (3, 1)
    first = rows[("FRA", ALL_SUBSECTORS)]
    assert (first["unit"], first["family"], first["method"], first["beside"]) == (
        "tCO2e",
        "ghg",
        "calculated",
        False,
    )
    scope3 = _by(totals.rows, "ghg_scope3_total")[("FRA", ALL_SUBSECTORS)]
    assert (scope3["value"], scope3["beside"]) == (5000.0, True)
    market = _by(totals.rows, "ghg_s1s2_market")[("FRA", ALL_SUBSECTORS)]
    assert (market["value"], market["entities"]) == (140.0, 1)  # only fr-mob is complete


def test_incomplete_and_conflicts_are_listed(sector_store: Store) -> None:
    totals = sector_totals(sector_store, level="world", year=2023, quantities=[S1S2])
    assert totals.incomplete == [
        {
            "entity_id": "ke-dc",
            "country": "KEN",
            "subsector": "data_centre",
            "year": 2023,
            "quantity": S1S2,
            "missing": "ghg_scope1",
        }
    ]
    conflicts = {c["entity_id"]: c for c in totals.conflicts}
    assert set(conflicts) == {"restated", "late-total"}
    assert conflicts["restated"] == {
        "entity_id": "restated",
        "country": "DEU",
        "year": 2023,
        "quantity": S1S2,
        "combined": 1000.0,
        "components": 900.0,
        "used": "components",
    }
    assert (conflicts["late-total"]["combined"], conflicts["late-total"]["used"]) == (
        120.0,
        "combined",
    )


def test_world_and_region_totals_by_hand(sector_store: Store) -> None:
    world = _by(sector_totals(sector_store, level="world", year=2023).rows)
    assert world[("001", ALL_SUBSECTORS)]["value"] == 1685.0  # 310 + 150 + 1225
    assert world[("001", ALL_SUBSECTORS)]["entities"] == 8
    assert world[("001", ALL_SUBSECTORS)]["incomplete"] == 1
    assert world[("001", "mobile_network")]["value"] == 194.0
    assert world[("001", "fixed_network")]["value"] == 165.0
    assert world[("001", "fixed_network")]["entities"] == 2  # multi once, in two countries
    assert world[("001", "data_centre")]["value"] == 1326.0
    assert world[("001", "data_centre")]["area_name"] == "World"
    itu = _by(sector_totals(sector_store, level="region", year=2023).rows)
    assert {k: r["value"] for k, r in itu.items() if k[1] == ALL_SUBSECTORS} == {
        ("ITU-AFR", ALL_SUBSECTORS): 150.0,
        ("ITU-EUR", ALL_SUBSECTORS): 1535.0,
    }
    m49 = _by(sector_totals(sector_store, level="region", year=2023, region_kind="m49").rows)
    assert {k: r["value"] for k, r in m49.items() if k[1] == ALL_SUBSECTORS} == {
        ("002", ALL_SUBSECTORS): 150.0,
        ("150", ALL_SUBSECTORS): 1535.0,
    }
    scope1 = _by(sector_totals(sector_store, level="world", year=2023).rows, "ghg_scope1")
    # 100 + 10 + (30 + 20) + (6 + 4) + 400 + 60 + 60; not KEN's 999,999, not the estimate
    assert scope1[("001", ALL_SUBSECTORS)]["value"] == 690.0


def test_the_frame_has_the_documented_columns(sector_store: Store) -> None:
    frame = entity_years(sector_store, years=[2023], quantities=[S1S2])
    assert tuple(frame.columns) == COLUMNS
    assert str(frame["year"].dtype) == "int64" and str(frame["value"].dtype) == "float64"
    restated = frame[frame.entity_id == "restated"].iloc[0]
    assert (restated.basis, restated.method, restated.conflict) == ("components", "reported", True)
    assert len(restated.inputs.split(",")) == 2
    combo = frame[frame.entity_id == "combo"].iloc[0]
    assert (combo.basis, combo.status, combo.missing) == ("reported", "complete", "")
    assert "est" not in set(frame.entity_id)


def test_stored_totals_have_lineage_and_are_not_written_twice(sector_store: Store) -> None:
    first = store_sector_totals(sector_store, years=[2023], quantities=[S1S2, "ghg_scope1"])
    assert first.written == first.totals > 0
    again = store_sector_totals(sector_store, years=[2023], quantities=[S1S2, "ghg_scope1"])
    assert (again.written, again.unchanged) == (0, first.totals)
    stored = {
        o.subsector: o
        for o in sector_store.current_observations(entity_ids=["WORLD"], indicator_ids=[S1S2])
    }
    total = stored[None]
    assert (total.value, total.unit, total.method) == (1685.0, "tCO2e", Method.CALCULATED)
    # 2 inputs a complete entity row from components, 1 from a combined figure: 18 in all
    assert total.lineage["level"] == "world" and total.lineage["inputs"] == 18
    assert total.lineage["entities"] == sorted(
        ["fr-mob", "ke-mob", "multi", "combo", "restated", "late-total", "agree", "dual"]
    )
    assert stored["data_centre"].value == 1326.0
    europe = sector_store.current_observations(entity_ids=["M49-150"], indicator_ids=[S1S2])
    assert {o.subsector: o.value for o in europe}[None] == 1535.0
    # a stored sum is on an area entity: it never enters a later total
    later = sector_totals(sector_store, level="world", year=2023, quantities=[S1S2])
    assert _by(later.rows)[("001", ALL_SUBSECTORS)]["value"] == 1685.0


def test_unknown_quantity_and_level_are_errors(sector_store: Store) -> None:
    with pytest.raises(InputError, match="unknown quantity"):
        sector_totals(sector_store, level="world", year=2023, quantities=["ghg_nope"])
    with pytest.raises(InputError, match="unknown level"):
        sector_totals(sector_store, level="galaxy", year=2023)


def test_regression_no_scope3_anywhere(tmp_path: Any) -> None:
    """A store where no entity reports Scope 3 still aggregates (no Scope 3 row)."""
    store = Store.open(str(tmp_path / "n.db"))
    store.add_entity(
        Entity(
            id="a", name="a", kind=EntityKind.COMPANY, country="FRA", subsectors=("mobile_network",)
        )
    )
    store.record_observations([_value("a", "ghg_scope1", 1.5)])
    rows = sector_totals(store, level="world", year=2023).rows
    assert "ghg_scope3_total" not in {r["quantity"] for r in rows}
    s1s2 = _by(rows)[("001", ALL_SUBSECTORS)]
    assert (s1s2["value"], s1s2["entities"], s1s2["incomplete"]) == (None, 0, 1)


def test_regression_scope1_only_entity_is_not_added_to_scope1_plus_2(tmp_path: Any) -> None:
    """The old roll-up added an entity with Scope 1 but no Scope 2 into the S1 + S2 total."""
    store = Store.open(str(tmp_path / "o.db"))
    for entity_id in ("full", "half"):
        store.add_entity(
            Entity(id=entity_id, name=entity_id, kind=EntityKind.COMPANY, country="FRA")
        )
    store.record_observations(
        [
            _value("full", "ghg_scope1", 1),
            _value("full", "ghg_scope2_location", 2),
            _value("half", "ghg_scope1", 100),
        ]
    )
    row = _by(sector_totals(store, level="world", year=2023).rows)[("001", ALL_SUBSECTORS)]
    assert (row["value"], row["entities"], row["incomplete"]) == (3.0, 1, 1)


# -- invariants, on hand-built frames --------------------------------------------------------

CODES = ["FRA", "DEU", "KEN", "NGA", "IND", "BRA", "EGY", "RUS"]
entity_rows = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(["mobile_network", "data_centre"]),
        st.sampled_from([S1S2, "ghg_scope3_total"]),
        st.floats(min_value=0, max_value=1e6, allow_nan=False),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
)


def _frame(rows: Sequence[tuple[str, str, str, float, bool]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "entity_id": f"e{i}",
                "country": c,
                "subsector": s,
                "year": 2023,
                "quantity": q,
                "value": v if complete else math.nan,
                "status": "complete" if complete else "incomplete",
                "basis": "reported" if complete else "",
                "method": "reported",
                "missing": "" if complete else "ghg_scope1",
                "conflict": False,
                "inputs": str(i),
                "combined_value": v,
                "components_value": math.nan,
            }
            for i, (c, s, q, v, complete) in enumerate(rows)
        ],
        columns=list(COLUMNS),
    )
    return frame.astype({"year": "int64", "value": "float64", "conflict": "bool"})


def _total(frame: pd.DataFrame, level: str, subsector: str = ALL_SUBSECTORS) -> float:
    rows = totals_of(frame, level=level, years=[2023])[2023].rows
    return sum(
        r["value"] or 0.0 for r in rows if r["subsector"] == subsector and r["quantity"] == S1S2
    )


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(entity_rows)
def test_world_equals_regions_equals_countries(
    rows: list[tuple[str, str, str, float, bool]],
) -> None:
    frame = _frame(rows)
    world = _total(frame, "world")
    assert math.isclose(world, _total(frame, "region"), rel_tol=1e-9, abs_tol=1e-5)
    assert math.isclose(world, _total(frame, "country"), rel_tol=1e-9, abs_tol=1e-5)
    complete = frame[(frame.status == "complete") & (frame.quantity == S1S2)]
    assert math.isclose(world, float(complete.value.sum()), rel_tol=1e-9, abs_tol=1e-5)


@FAST
@given(entity_rows)
def test_the_total_across_subsectors_is_the_sum_of_subsectors(
    rows: list[tuple[str, str, str, float, bool]],
) -> None:
    frame = _frame(rows)
    parts = _total(frame, "world", "mobile_network") + _total(frame, "world", "data_centre")
    assert math.isclose(_total(frame, "world"), parts, rel_tol=1e-9, abs_tol=1e-5)


@FAST
@given(entity_rows, entity_rows)
def test_adding_complete_entities_never_lowers_a_total(
    rows: list[tuple[str, str, str, float, bool]],
    more: list[tuple[str, str, str, float, bool]],
) -> None:
    before, after = _frame(rows), _frame(rows + more)
    assert _total(after, "world") >= _total(before, "world") - 1e-6


@FAST
@given(entity_rows, st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_scope3_and_incomplete_rows_never_enter_a_scope1_plus_2_total(
    rows: list[tuple[str, str, str, float, bool]], extra: float
) -> None:
    frame = _frame(rows)
    bigger = frame.assign(
        value=frame.value.where(frame.quantity == S1S2, frame.value + extra),
        combined_value=frame.combined_value + extra,
    )
    assert _total(frame, "world") == _total(bigger, "world")
