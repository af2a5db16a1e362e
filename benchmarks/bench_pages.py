"""Benchmark: uncached dashboard pages and the world report at the scale of the real thing.

    .venv/bin/python benchmarks/bench_pages.py --db bench.db [--observations 1000000]
        [--samples 20] [--before SRC] [--before-samples 5] [--page NAME ...]

On a store built by ``generate_store.py`` (built first, with ``--observations`` current values,
when ``--db`` is empty; a PostgreSQL URL works the same), each page is requested
``--samples`` times in a row in a child process of its own (FastAPI's test client, after one
untimed request; the read cache and the kept counts emptied before every request, as
``bench_reads.py`` does, so every answer is computed): the median of the first five, the p99
(nearest rank) of all, the child's CPU time per request and its peak RSS. ``--before SRC``
measures the same pages with another copy of the package (``SRC`` is a ``src`` folder, e.g.
``git archive`` of an earlier commit) and prints both side by side. The machine may be
shared: the load average is printed beside the figures.

Pages: the profile of a country (``/en/countries/FRA``), the country list, the home page's
world map, the world's sector page, the world report (HTML, ``/api/v1/reports/world``).

Measured on this 2-core machine shared with two other sessions (load average 1.8-4.7), SQLite,
1,000,590 current values (2,381 entities, 200 countries, 10 years, 40 indicators); before =
main at 2066104 (3 requests, at load ≈ 2; the country profile 5 at load ≈ 4), after = this
branch (20 requests, at load 3.2-4.7, so compare CPU times); median / p99 wall, median CPU,
peak RSS:

| page | before | after |
|---|---|---|
| country list (*) | 34.9 s / 41.3 s, CPU 34.1 s, 4,159 MB | 0.65 s / 0.97 s, CPU 0.49 s, 305 MB |
| world map (home) | 6.0 s / 6.6 s, CPU 6.0 s, 631 MB | 4.9 s / 6.0 s, CPU 3.1 s, 477 MB |
| world report (HTML) | 9.0 s / 9.9 s, CPU 8.8 s, 884 MB | 9.4 s / 11.8 s, CPU 6.4 s, 511 MB |
| country profile (FRA) | 5.2 s / 7.5 s, CPU 4.8 s, 490 MB | 4.5 s / 8.5 s, CPU 4.0 s, 477 MB |
| world sector page | 2.5 s / 2.8 s, CPU 2.3 s, 471 MB | 3.0 s / 4.4 s, CPU 2.4 s, 482 MB |

(*) before: answered 503 by the server at its 30 s limit. What is left in every page but the
country list is the sector totals, series and trajectory
(``compute.sector.sector_levels`` reads every input value into Python): the materialised
``sector_rows`` of issue 15 are where those seconds and most of the 480 MB go.

At 4.3 M current values (SQLite, ``generate_store.py`` defaults), stop 25, 5 requests each,
median wall (CPU), peak RSS; before = 289e21e (the in-sector frame computed) at load
2.6-3.9, after = 0c10a59 (the in-sector frame read from ``sector_rows``) at load 0.8-1.0:
country profile 11.2 s (9.9 s), 573 MB -> 5.3 s (5.3 s), 545 MB; country list 4.1 s (2.8 s)
-> 2.0 s (2.0 s); world map 7.0 s (6.6 s), 597 MB -> 3.9 s (3.8 s), 542 MB; world sector page
5.0 s (4.6 s) -> 3.1 s (3.1 s); world report 18.3 s (17.4 s), 698 MB -> 14.5 s (14.5 s),
673 MB. The area trajectories (every area's trends computed to show one), the sector's years
and the series read twice are what is left.

Stop 26, same store, 5 requests each, one run at load 0.6-1.1; before = 34a7f57, after =
1030869 (one area's totals picked in the database, its coverage and like-for-like from its
countries, the trends' frame of complete rows and five columns read once a page, the chain in
one pass): median / p99 wall, peak RSS:

| page | before | after |
|---|---|---|
| country profile | 5.93 s / 6.74 s, 569 MB | 1.35 s / 1.53 s, 424 MB |
| country list | 2.73 s / 3.17 s, 274 MB | 2.60 s / 2.76 s, 275 MB |
| world map (home) | 5.16 s / 5.78 s, 555 MB | 2.12 s / 2.59 s, 470 MB |
| world sector page | 4.33 s / 4.55 s, 550 MB | 3.05 s / 3.53 s, 464 MB |
| world report (HTML) | 16.6 s / 17.9 s, 682 MB | 8.60 s / 11.1 s, 602 MB |

Left (profiled): the world's pages still compute the world's coverage and like-for-like over
every reporter, twice when the series and the trajectory ask for other years; the report's
facts (sources, contributors, restatements, newest) are five scans of the year's values
(3 s); the frame read costs about 3 µs a row in the driver.

Stop 27, PostgreSQL (the store of ``generate_store.py``, 4,285,920 current values; the
machine otherwise quiet, load 1.2-1.8), 5 requests each; before = 5aeb4b4, after = 6155fb9
(one area's trends read its ITU regions' rows; a country's company ratios one median a year,
the page 752 kB -> 150 kB; the report's facts in one pass): median / p99 wall, CPU, peak RSS:

| page | before | after |
|---|---|---|
| country profile | 1.44 s / 1.54 s, CPU 0.93 s, 362 MB | 1.05 s / 1.07 s, CPU 0.51 s, 267 MB |
| world sector page | 2.95 s / 3.32 s, CPU 1.99 s, 407 MB | 2.96 s / 3.09 s, CPU 1.95 s, 403 MB |
| world report (HTML) | 10.4 s / 11.0 s, CPU 4.6 s, 512 MB | 9.27 s / 9.91 s, CPU 4.9 s, 515 MB |

With the year filter on the facts (6d503be), at load 3.9: country profile 0.96 s / 1.18 s,
world report 7.96 s / 9.39 s, 512 MB. The report's wall time is twice its CPU time: half of
it is PostgreSQL's (the facts, 4.9 s -> 1.4-1.8 s; the breakdowns and movers).

Stop 32, PostgreSQL, the store of ``generate_store.py`` (4,285,920 current values), the machine
quiet (load 0.6-1.5), 10 requests each; before = 22986a8, after = this stop's tree (the
country's series and trajectory from one computation of its trends; the years with values by
an index skip scan, not a DISTINCT; each area's entities counted from distinct pairs; no JIT;
a total's lists as counts and their first 200 rows): median / p99, CPU, peak RSS:

| page | before | after |
|---|---|---|
| country profile | 311 / 401 ms, CPU 172 ms, 242 MB | 231 / 329 ms, CPU 128 ms, 242 MB |
| country list | 2,571 / 2,588 ms, CPU 11 ms, 213 MB | 707 / 734 ms, CPU 8 ms, 213 MB |
| world map (home) | 1,758 / 1,833 ms, CPU 976 ms, 407 MB | 939 / 1,072 ms, CPU 606 ms, 422 MB |
| world sector page | 1,603 / 1,679 ms, CPU 1,067 ms, 443 MB | 887 / 993 ms, CPU 610 ms, 435 MB |
| world report (HTML) | 3,631 / 3,698 ms, CPU 1,956, 469 MB | 2,416 / 2,528 ms, CPU 1,154, 434 MB |

At 10 M values (``generate_store.py --observations 10000000``, 10,002,100 current), after, 5
requests: country profile 405 / 474 ms, 254 MB; country list 1,664 / 1,682 ms; home 1,995 /
2,246 ms, 564 MB; world sector page 1,928 / 2,093 ms, 595 MB; world report (HTML) 6,227 /
6,768 ms, 590 MB (before the frame was built a chunk at a time and the lists read as counts:
home 2,299 ms, 652 MB; world page 2,347 ms, 723 MB). What is left on the world's pages is the
world's trends, computed per request from every reporter's rows (0.9 s at 4.4 M, 2.5 s at
10 M): the next step is to keep them, like the totals.

Stop 33, the same store, the machine quiet (load 0.5-1.4); before = 0843c49 (10 requests),
after = this stop's tree (10 requests; answers kept in the store while the data's generation
holds: the trends of the pages, reports and trajectories, the report's facts of its year, a
country's profile data, the country list's counts, the map's reporter count, the explorer's
entities; a series reads no left-out lists). ``--after-change`` moves the generation on
before every request (5 requests): the first read after an accepted submission. Median / p99,
median CPU, peak RSS:

| page | before | after | after a change |
|---|---|---|---|
| country profile | 253 / 347 ms, 137 ms, 242 MB | 58 / 59 ms, 49 ms, 222 MB | 259 / 270 ms |
| country list | 687 / 697 ms, 10 ms, 213 MB | 7 / 10 ms, 6 ms, 213 MB | 636 / 646 ms |
| world map (home) | 928 / 1,051 ms, 639 ms, 426 MB | 70 / 82 ms, 53 ms, 235 MB | 922 / 952 ms |
| world sector page | 872 / 1,048 ms, 640 ms, 435 MB | 96 / 104 ms, 51 ms, 233 MB | 889 / 903 ms |
| world report (HTML) | 2,465 / 2,523 ms, 1,229 ms | 221 / 320 ms, 211 ms, 270 MB | 2,529 / 2,571 |

SQLite, the same 4.4 M values, after, 5 requests: country profile 36 / 39 ms, country list 7 /
11 ms, home 50 / 171 ms, world sector page 62 / 173 ms, world report 182 / 299 ms (peak RSS
417-450 MB: the untimed first request computes what is kept). At 10 M values (PostgreSQL),
after, 5 requests: country profile 60 / 65 ms, country list 7 / 10 ms, home 90 / 101 ms, world
sector page 123 / 145 ms, world report 484 / 598 ms (peak RSS 533-543 MB, from the first
request's computation). What is left in the world report is its submissions' summary (the
7,885 reporters' submissions read as records to count their statuses: 157 ms), which the
data's generation does not follow (a submission is not data until accepted).

Stop 34, a store regenerated (4,407,682 values, 4,285,920 current, PostgreSQL), 10 requests,
load 1-2.5; before = ed6ece4 (stop 33's tree), after = this stop's (the map's values and
indicators and an area page's totals kept too, a page's rows brought up to date once, numbers
formatted with babel's patterns parsed once, the matrix's badges written once). Median / p99,
median CPU:

| page | before | after |
|---|---|---|
| country profile | 79 / 97 ms, 61 ms | 49 / 50 ms, 43 ms |
| country list | 9 / 11 ms, 8 ms | 11 / 15 ms, 10 ms |
| world map (home) | 100 / 108 ms, 72 ms | 51 / 60 ms, 44 ms |
| world sector page | 119 / 150 ms, 85 ms | 63 / 67 ms, 51 ms |
| world report (HTML) | 239 / 421 ms, 160 ms | 153 / 332 ms, 124 ms |

The 24 pages compared (home, world, FRA, KEN, country list, explorer; en, ar, zh, fr) are
byte for byte the same before and after.

Stop 35, the same store, 10 requests, the machine quiet (load 1.4-1.6), every answer kept;
before = c7a7d05 (stop 34's tree), after = 74bac48 (the trends shared decoded in a process,
numbers formatted lately kept formatted). Median / p99, median CPU, peak RSS:

| page | before | after |
|---|---|---|
| country profile | 28 / 29 ms, 25 ms, 228 MB | 26 / 30 ms, 23 ms, 227 MB |
| country list | 7 / 9 ms, 6 ms, 213 MB | 10 / 12 ms, 9 ms, 213 MB |
| world map (home) | 45 / 69 ms, 39 ms, 235 MB | 31 / 41 ms, 29 ms, 232 MB |
| world sector page | 43 / 52 ms, 39 ms, 234 MB | 32 / 35 ms, 28 ms, 232 MB |
| world report (HTML) | 133 / 301 ms, 117 ms, 270 MB | 95 / 124 ms, 79 ms, 273 MB |

The country list reads no shared answer (5.4-7.9 ms in process either way, runs alike).
A run in which after's first, untimed request computed the world report's answers (made
stale by ``bench_after_change.py``) peaked at 398 MB. SQLite, 4,407,682 values, in process,
median of 20 (c7a7d05 -> 74bac48): home 35.0 -> 19.0 ms, France 21.9 -> 20.3, world 33.8 ->
21.6, explorer 14.8 -> 10.8, every country's aggregate 81.4 -> 13.0 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).parent))

#: (name, path)
PAGES: Final = (
    ("country profile", "/en/countries/FRA"),
    ("country list", "/en/countries"),
    ("world map (home)", "/en/"),
    ("world sector page", "/en/world"),
    ("world report (HTML)", "/api/v1/reports/world?format=html"),
)


def child(db: str, path: str, samples: int, after_change: bool = False) -> dict[str, Any]:
    """Time ``samples`` uncached requests of ``path`` in this process (the package on
    ``sys.path`` is the one measured). ``after_change``: the data's generation moved on
    before every request, as an accepted submission does, so that the answers kept in the
    store are computed again (the first read after a change)."""
    from fastapi.testclient import TestClient

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings
    from ictfootprint.store import Store

    store = Store.open(db, actor="bench_pages")
    # no time limit: a page slower than the server's 30 s is measured, not answered 503
    settings = Settings.default(db=db, rate_limit_per_minute=0, request_timeout_seconds=3600.0)
    app = create_app(settings, store=store)
    times: list[float] = []
    cpu: list[float] = []
    with TestClient(app) as client:
        for attempt in range(samples + 1):
            app.state.cache.items.clear()
            app.state.counts.items.clear()
            if after_change:
                from ictfootprint.compute.kept_answers import mark

                with store.engine.begin() as connection:
                    mark(connection)
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
            if attempt:  # the first warms the connection and the reference data
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
    store.close()
    ordered = sorted(times)
    return {
        "median_s": statistics.median(times[:5]),
        "p99_s": ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)],
        "cpu_s": statistics.median(cpu),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "samples": len(times),
    }


def measure(
    src: str, db: str, samples: int, pages: list[tuple[str, str]], after_change: bool = False
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    environment = {**os.environ, "PYTHONPATH": src}
    for name, path in pages:
        changed = ["--after-change"] if after_change else []
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--db",
                db,
                "--child",
                path,
                "--samples",
                str(samples),
                *changed,
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"{name} ({src}): {done.stderr[-2000:]}")
        found[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {src}: {name}: {found[name]} (load {os.getloadavg()[0]:.1f})", flush=True)
    return found


def _cell(figures: dict[str, Any] | None) -> str:
    if figures is None:
        return " — | — | — | — |"
    return (
        f" {figures['median_s'] * 1000:,.0f} ms | {figures['p99_s'] * 1000:,.0f} ms |"
        f" {figures['cpu_s'] * 1000:,.0f} ms | {figures['peak_mb']:,.0f} MB |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file path or PostgreSQL URL")
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--before", help="a src folder of the package to compare with")
    parser.add_argument("--before-samples", type=int, default=5)
    parser.add_argument("--page", action="append", help="only these pages (by name)")
    parser.add_argument("--no-after", action="store_true", help="measure --before only")
    parser.add_argument(
        "--after-change",
        action="store_true",
        help="the data changed before every request: the kept answers computed again",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.db, args.child, args.samples, args.after_change)))
        return
    from generate_store import Shape, generate
    from sqlalchemy import func, select, text

    from ictfootprint.store import Store
    from ictfootprint.store.schema import current_observations

    store = Store.open(args.db, actor="bench_pages")
    with store.engine.connect() as connection:
        count = connection.execute(
            select(func.count()).select_from(current_observations)
        ).scalar_one()
    if count == 0:
        done = generate(args.db, Shape.for_observations(args.observations), progress=True)
        print(f"generated {done.rows:,} rows: {done.rows_per_second:,.0f} rows/s")
        with store.engine.connect() as connection:
            count = connection.execute(
                select(func.count()).select_from(current_observations)
            ).scalar_one()
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    store.close()
    pages = [p for p in PAGES if not args.page or p[0] in args.page]
    this = str(Path(__file__).resolve().parent.parent / "src")
    print(f"{store.dialect}, {count:,} current values; load {os.getloadavg()}", flush=True)
    after = {} if args.no_after else measure(this, args.db, args.samples, pages, args.after_change)
    before = measure(args.before, args.db, args.before_samples, pages) if args.before else None
    columns = ["median", "p99", "CPU", "peak RSS"]
    shown = ([f"before {c}" for c in columns] if before else []) + columns
    print("| page | " + " | ".join(shown) + " |\n|---|" + "---|" * len(shown))
    for name, _path in pages:
        print(f"| {name} |" + (_cell(before.get(name)) if before else "") + _cell(after.get(name)))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
