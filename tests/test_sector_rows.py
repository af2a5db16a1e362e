"""The sector's entity rows kept in the store (``sector_rows``) and the totals rolled up over
them in the database: equal to the computed path at every level, refreshed for exactly the
entities that changed (an accepted submission, an import, an entity moved), on SQLite and
PostgreSQL."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.exc import OperationalError

from ictfootprint.collection.service import submit
from ictfootprint.compute import area_totals, sector_read
from ictfootprint.compute import sector_rows as sector_rows_module
from ictfootprint.compute.combined import COMPLETE_COLUMNS, empty_frame
from ictfootprint.compute.quantities import chosen
from ictfootprint.compute.sector import (
    EVERY_LEVEL,
    computed_levels,
    sector_levels,
    sector_series,
    sector_totals,
)
from ictfootprint.compute.sector_codes import membership, of_area
from ictfootprint.compute.sector_frame import entity_years, frame_of, frames_kept
from ictfootprint.compute.sector_rows import (
    Refreshed,
    checked_once,
    hold_marks,
    keep_rules,
    refresh,
    refreshed,
    rules_fingerprint,
    stale,
)
from ictfootprint.compute.sector_stored import stored_levels
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.store.schema import entities, sector_built, sector_rows, sector_stale
from test_sector_parquet import YEARS, build, comparable


def _rows(store: Store, entity_id: str) -> dict[tuple[Any, ...], tuple[int, Any]]:
    """An entity's stored rows by key: (row id, value)."""
    r = sector_rows.c
    with store.engine.connect() as connection:
        return {
            (row.country, row.subsector, row.year, row.quantity): (row.id, row.value)
            for row in connection.execute(select(sector_rows).where(r.entity_id == entity_id))
        }


def _marked(store: Store) -> set[str]:
    with store.engine.connect() as connection:
        return {row[0] for row in connection.execute(select(sector_stale.c.entity_id))}


def _world(store: Store, quantity: str, year: int = 2023) -> dict[str, Any]:
    totals = sector_totals(store, level="world", year=year, quantities=[quantity])
    return next(r for r in totals.rows if r["subsector"] == "_T")


def test_stored_totals_equal_the_computed_ones_at_every_level(db_url: str) -> None:
    store = build(db_url)  # every rule of docs/sector-totals.md, two years, revisions
    stored = stored_levels(store, years=YEARS, levels=EVERY_LEVEL)
    computed = computed_levels(store, years=YEARS)
    assert comparable(stored) == comparable(computed)
    for level, kind in EVERY_LEVEL:  # the same order too, not only the same content
        for year in YEARS:
            got, expected = stored[(level, kind)][year], computed[(level, kind)][year]
            assert got.rows == expected.rows, (level, kind, year)
            assert got.incomplete == expected.incomplete, (level, kind, year)
            assert got.conflicts == expected.conflicts, (level, kind, year)
    assert len(stored[("country", "itu")][2023].rows) > 50
    assert {r["entity_id"] for r in stored[("world", "itu")][2023].conflicts} >= {"restated"}
    assert _marked(store) == set()  # the read refreshed every entity first
    assert _rows(store, "KEN") == {}  # an area's own figures: no entity rows
    assert _rows(store, "nowhere") == {}  # no country anywhere: in no total


def test_accepting_a_submission_refreshes_only_that_entity(db_url: str) -> None:
    store = Store.open(db_url, actor="focal-point")
    for entity_id in ("op-1", "op-2"):
        store.add_entity(
            Entity(
                id=entity_id,
                name=entity_id,
                kind=EntityKind.COMPANY,
                country="FRA",
                subsectors=("mobile_network",),
            )
        )
    store.record_observations(
        [
            Observation(
                entity_id=e,
                indicator_id="ghg_scope1",
                year=2023,
                value=10,
                unit="tCO2e",
                method=Method.REPORTED,
                source="test",
            )
            for e in ("op-1", "op-2")
        ]
    )
    assert refresh(store) == Refreshed(entities=2, rows=len(_rows(store, "op-1")) * 2)
    before_1, before_2 = _rows(store, "op-1"), _rows(store, "op-2")
    body = "indicator,year,value,unit,method,source\nghg_scope1,2023,25,tCO2e,reported,report\n"
    result = submit(store, body.encode(), "op1.csv", "op-1")
    store.accept_submission(result.submission_id, "checked")
    assert _marked(store) == set()  # refreshed when accepted, not at the next read
    after_1 = _rows(store, "op-1")
    assert _rows(store, "op-2") == before_2  # the same row ids: untouched
    assert after_1.keys() == before_1.keys()
    assert {i for i, _v in after_1.values()}.isdisjoint(i for i, _v in before_1.values())
    assert after_1[("FRA", "mobile_network", 2023, "ghg_scope1")][1] == 25
    assert _world(store, "ghg_scope1")["value"] == 35


def test_an_import_is_seen_by_the_next_read(db_url: str) -> None:
    store = build(db_url)
    assert _world(store, "energy_fuel")["value"] is not None  # rows built
    before = _world(store, "energy_fuel")
    store.record_observations(
        [
            Observation(
                entity_id="gwh",
                indicator_id="energy_fuel",
                year=2023,
                value=1250,
                unit="MWh",
                method=Method.REPORTED,
                source="restated",
            )
        ]
    )
    assert _marked(store) == {"gwh"}  # the trigger marked it; nothing rebuilt yet
    after = _world(store, "energy_fuel")
    assert after["value"] == before["value"] + 1000
    assert after["entities"] == before["entities"]
    assert not stale(store)


def test_a_page_brings_the_rows_up_to_date_once(db_url: str) -> None:
    """Within ``checked_once`` (one page), the first read refreshes what is stale and the
    others read on, with one statement; outside it every read looks. A value written during
    the block is seen by the next one."""
    from sqlalchemy import event

    store = build(db_url)
    before = _world(store, "energy_fuel")
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def fuel(value: float) -> Observation:
        return Observation(
            entity_id="gwh",
            indicator_id="energy_fuel",
            year=2023,
            value=value,
            unit="MWh",
            method=Method.REPORTED,
            source="restated",
        )

    store.record_observations([fuel(1250)])
    with checked_once():
        first = _world(store, "energy_fuel")  # refreshed: the value is in
        assert first["value"] == before["value"] + 1000 and not stale(store)
        statements.clear()
        for _ in range(3):
            refreshed(store)
        assert statements == []
        store.record_observations([fuel(2250)])  # written during the page
        assert _world(store, "energy_fuel") == first and _marked(store) == {"gwh"}
    statements.clear()
    for _ in range(3):
        refreshed(store)
    assert _marked(store) == set() and len(statements) > 3  # looked each time, rebuilt once
    assert _world(store, "energy_fuel")["value"] == before["value"] + 2000


def test_an_entity_moved_to_another_country_moves_its_rows(db_url: str) -> None:
    store = build(db_url)
    refresh(store)  # every row built
    # no command changes an entity's country today; the database's own update is the case
    with store.engine.begin() as connection:
        connection.execute(
            update(entities).where(entities.c.id == "late-total").values(country="KEN")
        )
    assert _marked(store) == {"late-total"}
    countries = sector_levels(store, years=[2023], levels=[("country", "itu")])
    rows = countries[("country", "itu")][2023].rows
    assert {k[0] for k in _rows(store, "late-total")} == {"KEN"}
    assert countries == {
        ("country", "itu"): computed_levels(store, years=[2023], levels=[("country", "itu")])[
            ("country", "itu")
        ]
    }
    kenya = {(r["subsector"], r["quantity"]): r for r in rows if r["area"] == "KEN"}
    assert kenya[("data_centre", "ghg_s1s2_location")]["value"] is not None


def test_several_levels_are_read_from_the_kept_totals(db_url: str) -> None:
    """sector_levels reads every level from the totals kept per area (computed from the
    stored rows, refreshed first), as it reads one: the totals computed from the
    observations, every level at once or one alone (the report's regions and countries, the
    footprint run's four levels; computed before the totals were kept)."""
    store = build(db_url)
    assert _marked(store) != set()
    every = sector_levels(store, years=YEARS)
    assert _marked(store) == set()  # read from the stored rows, refreshed first
    assert area_totals.stale_count(store) == 0  # and from every area's totals, kept
    assert comparable(every) == comparable(computed_levels(store, years=YEARS))
    world = sector_levels(store, years=YEARS, levels=[("world", "itu")])
    assert comparable(world) == comparable({("world", "itu"): every[("world", "itu")]})


def test_the_region_kind_is_ignored_outside_the_region_level(db_url: str) -> None:
    """``level=world&regions=m49`` is a valid API request (a 500 found by the API fuzz
    test): at the world and country levels the M49 kind gives the ITU kind's totals."""
    store = build(db_url)
    for level in ("world", "country"):
        m49 = sector_levels(store, years=YEARS, levels=[(level, "m49")])[(level, "m49")]
        itu = sector_levels(store, years=YEARS, levels=[(level, "itu")])[(level, "itu")]
        for year in YEARS:
            assert m49[year].rows, (level, year)
            assert m49[year].rows == itu[year].rows, (level, year)
            assert m49[year].incomplete == itu[year].incomplete, (level, year)


KEYS = ["entity_id", "country", "subsector", "year", "quantity"]


def test_the_in_sector_frame_is_read_from_the_stored_rows(db_url: str) -> None:
    """``entity_years`` of the in-sector entities reads ``sector_rows`` (refreshed first):
    the frame computed from the observations, column for column, type for type."""
    store = build(db_url)
    for years, quantities in ((None, None), ([2023], ["ghg_s1s2_location", "energy_total"])):
        stored = entity_years(store, years=years, quantities=quantities)
        computed = frame_of(store, chosen(quantities), years=years)
        assert len(stored) > 50
        pd.testing.assert_frame_equal(
            stored.sort_values(KEYS, ignore_index=True),
            computed.sort_values(KEYS, ignore_index=True),
        )
    assert _marked(store) == set()
    assert entity_years(store, years=[1990]).empty  # no row: the empty frame, its columns
    assert list(entity_years(store, years=[1990]).columns) == list(empty_frame().columns)


def test_trends_and_shares_are_the_same_from_the_stored_frame(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The consumers of the in-sector frame (trends, shares) give the same answer from the
    stored rows as from the frame computed from the observations."""
    from ictfootprint.compute import shares, trends

    store = build(db_url)
    stored = (
        trends.sector_trends(store, level="region", years=YEARS),
        shares.sector_shares(store, level="country", year=2023),
    )

    def computed(store: Store, **asked: Any) -> pd.DataFrame:
        return frame_of(store, chosen(asked.get("quantities")), years=asked.get("years"))

    monkeypatch.setattr(trends, "entity_years", computed)
    monkeypatch.setattr(shares, "entity_years", computed)
    again = (
        trends.sector_trends(store, level="region", years=YEARS),
        shares.sector_shares(store, level="country", year=2023),
    )
    assert stored[0].like_for_like and stored[0].coverage
    assert stored == again


def test_a_refresh_on_an_empty_store(db_url: str) -> None:
    store = Store.open(db_url)
    assert refresh(store) == Refreshed(entities=0, rows=0)
    found = sector_levels(store, years=[2023])
    assert all(t[2023].rows == [] and t[2023].incomplete == [] for t in found.values())
    store.add_entity(Entity(id="KEN", name="Kenya", kind=EntityKind.COUNTRY, country="KEN"))
    assert _marked(store) == {"KEN"}
    assert refresh(store) == Refreshed(entities=1, rows=0)  # an area: no rows, mark cleared
    assert _marked(store) == set()


def test_a_mark_written_during_a_refresh_lands_after_it(db_url: str) -> None:
    """A writer marking an entity while a refresh holds the marks must wait for its commit:
    had its mark landed before, the refresh would have cleared it without reading its data."""
    store = Store.open(db_url)
    store.add_entity(
        Entity(id="op-1", name="op-1", kind=EntityKind.COMPANY, country="FRA", subsectors=())
    )
    refresh(store)
    # a writer that does not wait for a lock: it fails where it would have waited
    impatient = create_engine(
        db_url,
        connect_args={"timeout": 0}
        if db_url.startswith("sqlite")
        else {"options": "-c lock_timeout=100"},
    )
    renamed = update(entities).where(entities.c.id == "op-1").values(name="Op 1")
    try:
        with store.engine.begin() as refreshing:
            hold_marks(refreshing)  # what refresh does before reading the marks
            assert refreshing.execute(select(sector_stale)).all() == []
            with pytest.raises(OperationalError), impatient.begin() as writer:
                writer.execute(renamed)
        with impatient.begin() as writer:  # the refresh committed: the mark lands
            writer.execute(renamed)
    finally:
        impatient.dispose()
    assert _marked(store) == {"op-1"}


def test_rows_built_by_other_rules_are_all_rebuilt(db_url: str) -> None:
    """An upgrade, or an edited quantity, tolerance or unit, changes what a row is: rows
    built by other rules (another fingerprint in ``sector_built``) are all rebuilt, not
    served stale; the same rules mark nothing."""
    store = Store.open(db_url)
    for entity_id in ("op-1", "op-2"):
        store.add_entity(
            Entity(id=entity_id, name=entity_id, kind=EntityKind.COMPANY, country="FRA")
        )
        store.record_observations(
            [
                Observation(
                    entity_id=entity_id,
                    indicator_id="ghg_scope1",
                    year=2023,
                    value=10,
                    unit="tCO2e",
                    method=Method.REPORTED,
                    source="test",
                )
            ]
        )
    refresh(store)
    keep_rules(store)
    assert _marked(store) == set()  # built by these rules: nothing to do
    with store.engine.begin() as connection:
        # what rows built by other rules look like: values the current rules do not give
        connection.execute(update(sector_rows).values(value=999))
        connection.execute(update(sector_built).values(fingerprint="an earlier version"))
    keep_rules(store)
    assert _marked(store) == {"op-1", "op-2"}
    assert _world(store, "ghg_scope1")["value"] == 20  # the read rebuilds them first
    assert _marked(store) == set()
    assert _rows(store, "op-1")[("FRA", "unspecified", 2023, "ghg_scope1")][1] == 10
    with store.engine.connect() as connection:
        assert connection.scalar(select(sector_built.c.fingerprint)) == rules_fingerprint()


def test_the_rules_fingerprint_follows_the_rules_not_how_the_server_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server option (``[api]``), a collection's limits, a national import's bounds or the
    temperature score change no stored row: the fingerprint stays, so nothing is rebuilt. The
    tolerance of rule 2 or the rounding is a rule: it changes. Any edit of the file, a server
    option's included, marked every entity stale before."""
    from ictfootprint.compute import sector_rows as module
    from ictfootprint.reference.loader import defaults

    assert set(defaults()) >= module.NOT_RULES  # each is a real section of the file
    before = rules_fingerprint()

    def fingerprint_with(section: str, key: str, value: object) -> str:
        changed = copy.deepcopy(defaults())
        assert key in changed[section]
        changed[section][key] = value
        monkeypatch.setattr(module, "defaults", lambda: changed)
        return rules_fingerprint()

    assert fingerprint_with("api", "cache_entries", 99) == before
    assert fingerprint_with("api", "request_timeout_seconds", 5.0) == before
    assert fingerprint_with("collection", "max_file_megabytes", 1) == before
    assert fingerprint_with("validation", "total_tolerance_percent", 5) != before
    assert fingerprint_with("rounding", "MWh", 2) != before


def test_serve_rebuilds_stale_rows_before_its_workers_start(db_url: str) -> None:
    """After an upgrade every entity is marked; ``serve`` rebuilds them, and the totals of
    their areas, before it serves, saying so, instead of leaving the rebuild to the first
    requests for a total (each one waited on it past the time limit at 4 M values)."""
    from ictfootprint.cli.serve import sector_rows_ready

    store = build(db_url)
    expected = sector_totals(store, level="world", year=YEARS[0]).rows
    with store.engine.begin() as connection:
        connection.execute(update(sector_built).values(fingerprint="an earlier version"))
    said: list[str] = []
    sector_rows_ready(store, said.append)
    assert _marked(store) == set()
    assert len(said) == 4 and said[0].startswith("Rebuilding the sector's stored rows of ")
    assert said[1].startswith("Rebuilt ") and " entities (" in said[1]
    # then the totals of every area those rows are in, so no first reader computes them
    assert said[2].startswith("Computing the sector's totals of ") and said[3].startswith(
        "Computed them in "
    )
    assert area_totals.stale_count(store) == 0
    assert sector_totals(store, level="world", year=YEARS[0]).rows == expected
    said.clear()
    sector_rows_ready(store, said.append)  # nothing stale: nothing said, nothing rebuilt
    assert said == []


@pytest.mark.parametrize("at_once", [7, 100])
def test_rows_written_and_read_a_slice_at_a_time_are_the_rows(
    db_url: str, monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    """The kept rows are written (``_WRITTEN_AT_ONCE``) and read back into a frame
    (``sector_read._CHUNK``) a slice at a time: with slices of a few rows, the frames are
    still those computed from the observations, whole and complete-only."""
    monkeypatch.setattr(sector_rows_module, "_WRITTEN_AT_ONCE", at_once)
    monkeypatch.setattr(sector_read, "_CHUNK", at_once)
    store = build(db_url)
    stored = entity_years(store)
    computed = frame_of(store, chosen(None))
    assert len(stored) > 3 * at_once
    pd.testing.assert_frame_equal(
        stored.sort_values(KEYS, ignore_index=True), computed.sort_values(KEYS, ignore_index=True)
    )
    keep = (computed["status"] == "complete") & computed["value"].notna()
    pd.testing.assert_frame_equal(
        entity_years(store, complete_only=True).sort_values(KEYS, ignore_index=True),
        computed.loc[keep, list(COMPLETE_COLUMNS)].sort_values(KEYS, ignore_index=True),
    )


def test_the_complete_only_frame_is_the_frames_complete_rows(db_url: str) -> None:
    """``complete_only`` (what the trends read): the complete rows with a value, keys, value
    and status, the same whether read from ``sector_rows`` or computed for listed entities."""
    store = build(db_url)
    for years, quantities in ((None, None), ([2023], ["ghg_s1s2_location", "energy_total"])):
        full = entity_years(store, years=years, quantities=quantities)
        keep = (full["status"] == "complete") & full["value"].notna()
        assert 0 < keep.sum() < len(full)  # some rows are left out
        expected = full.loc[keep, list(COMPLETE_COLUMNS)].sort_values(KEYS, ignore_index=True)
        stored = entity_years(store, years=years, quantities=quantities, complete_only=True)
        computed = entity_years(
            store,
            years=years,
            quantities=quantities,
            entity_ids=sorted(set(full["entity_id"])),
            complete_only=True,
        )
        for got in (stored, computed):
            assert list(got.columns) == list(COMPLETE_COLUMNS)
            pd.testing.assert_frame_equal(got.sort_values(KEYS, ignore_index=True), expected)
    nothing = entity_years(store, years=[1990], complete_only=True)
    assert nothing.empty and list(nothing.columns) == list(COMPLETE_COLUMNS)


def test_a_frame_kept_is_read_once_and_never_changed_by_its_reader(db_url: str) -> None:
    """Within ``frames_kept`` (a page, a report) the same question of the in-sector frame
    reads ``sector_rows`` once; a reader changing its frame does not change the next one's;
    outside the block every call reads."""
    from sqlalchemy import event

    store = build(db_url)
    entity_years(store)  # refreshed: what follows only reads
    reads: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM sector_rows" in statement:
            reads.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    asked = {"quantities": ["ghg_s1s2_location"], "complete_only": True}
    with frames_kept():
        first = entity_years(store, **asked)
        first["value"] = 0.0
        first.loc[:, "country"] = "XXX"
        second = entity_years(store, **asked)
        other = entity_years(store, quantities=["energy_total"], complete_only=True)
    assert len(reads) == 2  # one per question
    assert (second["value"] > 0).all() and "XXX" not in set(second["country"])
    assert set(other["quantity"]) == {"energy_total"}
    entity_years(store, **asked)
    entity_years(store, **asked)
    assert len(reads) == 4
    event.remove(store.engine, "before_cursor_execute", count)


def test_one_areas_totals_are_its_rows_of_every_areas(db_url: str) -> None:
    """``area=`` picks one area's totals in the database: its rows, and the incomplete rows
    and conflicts of its countries, the same as those of every area filtered (and as the
    computed path's, filtered by ``of_area``)."""
    store = build(db_url)
    narrowed = 0  # lists of left-out rows that the area's countries made shorter, not empty
    for level, kind in EVERY_LEVEL:
        whole = sector_series(store, level=level, region_kind=kind, years=YEARS)
        computed = computed_levels(store, years=YEARS, levels=[(level, kind)])
        areas = sorted({r["area"] for t in whole.values() for r in t.rows})
        assert areas
        members = membership(level, kind)
        for area in areas:
            one = sector_series(store, level=level, region_kind=kind, years=YEARS, area=area)
            inside = set(members.loc[members["area"] == area, "country"])
            picked = of_area(copy.deepcopy(computed), area)[(level, kind)]
            for year in YEARS:
                expected = whole[year]
                assert one[year].rows == [r for r in expected.rows if r["area"] == area]
                for part in ("incomplete", "conflicts"):
                    everywhere = getattr(expected, part)
                    mine = [r for r in everywhere if r["country"] in inside]
                    assert getattr(one[year], part) == mine
                    narrowed += 0 < len(mine) < len(everywhere)
                assert comparable({(level, kind): {year: one[year]}}) == comparable(
                    {(level, kind): {year: picked[year]}}
                )
    assert narrowed
    with pytest.raises(ValueError, match="one level"):
        sector_levels(store, years=YEARS, area="FRA")
