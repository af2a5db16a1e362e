"""Benchmark: how fast PostgreSQL itself takes values into the store's schema, beside the store.

    .venv/bin/python benchmarks/bench_ingest_floor.py --pg postgresql://... [--rows 200000]
        [--repeat 3]

Issue 15 asks ingest at 200,000 rows/s on PostgreSQL. This measures what any path could reach
on the machine it runs on. The same ``--rows`` values (first revisions of as many series:
``bench_ingest``'s payload, 200 countries × 25 years × 40 indicators an entity) are written
four ways, each on a fresh database migrated to the store's schema, timed from the first byte
sent to the commit:

* ``store`` — ``observations.record_rows`` in one transaction: the store path (COPY into a
  staging table, one ``INSERT … SELECT`` that assigns revisions, the triggers);
* ``copy_into_schema`` — the same values already made ``observations`` rows (series key,
  revision 1, recorded at and by), COPYed straight into ``observations`` with its indexes,
  foreign keys and triggers: less work than any incremental path can do, since it checks no
  earlier revision;
* ``copy_rebuilt`` — that COPY with the indexes and foreign keys of ``observations`` and
  ``current_observations`` and the current-value trigger dropped first, ``current_observations``
  filled by one ``INSERT … SELECT``, then everything created again (sorted index builds, each
  foreign key checked by one join) in the same transaction: the floor of a bulk load that
  locks both tables against every reader for its duration;
* ``copy_bare`` — that COPY into a table like ``observations`` with no index, constraint or
  trigger: the database's own write speed, which no path that keeps any index can reach.

The COPY text is made once, before the timings (from the bare table, ``COPY … TO STDOUT``), so
those three time the database alone. Prints rows written per second, median of ``--repeat``.

Stop 38, this 2-core machine quiet (load 0.4), PostgreSQL 15 (``shared_buffers`` 1 GB,
``synchronous_commit`` off), rows written per second:

| path | 200,000 values, median of 3 | 1,000,000 values, one run |
|---|---|---|
| store | 17,161 (11.65 s) | 15,368 (65.1 s) |
| copy_into_schema | 20,629 (9.70 s) | 19,710 (50.7 s) |
| copy_rebuilt | 57,419 (3.48 s) | 55,596 (18.0 s) |
| copy_bare | 350,921 (0.57 s) | 347,126 (2.9 s) |

The store path is at 83 % of the database's own incremental floor (``copy_into_schema``): the
rest is the revision join and staging. The 200,000 rows/s of issue 15 lie between the bare
table's speed and everything else: a value takes twelve index entries (four in
``observations``, eight in ``current_observations``, which the reads of the pages and the API
need) and three foreign-key checks, and even built by sorting, after the load, in a
transaction that locks both tables, they cost six times the COPY itself.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
import bench_ingest  # the payload and the fresh databases of the ingest benchmark

SCENARIOS: Final = ("store", "copy_into_schema", "copy_rebuilt", "copy_bare")
ENTITY: Final = "floor-operator"
ACTOR: Final = "bench_ingest_floor"
#: values of one entity in bench_ingest's payload (countries × years × indicators)
PER_ENTITY: Final = 200_000
#: the columns a COPY of ``observations`` rows gives, in this order
COLUMNS: Final = ("series_key", "revision", "recorded_at", "recorded_by")
#: the two tables ``copy_rebuilt`` strips and builds again
TABLES: Final = ("observations", "current_observations")
_CURRENT_FILL: Final = (
    "INSERT INTO current_observations (series_key, observation_id, revision, entity_id, "
    "indicator_id, year, area, method) SELECT n.series_key, n.id, n.revision, n.entity_id, "
    "n.indicator_id, n.year, COALESCE(n.country, e.country), n.method FROM observations n "
    "JOIN entities e ON e.id = n.entity_id"
)


def _rows(count: int) -> tuple[list[dict[str, Any]], list[str]]:
    """``count`` values as a checked submission holds them, and their series keys."""
    from ictfootprint.store.observations import ROW_DEFAULTS, key_of

    rows: list[dict[str, Any]] = []
    for number in range(0, count, PER_ENTITY):
        entity = f"{ENTITY}-{number // PER_ENTITY}"
        payload = bench_ingest._payload(min(PER_ENTITY, count - number), entity, 1.0)
        rows.extend(ROW_DEFAULTS | {"quality_flags": []} | row for row in payload)
    return rows, [key_of(row) for row in rows]


def _fresh(server: str, rows: list[dict[str, Any]]) -> tuple[str, int]:
    """A database at the store's schema with the rows' entities and one submission."""
    from ictfootprint.model import Entity, EntityKind
    from ictfootprint.store import Store

    url = bench_ingest._fresh_pg(server)
    store = Store.open(url, actor=ACTOR)
    entities = sorted({row["entity_id"] for row in rows})
    for entity in entities:
        store.add_entity(Entity(id=entity, name=f"{entity} (fictitious)", kind=EntityKind.COMPANY))
    submission = bench_ingest._submission(store, entities[0], [], "floor.json")
    store.close()
    return url, submission


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _copy_text(server: str, rows: list[dict[str, Any]], keys: list[str], at: datetime) -> bytes:
    """The rows as ``observations`` rows in COPY's text format, made by the database itself."""
    from ictfootprint.store import bulk

    url, submission = _fresh(server, rows)
    names = ", ".join((*COLUMNS, *bulk.GIVEN))
    with psycopg.connect(_plain(url)) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE rows_made (LIKE observations INCLUDING DEFAULTS)")
        with cursor.copy(f"COPY rows_made ({names}) FROM STDIN") as copy:
            for number, (row, key) in enumerate(zip(rows, keys, strict=True)):
                values = bulk._row_values(row | {"submission_id": submission}, number, key)
                copy.write_row([key, 1, at, ACTOR, *values[2:]])
        text = bytearray()
        with cursor.copy(f"COPY rows_made ({names}) TO STDOUT") as copy:
            for block in copy:
                text += block
    _drop(server, url)
    return bytes(text)


def _drop(server: str, url: str) -> None:
    with psycopg.connect(_plain(server), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}"')


def _store(url: str, rows: list[dict[str, Any]], submission: int) -> float:
    from ictfootprint.store import Store
    from ictfootprint.store.observations import record_rows

    store = Store.open(url, actor=ACTOR)
    batch = [row | {"submission_id": submission} for row in rows]
    start = time.perf_counter()
    with store.transaction() as connection:
        record_rows(connection, batch, ACTOR)
    seconds = time.perf_counter() - start
    store.close()
    return seconds


def _copy(url: str, text: bytes, table: str, before: list[str], after: list[str]) -> float:
    from ictfootprint.store import bulk

    names = ", ".join((*COLUMNS, *bulk.GIVEN))
    with psycopg.connect(_plain(url)) as connection, connection.cursor() as cursor:
        start = time.perf_counter()
        for statement in before:
            cursor.execute(statement.encode())
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            copy.write(text)
        for statement in after:
            cursor.execute(statement.encode())
        connection.commit()
        seconds = time.perf_counter() - start
        if table == "observations":  # the current values kept up, by trigger or rebuilt
            count = cursor.execute("SELECT count(*) FROM observations").fetchone()
            current = cursor.execute("SELECT count(*) FROM current_observations").fetchone()
            assert current == count, f"current_observations has {current}, not {count}"
    return seconds


def _rebuilt_statements(url: str) -> tuple[list[str], list[str]]:
    """What ``copy_rebuilt`` runs before and after its COPY, read from the database itself:
    every index and constraint of the two tables but ``observations``' primary key (the
    ids), dropped foreign keys first and made again last."""
    with psycopg.connect(_plain(url)) as connection:
        indexes = connection.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [list(TABLES)],
        ).fetchall()
        constraints = connection.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) "
            "AND c.contype IN ('p', 'u', 'f') AND c.conname <> 'pk_observations' "
            "ORDER BY c.contype = 'f', c.conname",
            [list(TABLES)],
        ).fetchall()
    before = ["ALTER TABLE observations DISABLE TRIGGER observations_current"]
    before += [f"ALTER TABLE {t} DROP CONSTRAINT {n}" for t, n, _ in reversed(constraints)]
    before += [f"DROP INDEX {name}" for name, _ in indexes]
    after = [_CURRENT_FILL, *(definition for _, definition in indexes)]
    after += [f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}" for t, n, d in constraints]
    after.append("ALTER TABLE observations ENABLE TRIGGER observations_current")
    return before, after


def measure(scenario: str, server: str, rows: list[dict[str, Any]], text: bytes) -> float:
    url, submission = _fresh(server, rows)
    try:
        if scenario == "store":
            return _store(url, rows, submission)
        if scenario == "copy_into_schema":
            return _copy(url, text, "observations", [], [])
        if scenario == "copy_rebuilt":
            before, after = _rebuilt_statements(url)
            return _copy(url, text, "observations", before, after)
        return _copy(
            url, text, "bare", ["CREATE TABLE bare (LIKE observations INCLUDING DEFAULTS)"], []
        )
    finally:
        _drop(server, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True, help="PostgreSQL server URL (databases made)")
    parser.add_argument("--rows", type=int, default=PER_ENTITY)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=SCENARIOS, action="append")
    args = parser.parse_args()
    server = _plain(args.pg)
    rows, keys = _rows(args.rows)
    text = _copy_text(server, rows, keys, datetime.now(UTC))
    print(f"{len(rows):,} values, {len(text) / 2**20:,.0f} MiB of COPY text")
    results = {}
    for scenario in args.only or SCENARIOS:
        runs = [measure(scenario, server, rows, text) for _ in range(args.repeat)]
        results[scenario] = statistics.median(runs)
        print(f"  {scenario}: " + ", ".join(f"{s:.2f} s" for s in runs), flush=True)
    print(f"\n{len(rows):,} values, median of {args.repeat}, rows written per second\n")
    print("| path | seconds | rows/s |\n|---|---|---|")
    for scenario, seconds in results.items():
        print(f"| {scenario} | {seconds:.2f} | {len(rows) / seconds:,.0f} |")


if __name__ == "__main__":
    main()
