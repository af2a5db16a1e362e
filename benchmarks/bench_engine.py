"""Benchmark: location-based Scope 2 per site and year from 100 million hourly meter readings.

    .venv/bin/python benchmarks/bench_engine.py [--rows 100000000] [--data DIR]
        [--rounds 3] [--skip pandas] [--skip pipeline-spark] [--memory-limit 1GB]
        [--threads N] [--timeout 900] [--max-rss-gb 20] [--explain]

What it measures: location-based Scope 2 in tonnes CO2e per site and year,
Σ kWh × the country-year grid factor (gCO2e/kWh) / 1e6, rounded to 6 decimals, computed four
ways on the same Parquet readings:

- ``pipeline-duckdb``: ours, ``location_based_by_site`` on ``connect("duckdb", memory_limit=...)``;
- ``sql-duckdb``: one hand-written DuckDB SQL query, same memory limit and threads (the
  practical limit);
- ``pandas``: what users write today (``pd.read_parquet``, merge with the factors, groupby);
- ``pipeline-spark``: ours on ``connect("spark")`` (``local[2]``), for reference.

Goals: the DuckDB pipeline at most 1.3× the hand SQL, at least 5× faster than pandas, peak
memory at most 1.5 GB (1 GB = 10^9 bytes; "MB" below are 10^6 bytes), i.e. out of core.

Data (generated once with DuckDB SQL, deterministic, then reused while ``DIR/spec.json`` and the
row count match): ``rows`` = 2,000 sites × ``rows / 2,000`` consecutive hours from 2018-01-01
00:00 UTC (100 million rows: 50,000 hours, about 5.7 years, 2018 to 2023), hour-major like an
append-only meter feed, in ``DIR/readings/part-NNN.parquet`` (10 million rows a file, snappy;
``DIR`` defaults to ``$TMPDIR/ictfootprint-bench-engine-<rows>`` and is kept for the next run).
Columns: ``entity_id`` (string, ``OP000``..``OP099``: 100 national operators of 20 sites),
``site_id`` (INTEGER 0..1999: an int, to keep the benchmark about the engine rather than string
handling; ``entity_id`` and ``country`` keep string keys in the grouping), ``country`` (ISO
alpha-3, 20 countries, ``site % 20``, so 100 sites each), ``timestamp`` (TIMESTAMP without time
zone, the hour start in UTC), ``kwh`` (DOUBLE, positive, 3 decimals: a site base load of 20 to
500 kW × a daily cycle × pseudo-random noise from an integer hash of the row number). Factors:
the real Our World in Data series in ``../shared/data/grid_carbon_intensity_owid_2015_2024.csv``
(next to the repository), for the 20 countries in ``COUNTRIES``.

How it measures: each run of a method is a fresh child process (this script with
``--method``) working in ``DIR/scratch`` (DuckDB spill files, Spark's warehouse). ``--rounds``
rounds run every method once each, in a rotated order; the table gives the median and the
minimum over the rounds, and the per-round pipeline / hand SQL ratios (2 shared cores are
noisy). Generation and ``--explain`` run in children too, so that the parent stays small.

Timed: from reading the readings to the result materialised as an Arrow table in the child,
factor registration included. Imports are not timed; engine start (Spark's JVM, DuckDB's
connection) is reported apart as "startup". The Parquet files are read once by the parent
first, so every method starts from a warm page cache.

Peak memory, read by the child at its end: ``getrusage(RUSAGE_SELF).ru_maxrss`` and ``VmHWM``
from ``/proc/self/status``. Linux carries ru_maxrss across execve, so it is never below the
spawning parent's peak (printed); VmHWM is the child's own peak and the one the goal uses. For
Spark also the JVM's ``VmHWM``, read by the child before it stops the session; and for every
method the peak of the process tree's summed RSS (child, JVM, Spark's Python workers), sampled
by the parent every 0.2 s.

Bounds: a child is killed (its own process group) past ``--timeout`` seconds or
``--max-rss-gb`` of tree RSS, reported as stopped with the bound it reached (for pandas the
speed-up becomes a lower bound), and not run again. Checks: every run's result against the
first hand SQL result on every site-year: same keys, same reading counts, kWh and tCO2e within
a relative 1e-9 (tCO2e also within 1e-6 t absolute: one unit of the 6th decimal, a
rounding-edge flip after summing in another order).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SITES = 2_000
ENTITIES = 100
START = dt.datetime(2018, 1, 1)
ROWS_PER_FILE = 10_000_000
GENERATOR_VERSION = 1
FACTORS_FILE = "grid_carbon_intensity_owid_2015_2024.csv"
COUNTRIES = (
    "USA", "CHN", "IND", "DEU", "FRA", "GBR", "JPN", "BRA", "ZAF", "AUS",
    "CAN", "MEX", "IDN", "KOR", "ITA", "ESP", "POL", "SWE", "NOR", "NGA",
)  # fmt: skip
METHODS = ("pipeline-duckdb", "sql-duckdb", "pandas", "pipeline-spark")
KEYS = ["entity_id", "site_id", "country", "year"]
RESULT_PREFIX = "BENCH-RESULT "
GOAL_VS_SQL = 1.3
GOAL_VS_PANDAS = 5.0
GOAL_PEAK_MB = 1_500.0
PLACES = 6

# The practical limit: one query. It groups on year() as it comes (BIGINT) and casts the 12,000
# sums afterwards: on 100 million rows, casting before the GROUP BY costs about 5%, and
# EXTRACT(year FROM ...) (what ibis emits for .year()) about 8% more than year().
HAND_SQL = """
WITH sums AS (
    SELECT entity_id, site_id, country, year("timestamp") AS year,
           sum(kwh) AS kwh, count(*) AS readings
    FROM read_parquet('{glob}')
    GROUP BY entity_id, site_id, country, year
)
SELECT s.entity_id, s.site_id, s.country, CAST(s.year AS INTEGER) AS year, s.kwh, s.readings,
       f.factor, round(s.kwh * f.factor * 1e-6, 6) AS tco2e
FROM sums AS s
LEFT JOIN factors AS f ON f.country = s.country AND f.year = s.year
"""


# ---------------------------------------------------------------------------------------------
# Data


def factors_path() -> Path:
    path = Path(__file__).resolve().parents[2] / "shared" / "data" / FACTORS_FILE
    if not path.is_file():
        raise SystemExit(
            f"grid factors not found: {path}\n"
            "this benchmark needs the shared reference data (the OWID carbon intensity CSV) "
            "in ../shared/data/ next to the repository"
        )
    return path


def years_covered(rows: int) -> list[int]:
    hours = rows // SITES
    last = START + dt.timedelta(hours=hours - 1)
    return list(range(START.year, last.year + 1))


def load_factors(rows: int) -> Any:
    """``country, year (int32), factor`` (gCO2e/kWh) for COUNTRIES and every year covered."""
    import pandas as pd

    path = factors_path()
    raw = pd.read_csv(path, dtype={"iso3": "string"})
    years = years_covered(rows)
    frame = raw[raw["iso3"].isin(COUNTRIES) & raw["year"].isin(years)]
    have = {(str(c), int(y)) for c, y in zip(frame["iso3"], frame["year"], strict=True)}
    missing = sorted({(c, y) for c in COUNTRIES for y in years} - have)
    if missing:
        raise SystemExit(f"{path} lacks factors for {missing[:10]} ({len(missing)} in all)")
    factors = pd.DataFrame(
        {
            "country": frame["iso3"].astype(str).to_numpy(),
            "year": frame["year"].astype("int32").to_numpy(),
            "factor": frame["carbon_intensity_g_per_kwh"].astype("float64").to_numpy(),
        }
    )
    return factors.reset_index(drop=True)


def spec(rows: int) -> dict[str, Any]:
    return {
        "generator": GENERATOR_VERSION,
        "rows": rows,
        "sites": SITES,
        "hours": rows // SITES,
        "start": START.isoformat(),
        "countries": list(COUNTRIES),
    }


def parquet_files(data: Path) -> list[Path]:
    return sorted((data / "readings").glob("part-*.parquet"))


def generate(rows: int, data: Path) -> None:
    """Write the readings with DuckDB, unless DIR already holds exactly these rows."""
    import duckdb

    readings = data / "readings"
    spec_file = data / "spec.json"
    files = parquet_files(data)
    if files and spec_file.is_file() and json.loads(spec_file.read_text()) == spec(rows):
        con = duckdb.connect()
        glob = str(readings / "part-*.parquet")
        count = con.sql(f"SELECT count(*) FROM read_parquet('{glob}')").fetchall()[0][0]
        con.close()
        if count == rows:
            print(f"reusing {len(files)} Parquet files, {rows:,} rows, in {readings}")
            return
    for old in files:
        old.unlink()
    spec_file.unlink(missing_ok=True)
    readings.mkdir(parents=True, exist_ok=True)
    hours = rows // SITES
    hours_per_file = max(1, ROWS_PER_FILE // SITES)
    countries = ", ".join(f"'{c}'" for c in COUNTRIES)
    con = duckdb.connect(config={"memory_limit": "4GB"})
    start = time.perf_counter()
    for number, first in enumerate(range(0, hours, hours_per_file)):
        last = min(hours, first + hours_per_file)
        target = readings / f"part-{number:03d}.parquet"
        # i = hour * SITES + site: hour-major, as an append-only feed writes it. The noise is
        # an integer hash of i (Knuth's multiplicative constant, modulo a prime), so the data
        # depends on nothing but the row number.
        con.sql(
            f"""
            COPY (
                SELECT
                    'OP' || lpad(CAST(site % {ENTITIES} AS VARCHAR), 3, '0') AS entity_id,
                    CAST(site AS INTEGER) AS site_id,
                    [{countries}][site % {len(COUNTRIES)} + 1] AS country,
                    TIMESTAMP '{START:%Y-%m-%d %H:%M:%S}' + to_hours(hour) AS "timestamp",
                    round(
                        (20 + (site * 7919) % 481)
                        * (1 + 0.15 * sin(2 * pi() * (hour % 24) / 24))
                        * (0.8 + 0.4 * ((i * 2654435761 + 12345) % 4294967291) / 4294967291.0),
                        3
                    ) AS kwh
                FROM (
                    SELECT range AS i, range // {SITES} AS hour, range % {SITES} AS site
                    FROM range({first * SITES}, {last * SITES})
                )
                ORDER BY i
            ) TO '{target}' (FORMAT PARQUET, COMPRESSION snappy)
            """
        )
        print(f"  wrote {target.name}: hours {first:,} to {last - 1:,}", flush=True)
    con.close()
    spec_file.write_text(json.dumps(spec(rows), indent=2) + "\n")
    print(f"generated {rows:,} rows in {time.perf_counter() - start:.1f} s")


def warm_cache(data: Path) -> None:
    """Read every Parquet file once, so that no method pays for a cold page cache."""
    for path in parquet_files(data):
        with path.open("rb") as stream:
            while stream.read(1 << 24):
                pass


# ---------------------------------------------------------------------------------------------
# Child: one method


def descendants(root: int) -> list[int]:
    """Every live process below ``root`` (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def proc_status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in text.splitlines())}


def mb(value: str | None) -> float:
    """A /proc status size ("123 kB", in KiB) in MB (10^6 bytes)."""
    return int(value.split()[0]) * 1024 / 1e6 if value else 0.0


def jvm_peak_mb() -> float | None:
    """Peak resident memory (VmHWM) of the java processes this process started."""
    peaks = [
        mb(status.get("VmHWM"))
        for status in (proc_status(pid) for pid in descendants(os.getpid()))
        if status.get("Name") == "java"
    ]
    return max(peaks) if peaks else None


def run_pipeline_duckdb(data: Path, factors: Any, args: argparse.Namespace) -> dict[str, Any]:
    from ictfootprint.compute.engine import connect, read_table, table
    from ictfootprint.compute.scope2 import location_based_by_site

    begun = time.perf_counter()
    backend = connect("duckdb", memory_limit=args.memory_limit)
    backend.raw_sql(f"SET threads = {args.threads}")
    settings = backend.raw_sql(
        "SELECT current_setting('threads'), current_setting('memory_limit')"
    ).fetchall()[0]
    started = time.perf_counter()
    readings = read_table(backend, data / "readings", "readings")
    factor_table = table(backend, factors, "factors")
    expr = location_based_by_site(readings, factor_table)
    prepared = time.perf_counter()
    result = expr.to_pyarrow()
    done = time.perf_counter()
    return {
        "result": result,
        "startup": started - begun,
        "seconds": done - started,
        "prepare": prepared - started,
        "settings": f"threads={settings[0]}, memory_limit={settings[1]}",
    }


def run_sql_duckdb(data: Path, factors: Any, args: argparse.Namespace) -> dict[str, Any]:
    import duckdb

    begun = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": args.memory_limit, "threads": args.threads})
    settings = con.sql(
        "SELECT current_setting('threads'), current_setting('memory_limit')"
    ).fetchall()[0]
    started = time.perf_counter()
    con.register("factors", factors)
    result = con.sql(HAND_SQL.format(glob=data / "readings" / "part-*.parquet")).to_arrow_table()
    done = time.perf_counter()
    return {
        "result": result,
        "startup": started - begun,
        "seconds": done - started,
        "prepare": 0.0,
        "settings": f"threads={settings[0]}, memory_limit={settings[1]}",
    }


def run_pandas(data: Path, factors: Any, args: argparse.Namespace) -> dict[str, Any]:
    import pandas as pd
    import pyarrow as pa

    started = time.perf_counter()
    frame = pd.read_parquet(data / "readings")
    frame["year"] = frame["timestamp"].dt.year.astype("int32")
    frame = frame.merge(factors, on=["country", "year"], how="left")
    frame["tco2e"] = frame["kwh"] * frame["factor"] / 1e6
    out = frame.groupby(KEYS, as_index=False).agg(
        kwh=("kwh", "sum"),
        readings=("kwh", "size"),
        factor=("factor", "first"),
        tco2e=("tco2e", "sum"),
    )
    out["tco2e"] = out["tco2e"].round(PLACES)
    result = pa.Table.from_pandas(out, preserve_index=False)
    done = time.perf_counter()
    return {
        "result": result,
        "startup": 0.0,
        "seconds": done - started,
        "prepare": 0.0,
        "settings": f"pandas {pd.__version__}",
    }


def run_pipeline_spark(data: Path, factors: Any, args: argparse.Namespace) -> dict[str, Any]:
    from ictfootprint.compute.engine import connect, read_table, table
    from ictfootprint.compute.scope2 import location_based_by_site

    begun = time.perf_counter()
    backend = connect("spark")
    session = backend._session
    started = time.perf_counter()
    readings = read_table(backend, data / "readings", "readings")
    factor_table = table(backend, factors, "factors")
    expr = location_based_by_site(readings, factor_table)
    prepared = time.perf_counter()
    result = expr.to_pyarrow()
    done = time.perf_counter()
    conf = session.sparkContext.getConf()
    jvm = jvm_peak_mb()
    session.stop()
    return {
        "result": result,
        "startup": started - begun,
        "seconds": done - started,
        "prepare": prepared - started,
        "jvm_peak_mb": jvm,
        "settings": (
            f"master={conf.get('spark.master')}, "
            f"driver.memory={conf.get('spark.driver.memory', '1g (default)')}, "
            f"shuffle.partitions={session.conf.get('spark.sql.shuffle.partitions')}"
        ),
    }


RUNNERS = {
    "pipeline-duckdb": run_pipeline_duckdb,
    "sql-duckdb": run_sql_duckdb,
    "pandas": run_pandas,
    "pipeline-spark": run_pipeline_spark,
}


def explain(data: Path, rows: int, memory_limit: str) -> None:
    """Print the SQL our pipeline sends to DuckDB, the hand SQL, and both physical plans."""
    import duckdb
    import ibis

    from ictfootprint.compute.engine import connect, read_table, table
    from ictfootprint.compute.scope2 import location_based_by_site

    factors = load_factors(rows)
    backend = connect("duckdb", memory_limit=memory_limit)
    expr = location_based_by_site(
        read_table(backend, data / "readings", "readings"), table(backend, factors, "factors")
    )
    sql = str(ibis.to_sql(expr, dialect="duckdb"))
    print("--- pipeline SQL (ibis.to_sql):\n" + sql)
    # The factors may be an ibis memtable, registered only when an expression runs.
    expr.limit(1).to_pyarrow()
    print("--- pipeline EXPLAIN:\n" + backend.raw_sql(f"EXPLAIN {sql}").fetchall()[0][1])
    con = duckdb.connect(config={"memory_limit": memory_limit})
    con.register("factors", factors)
    hand = HAND_SQL.format(glob=data / "readings" / "part-*.parquet")
    print("--- hand SQL:\n" + hand)
    print("--- hand SQL EXPLAIN:\n" + con.sql(f"EXPLAIN {hand}").fetchall()[0][1], flush=True)


def child(args: argparse.Namespace) -> None:
    """Run one task or method in this process; for a method, print its figures as JSON."""
    data = Path(args.data)
    if args.task == "generate":
        load_factors(args.rows)  # fail before writing anything if a factor is missing
        generate(args.rows, data)
        return
    if args.task == "explain":
        explain(data, args.rows, args.memory_limit)
        return
    import pyarrow.parquet as pq

    factors = load_factors(args.rows)
    figures = RUNNERS[args.method](data, factors, args)
    result = figures.pop("result")
    pq.write_table(result, args.out)
    # ru_maxrss (KiB) keeps the high-water mark of the memory this process had before its
    # execve, i.e. of the parent that spawned it (vfork or fork): the parent's peak is a floor.
    # VmHWM belongs to the address space exec created, so it is this program's own peak.
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    peak_mb = mb(proc_status(os.getpid()).get("VmHWM"))
    figures.update(peak_mb=peak_mb, maxrss_mb=maxrss_mb, rows_out=result.num_rows)
    print(RESULT_PREFIX + json.dumps(figures), flush=True)


# ---------------------------------------------------------------------------------------------
# Parent: run every method, check, report


def tree_rss_mb(pid: int) -> float:
    return sum(mb(proc_status(p).get("VmRSS")) for p in [pid, *descendants(pid)])


def child_command(args: argparse.Namespace, data: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        *extra,
        "--data",
        str(data),
        "--rows",
        str(args.rows),
        "--memory-limit",
        args.memory_limit,
        "--threads",
        str(args.threads),
    ]


def run_method(
    method: str, round_: int, args: argparse.Namespace, data: Path, scratch: Path
) -> dict[str, Any]:
    """One run of ``method`` in a fresh child, watched: killed past the time or memory bound."""
    out = scratch / f"result-{method}-{round_}.parquet"
    out.unlink(missing_ok=True)
    log = scratch / f"{method}-{round_}.log"
    if method == "pipeline-spark":
        # A managed table saved under ./spark-warehouse outlives the session, and the next
        # session's in-memory catalog does not know it: saving it again fails with
        # LOCATION_ALREADY_EXISTS, overwrite or not. Whatever engine.table() does, start clean.
        shutil.rmtree(scratch / "spark-warehouse", ignore_errors=True)
    command = child_command(args, data, "--method", method, "--out", str(out))
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYTHONUNBUFFERED="1")
    limit_mb = args.max_rss_gb * 1e3
    tree_peak = 0.0
    stopped: str | None = None
    start = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=scratch,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while process.poll() is None:
            elapsed = time.perf_counter() - start
            tree_peak = max(tree_peak, tree_rss_mb(process.pid))
            if elapsed > args.timeout:
                stopped = f"stopped after {elapsed:.0f} s (--timeout {args.timeout:.0f})"
            elif tree_peak > limit_mb:
                stopped = f"stopped at {tree_peak:,.0f} MB (--max-rss-gb {args.max_rss_gb:g})"
            if stopped:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(0.2)
    wall = time.perf_counter() - start
    text = log.read_text(errors="replace")
    lines = [line for line in text.splitlines() if line.startswith(RESULT_PREFIX)]
    if stopped or process.returncode != 0 or not lines:
        reason = stopped or f"failed (exit {process.returncode})"
        print(f"  {method}: {reason}; last output:\n" + "\n".join(text.splitlines()[-15:]))
        return {"error": reason, "wall": wall, "tree_peak_mb": tree_peak}
    figures: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    figures.update(tree_peak_mb=tree_peak, wall=wall, out=str(out))
    jvm = figures.get("jvm_peak_mb")
    print(
        f"  {method}: {figures['seconds']:.2f} s, VmHWM {figures['peak_mb']:,.0f} MB"
        + (f" + JVM {jvm:,.0f} MB" if jvm else "")
        + f", tree {tree_peak:,.0f} MB ({figures['settings']})",
        flush=True,
    )
    return figures


def normalised(path: str) -> Any:
    import pyarrow.parquet as pq

    frame = pq.read_table(path).to_pandas()
    frame = frame.astype(
        {"entity_id": str, "site_id": "int64", "country": str, "year": "int64", "readings": "int64"}
    )
    return frame.sort_values(KEYS).reset_index(drop=True)


def check(path: str, reference: Any, rows: int) -> str:
    """'ok ...' or what differs from the hand SQL on any site-year."""
    import numpy as np

    frame = normalised(path)
    if len(frame) != len(reference):
        return f"{len(frame)} site-years, hand SQL {len(reference)}"
    if not (frame[KEYS].to_numpy() == reference[KEYS].to_numpy()).all():
        return "different site-years"
    if int(frame["readings"].sum()) != rows or not frame["readings"].equals(reference["readings"]):
        return "reading counts differ"
    if frame["factor"].isna().any():
        return f"{int(frame['factor'].isna().sum())} site-years without a factor"
    kwh_ok = np.isclose(frame["kwh"], reference["kwh"], rtol=1e-9, atol=0.0)
    t_ok = np.isclose(frame["tco2e"], reference["tco2e"], rtol=1e-9, atol=10.0**-PLACES)
    if not kwh_ok.all() or not t_ok.all():
        return f"{int((~kwh_ok).sum())} kWh and {int((~t_ok).sum())} tCO2e values differ"
    worst = abs(frame["tco2e"] - reference["tco2e"]) / reference["tco2e"].abs().clip(lower=1e-12)
    return f"ok (max rel diff {float(worst.max()):.0e})"


def fmt(value: float | None, spec_: str, suffix: str = "") -> str:
    return "-" if value is None or math.isnan(value) else f"{value:{spec_}}{suffix}"


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One line per method: median and minimum time over its runs, the worst memory."""
    done = [run for run in runs if "seconds" in run]
    summary: dict[str, Any] = {
        "runs": len(done),
        "tree_peak_mb": max(run["tree_peak_mb"] for run in runs),
        "error": next((run["error"] for run in runs if "error" in run), None),
        "wall": max(run["wall"] for run in runs),
    }
    if done:
        seconds = [run["seconds"] for run in done]
        summary.update(
            seconds=statistics.median(seconds),
            min=min(seconds),
            all=seconds,
            prepare=statistics.median(run["prepare"] for run in done),
            startup=statistics.median(run["startup"] for run in done),
            peak_mb=max(run["peak_mb"] for run in done),
            maxrss_mb=max(run["maxrss_mb"] for run in done),
            jvm_peak_mb=max((run.get("jvm_peak_mb") or math.nan) for run in done),
            rows_out=done[0]["rows_out"],
            check=", ".join(sorted({run["check"] for run in done})),
        )
    return summary


def report(
    summaries: dict[str, dict[str, Any]],
    rounds: list[dict[str, dict[str, Any]]],
    rows: int,
    parent_mb: float,
) -> None:
    sql_s = summaries.get("sql-duckdb", {}).get("seconds")
    pandas = summaries.get("pandas", {})
    # A stopped pandas run gives a bound: it took at least the time it was given.
    pandas_s = pandas.get("seconds") or (pandas["wall"] if pandas.get("error") else None)
    bound = "≥" if pandas.get("error") else ""
    header = (
        f"{'method':<16} {'median s':>8} {'min s':>7} {'runs':>4} {'prepare':>7} "
        f"{'startup':>7} {'peak MB':>8} {'maxrss':>7} {'JVM MB':>7} {'tree MB':>8} "
        f"{'× SQL':>8} {'vs pandas':>9} {'site-yrs':>8}  check"
    )
    print()
    print(f"Results: {rows:,} readings, {len(rounds)} round(s)")
    print(header)
    print("-" * len(header))
    for method, s in summaries.items():
        if not s["runs"]:
            print(
                f"{method:<16} {'>' + format(s['wall'], '.0f'):>8} {'':>7} {0:>4} {'':>7} "
                f"{'':>7} {'':>8} {'':>7} {'':>7} {s['tree_peak_mb']:>8,.0f} {'':>8} {'':>9} "
                f"{'':>8}  {s['error']}"
            )
            continue
        ratio = s["seconds"] / sql_s if sql_s else None
        speedup = pandas_s / s["seconds"] if pandas_s else None
        print(
            f"{method:<16} {s['seconds']:>8.2f} {s['min']:>7.2f} {s['runs']:>4} "
            f"{s['prepare']:>7.2f} {s['startup']:>7.2f} {s['peak_mb']:>8,.0f} "
            f"{s['maxrss_mb']:>7,.0f} {fmt(s['jvm_peak_mb'], ',.0f'):>7} "
            f"{s['tree_peak_mb']:>8,.0f} {fmt(ratio, '.2f', '×'):>8} "
            f"{bound + fmt(speedup, '.1f', '×'):>9} {s['rows_out']:>8,}  {s['check']}"
            + (f"; {s['error']}" if s["error"] else "")
        )
    print(
        "median/min s: reading to the Arrow result, over the rounds (prepare: the part before\n"
        "  execution: registering inputs, building the expression); startup: engine start, not\n"
        "  timed; peak MB: the child's VmHWM; maxrss: its ru_maxrss, never below the parent's\n"
        f"  peak at spawn ({parent_mb:,.0f} MB); JVM MB: Spark's java VmHWM; tree MB: summed RSS "
        "of the child\n  and its descendants (JVM, Spark's Python workers), sampled every 0.2 s; "
        "MB = 10^6 bytes;\n  check: every run against the first hand SQL result"
    )
    for method in summaries:
        times = " ".join(fmt(r.get(method, {}).get("seconds"), ".2f") for r in rounds)
        print(f"  {method:<16} per round: {times}")
    paired = [
        r["pipeline-duckdb"]["seconds"] / r["sql-duckdb"]["seconds"]
        for r in rounds
        if "seconds" in r.get("pipeline-duckdb", {}) and "seconds" in r.get("sql-duckdb", {})
    ]
    ours = summaries.get("pipeline-duckdb", {})
    print()
    print("Goals (pipeline-duckdb, medians):")
    if "seconds" not in ours:
        state = "did not finish" if ours else "not run (--skip)"
        print(f"  pipeline-duckdb {state}: no verdict")
        return
    seconds = ours["seconds"]
    if sql_s:
        ratio = seconds / sql_s
        verdict = "PASS" if ratio <= GOAL_VS_SQL else "FAIL"
        rounds_text = " ".join(f"{p:.2f}" for p in paired)
        print(
            f"  ≤ {GOAL_VS_SQL:g}× the hand SQL:      {ratio:.2f}× ({seconds:.2f} / {sql_s:.2f} s; "
            f"per round {rounds_text})  {verdict}"
        )
    else:
        print(f"  ≤ {GOAL_VS_SQL:g}× the hand SQL:      hand SQL not run")
    if pandas_s:
        speedup = pandas_s / seconds
        verdict = "PASS" if speedup >= GOAL_VS_PANDAS else ("UNKNOWN" if bound else "FAIL")
        times = f"{bound}{speedup:.2f}× ({bound}{pandas_s:.2f} / {seconds:.2f} s)"
        print(f"  ≥ {GOAL_VS_PANDAS:g}× faster than pandas: {times}  {verdict}")
    else:
        print(f"  ≥ {GOAL_VS_PANDAS:g}× faster than pandas: pandas not run (--skip pandas)")
    peak = max(ours["peak_mb"], ours["tree_peak_mb"])
    verdict = "PASS" if peak <= GOAL_PEAK_MB else "FAIL"
    print(
        f"  peak ≤ {GOAL_PEAK_MB / 1e3:g} GB:             {peak:,.0f} MB "
        f"(max of VmHWM and sampled tree RSS)  {verdict}"
    )
    spark = summaries.get("pipeline-spark")
    if spark and "seconds" in spark:
        print(
            f"Spark local[2] (reported, no goal): {spark['seconds']:.2f} s "
            f"({spark['seconds'] / seconds:.1f}× the DuckDB pipeline; JVM start "
            f"{spark['startup']:.1f} s more), Python {spark['peak_mb']:,.0f} MB + JVM "
            f"{fmt(spark['jvm_peak_mb'], ',.0f')} MB (tree {spark['tree_peak_mb']:,.0f} MB)"
        )


def parent(args: argparse.Namespace) -> int:
    # This process stays small (no pandas, DuckDB or Arrow until the checks): a child's
    # ru_maxrss starts from the peak of the process that spawned it.
    factors_path()  # fail early, with the message, if the factors are absent
    data = (
        Path(args.data)
        if args.data
        else Path(tempfile.gettempdir()) / f"ictfootprint-bench-engine-{args.rows}"
    )
    data.mkdir(parents=True, exist_ok=True)
    scratch = data / "scratch"
    scratch.mkdir(exist_ok=True)
    subprocess.run(
        child_command(args, data, "--task", "generate"), check=True, timeout=args.timeout
    )
    files = parquet_files(data)
    size = sum(path.stat().st_size for path in files)
    print(
        f"data: {data / 'readings'}: {len(files)} files, {size / 1e6:,.1f} MB on disk "
        f"({size / args.rows:.2f} bytes a reading); years {years_covered(args.rows)}"
    )
    print(
        f"machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1e9:.1f} GB RAM, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"DuckDB memory_limit={args.memory_limit}, threads={args.threads}"
    )
    if args.explain:
        subprocess.run(
            child_command(args, data, "--task", "explain"),
            check=True,
            timeout=args.timeout,
            cwd=scratch,
        )
    warm_cache(data)
    parent_mb = mb(proc_status(os.getpid()).get("VmHWM"))
    methods = [m for m in METHODS if m not in args.skip]
    rounds: list[dict[str, dict[str, Any]]] = []
    stopped: set[str] = set()
    for number in range(args.rounds):
        print(f"round {number + 1} of {args.rounds}:", flush=True)
        rotated = methods[number % len(methods) :] + methods[: number % len(methods)]
        rounds.append(
            {m: run_method(m, number, args, data, scratch) for m in rotated if m not in stopped}
        )
        stopped |= {m for m, figures in rounds[-1].items() if "error" in figures}
    reference = next(
        (normalised(r["sql-duckdb"]["out"]) for r in rounds if "out" in r.get("sql-duckdb", {})),
        None,
    )
    bad = False
    for runs in rounds:
        for figures in runs.values():
            if "out" not in figures:
                # A run stopped at --timeout or --max-rss-gb is a measurement, not a failure.
                bad = bad or "stopped" not in figures["error"]
            elif reference is None:
                figures["check"] = "unchecked (no hand SQL result)"
            else:
                figures["check"] = check(figures["out"], reference, args.rows)
                bad = bad or not figures["check"].startswith("ok")
    summaries = {
        m: summarise([r[m] for r in rounds if m in r])
        for m in methods
        if any(m in r for r in rounds)
    }
    report(summaries, rounds, args.rows, parent_mb)
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000_000, help="multiple of 2,000")
    parser.add_argument("--data", help="folder for the generated Parquet (default: a temp dir)")
    parser.add_argument("--skip", action="append", default=[], choices=METHODS)
    parser.add_argument("--rounds", type=int, default=3, help="fresh runs of every method")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="DuckDB threads")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds, per run")
    parser.add_argument("--max-rss-gb", type=float, default=20.0, help="per run, tree RSS")
    parser.add_argument("--explain", action="store_true", help="print SQL and DuckDB plans")
    parser.add_argument("--task", choices=("generate", "explain"), help=argparse.SUPPRESS)
    parser.add_argument("--method", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rows <= 0 or args.rows % SITES:
        parser.error(f"--rows must be a positive multiple of {SITES:,}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.method or args.task:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
