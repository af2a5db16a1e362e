"""The entity-year frame's read of the store (SQLite and PostgreSQL): the indicator, method,
year and revision come packed in one number, and the observation's own country, sub-sector
and unit in one text; these pin that every part comes back where it belongs."""

from __future__ import annotations

import pytest

from ictfootprint.compute.sector_frame import entity_years
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store


def _obs(
    indicator: str,
    value: float | None,
    *,
    year: int = 2023,
    unit: str = "tCO2e",
    method: Method = Method.REPORTED,
    country: str | None = None,
    subsector: str | None = None,
    text: str | None = None,
) -> Observation:
    return Observation(
        entity_id="op",
        indicator_id=indicator,
        year=year,
        value=value,
        unit=unit,
        value_text=text,
        method=method,
        source="test",
        country=country,
        subsector=subsector,
    )


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url)
    store.add_entity(
        Entity(
            id="op",
            name="Operator",
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("mobile_network",),
        )
    )
    store.record_observations(
        [
            # restated below: the second revision is read
            _obs("ghg_scope1", 100.0, year=2022),
            # a country and a sub-sector of its own, together
            _obs("ghg_scope1", 7.25, country="DEU", subsector="data_centre"),
            # a unit other than the indicator's own: converted
            _obs("ghg_scope2_location", 2.5, unit="ktCO2e", country="DEU", subsector="data_centre"),
            # a calculated figure beside a reported one: the reported one
            _obs("ghg_scope2_location", 11.0, year=2022, method=Method.CALCULATED),
            _obs("ghg_scope2_location", 9.0, year=2022),
            # a number, then a text: the series has no value (the number never stands in)
            _obs("ghg_scope2_market", 5.0, year=2022),
        ]
    )
    store.record_observations(
        [
            _obs("ghg_scope1", 0.1 + 0.2, year=2022),
            _obs("ghg_scope2_market", None, year=2022, text="not disclosed"),
        ]
    )
    return store


def test_packed_read_keeps_revision_method_place_and_unit(store: Store) -> None:
    frame = entity_years(
        store, quantities=["ghg_scope1", "ghg_scope2_location", "ghg_scope2_market"]
    )
    got = {
        (r.year, r.quantity, r.country, r.subsector): (r.value, r.status, r.method)
        for r in frame.itertuples()
    }
    assert got[(2022, "ghg_scope1", "FRA", "mobile_network")] == (0.1 + 0.2, "complete", "reported")
    assert got[(2023, "ghg_scope1", "DEU", "data_centre")] == (7.25, "complete", "reported")
    assert got[(2023, "ghg_scope2_location", "DEU", "data_centre")] == (
        2500.0,
        "complete",
        "reported",
    )
    assert got[(2022, "ghg_scope2_location", "FRA", "mobile_network")] == (
        9.0,
        "complete",
        "reported",
    )
    assert not any(key[1] == "ghg_scope2_market" for key in got)
    assert len(got) == 4
