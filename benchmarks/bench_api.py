"""Benchmark: public reads of the REST API under load, over loopback.

    .venv/bin/python benchmarks/bench_api.py [--workers 2] [--clients 50] [--duration 20]
        [--db postgresql://...]

Starts ``ictfootprint serve`` (``--rate-limit 0 --no-access-log``) on 127.0.0.1 only, on a
fresh database (a SQLite file unless ``--db`` names an empty PostgreSQL database) holding the
illustrative dataset and a few thousand generated observations of fictitious operators. Then,
per scenario, ``--clients`` keep-alive HTTP/1.1 connections send GETs back to back for
``--warmup`` seconds (not counted) and ``--duration`` seconds (counted).

Scenarios: cached reads (the same URL again and again: the server answers from its read
cache once the first answer is computed) of the aggregate and observation endpoints, and
uncached first reads (a query string never asked before, so every answer is computed).

The load generator is asyncio with raw HTTP/1.1 over asyncio streams in this one process: far
cheaper than an HTTP client library, but it still shares the 2 cores with the server, so its
own CPU time is printed beside the server's. Goal (issue 6), on 2 cores: cached reads at
least 500 requests/s with p99 at most 100 ms.

With ``--workers`` above 1, ``ictfootprint serve`` binds the shared listening socket itself
with ``IPPROTO_TCP`` so that asyncio sets ``TCP_NODELAY`` on its connections; uvicorn's own
socket (``proto=0``) made every keep-alive response wait ~40 ms for the client's delayed ACK
(Kludex/uvicorn issue 3149). Measured on 2 cores, 2 workers: cached reads 806-860 req/s with
p99 104-220 ms before (and before the cache hit path stayed on the event loop), 6,264-8,414
req/s with p99 15-19 ms after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

HOST = "127.0.0.1"
YEARS = range(2015, 2025)
COUNTRIES = ["FRA", "DEU", "KEN", "IND", "BRA", "USA", "JPN", "ZAF", "EGY", "MEX", "ESP", "ITA"]
# generated operators publish these every year (canonical units)
SERIES = [
    ("energy_electricity", "MWh"),
    ("ghg_scope1", "tCO2e"),
    ("ghg_scope2_location", "tCO2e"),
    ("ghg_scope3_total", "tCO2e"),
    ("activity_mobile_lines", "count"),
    ("energy_diesel", "L"),
]


def populate(db: str, operators: int) -> int:
    """The illustrative dataset, then ``operators`` fictitious operators' yearly values."""
    from ictfootprint.examples import load_illustrative
    from ictfootprint.model import Entity, EntityKind, Method, Observation
    from ictfootprint.store import Store

    store = Store.open(db, actor="bench")
    load_illustrative(store)
    batch = []
    for number in range(operators):
        country = COUNTRIES[number % len(COUNTRIES)]
        subsector = ("mobile_network", "fixed_network", "data_centre")[number % 3]
        entity = Entity(
            id=f"bench-op-{number}",
            name=f"Bench Operator {number} (fictitious)",
            kind=EntityKind.COMPANY,
            country=country,
            subsectors=(subsector,),
            illustrative=True,
        )
        store.add_entity(entity)
        base = 5000 + (number * 7919) % 50000
        for year in YEARS:
            electricity = round(base * 1.03 ** (year - 2015))
            values = {
                "energy_electricity": electricity,
                "ghg_scope1": round(electricity * 0.02, 1),
                "ghg_scope2_location": round(electricity * 0.3, 1),
                "ghg_scope3_total": round(electricity * 1.5),
                "activity_mobile_lines": base * 100,
                "energy_diesel": round(base * 2.5),
            }
            batch += [
                Observation(
                    entity_id=entity.id,
                    indicator_id=indicator,
                    year=year,
                    value=values[indicator],
                    unit=unit,
                    method=Method.REPORTED,
                    source="bench_api.py (generated, fictitious)",
                    country=country,
                    subsector=subsector,
                )
                for indicator, unit in SERIES
            ]
    store.record_observations(batch)
    total = len(store.current_observations())
    store.close()
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(
    db: str, port: int, workers: int, log: Path, options: Sequence[str] = ()
) -> subprocess.Popen[bytes]:
    """``ictfootprint serve`` of ``db`` on ``port`` (more ``options`` of ``serve`` appended)."""
    command = [
        sys.executable,
        "-m",
        "ictfootprint",
        "serve",
        *("--db", db, "--host", HOST, "--port", str(port), "--workers", str(workers)),
        *("--rate-limit", "0", "--no-access-log"),
        *options,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=log.parent,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(fetch_once(port, "/healthz"))
            if status == 200:
                return process
        except OSError:
            pass
        try:
            code = process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        raise SystemExit(f"the server exited with {code}:\n{log.read_text()[-3000:]}")
    stop_server(process)
    raise SystemExit(f"the server never answered /healthz:\n{log.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def report_server_log(log: Path) -> None:
    """What the server said beyond its start and stop: worker restarts, errors."""
    routine = ("Started", "Waiting for application", "Application startup", "Uvicorn running")
    routine += ("Shutting down", "Finished server", "Stopping parent", "ictfootprint API")
    routine += ("Waiting for background", "Application shutdown")
    notes = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if line.strip() and not any(word in line for word in routine)
    ]
    if notes:
        print(f"server log: {len(notes)} notable lines, first ones:")
        for line in notes[:12]:
            print(f"    {line[:160]}")


def group_processes(pgid: int) -> Iterator[tuple[Path, list[str]]]:
    """Each live process of the server's process group: its /proc folder and the fields of
    its ``stat`` after "(comm)" (state ppid pgrp ...)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            yield entry, fields


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of every live process in the server's process group."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(int(fields[11]) + int(fields[12]) for _entry, fields in group_processes(pgid))
    return total / ticks


class Connection:
    """One keep-alive HTTP/1.1 connection: GET, read the status and a Content-Length body."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        reused = self.writer is not None
        try:
            return await self._get(path)
        except (asyncio.IncompleteReadError, ConnectionResetError) as error:
            if not reused or getattr(error, "partial", b""):
                raise
            # the server closed the idle connection (uvicorn's keep-alive: 5 s) as this GET
            # went: ask again on a new one, as browsers and HTTP clients do
            self.close()
            return await self._get(path)

    async def _get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, value in (line.split(":", 1) for line in lines[1:] if ":" in line)
        )
        if "content-length" not in headers:
            raise OSError(f"no Content-Length in the answer to {path}")
        body = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def fetch_once(port: int, path: str) -> tuple[int, bytes]:
    connection = Connection(port)
    try:
        return await connection.get(path)
    finally:
        connection.close()


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


async def load(
    port: int, paths: Callable[[], str], clients: int, warmup: float, duration: float
) -> Figures:
    figures = Figures()
    start = time.perf_counter()
    counted_from, until = start + warmup, start + warmup + duration

    async def client() -> None:
        connection = Connection(port)
        while (now := time.perf_counter()) < until:
            try:
                status, _ = await connection.get(paths())
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                connection.close()
                status, reason = 0, repr(error)
            else:
                reason = f"HTTP {status}"
            if now < counted_from:
                continue
            if status == 200:
                figures.latencies.append(time.perf_counter() - now)
            else:
                figures.errors += 1
                figures.first_error = figures.first_error or reason
        connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return figures


def cycle(*paths: str) -> Callable[[], str]:
    numbers = count()
    return lambda: paths[next(numbers) % len(paths)]


def scenarios() -> list[tuple[str, Callable[[], str]]]:
    fresh = count()
    return [
        (
            "cached aggregates ?year=2023&level=country",
            cycle("/api/v1/aggregates?year=2023&level=country"),
        ),
        (
            "cached observations ?country=FRA&limit=100",
            cycle("/api/v1/observations?country=FRA&limit=100"),
        ),
        (
            "cached observations, 3 other filters",
            cycle(
                "/api/v1/observations?indicator=energy_electricity&year=2022&limit=100",
                "/api/v1/observations?region=ITU-AFR&limit=100",
                "/api/v1/observations?entity=bench-op-7&limit=100",
            ),
        ),
        (
            "uncached observations (new offset each)",
            lambda: f"/api/v1/observations?limit=100&offset={next(fresh) % 100_000}",
        ),
        (
            "uncached aggregates (new query each)",
            lambda: f"/api/v1/aggregates?year=2023&level=country&bench={next(fresh)}",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: a SQLite file)")
    parser.add_argument("--host", default=HOST, help="only 127.0.0.1 is allowed")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--operators", type=int, default=60, help="generated operators")
    parser.add_argument("--only", help="run only scenarios whose name holds this text")
    args = parser.parse_args()
    if args.host != HOST:
        raise SystemExit(f"this benchmark loads {HOST} only, not {args.host}")
    if not 1 <= args.clients <= 500 or not 0 < args.duration <= 300:
        raise SystemExit("at most 500 clients and 300 seconds")
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        db = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        total = populate(db, args.operators)
        backend = db.split(":", 1)[0]
        print(
            f"database: {backend}, {total:,} current observations "
            f"(illustrative + {args.operators} generated operators), "
            f"populated in {time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        process = start_server(db, port, args.workers, Path(folder) / "serve.log")
        try:
            print(
                f"server: ictfootprint serve --workers {args.workers} --rate-limit 0 "
                f"--no-access-log, "
                f"{os.cpu_count()} CPUs"
            )
            print(
                f"load: {args.clients} keep-alive connections, asyncio streams, raw HTTP/1.1 "
                f"(this process), {args.warmup:g} s warm-up + {args.duration:g} s counted per "
                "scenario"
            )
            print(
                f"{'scenario':44} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} "
                f"{'p99 ms':>7} {'errors':>6} {'server CPU':>10} {'client CPU':>10}"
            )
            for name, paths in scenarios():
                if args.only and args.only not in name:
                    continue
                server_before = group_cpu_seconds(process.pid)
                client_before = resource.getrusage(resource.RUSAGE_SELF)
                figures = asyncio.run(load(port, paths, args.clients, args.warmup, args.duration))
                client_after = resource.getrusage(resource.RUSAGE_SELF)
                server_cpu = group_cpu_seconds(process.pid) - server_before
                client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
                    client_after.ru_stime - client_before.ru_stime
                )
                wall = args.warmup + args.duration
                requests = len(figures.latencies)
                rate = requests / args.duration
                p99 = figures.percentile(0.99)
                verdict = ""
                if name.startswith("cached"):
                    met = rate >= 500 and p99 <= 100 and figures.errors == 0
                    verdict = "  [ok]" if met else "  [MISSED: 500 req/s, p99 100 ms]"
                print(
                    f"{name:44} {requests:8,} {rate:7.0f} {figures.percentile(0.5):7.1f} "
                    f"{figures.percentile(0.9):7.1f} {p99:7.1f} {figures.errors:6} "
                    f"{server_cpu / wall:9.0%} {client_cpu / wall:9.0%}{verdict}"
                )
                if figures.first_error:
                    print(f"    first error: {figures.first_error}")
        finally:
            stop_server(process)
            report_server_log(Path(folder) / "serve.log")
        print("CPU columns: busy share of one core over warm-up + counted time (200% = both cores)")


if __name__ == "__main__":
    main()
