"""The roll-up's fast path (entity rows kept as codes, SQLite's entity row numbers read in
place of their ids) gives the totals, incomplete rows and conflicts of the entity-year frame
rolled up as documented, at every level, on SQLite and PostgreSQL."""

from __future__ import annotations

from ictfootprint.compute.sector import EVERY_LEVEL, sector_levels, totals_of
from ictfootprint.compute.sector_frame import entity_years
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store

#: Added out of the order of their ids: an entity's row number is not its rank by id.
ENTITIES = (
    ("zz-mob", "FRA", "mobile_network"),
    ("aa-dc", "KEN", "data_centre"),
    ("mm-split", "DEU", "fixed_network"),
    ("bb-part", "FRA", "data_centre"),
    ("yy-conflict", "KEN", "mobile_network"),
)


def _value(entity: str, indicator: str, value: float, country: str | None = None) -> Observation:
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=2023,
        value=value,
        unit="tCO2e",
        method=Method.REPORTED,
        source="test",
        country=country,
    )


def test_fast_roll_up_equals_the_frame_roll_up_at_every_level(db_url: str) -> None:
    store = Store.open(db_url)
    store.add_entity(Entity(id="KEN", name="Kenya", kind=EntityKind.COUNTRY, country="KEN"))
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
    store.record_observations(
        [
            _value("zz-mob", "ghg_scope1", 100),
            _value("zz-mob", "ghg_scope2_location", 50),
            _value("aa-dc", "ghg_s1s2_location", 70),
            _value("mm-split", "ghg_scope1", 10, country="DEU"),
            _value("mm-split", "ghg_scope1", 20, country="FRA"),
            _value("mm-split", "ghg_scope2_location", 5, country="DEU"),
            _value("mm-split", "ghg_scope2_location", 6, country="FRA"),
            _value("bb-part", "ghg_scope1", 40),  # incomplete
            _value("yy-conflict", "ghg_scope1", 1),
            _value("yy-conflict", "ghg_scope2_location", 2),
            _value("yy-conflict", "ghg_s1s2_location", 30),  # a conflict
            _value("KEN", "ghg_scope1", 9999),  # a country's figure: never added
        ]
    )
    fast = sector_levels(store, years=[2023])
    frame = entity_years(store, years=[2023])
    for level, kind in EVERY_LEVEL:
        by_frame = totals_of(frame, level=level, years=[2023], region_kind=kind)[2023]
        got = fast[(level, kind)][2023]
        assert got.rows == by_frame.rows, (level, kind)
        assert got.incomplete == by_frame.incomplete, (level, kind)
        assert got.conflicts == by_frame.conflicts, (level, kind)
    world = {(r["subsector"], r["quantity"]): r for r in fast[("world", "itu")][2023].rows}
    assert world[("_T", "ghg_scope1")]["value"] == 100 + 30 + 40 + 1
    assert world[("_T", "ghg_s1s2_location")]["entities"] == 4  # bb-part left out
    assert world[("_T", "ghg_s1s2_location")]["incomplete"] == 1
    incomplete = fast[("world", "itu")][2023].incomplete
    assert {(r["entity_id"], r["quantity"]) for r in incomplete} >= {
        ("bb-part", "ghg_s1s2_location")
    }
    assert [r["entity_id"] for r in fast[("world", "itu")][2023].conflicts] == ["yy-conflict"]
