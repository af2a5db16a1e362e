"""Benchmark: uncached API reads at the scale of the real thing, beside hand-written SQL.

    .venv/bin/python benchmarks/bench_reads.py --db bench.db [--observations 4000000]
        [--repeat 3]

On a store built by ``generate_store.py`` (built first, with ``--observations`` current values,
when ``--db`` is empty; a PostgreSQL URL works the same), each request is sent to the API in
this process (FastAPI's test client, the read cache and the kept counts emptied before every
request, so every answer is computed) and timed, median of ``--repeat`` after one untimed
call; beside it, the same rows (and their count) by SQL written by hand against the
``observations`` and ``entities`` tables alone: the current revision as "no higher revision
of the series" (the unique index on series and revision), filters on the indexed columns, the
same order (method, id); and, on a store that has it (migration 0006), by hand through
``current_observations``, the fastest the database does it. Prints a table.

Requests: observations by country, indicator, entity and year (a page of 100), the page at
offset 100,000, and the CSV export of one country.

Measured on this 2-core machine shared with other work, 1.03 M observations (2,381
entities, 200 countries, 10 years, 40 indicators), API median of 3, before → after migration
0006 (``current_observations``). SQLite, both at load ≈ 4; PostgreSQL before at load ≈ 10
(SQLite then: 10-16 s a request), after at load ≈ 4:

| request | SQLite | PostgreSQL |
|---|---|---|
| by country | 1,893 → 5.1 ms | 2,648 → 26 ms |
| by indicator | 4,212 → 23 ms | 4,795 → 27 ms |
| by entity | 3,712 → 7.8 ms | 259 → 13 ms |
| by year | 2,357 → 8.2 ms | 9,452 → 20 ms |
| offset 100,000 | 2,932 → 10 ms | 11,724 → 138 ms (most of it the unfiltered count) |
| export CSV by country (5,020 rows) | 2,988 → 299 ms | 3,768 → 776 ms |

After, the API is within 1.4-6× of the same rows by hand through ``current_observations``
(SQLite) and 2.2-3.5× (PostgreSQL); the export's remaining time is Python (models, CSV).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text

sys.path.insert(0, str(Path(__file__).parent))

from generate_store import Shape, generate

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store
from ictfootprint.store.schema import observations

CURRENT: Final = (
    "NOT EXISTS (SELECT 1 FROM observations r WHERE r.series_key = o.series_key "
    "AND r.revision > o.revision)"
)
AREA: Final = (
    "(o.country = :country OR (o.country IS NULL AND o.entity_id IN "
    "(SELECT id FROM entities WHERE country = :country)))"
)
#: the WHERE of the hand-written SQL on ``current_observations`` (migration 0006), by request
ON_CURRENT: Final = {
    "by country": "c.area = :country",
    "by indicator": "c.indicator_id = :i",
    "by entity": "c.entity_id = :e",
    "by year": "c.year = :y",
    "offset 100,000": "1 = 1",
    "export CSV by country": "c.area = :country",
}
#: (name, API path, WHERE of the hand-written SQL, its parameters, limit, offset)
REQUESTS: Final[list[tuple[str, str, str, dict[str, Any], int | None, int]]] = [
    (
        "by country",
        "/api/v1/observations?country=FRA&limit=100",
        AREA,
        {"country": "FRA"},
        100,
        0,
    ),
    (
        "by indicator",
        "/api/v1/observations?indicator=ghg_scope1&limit=100",
        "o.indicator_id = :i",
        {"i": "ghg_scope1"},
        100,
        0,
    ),
    (
        "by entity",
        "/api/v1/observations?entity=e00042&limit=100",
        "o.entity_id = :e",
        {"e": "e00042"},
        100,
        0,
    ),
    (
        "by year",
        "/api/v1/observations?year=2023&limit=100",
        "o.year = :y",
        {"y": 2023},
        100,
        0,
    ),
    ("offset 100,000", "/api/v1/observations?limit=100&offset=100000", "1 = 1", {}, 100, 100_000),
    (
        "export CSV by country",
        "/api/v1/exports/observations?format=csv&country=FRA",
        AREA,
        {"country": "FRA"},
        None,
        0,
    ),
]


def median_seconds(call: Callable[[], Any], repeat: int) -> float:
    """Median of ``repeat`` timed calls after one untimed (warm connection and page cache)."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def by_hand_on_current(
    store: Store, where: str, parameters: dict[str, Any], limit: int | None, offset: int
) -> Callable[[], int]:
    """The same rows by hand through ``current_observations``: what the database can do."""

    def run() -> int:
        page = f" LIMIT {limit} OFFSET {offset}" if limit is not None else ""
        with store.engine.connect() as connection:
            connection.execute(
                text(f"SELECT count(*) FROM current_observations c WHERE {where}"), parameters
            ).scalar_one()
            return len(
                connection.execute(
                    text(
                        "SELECT o.*, e.country AS entity_country FROM current_observations c "
                        "JOIN observations o ON o.id = c.observation_id JOIN entities e ON "
                        f"e.id = o.entity_id WHERE {where} ORDER BY c.method, "
                        f"c.observation_id{page}"
                    ),
                    parameters,
                ).all()
            )

    return run


def by_hand(
    store: Store, where: str, parameters: dict[str, Any], limit: int | None, offset: int
) -> Callable[[], int]:
    def run() -> int:
        page = f" LIMIT {limit} OFFSET {offset}" if limit is not None else ""
        with store.engine.connect() as connection:
            connection.execute(
                text(f"SELECT count(*) FROM observations o WHERE {where} AND {CURRENT}"),
                parameters,
            ).scalar_one()
            return len(
                connection.execute(
                    text(
                        "SELECT o.*, e.country AS entity_country FROM observations o JOIN "
                        f"entities e ON e.id = o.entity_id WHERE {where} AND {CURRENT} "
                        f"ORDER BY o.method, o.id{page}"
                    ),
                    parameters,
                ).all()
            )

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file path or PostgreSQL URL")
    parser.add_argument("--observations", type=int, default=4_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    store = Store.open(args.db, actor="bench_reads")
    with store.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(observations)).scalar_one()
    if count == 0:
        done = generate(args.db, Shape.for_observations(args.observations), progress=True)
        print(f"generated {done.rows:,} rows: {done.rows_per_second:,.0f} rows/s")
        with store.engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(observations)).scalar_one()
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    app = create_app(Settings.default(db=args.db, rate_limit_per_minute=0), store=store)
    print(f"{store.dialect}, {count:,} observations (revisions included), median of {args.repeat}")
    marked = inspect(store.engine).has_table("current_observations")
    print(
        "| request | API | hand-written SQL on observations | ratio |"
        + (" hand-written SQL on current_observations | ratio |" if marked else "")
        + "\n|---|---|---|---|"
        + ("---|---|" if marked else "")
    )
    with TestClient(app) as client:

        def request(path: str) -> Callable[[], Any]:
            def call() -> Any:
                app.state.cache.items.clear()
                app.state.counts.items.clear()  # nor the count kept for the query's pages
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code} {response.text[:200]}")
                return response

            return call

        for name, path, where, parameters, limit, offset in REQUESTS:
            api = median_seconds(request(path), args.repeat)
            sql = median_seconds(by_hand(store, where, parameters, limit, offset), args.repeat)
            line = f"| {name} | {api * 1000:,.1f} ms | {sql * 1000:,.1f} ms | {api / sql:.1f}× |"
            if marked:
                best = median_seconds(
                    by_hand_on_current(store, ON_CURRENT[name], parameters, limit, offset),
                    args.repeat,
                )
                line += f" {best * 1000:,.1f} ms | {api / best:.1f}× |"
            print(line)
    store.close()


if __name__ == "__main__":
    main()
