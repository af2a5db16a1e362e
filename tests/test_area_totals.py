"""The sector's totals kept per area (``area_totals``): computed again for exactly the areas
and years whose entity rows changed, equal to the totals computed from the observations at
every level after any change, never losing a mark written while they are computed, and
built for a store upgraded from before they were kept; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import OperationalError

from ictfootprint.compute import area_totals
from ictfootprint.compute.sector import EVERY_LEVEL, computed_levels, sector_levels
from ictfootprint.compute.sector_codes import WORLD
from ictfootprint.compute.sector_frame import entity_years
from ictfootprint.compute.sector_listed import listed_query
from ictfootprint.compute.sector_rows import keep_areas, refresh
from ictfootprint.compute.sector_stored import (
    frame_query,
    stored_levels,
    stored_places,
)
from ictfootprint.model import Method, Observation
from ictfootprint.reference.countries import countries
from ictfootprint.store import Store
from ictfootprint.store.schema import area_stale, entities, sector_rows
from ictfootprint.store.schema import area_totals as kept_totals
from test_query_plans import plan
from test_sector_parquet import YEARS, build, comparable
from test_store import _alembic


def _marks(store: Store) -> set[tuple[str, str, int]]:
    with store.engine.connect() as connection:
        return {(r.level, r.area, r.year) for r in connection.execute(select(area_stale))}


def _kept(store: Store) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    t = kept_totals.c
    with store.engine.connect() as connection:
        return {
            (r.level, r.area, r.year, r.subsector, r.quantity): (r.value, r.entities, r.incomplete)
            for r in connection.execute(select(kept_totals).order_by(t.level, t.area))
        }


def _same_as_computed(store: Store) -> None:
    stored = stored_levels(store, years=YEARS, levels=EVERY_LEVEL)
    assert comparable(stored) == comparable(computed_levels(store, years=YEARS))


def _areas_of(iso3: str, year: int) -> set[tuple[str, str, int]]:
    c = countries()[iso3]
    return {
        ("country", iso3, year),
        ("itu", str(c.itu_region), year),
        ("m49", str(c.m49_region), year),
        ("world", WORLD, year),
    }


def test_a_recorded_value_marks_its_areas_and_a_read_computes_only_those(db_url: str) -> None:
    store = build(db_url)
    _same_as_computed(store)  # every level of every year computed and kept
    assert _marks(store) == set()
    before = _kept(store)
    store.record_observations(
        [
            Observation(
                entity_id="gwh",  # a Japanese operator
                indicator_id="energy_fuel",
                year=2023,
                value=1250,
                unit="MWh",
                method=Method.REPORTED,
                source="restated",
            )
        ]
    )
    refresh(store)  # what accepting a submission does: its rows, and its areas marked
    assert _marks(store) == _areas_of("JPN", 2023)
    # a read of the countries of 2023 computes Japan's alone; the regions and the world wait
    sector_levels(store, years=[2023], levels=[("country", "itu")])
    assert _marks(store) == _areas_of("JPN", 2023) - {("country", "JPN", 2023)}
    after = _kept(store)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed and {key[:3] for key in changed} == {("country", "JPN", 2023)}
    _same_as_computed(store)
    assert _marks(store) == set()


def test_an_entity_moved_to_another_country_leaves_its_old_areas(db_url: str) -> None:
    """Its old country, old regions and the world are computed again as well as the new
    ones: had only the new rows marked their areas, France would keep its figures."""
    store = build(db_url)
    _same_as_computed(store)
    with store.engine.begin() as connection:
        connection.execute(
            update(entities).where(entities.c.id == "late-total").values(country="KEN")
        )
    refresh(store)
    years = {year for *_area, year in _marks(store)}
    assert {("country", "FRA", y) for y in years} | {("country", "KEN", y) for y in years} <= (
        _marks(store)
    )
    _same_as_computed(store)


def test_a_mark_written_while_totals_are_computed_lands_after_them(db_url: str) -> None:
    """A refresh of the entity rows that marks an area while a reader computes the totals
    waits for the reader's commit; had its mark landed before, the reader would have
    cleared it without reading the new rows."""
    store = build(db_url)
    _same_as_computed(store)
    impatient = create_engine(
        db_url,
        connect_args={"timeout": 0}
        if db_url.startswith("sqlite")
        else {"options": "-c lock_timeout=100"},
    )
    mark = area_stale.insert().values(level="country", area="FRA", year=2023)
    try:
        with store.engine.begin() as computing:
            area_totals._hold(computing)  # what a read does before it reads the marks
            with pytest.raises(OperationalError), impatient.begin() as writer:
                writer.execute(mark)
        with impatient.begin() as writer:  # the reader committed: the mark lands
            writer.execute(mark)
    finally:
        impatient.dispose()
    assert _marks(store) == {("country", "FRA", 2023)}


def test_a_store_upgraded_from_before_the_kept_totals_builds_them(db_url: str) -> None:
    """Migration 0017 marks every area of the rows already built: the first read after an
    upgrade computes the totals, the same as before it."""
    store = build(db_url)
    expected = comparable(stored_levels(store, years=YEARS, levels=EVERY_LEVEL))
    config = _alembic()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
    Store.open(db_url)
    assert {level for level, *_rest in _marks(store)} == {"country", "itu", "m49", "world"}
    assert _kept(store) == {}
    assert comparable(stored_levels(store, years=YEARS, levels=EVERY_LEVEL)) == expected
    assert _marks(store) == set()


def _rows_at_scale(store: Store) -> None:
    """40,000 entity rows of 800 entities in 40 countries, 5 years and 10 quantities, a tenth
    of them listed (incomplete or in conflict), written straight into ``sector_rows``, their
    areas' totals computed, then ANALYZEd: on a few rows a full scan is cheapest and proves
    nothing about the plans at scale."""
    keep_areas(store)
    iso3 = sorted(countries())[:40]
    rows = [
        {
            "entity_id": f"e{e:03d}",
            "country": iso3[e % 40],
            "subsector": "mobile_network",
            "year": year,
            "quantity": f"q{q}",
            "value": float(e + q),
            "complete": (e + q + year) % 10 != 0,
            "basis": "reported",
            "method": "reported",
            "missing": "",
            "conflict": False,
            "inputs": "",
            "combined_value": None,
            "components_value": None,
        }
        for e in range(800)
        for year in range(2019, 2024)
        for q in range(10)
    ]
    with store.engine.begin() as connection:
        connection.execute(sector_rows.insert(), rows)
        area_totals.mark_all(connection)
    area_totals.refreshed(store)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if store.dialect == "postgresql" else "ANALYZE"))


def test_the_reads_of_totals_and_trends_are_index_ranges(db_url: str) -> None:
    """The two reads of a level's totals: the kept totals of a level and year, a range of
    ``area_totals``' primary key; the rows they list, of the partial index on those rows
    alone (not every row of the year: 19 ms instead of 70 ms for the world at 4.4 M values).
    And the read of an area's trends: a range of the partial index of complete rows by
    country (not a scan of every row: 68 ms instead of 149 ms on two cores for Europe)."""
    store = Store.open(db_url)
    _rows_at_scale(store)
    with store.engine.connect() as connection:
        kept = plan(connection, area_totals.kept(connection, levels=["country"], years=[2023]))
        listed = plan(connection, listed_query([2023], None, None))
        of_area = plan(connection, listed_query([2023], None, ("itu", "ITU-EUR")))
        iso3 = sorted(countries())[:40]
        # the complete rows of one area's countries that its trends read, every year
        trended = plan(
            connection,
            frame_query(
                ["entity_id", "country", "year", "quantity", "value"],
                ["q1", "q2"],
                complete_only=True,
                countries=iso3[:5],
            ),
        )
    assert any("sector_rows" in s and "ix_sector_rows_trended" in s for s in trended), trended
    primary = "sqlite_autoindex_area_totals_1" if store.dialect == "sqlite" else "pk_area_totals"
    assert any("area_totals" in s and primary in s and "SEARCH" in s for s in kept), kept
    for steps in (listed, of_area):
        assert any("sector_rows" in s and "ix_sector_rows_listed" in s for s in steps), steps
        assert not any("sector_rows" in s and "Seq Scan" in s for s in steps), steps


def test_where_a_quantity_is_reported_is_read_from_the_countries_totals(db_url: str) -> None:
    """``stored_places`` (what the coverage of one area needs of every other) reads the
    countries' kept totals: exactly the (sub-sector, year, quantity) of the complete rows
    with a value (of some countries, when asked), an incomplete row or a complete one
    without a value counting for nothing."""
    store = build(db_url)
    frame = entity_years(store)
    wanted = sorted(set(frame["quantity"]))
    places = ("subsector", "year", "quantity")
    for years, among in ((None, None), ([YEARS[-1]], None), (None, ["FRA", "KEN"])):
        rows = frame[(frame["status"] == "complete") & frame["value"].notna()]
        if years is not None:
            rows = rows[rows["year"].isin(years)]
        if among is not None:
            rows = rows[rows["country"].isin(among)]
            assert set(rows["country"]) == set(among)
        expected = set(zip(*(rows[c] for c in places), strict=True))
        left_out = set(zip(*(frame[c] for c in places), strict=True))
        assert left_out - expected  # some places have only incomplete rows, or no value
        found = stored_places(store, quantities=wanted, years=years, countries=among)
        assert set(found) == expected and len(found) == len(expected)
