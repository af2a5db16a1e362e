"""The current revision of every series (``current_observations``): kept right by the database
through revisions, restatements, methods side by side and concurrent writers; migrated from
0005 with data; and the published pages read it through indexes, never a scan of the
observations (EXPLAIN on SQLite and PostgreSQL). On real SQLite and PostgreSQL databases."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, select, text

from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.store.database import database_url
from ictfootprint.store.schema import current_observations, observations

GENERATOR = Path(__file__).parents[1] / "benchmarks" / "generate_store.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_store", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_store"] = module
    spec.loader.exec_module(module)
    return module


def _obs(value: float, *, method: Method = Method.REPORTED, year: int = 2023, **kw: Any) -> Any:
    return Observation(
        entity_id=kw.pop("entity_id", "op-1"),
        indicator_id=kw.pop("indicator_id", "energy_electricity"),
        year=year,
        value=value,
        unit=kw.pop("unit", "MWh"),
        method=method,
        source="test",
        **kw,
    )


def _mismatches(store: Store) -> list[Any]:
    """Series whose marked revision is not their highest one (or that have none marked)."""
    latest = (
        select(observations.c.series_key, func.max(observations.c.revision).label("rev"))
        .group_by(observations.c.series_key)
        .subquery()
    )
    marked = select(
        current_observations.c.series_key,
        current_observations.c.revision,
        current_observations.c.observation_id,
    ).subquery()
    with store.engine.connect() as connection:
        wrong = connection.execute(
            select(latest.c.series_key, latest.c.rev, marked.c.revision)
            .join(marked, marked.c.series_key == latest.c.series_key, isouter=True)
            .where((marked.c.revision.is_(None)) | (marked.c.revision != latest.c.rev))
        ).all()
        # the marked row is that series' row at that revision
        astray = connection.execute(
            select(current_observations.c.series_key)
            .join(observations, observations.c.id == current_observations.c.observation_id)
            .where(
                (observations.c.series_key != current_observations.c.series_key)
                | (observations.c.revision != current_observations.c.revision)
            )
        ).all()
        extra = (
            connection.execute(select(func.count()).select_from(current_observations)).scalar_one()
            - connection.execute(
                select(func.count(observations.c.series_key.distinct()))
            ).scalar_one()
        )
    return [*wrong, *astray, *([("extra rows", extra)] if extra else [])]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url, actor="test")
    store.add_entity(Entity(id="op-1", name="Op", kind=EntityKind.COMPANY, country="FRA"))
    store.add_entity(Entity(id="op-2", name="Op 2", kind=EntityKind.COMPANY))
    yield store
    store.close()


def test_current_revision_is_marked_through_restatements_and_methods_side_by_side(
    store: Store,
) -> None:
    store.record_observations([_obs(100), _obs(5, indicator_id="ghg_scope1", unit="tCO2e")])
    store.record_observations([_obs(110), _obs(100, method=Method.CALCULATED)])
    store.record_observations([_obs(120), _obs(90, method=Method.ESTIMATED)])
    store.record_observations([_obs(120)])  # unchanged: no revision
    store.record_observations([_obs(7, entity_id="op-2", country="KEN")])
    assert _mismatches(store) == []
    current = {(o.method.value, o.value, o.revision) for o in store.current_observations()}
    assert current == {
        ("reported", 120, 3),
        ("calculated", 100, 1),
        ("estimated", 90, 1),
        ("reported", 5, 1),
        ("reported", 7, 1),
    }
    # the area: the value's own country, else its entity's
    assert store.published_page(countries=["FRA"])[0] == 4
    assert store.published_page(countries=["KEN"])[0] == 1


def test_published_years_are_read_from_the_index_not_from_every_value(store: Store) -> None:
    """The sector page and the world report built every published observation (100,000 in
    the report's benchmark, 4.8 s) to learn which years have values: now one DISTINCT."""
    store.record_observations([_obs(1, year=2021), _obs(2, year=2019)])
    store.record_observations([_obs(3, year=2021)])  # a restatement: still one year
    store.record_observations([_obs(5, indicator_id="ghg_scope1", unit="tCO2e", year=2024)])
    assert store.published_years() == [2019, 2021, 2024]
    assert store.published_years(["energy_electricity"]) == [2019, 2021]
    assert store.published_years(["ghg_scope2_market"]) == []


def test_current_revision_is_marked_when_writers_race(store: Store) -> None:
    barrier = threading.Barrier(4)
    failures: list[Exception] = []

    def write(number: int) -> None:
        barrier.wait()
        for round_ in range(5):
            batch = [_obs(number * 1000 + round_ + year, year=year) for year in range(2015, 2025)]
            try:
                store.record_observations(batch)
            except Exception as exc:  # a lost race on a revision number is refused whole
                failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _mismatches(store) == []
    with store.engine.connect() as connection:
        written = connection.execute(select(func.count()).select_from(observations)).scalar_one()
    assert written == 10 * (20 - len(failures))


def test_published_page_reads_the_marked_revision_in_order_with_offsets(store: Store) -> None:
    store.record_observations(
        [_obs(v, year=y) for y, v in zip(range(2015, 2025), range(10), strict=True)]
    )
    store.record_observations(
        [_obs(v + 0.5, year=y) for y, v in zip(range(2019, 2025), range(4, 10), strict=True)]
    )
    total, first = store.published_page(limit=4, offset=0)
    _, rest = store.published_page(limit=100, offset=4)
    every = [o for o, _ in first + rest]
    assert total == 10 and len(every) == 10
    assert [o.id for o in every] == sorted(o.id for o in every)
    assert {o.year: o.value for o in every} == {
        **{y: float(v) for y, v in zip(range(2015, 2019), range(4), strict=True)},
        **{y: v + 0.5 for y, v in zip(range(2019, 2025), range(4, 10), strict=True)},
    }
    assert store.published_page(years=[2020], countries=["FRA"], limit=10)[1][0][0].value == 5.5


# plans ----------------------------------------------------------------------------------------


def _statements(engine: Engine, call: Any) -> list[tuple[str, Any]]:
    """The SQL statements (with their parameters) a call sends to the database."""
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen


HOT_READS: list[dict[str, Any]] = [
    {"countries": ["AFG"], "limit": 100},
    {"indicator_ids": ["energy_electricity"], "limit": 100},
    {"entity_ids": ["e00007"], "limit": 100},
    {"years": [2023], "limit": 100},
    {"indicator_ids": ["energy_electricity"], "years": [2023], "limit": 100},
    {"limit": 100, "offset": 5000},
    {"countries": ["AFG"]},  # an export: every row
]


@pytest.fixture(scope="module")
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Stores of ~21,000 current values (200 entities × 10 indicators × 10 years) from the
    benchmark's generator, one per database, made once for the module: in a database of
    their own (a test's ``db_url`` is dropped with its test)."""
    made: dict[str, str] = {}

    def make(db_url: str) -> str:
        kind = "postgresql" if db_url.startswith("postgresql") else "sqlite"
        if kind not in made:
            if kind == "postgresql":
                server = request.getfixturevalue("postgres")
                url = server.new_database()
                request.addfinalizer(lambda: server.drop_database(url))
            else:
                url = f"sqlite:///{tmp_path_factory.mktemp('generated') / 'store.db'}"
            _generator().generate(
                url, _generator().Shape(countries=200, entities=200, indicators=10)
            )
            made[kind] = url
        return made[kind]

    return make


@pytest.mark.parametrize("filters", HOT_READS, ids=lambda f: "-".join(sorted(f)))
def test_published_pages_are_read_through_indexes_not_a_scan_of_observations(
    db_url: str, generated: Any, filters: dict[str, Any]
) -> None:
    url = generated(db_url)
    store = Store.open(url)
    postgres = store.dialect == "postgresql"
    if postgres:
        with store.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    statements = _statements(store.engine, lambda: store.published_page(**filters))
    assert len(statements) == 2  # the count, then the page's rows: no per-row query
    plans = []
    with store.engine.connect() as connection:
        for statement, parameters in statements:
            prefix = "EXPLAIN (FORMAT TEXT) " if postgres else "EXPLAIN QUERY PLAN "
            found = connection.exec_driver_sql(prefix + statement, parameters).all()
            plans.append("\n".join(str(row[-1]) for row in found))
    store.close()
    plan = "\n".join(plans)
    if postgres:
        assert "Seq Scan on observations" not in plan, plan
        assert "current_observations" in plan, plan
    else:
        assert "SCAN observations" not in plan, plan
        for line in plan.splitlines():
            if "current_observations" in line:
                assert "INDEX" in line or "PRIMARY KEY" in line, plan
    assert "max(" not in " ".join(s for s, _ in statements).lower()


def test_the_generator_builds_smooth_series_with_revisions_and_several_methods(
    db_url: str, generated: Any
) -> None:
    store = Store.open(generated(db_url))
    with store.engine.connect() as connection:
        methods = dict(
            connection.execute(
                select(current_observations.c.method, func.count()).group_by(
                    current_observations.c.method
                )
            ).all()
        )
        revised = connection.execute(
            select(func.count()).select_from(observations).where(observations.c.revision > 1)
        ).scalar_one()
    store.close()
    assert set(methods) == {"reported", "calculated", "estimated"}
    assert 20_000 < sum(methods.values()) < 22_000
    assert revised > 300


def test_the_generators_ratios_are_plausible_whatever_the_reporters_size(tmp_path: Path) -> None:
    """A PUE, energy per line and a data centre's IT capacity do not grow with the reporter:
    they are drawn in ``PLAUSIBLE``'s ranges (a PUE of 20,000 was generated before), while
    totals still span small reporters to large operators."""
    generator = _generator()
    url = f"sqlite:///{tmp_path / 'ratios.db'}"
    generator.generate(url, generator.Shape(countries=20, entities=30, years=10, indicators=40))
    store = Store.open(url)
    o = observations.c
    with store.engine.connect() as connection:
        ranges = {
            row.indicator_id: (row.low, row.high)
            for row in connection.execute(
                select(
                    o.indicator_id, func.min(o.value).label("low"), func.max(o.value).label("high")
                ).group_by(o.indicator_id)
            )
        }
    store.close()
    assert set(generator.PLAUSIBLE) <= set(ranges)  # all among the 40 indicators
    for indicator, (low, high) in generator.PLAUSIBLE.items():
        assert low <= ranges[indicator][0] <= ranges[indicator][1] <= high, indicator
    assert ranges["energy_total"][1] / ranges["energy_total"][0] > 100


# migration ------------------------------------------------------------------------------------


def test_migration_0006_marks_the_current_revision_of_existing_series(empty_db_url: str) -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("ictfootprint.store").joinpath("migrations"))
    )
    engine = create_engine(database_url(empty_db_url))
    insert = text(
        "INSERT INTO observations (series_key, revision, entity_id, indicator_id, year, country, "
        "value, unit, method, source, quality_flags, lineage, recorded_at, recorded_by) VALUES "
        "(:key, :rev, 'op-1', 'energy_electricity', :year, :country, :value, 'MWh', :method, "
        "'t', '[]', '{}', CURRENT_TIMESTAMP, 't')"
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(
            text(
                "INSERT INTO entities (id, name, kind, countries_of_operation, subsectors, "
                "illustrative, created_at) VALUES ('op-1', 'Op', 'company', '[]', '[]', false, "
                "CURRENT_TIMESTAMP)"
            )
        )
        for key, rev, year, country, value, method in [
            ("a", 1, 2022, None, 1.0, "reported"),
            ("a", 2, 2022, None, 2.0, "reported"),
            ("b", 1, 2022, None, 3.0, "calculated"),
            ("c", 1, 2023, "KEN", 4.0, "reported"),
            ("c", 3, 2023, "KEN", 6.0, "reported"),
            ("c", 2, 2023, "KEN", 5.0, "reported"),
        ]:
            connection.execute(
                insert,
                {
                    "key": key,
                    "rev": rev,
                    "year": year,
                    "country": country,
                    "value": value,
                    "method": method,
                },
            )
    engine.dispose()
    store = Store.open(empty_db_url)
    with store.engine.connect() as connection:
        marked = connection.execute(
            select(
                current_observations.c.series_key,
                current_observations.c.revision,
                current_observations.c.area,
                current_observations.c.method,
            ).order_by(current_observations.c.series_key)
        ).all()
    assert [tuple(r) for r in marked] == [
        ("a", 2, None, "reported"),
        ("b", 1, None, "calculated"),
        ("c", 3, "KEN", "reported"),
    ]
    assert json.dumps(sorted(o.value for o, _ in store.published_page()[1])) == "[2.0, 3.0, 6.0]"
    # and kept from now on by the trigger, a lower revision never replacing a higher one
    with store.transaction() as connection:
        connection.execute(
            insert,
            {
                "key": "a",
                "rev": 3,
                "year": 2022,
                "country": None,
                "value": 9.0,
                "method": "reported",
            },
        )
    assert _mismatches(store) == []
    store.close()


def test_export_by_country_names_the_entities_of_its_rows(store: Store) -> None:
    from fastapi.testclient import TestClient

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings

    store.record_observations([_obs(100), _obs(7, entity_id="op-2", country="KEN")])
    app = create_app(Settings.default(db=store.url, rate_limit_per_minute=0), store=store)
    with TestClient(app) as client:
        kenya = client.get("/api/v1/exports/observations?format=csv&country=KEN").text
        france = client.get("/api/v1/exports/observations?format=csv&country=FRA").text
    assert "Op 2" in kenya and "op-1" not in kenya
    assert ",Op," in france and "op-2" not in france
