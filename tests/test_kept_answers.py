"""Answers kept between requests (``kept_answers``: an area's trends, a report's facts): the
kept answer is the computed one to the type of every value; any change of what they read (a
reported value, a national denominator, an entity, the countries' areas, the rules) makes the
next read compute them again, a change committed while they are computed included; and what
is kept is bounded. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from ictfootprint.compute import kept_answers, sector_rows
from ictfootprint.compute import trends as trends_module
from ictfootprint.compute.kept_answers import kept_count
from ictfootprint.compute.trends import SectorTrends, sector_trends
from ictfootprint.compute.trends_kept import kept_trends
from ictfootprint.model import Entity, EntityKind, Method
from ictfootprint.reports import content
from ictfootprint.store import Store, published_summary
from ictfootprint.store.published import EntityLabel
from ictfootprint.store.schema import data_generation, entities, sector_areas
from ictfootprint.store.schema import kept_answers as kept_table
from ictfootprint.web import profiles, worldmap
from ictfootprint.web.explorer import published_labels
from test_sector_trends import S1S2, YEARS, _obs, _store

#: The questions the pages, the reports and the trajectories ask (``area_trends``: the data's
#: years and L.1470's; ``movers``: every country, two years; ``area_trend``: one range).
QUESTIONS: list[dict[str, Any]] = [
    {"level": "world", "years": [*YEARS, *range(2015, 2031)], "quantities": [S1S2], "area": "001"},
    {"level": "country", "years": list(YEARS), "quantities": [S1S2, "ghg_scope1"], "area": "FRA"},
    {"level": "country", "years": [2022, 2023], "quantities": [S1S2]},
    {"level": "region", "region_kind": "m49"},
]


def typed(value: Any) -> Any:
    """``value`` with the type of every leaf beside it: 5 and 5.0 differ on a page."""
    if isinstance(value, SectorTrends):
        return typed(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def _computing(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The questions computed from now on (the others were read from ``kept_answers``)."""
    computed: list[dict[str, Any]] = []
    real = trends_module.sector_trends

    def counted(*args: Any, **kwargs: Any) -> SectorTrends:
        computed.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(trends_module, "sector_trends", counted)
    return computed


def _generation(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.scalar(select(data_generation.c.generation)) or 0)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: f"{q['level']}-{q.get('area')}")
def test_a_kept_answer_is_the_computed_one_to_the_type(
    db_url: str, question: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(db_url)
    expected = typed(sector_trends(store, **question))
    computed = _computing(monkeypatch)
    first = kept_trends(store, **question)
    assert len(computed) == 1 and kept_count(store) == 1
    again = kept_trends(store, **question)
    # the same question in another order and with repeats
    shuffled = {
        k: (list(reversed(v)) * 2 if isinstance(v, list) else v) for k, v in question.items()
    }
    reordered = kept_trends(store, **shuffled)
    assert len(computed) == 1 and kept_count(store) == 1
    assert typed(first) == typed(again) == typed(reordered) == expected


def test_any_change_of_what_the_trends_read_computes_them_again(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(db_url)
    question = QUESTIONS[0]
    computed = _computing(monkeypatch)

    def answer() -> Any:
        kept = typed(kept_trends(store, **question))
        assert kept == typed(trends_module.sector_trends(store, **question))
        return kept

    def changed_by(change: Any) -> None:
        before, count = answer(), len(computed)
        assert typed(kept_trends(store, **question)) == before
        assert len(computed) == count  # read, not computed
        change()
        after = answer()
        assert len(computed) == count + 2  # computed again (and once more to compare)
        assert after != before

    # a reported value (France's operator restates its Scope 1 of 2023)
    changed_by(
        lambda: store.record_observations([_obs("op-a", "ghg_scope1", 2023, 90, Method.REPORTED)])
    )
    # a national denominator (Kenya's mobile lines of 2023 from its statistics office)
    changed_by(
        lambda: store.record_observations(
            [_obs("KEN", "activity_mobile_lines", 2023, 40_000_000, Method.STATISTICAL)]
        )
    )

    # an entity changed by any path (the database's trigger): France's second operator moves
    def moved() -> None:
        with store.engine.begin() as connection:
            connection.execute(
                update(entities).where(entities.c.id == "op-b").values(country="KEN")
            )

    changed_by(moved)

    # the countries' areas (another release's reference data): the refresh puts them back
    def areas() -> None:
        with store.engine.begin() as connection:
            connection.execute(delete(sector_areas).where(sector_areas.c.country == "KEN"))
        sector_rows._AREAS_CHECKED.discard(store.url)

    generation = _generation(store)
    answer()
    assert _generation(store) == generation  # nothing changed: nothing computed again
    areas()
    count = len(computed)
    answer()
    assert _generation(store) == generation + 1 and len(computed) == count + 2

    # the rules: another fingerprint is another answer
    monkeypatch.setattr(kept_answers, "fingerprint", lambda: "another release")
    count = len(computed)
    answer()
    assert len(computed) == count + 2


def test_a_change_committed_while_the_trends_are_computed_is_not_lost(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer commits after the reader has read the generation and computed from the data
    before it: the answer kept is of the older generation, and the next read computes again."""
    store = _store(db_url)
    question = QUESTIONS[0]
    real = trends_module.sector_trends

    def raced(*args: Any, **kwargs: Any) -> SectorTrends:
        result = real(*args, **kwargs)
        store.record_observations([_obs("op-c", "ghg_scope1", 2023, 400, Method.REPORTED)])
        sector_rows.refresh(store)  # a concurrent accepted submission
        return result

    monkeypatch.setattr(trends_module, "sector_trends", raced)
    stale = typed(kept_trends(store, **question))
    monkeypatch.setattr(trends_module, "sector_trends", real)
    fresh = typed(kept_trends(store, **question))
    assert fresh == typed(sector_trends(store, **question)) != stale


def test_kept_answers_are_bounded_and_of_the_current_generation(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(db_url)
    monkeypatch.setattr(kept_answers, "KEPT_AT_MOST", 2)
    asked = [{"level": "country", "years": [year], "area": "FRA"} for year in YEARS]
    for question in asked:
        kept_trends(store, **question)
    with store.engine.connect() as connection:
        rows = connection.execute(select(kept_table.c.question, kept_table.c.generation)).all()
    assert sorted(json.loads(question)["years"] for question, _ in rows) == [[2022], [2023]]
    # after a change, keeping an answer drops those of older generations
    store.record_observations([_obs("op-a", "ghg_scope1", 2023, 90, Method.REPORTED)])
    kept_trends(store, **asked[0])
    with store.engine.connect() as connection:
        left = connection.execute(select(kept_table.c.generation)).scalars().all()
    assert left == [_generation(store)]


@pytest.mark.parametrize("where", [{}, {"countries": ["FRA"]}], ids=["world", "FRA"])
def test_a_reports_facts_kept_are_the_computed_ones_until_a_value_is_written(
    db_url: str, where: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The world report's facts of its year (sources, contributors, restated values, flags,
    the newest recording) read back equal, and a value written is in the next ones."""
    store = _store(db_url)
    store.record_observations([_obs("op-a", "ghg_scope1", 2023, 90, Method.REPORTED)])

    def computed() -> published_summary.Facts:
        with store.engine.connect() as connection:
            return published_summary.facts(
                connection, shown=content.RESTATEMENTS_SHOWN, years=[2023], **where
            )

    grouped: list[object] = []
    real = published_summary.facts

    def counted(*args: Any, **kwargs: Any) -> published_summary.Facts:
        grouped.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(published_summary, "facts", counted)
    first = content.year_facts(store, 2023, where)
    again = content.year_facts(store, 2023, where)
    assert len(grouped) == 1 and kept_count(store, "facts") == 1
    expected = computed()
    assert first == again == expected
    assert expected.restated and expected.sources and expected.newest is not None
    assert typed(again.plain()) == typed(expected.plain())
    assert [type(s["method"]) for s in again.sources] == [Method] * len(again.sources)

    store.record_observations([_obs("op-b", "ghg_scope1", 2023, 70, Method.REPORTED)])
    after = content.year_facts(store, 2023, where)
    assert len(grouped) == 3  # two above and the comparison
    assert after == computed() != expected
    assert after.restatements == expected.restatements + 1


def test_the_country_list_and_the_explorers_entities_kept_follow_the_data(db_url: str) -> None:
    store = _store(db_url)

    def kept() -> tuple[dict[str, int], list[EntityLabel]]:
        return profiles.entities_by_country(store), published_labels(store).labels()

    def computed() -> tuple[dict[str, int], list[EntityLabel]]:
        return profiles._entities_by_country(store), store.published_entity_labels()

    first = kept()
    assert kept() == first == computed() and first[0] == {"FRA": 2, "KEN": 1}
    assert kept_count(store, "entities_by_country") == 1 == kept_count(store, "entity_labels")
    # a new operator in Kenya, with a value
    store.add_entity(
        Entity(
            id="op-d",
            name="op-d",
            kind=EntityKind.COMPANY,
            country="KEN",
            subsectors=("mobile_network",),
        )
    )
    store.record_observations([_obs("op-d", "ghg_scope1", 2023, 10, Method.REPORTED)])
    second = kept()
    assert second == computed() and second[0]["KEN"] == 2
    assert "op-d" in [e.id for e in second[1]]
    # renamed by any path
    with store.engine.begin() as connection:
        connection.execute(update(entities).where(entities.c.id == "op-a").values(name="Alpha"))
    third = kept()
    assert third == computed() and [e.name for e in third[1] if e.id == "op-a"] == ["Alpha"]


def test_the_maps_values_and_indicators_kept_follow_the_data(db_url: str) -> None:
    """The home page's map: each country's sector total (or national value) of a year,
    converted and banded, and the indicators with values. A year without values asks the
    latest year's question (nothing new is kept for it)."""
    store = _store(db_url)
    sector = worldmap.SECTOR_INDICATOR

    def plain(values: worldmap.CountryValues) -> Any:
        return typed(worldmap._values_plain(values))

    def check(indicator: str, year: int | None) -> worldmap.CountryValues:
        kept = worldmap.country_values(store, indicator, year)
        assert plain(kept) == plain(worldmap._country_values(store, indicator, year))
        assert kept == worldmap.country_values(store, indicator, year)  # read back: the same
        return kept

    latest = check(sector, None)
    assert latest.year == 2023 and [r["iso3"] for r in latest.rows] == ["FRA", "KEN"]
    assert latest.bands and all(isinstance(b, worldmap.Band) for b in latest.bands)
    assert check(sector, 1950) == latest and kept_count(store, "country_values") == 1
    assert check(sector, 2021).year == 2021 and kept_count(store, "country_values") == 2
    lines = check("activity_mobile_lines", 2022)
    assert {r["iso3"]: r["value"] for r in lines.rows} == {"FRA": 20e6, "KEN": 10e6}
    indicators = worldmap.map_indicators(store)
    assert indicators == worldmap._map_indicators(store)
    assert sector in indicators[0] and "activity_mobile_lines" in indicators[0]
    assert "energy_total" in indicators[1]

    # France's operator restates its Scope 1 of 2023; a first energy value is published
    france = next(r["value"] for r in latest.rows if r["iso3"] == "FRA")
    store.record_observations(
        [
            _obs("op-a", "ghg_scope1", 2023, 600, Method.REPORTED),
            _obs("FRA", "energy_total", 2023, 5, Method.STATISTICAL),
        ]
    )
    after = check(sector, None)
    assert next(r["value"] for r in after.rows if r["iso3"] == "FRA") != france
    assert worldmap.map_indicators(store) == worldmap._map_indicators(store)
    assert "energy_total" in worldmap.map_indicators(store)[0]


@pytest.mark.parametrize(
    ("level", "key"),
    [("world", "001"), ("country", "FRA"), ("region", "ITU-EUR"), ("region", "150")],
)
def test_an_areas_totals_kept_are_the_computed_ones_and_follow_the_data(
    db_url: str, level: str, key: str
) -> None:
    """A page's totals of its year (the families' tables, the chart, the long rows, the first
    rows of who is left out and how many), read back to the type; a restated value is in
    the next ones."""
    from ictfootprint.web import sector as web_sector

    store = _store(db_url)

    def plain(totals: web_sector.AreaTotals) -> Any:
        return typed(dataclasses.asdict(totals))

    def check(year: int | None) -> web_sector.AreaTotals:
        kept = web_sector.area_totals(store, level, key, year)
        assert plain(kept) == plain(web_sector._area_totals(store, level, key, year))
        again = web_sector.area_totals(store, level, key, year)  # read back
        assert again == kept and plain(again) == plain(kept)
        assert all(isinstance(t, web_sector.FamilyTable) for t in again.tables)
        return again

    first = check(2023)
    assert first.rows and first.tables and kept_count(store, "area_totals") == 1
    assert check(2022).incomplete_total >= 1  # op-c has Scope 1 only in 2022: left out
    assert check(None).rows == []
    store.record_observations([_obs("op-a", "ghg_scope1", 2023, 600, Method.REPORTED)])
    after = check(2023)
    assert after.rows != first.rows


def test_the_explorers_labels_kept_as_columns_choose_as_the_list_did() -> None:
    """The explorer keeps the published entities as columns and makes labels only for those
    it lists: the same entities, in the same order, as filtering the list of labels."""
    from ictfootprint.reference.countries import countries
    from ictfootprint.web.explorer import Labels

    labels = [
        EntityLabel("FRA", "France", EntityKind.COUNTRY, None),
        EntityLabel("e1", "Orange", EntityKind.COMPANY, "FRA"),
        EntityLabel("e2", "Safaricom", EntityKind.COMPANY, "KEN"),
        EntityLabel("e3", "Nowhere Co", EntityKind.COMPANY, None),
        EntityLabel("e4", "Free", EntityKind.COMPANY, "FRA"),
        EntityLabel("ITU-EUR", "Europe", EntityKind.REGION, None),
        EntityLabel("e5", "Airtel", EntityKind.COMPANY, "KEN"),
    ]
    kept = Labels.of(labels)
    back = Labels(**json.loads(json.dumps(dataclasses.asdict(kept))))
    assert back.labels() == labels and len(back) == len(labels)
    for chosen in ({"FRA"}, {"KEN", "e3"}, set(), {"e4"}, {"ITU-EUR"}):
        for limit in (None, 1, 2, 100):
            expected = [e for e in labels if (e.country or e.id) in chosen or e.id in chosen]
            assert back.labels(chosen, limit) == expected[:limit], (chosen, limit)
    areas = sorted({e.country or e.id for e in labels if (e.country or e.id) in countries()})
    assert back.areas() == areas == ["FRA", "KEN"]


def test_an_aggregate_kept_is_the_computed_one_and_follows_the_data(db_url: str) -> None:
    """``/api/v1/aggregates`` keeps its totals, counts and first pages: a read that misses the
    read cache gives the bytes a computation gives, the links to the next pages repeat each
    request's own parameters, and a restated value is in the next answer."""
    from fastapi.testclient import TestClient

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings

    store = _store(db_url)
    client = TestClient(create_app(Settings.default(db=store.url, rate_limit_per_minute=0), store))
    asked = [
        "/api/v1/aggregates?year=2022&level=country&limit=1",
        "/api/v1/aggregates?year=2023&level=region&regions=m49&area=150",
        "/api/v1/aggregates?year=2022&quantity=ghg_scope1&quantity=ghg_s1s2_location",
    ]

    def computed(url: str, n: int) -> bytes:
        with store.engine.begin() as connection:
            connection.execute(delete(kept_table).where(kept_table.c.kind == "aggregates"))
        answer = client.get(f"{url}&n=c{n}")
        assert answer.status_code == 200, answer.text
        return answer.content

    for n, url in enumerate(asked):
        fresh = computed(url, n)
        assert kept_count(store, "aggregates") == 1
        kept = client.get(f"{url}&n=k{n}")  # another URL: not from the read cache
        assert kept.content == fresh and kept_count(store, "aggregates") == 1
    listed = client.get(f"{asked[0]}&n=x").json()
    assert listed["incomplete_total"] >= 2 and listed["incomplete_next"].startswith(
        "/api/v1/aggregates/listed?year=2022&level=country&list=incomplete&limit=1&cursor="
    )
    reordered = client.get("/api/v1/aggregates?level=country&limit=1&year=2022").json()
    assert reordered["incomplete_next"].startswith(
        "/api/v1/aggregates/listed?level=country&year=2022&list=incomplete"
    )
    assert {**reordered, "incomplete_next": None} == {**listed, "incomplete_next": None}
    repeated = client.get(
        "/api/v1/aggregates?year=2022&quantity=ghg_s1s2_location&quantity=ghg_scope1"
        "&quantity=ghg_scope1"
    )
    assert repeated.content == client.get(f"{asked[2]}&n=r").content
    assert kept_count(store, "aggregates") == 2  # one question for the order and repeats
    following = client.get(listed["incomplete_next"]).json()
    assert following["items"] and following["items"] != listed["incomplete"]

    before = client.get(f"{asked[2]}&n=b").content
    store.record_observations([_obs("op-a", "ghg_scope1", 2022, 777, Method.REPORTED)])
    after = client.get(f"{asked[2]}&n=a").content
    assert after != before and after == computed(asked[2], 9)


def test_a_shared_answer_is_given_again_only_while_its_kept_row_is_the_same(db_url: str) -> None:
    """A caller that only reads (``shared``) gets the answer this process decoded last, the
    same object, while the kept row it came from is the very same; a row kept again (by
    another process, or a store filled again at the same address) and a change of the data
    are read anew."""
    store = _store(db_url)
    calls: list[int] = []

    def ask() -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            calls.append(1)
            return {"n": len(calls), "rows": [{"a": 1.5}]}

        return kept_answers.answer(store, "test", {"q": 1}, compute, dict, dict, shared=True)

    computed = ask()
    first, again = ask(), ask()  # read back once, then given again
    assert first == computed and first is not computed and again is first and len(calls) == 1
    other = zlib.compress(json.dumps({"n": 99, "rows": []}).encode())
    with store.engine.begin() as connection:  # kept again under the same generation
        connection.execute(
            update(kept_table)
            .where(kept_table.c.kind == "test")
            .values(payload=other, kept_at=datetime.now(UTC) + timedelta(seconds=1))
        )
    assert ask() == {"n": 99, "rows": []} and len(calls) == 1
    store.record_observations([_obs("op-a", "ghg_scope1", 2023, 601, Method.REPORTED)])
    assert ask() == {"n": 2, "rows": [{"a": 1.5}]} and len(calls) == 2


def test_shared_answers_are_bounded_by_their_size() -> None:
    """The least recently used go first; an answer larger than the bound is not held."""
    shared = kept_answers._Shared(100)
    shared.put("db", "a", (1,), "A", 40)
    shared.put("db", "b", (1,), "B", 40)
    assert shared.get("db", "a", (1,)) == "A"  # now the most recent
    shared.put("db", "c", (1,), "C", 40)
    assert (shared.get("db", "b", (1,)), shared.get("db", "a", (1,))) == (None, "A")
    assert shared.get("db", "c", (1,)) == "C" and shared.get("db", "c", (2,)) is None
    shared.put("db", "d", (1,), "D", 101)
    assert shared.get("db", "d", (1,)) is None and shared.get("db", "a", (1,)) == "A"
    shared.put("db", "a", (2,), "A2", 10)  # replaced: its size counted once
    assert shared.get("db", "a", (2,)) == "A2" and shared.get("db", "c", (1,)) == "C"


def test_a_question_asked_by_many_at_once_is_computed_once(db_url: str) -> None:
    """After a change, the requests of a page all ask the same question at once: one thread
    computes, the others wait for it and read what it kept."""
    store = _store(db_url)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []
    question = {"q": "herd"}

    def compute() -> dict[str, Any]:
        calls.append(1)
        started.set()
        assert release.wait(30)
        return {"rows": [1.5, None, "x"]}

    def ask() -> dict[str, Any]:
        return kept_answers.answer(store, "test", question, compute, dict, dict)

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(ask)
        assert started.wait(30)
        others = [pool.submit(ask) for _ in range(3)]
        key = hashlib.sha256(json.dumps({"kind": "test", **question}).encode()).hexdigest()
        deadline = time.monotonic() + 30
        while kept_answers._FLIGHTS.users(store.url, key) < 4:  # all four in the flight
            assert time.monotonic() < deadline
            time.sleep(0.01)
        release.set()
        answers = [first.result(30), *(f.result(30) for f in others)]
    assert calls == [1] and all(a == {"rows": [1.5, None, "x"]} for a in answers)
    assert kept_answers._FLIGHTS.held() == 0 and kept_count(store, "test") == 1


def test_a_computation_that_fails_keeps_nothing_and_holds_nothing(db_url: str) -> None:
    """An error while computing reaches the caller; nothing is kept and the question is free
    for the next asker, who computes it."""
    store = _store(db_url)

    def failing() -> dict[str, Any]:
        raise ValueError("no such thing")

    with pytest.raises(ValueError, match="no such thing"):
        kept_answers.answer(store, "test", {"q": "fails"}, failing, dict, dict, shared=True)
    assert kept_answers._FLIGHTS.held() == 0 and kept_count(store, "test") == 0
    found = kept_answers.answer(store, "test", {"q": "fails"}, lambda: {"ok": 1}, dict, dict)
    assert found == {"ok": 1} and kept_count(store, "test") == 1
