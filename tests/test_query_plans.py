"""The hot reads' query plans, on both databases: every page, keyset next page, deep offset
and count of the published values reads an index of ``current_observations`` (in page order,
so that no sort waits for every matching row), and ``observations`` only by its primary key.

The store holds 48,000 current values (240 entities in 40 countries, 40 indicators, 5 years)
written straight into ``observations`` (its trigger keeps ``current_observations``, as for
every write path), then ANALYZEd, so that the planners choose as they would at scale: on a
few rows a full scan is cheapest and proves nothing. Plans are read with SQLite's
``EXPLAIN QUERY PLAN`` and PostgreSQL's ``EXPLAIN (FORMAT JSON)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

import pytest
from sqlalchemy import Connection, text

from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.store.published import count_query, page_ids, page_rows, years_query

ENTITIES: Final = 240
#: as selective as at scale: a country a 40th of the values, an indicator a 40th, a year a 5th
COUNTRIES: Final = [
    "ARG",
    "AUS",
    "BEL",
    "BRA",
    "CAN",
    "CHE",
    "CHL",
    "CHN",
    "COL",
    "DEU",
    "DNK",
    "EGY",
    "ESP",
    "ETH",
    "FIN",
    "FRA",
    "GBR",
    "GHA",
    "IDN",
    "IND",
    "ITA",
    "JPN",
    "KEN",
    "KOR",
    "MAR",
    "MEX",
    "NGA",
    "NLD",
    "NOR",
    "PAK",
    "PER",
    "PHL",
    "POL",
    "PRT",
    "SAU",
    "SEN",
    "SWE",
    "TUR",
    "USA",
    "ZAF",
]
INDICATORS: Final = 40
YEARS: Final = 5
ROWS: Final = ENTITIES * INDICATORS * YEARS

#: (name, filters) of the hot reads: the API's list by each filter, and unfiltered. One
#: entity's values, or one year of one country or indicator, are few (a few thousand at 4 M
#: values): a planner may rightly sort them rather than walk an index in page order.
UNSORTED: Final = {"by entity", "by indicator and year", "by country and year"}
FILTERS: Final[list[tuple[str, dict[str, Any]]]] = [
    ("by country", {"countries": ["KEN"]}),
    ("by indicator", {"indicator_ids": ["i13"]}),
    ("by year", {"years": [2022]}),
    ("by entity", {"entity_ids": ["e42"]}),
    ("by indicator and year", {"indicator_ids": ["i13"], "years": [2022]}),
    ("by country and year", {"countries": ["KEN"], "years": [2022]}),
    ("unfiltered", {}),
]
#: the column of current_observations each filter is on
COLUMN: Final = {
    "countries": "area",
    "indicator_ids": "indicator_id",
    "years": "year",
    "entity_ids": "entity_id",
}
#: where a keyset page starts: after a row in the middle of the order
AFTER: Final = ("reported", ROWS // 2)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'store.db'}"
    else:
        pg = request.getfixturevalue("postgres")
        url = pg.new_database()
        request.addfinalizer(lambda: pg.drop_database(url))
    store = Store.open(url)
    store.add_entities(
        [
            Entity(
                id=f"e{n}",
                name=f"Operator {n}",
                kind=EntityKind.COMPANY,
                country=COUNTRIES[n % len(COUNTRIES)],
                subsectors=("mobile_network",),
            )
            for n in range(ENTITIES)
        ],
        file_name="plans",
    )
    json_of = "CAST({} AS JSON)" if store.dialect == "postgresql" else "{}"
    with store.transaction() as connection:
        # one row of every (entity, indicator, year); the method of a series varies, and a
        # tenth of the series give their country (the others leave it to the entity's)
        connection.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < "
                f"{ROWS - 1}), s AS (SELECT i, i / ({INDICATORS * YEARS}) AS e, "
                f"(i / {YEARS}) % {INDICATORS} AS k, 2020 + i % {YEARS} AS y FROM n) "
                "INSERT INTO observations (series_key, revision, entity_id, indicator_id, year, "
                "country, value, unit, method, source, quality_flags, lineage, recorded_at, "
                "recorded_by) SELECT 'e' || s.e || '|' || s.k || '|' || s.y, 1, "
                "'e' || s.e, 'i' || s.k, s.y, NULL, s.i * 1.5, 'MWh', "
                "CASE s.i % 7 WHEN 0 THEN 'estimated' WHEN 1 THEN 'calculated' "
                "ELSE 'reported' END, 'plans', "
                f"{json_of.format(repr('[]'))}, {json_of.format(repr('{}'))}, "
                "CURRENT_TIMESTAMP, 'plans' FROM s"
            )
        )
    # as autovacuum leaves a store: statistics, and the visibility map for index-only scans
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if store.dialect == "postgresql" else "ANALYZE"))
    yield store
    store.close()


def test_the_store_is_as_described(store: Store) -> None:
    with store.engine.connect() as connection:
        assert connection.execute(count_query()).scalar_one() == ROWS
        assert connection.execute(count_query(countries=["KEN"])).scalar_one() == ROWS // 40


def plan(connection: Connection, query: Any) -> list[str]:
    """The plan's steps, one text each: "<operation> <table> <index>" (an empty index for a
    step that reads no index)."""
    sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "sqlite":
        return [row[3] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    found = connection.execute(text(f"EXPLAIN (FORMAT JSON) {sql}")).scalar_one()
    tree = found if isinstance(found, list) else json.loads(found)
    steps: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        # an index range is an "Index Cond"; an index walked whole with a "Filter" is not
        searched = "SEARCH" if "Index Cond" in node else ""
        steps.append(
            " ".join(
                (
                    node["Node Type"],
                    node.get("Relation Name", ""),
                    node.get("Index Name", ""),
                    searched,
                )
            ).strip()
        )
        for child in node.get("Plans", ()):
            walk(child)

    walk(tree[0]["Plan"])
    return steps


def assert_indexed(steps: list[str], *, ordered: bool, filters: dict[str, Any]) -> None:
    """Every read of the observation tables goes through an index; with ``filters``, a range
    of an index led by a filtered column (not an index walked whole, or a range of the page
    order, each entry checked against the filter); with ``ordered``, the rows come in page
    order from it (no sort of every matching row)."""
    text_ = "\n".join(steps)
    if filters:
        leading = tuple(f"ix_current_observations_{COLUMN[f]}_" for f in filters)
        assert any("SEARCH" in s and any(f" {ix}" in s for ix in leading) for s in steps), text_
    reads = [s for s in steps if "observations" in s]
    assert reads, text_
    for step in reads:
        # SQLite: "SEARCH t USING [COVERING] INDEX ix (...)", "SCAN t USING COVERING INDEX ix"
        # (an index in page order, stopped by LIMIT), "SEARCH t USING INTEGER PRIMARY KEY";
        # PostgreSQL: "Index Scan t ix", "Index Only Scan t ix", "Bitmap Heap Scan t"
        assert "Seq Scan" not in step, text_
        if step.startswith("SCAN "):
            assert "INDEX" in step, text_
    if ordered:
        assert "TEMP B-TREE FOR ORDER BY" not in text_, text_
        assert not any(s.startswith(("Sort", "Incremental Sort")) for s in steps), text_
    assert any("current_observations" in s and ("INDEX" in s or "ix_" in s) for s in steps), text_


@pytest.mark.parametrize(("name", "filters"), FILTERS, ids=[n for n, _ in FILTERS])
def test_a_page_is_an_index_range_in_page_order(
    store: Store, name: str, filters: dict[str, Any]
) -> None:
    with store.engine.connect() as connection:
        assert_indexed(
            plan(connection, page_ids(**filters, limit=100)),
            ordered=name not in UNSORTED,
            filters=filters,
        )


@pytest.mark.parametrize(("name", "filters"), FILTERS, ids=[n for n, _ in FILTERS])
def test_a_keyset_next_page_is_one_index_seek(
    store: Store, name: str, filters: dict[str, Any]
) -> None:
    with store.engine.connect() as connection:
        assert_indexed(
            plan(connection, page_ids(**filters, limit=100, after=AFTER)),
            ordered=name not in UNSORTED,
            filters=filters,
        )


#: the filters whose ranges are large (a country, an indicator, a year, all): there a deep
#: offset must skip index entries in page order (on a range of a few hundred rows, a planner
#: may rightly sort them all instead)
DEEP: Final = [
    (n, f) for n, f in FILTERS if n in ("by country", "by indicator", "by year", "unfiltered")
]


@pytest.mark.parametrize(("name", "filters"), DEEP, ids=[n for n, _ in DEEP])
def test_a_deep_offset_skips_index_entries_only(
    store: Store, name: str, filters: dict[str, Any]
) -> None:
    with store.engine.connect() as connection:
        query = page_ids(**filters, limit=100, offset=200)
        assert_indexed(plan(connection, query), ordered=True, filters=filters)


@pytest.mark.parametrize(("name", "filters"), FILTERS[:-1], ids=[n for n, _ in FILTERS[:-1]])
def test_a_filtered_count_is_an_index_range(
    store: Store, name: str, filters: dict[str, Any]
) -> None:
    with store.engine.connect() as connection:
        assert_indexed(plan(connection, count_query(**filters)), ordered=False, filters=filters)


@pytest.mark.parametrize(("name", "filters"), FILTERS, ids=[n for n, _ in FILTERS])
def test_a_page_reads_observations_by_primary_key(
    store: Store, name: str, filters: dict[str, Any]
) -> None:
    with store.engine.connect() as connection:
        steps = plan(connection, page_rows(**filters, limit=100, after=AFTER))
    assert_indexed(steps, ordered=False, filters=filters)
    reads = [s for s in steps if "observations" in s and "current_observations" not in s]
    assert reads and all(("PRIMARY KEY" in s or "pk_observations" in s) for s in reads), steps


def test_keyset_pages_are_the_offset_pages(store: Store) -> None:
    """The keyset page after a row is the offset page that starts after it."""
    with store.engine.connect() as connection:
        by_offset = [r[0] for r in connection.execute(page_ids(countries=["KEN"], limit=300))]
        start = connection.execute(
            text("SELECT method FROM current_observations WHERE observation_id = :i"),
            {"i": by_offset[99]},
        ).scalar_one()
        after = [
            r[0]
            for r in connection.execute(
                page_ids(countries=["KEN"], limit=200, after=(start, by_offset[99]))
            )
        ]
    assert after == by_offset[100:]


@pytest.mark.parametrize("indicator_ids", [None, ["i13"], ["i1", "i2", "i39"], ["i40"]])
def test_published_years_skip_through_an_index(
    store: Store, indicator_ids: list[str] | None
) -> None:
    """The years with a value (of some indicators) are those a DISTINCT of every value
    gives, read by index probes: on PostgreSQL a few index entries a year and indicator
    (some forty here), not the 1,200 of an indicator (the DISTINCT read all of them: 240 ms
    for the home page's sixteen at 4.4 M values)."""
    where = "" if indicator_ids is None else f"WHERE indicator_id IN {_listed(indicator_ids)}"
    with store.engine.connect() as connection:
        expected = connection.execute(
            text(f"SELECT DISTINCT year FROM current_observations {where} ORDER BY year")
        ).scalars()
        assert store.published_years(indicator_ids) == list(expected)
        steps = plan(connection, years_query(indicator_ids))
        assert_indexed(steps, ordered=False, filters={})
        if store.dialect == "postgresql":
            sql = str(
                years_query(indicator_ids).compile(
                    connection, compile_kwargs={"literal_binds": True}
                )
            )
            found = connection.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")).scalar_one()
            read = _entries_read(found if isinstance(found, list) else json.loads(found))
            assert 0 < read <= 10 * (YEARS + 1) * len(indicator_ids or [1]), read


def _listed(values: list[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _entries_read(tree: list[dict[str, Any]]) -> int:
    """The rows PostgreSQL's plan read from current_observations, over every loop."""
    total = 0

    def walk(node: dict[str, Any]) -> None:
        nonlocal total
        if node.get("Relation Name") == "current_observations":
            total += int(node["Actual Rows"]) * int(node["Actual Loops"])
        for child in node.get("Plans", ()):
            walk(child)

    walk(tree[0]["Plan"])
    return total
