"""Benchmark: the peak memory (max RSS) of the main commands and of a worker answering reads.

    .venv/bin/python benchmarks/bench_memory.py --db bench.db [--observations 4000000]
        [--before SRC]

On a store built by ``generate_store.py`` (built first when ``--db`` does not exist), each
task runs in its own process and its peak resident memory is read from the kernel
(``/usr/bin/time -f %M``, or ``getrusage`` in the child): the whole process, interpreter and
libraries included. Goal (issue 15): at most 500 MB for any command or worker at 4 M
observations. ``--before SRC`` runs the same tasks with another copy of the package (a ``src``
folder) and prints both.

Tasks: ``aggregate --level world --year 2023 --format json``; ``export --format csv`` (all
current observations, to a file) and ``--format parquet``; the footprint run
(``compute_footprint(store, years=[2023], write=False)``); a worker (the API app in process)
answering observation pages, an aggregate and a CSV export of one country.

Measured on a 1.03 M-observation SQLite store (generate_store.py --observations 1000000:
2,381 entities, 200 countries, 10 years, 40 indicators; 4 M would have taken over 20 minutes
to generate at this machine's load of 12-30), peak MB, before (whole result sets in memory) →
after (streamed exports):

| task | before | after |
|---|---|---|
| export --format csv (all 1.03 M current values) | 4,808 | 290 |
| export --format parquet | — | 379 |
| aggregate --level world --year 2023 | 340 | 342 |
| footprint run (inputs read; the store lacks countries) | 200 | 201 |
| worker answering reads and a country's CSV export | 380 | 379 |
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).parent))

CLI_TASKS: Final = {
    "aggregate world": ["aggregate", "--level", "world", "--year", "2023", "--format", "json"],
    "export csv": ["export", "--format", "csv", "--out", "{out}.csv"],
    "export parquet": ["export", "--format", "parquet", "--out", "{out}.parquet"],
}
IN_PROCESS: Final = ("footprint run", "worker reads")
READS: Final = (
    "/api/v1/observations?country=FRA&limit=100",
    "/api/v1/observations?indicator=ghg_scope1&limit=100",
    "/api/v1/observations?limit=100&offset=100000",
    "/api/v1/aggregates?year=2023&level=country",
    "/api/v1/exports/observations?format=csv&country=FRA",
)


def child(task: str, db: str) -> None:
    """Run an in-process task here and print its peak memory (MB) and seconds as JSON."""
    start = time.perf_counter()
    if task == "footprint run":
        from ictfootprint.errors import InputError
        from ictfootprint.footprint import compute_footprint
        from ictfootprint.store import Store

        try:
            compute_footprint(Store.open(db), years=[2023], write=False)
        except InputError as error:  # a generated store gives half its values no country
            print(f"footprint run stopped after reading its inputs: {error}", file=sys.stderr)
    else:
        from fastapi.testclient import TestClient

        from ictfootprint.api.app import create_app
        from ictfootprint.api.settings import Settings
        from ictfootprint.store import Store

        store = Store.open(db)
        app = create_app(
            Settings.default(db=db, rate_limit_per_minute=0, request_timeout_seconds=3600),
            store=store,
        )
        with TestClient(app) as client:
            for path in READS:
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak, "seconds": time.perf_counter() - start}))


def run(task: str, db: str, src: str | None, folder: str) -> tuple[float, float]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    if task in CLI_TASKS:
        args = [a.format(out=f"{folder}/{task.replace(' ', '-')}") for a in CLI_TASKS[task]]
        command = [
            "/usr/bin/time",
            "-f",
            "PEAK %M %e",
            sys.executable,
            "-m",
            "ictfootprint",
            *args,
            "--db",
            db,
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        line = [x for x in done.stderr.splitlines() if x.startswith("PEAK ")]
        if done.returncode or not line:
            raise SystemExit(f"{task} failed:\n{done.stderr[-2000:]}")
        _, kb, seconds = line[-1].split()
        return int(kb) / 1024, float(seconds)
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, db],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{task} failed:\n{done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures["peak_mb"], figures["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLite file (built when missing) or PostgreSQL URL")
    parser.add_argument("--observations", type=int, default=4_000_000)
    parser.add_argument("--before", help="a src folder of the package to compare with")
    parser.add_argument("--task", action="append", help="only these tasks (repeatable)")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "DB"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if not args.db:
        parser.error("--db is required")
    if "://" not in args.db and not Path(args.db).exists():
        from generate_store import Shape, generate

        built = generate(args.db, Shape.for_observations(args.observations), progress=True)
        print(f"built {built.rows:,} rows in {built.seconds:.0f} s")
    tasks = args.task or [*CLI_TASKS, *IN_PROCESS]
    versions = [("after", None)] + ([("before", args.before)] if args.before else [])
    figures: dict[tuple[str, str], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, src in versions:
            for task in tasks:
                figures[(label, task)] = run(task, args.db, src, folder)
                peak, seconds = figures[(label, task)]
                print(f"  {label} {task}: {peak:,.0f} MB, {seconds:.1f} s", file=sys.stderr)
    print("\n| task |" + "".join(f" {label} |" for label, _ in reversed(versions)))
    print("|---|" + "---|" * len(versions))
    for task in tasks:
        cells = [
            f"{figures[(label, task)][0]:,.0f} MB ({figures[(label, task)][1]:.1f} s)"
            for label, _ in reversed(versions)
        ]
        print(f"| {task} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
