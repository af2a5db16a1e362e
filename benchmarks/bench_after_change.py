"""Benchmark: the first reads after a change, many clients at once, on the real server.

    .venv/bin/python benchmarks/bench_after_change.py --db bench.db [--clients 40]
        [--workers 2] [--page PATH ...] [--before SRC]

Serves ``--db`` (a store built by ``generate_store.py``, SQLite or PostgreSQL) with
``ictfootprint serve`` on 127.0.0.1; per page, warms the workers with a few requests, then
marks the data changed (adds one to ``data_generation``, as accepting a submission does, so
every kept answer is out of date while the data is the same) and sends ``--clients``
requests of the page at once, each with a query string never asked before. Prints the time
until all are served, the median and the slowest, the workers' CPU time and the highest peak
RSS of a worker. ``--before SRC`` serves another copy of the package (``SRC`` is a ``src``
folder, e.g. ``git archive`` of an earlier commit) the same way, side by side.

Measured on this 2-core machine, quiet, PostgreSQL 4,285,920 current values, 2 workers, 40
clients at once, a server per page; before = 9387c0c (every request computed the answers it
missed, up to the four renders a worker runs at once), after = d070fda (one computation of a
question per process, the others wait and read what it kept); all served / median / workers'
CPU / highest worker peak RSS:

| page | before | after |
|---|---|---|
| home (world map) | 8.31 s / 7.09 s / 11.1 s / 791 MB | 2.84 s / 2.28 s / 3.4 s / 433 MB |
| world sector page | 9.19 s / 7.35 s / 12.1 s / 801 MB | 2.71 s / 2.14 s / 3.3 s / 425 MB |
| France | 2.90 s / 2.50 s / 3.4 s / 290 MB | 1.19 s / 0.79 s / 1.5 s / 268 MB |

Before, a worker went past the issue's 500 MB goal. What is left is the computation itself
(about 0.9 s of the world's trends, once per worker) and then the 40 renders.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_api import (
    fetch_once,
    free_port,
    group_cpu_seconds,
    group_processes,
    start_server,
    stop_server,
)

PAGES = ("/en/", "/en/world", "/en/countries/FRA")


def worker_peak_mb(pgid: int) -> float:
    """The highest peak RSS (VmHWM) of the server's processes, in MB."""
    peak = 0
    for entry, _fields in group_processes(pgid):
        try:
            status = (entry / "status").read_text().splitlines()
        except OSError:
            continue
        for line in status:
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) * 1024)
    return peak / 1e6


def mark_changed(db: str) -> None:
    """What accepting a submission does to the kept answers: a new generation."""
    from ictfootprint.compute.kept_answers import mark
    from ictfootprint.store import Store

    store = Store.open(db, actor="bench_after_change")
    with store.engine.begin() as connection:
        mark(connection)
    store.close()


async def at_once(port: int, path: str, clients: int) -> list[tuple[float, int]]:
    async def one(n: int) -> tuple[float, int]:
        started = time.perf_counter()
        status, _body = await fetch_once(port, f"{path}?after_change={n}")
        return time.perf_counter() - started, status

    return list(await asyncio.gather(*(one(n) for n in range(clients))))


def measure(db: str, pages: list[str], clients: int, workers: int, src: str | None) -> list[str]:
    lines = []
    saved = os.environ.get("PYTHONPATH")
    if src is not None:
        os.environ["PYTHONPATH"] = src
    try:
        for path in pages:  # a server each: a worker's peak RSS is since it started
            with tempfile.TemporaryDirectory(prefix="bench-after-change-") as folder:
                port = free_port()
                server = start_server(db, port, workers, Path(folder) / "server.log")
                try:
                    for n in range(2 * workers):
                        asyncio.run(fetch_once(port, f"{path}?warm={n}"))
                    mark_changed(db)
                    cpu = group_cpu_seconds(server.pid)
                    started = time.perf_counter()
                    served = asyncio.run(at_once(port, path, clients))
                    wall = time.perf_counter() - started
                    times = sorted(t for t, _status in served)
                    statuses = sorted({status for _t, status in served})
                    lines.append(
                        f"{wall:.2f} s / {times[len(times) // 2]:.2f} s / "
                        f"{group_cpu_seconds(server.pid) - cpu:.1f} s / "
                        f"{worker_peak_mb(server.pid):.0f} MB"
                        + ("" if statuses == [200] else f" (statuses {statuses})")
                    )
                finally:
                    stop_server(server)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", required=True, help="SQLite file path or PostgreSQL URL")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page", action="append", help="a path to ask (repeatable)")
    parser.add_argument("--before", help="a src folder of the package to compare with")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200:
        raise SystemExit("1 to 200 clients")
    pages = args.page or list(PAGES)
    after = measure(args.db, pages, args.clients, args.workers, None)
    before = (
        measure(args.db, pages, args.clients, args.workers, args.before) if args.before else None
    )
    print(
        f"{args.clients} clients at once after a change, {args.workers} workers: "
        "all served / median / workers' CPU / highest worker peak RSS"
    )
    if before is None:
        print("| page | now |\n|---|---|")
        for path, figure in zip(pages, after, strict=True):
            print(f"| {path} | {figure} |")
    else:
        print("| page | before | now |\n|---|---|---|")
        for path, old, new in zip(pages, before, after, strict=True):
            print(f"| {path} | {old} | {new} |")


if __name__ == "__main__":
    main()
