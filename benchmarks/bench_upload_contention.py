"""Benchmark: public reads while large files are validated (issue 13, item 15).

    .venv/bin/python benchmarks/bench_upload_contention.py [--rows 150000] [--uploads 3]
        [--workers 1]

Starts ``ictfootprint serve`` (one worker by default: the case where validation and reads
share a process) on a fresh SQLite database holding the illustrative data and a submitter,
then measures ``GET /api/v1/indicators`` back to back on one keep-alive connection: first
alone, then while ``--uploads`` files of ``--rows`` rows each are submitted one after the
other. Prints p50/p99/max of the reads in each phase and the uploads' times.

Run it with the ``src`` of the version to measure first on ``PYTHONPATH``. Before, the
validation ran in the server's threads and held the GIL: the reads waited for it. Now it runs
in worker processes (``[api] validation_workers``), and the server process only stores.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"
ENTITY = "illustrative-op-a"


def populate(db: str) -> str:
    from ictfootprint.examples import load_illustrative
    from ictfootprint.store import Store

    store = Store.open(db, actor="bench")
    load_illustrative(store)
    store.add_user("bench", "submitter", entities=(ENTITY,))
    token = store.create_token("bench", label="bench").token
    store.close()
    return token


def large_file(rows: int, serial: int) -> bytes:
    """Valid rows of one indicator over and over (each a duplicate finding): CPU for the
    reader and the rules, a few MB on the wire."""
    head = "indicator,year,value,unit,country,source\n"
    line = f"energy_electricity,2023,{1000 + serial},MWh,,bench file {serial}\n"
    return (head + line * rows).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(db: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        *(sys.executable, "-m", "ictfootprint", "serve", "--db", db, "--host", HOST),
        *("--port", str(port), "--workers", str(workers), "--rate-limit", "0"),
        "--no-access-log",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start: see {log}")


def reads(base: str, stop: threading.Event) -> list[float]:
    times: list[float] = []
    with httpx.Client(base_url=base) as client:
        while not stop.is_set():
            started = time.perf_counter()
            assert client.get("/api/v1/indicators").status_code == 200
            times.append(time.perf_counter() - started)
    return times


def figures(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label}: {len(times)} reads, p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--quiet-seconds", type=float, default=5.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-contention-"))
    db = str(folder / "bench.db")
    token = populate(db)
    port = free_port()
    server = start(db, port, args.workers, folder / "server.log")
    base = f"http://{HOST}:{port}"
    try:
        with httpx.Client(base_url=base) as warm:  # the read cache, once
            warm.get("/api/v1/indicators")
        for phase in ("alone", "during uploads"):
            stop = threading.Event()
            found: list[list[float]] = []
            reader = threading.Thread(
                target=lambda into=found, until=stop: into.append(reads(base, until))
            )
            reader.start()
            if phase == "alone":
                time.sleep(args.quiet_seconds)
            else:
                headers = {"Authorization": f"Bearer {token}"}
                with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                    for serial in range(args.uploads):
                        content = large_file(args.rows, serial)
                        started = time.perf_counter()
                        answer = client.post(
                            "/api/v1/submissions",
                            data={"entity": ENTITY},
                            files={"file": (f"big-{serial}.csv", content, "text/csv")},
                        )
                        print(
                            f"upload {serial}: {len(content) / 2**20:.1f} MB, "
                            f"{answer.status_code}, {time.perf_counter() - started:.1f} s"
                        )
            stop.set()
            reader.join()
            figures(phase, found[0])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
