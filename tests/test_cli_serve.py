"""``ictfootprint serve`` leaves the SQLite database as it found it: one file, no ``-wal`` or
``-shm`` beside it once the server has stopped (issue 12)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ictfootprint.store import Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_until_healthy(db: Path, workers: int) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = _free_port()
    log = db.parent / f"serve-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICTFOOTPRINT_")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "ictfootprint", "serve", "--db", str(db),
                "--port", str(port), "--workers", str(workers), "--no-access-log",
            ],
            cwd=db.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    for _ in range(300):
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        except httpx.TransportError:
            try:  # waiting on the process, not sleeping: an early exit ends the wait at once
                code = process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the server exited with {code}:\n{log.read_text()[-3000:]}")
        if response.status_code == 200:
            return process, port, log
    pytest.fail(f"the server never became healthy:\n{log.read_text()[-3000:]}")


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_leaves_no_wal_or_shm_files(tmp_path: Path, workers: int) -> None:
    db = tmp_path / "served.db"
    Store.open(str(db)).close()
    process, port, log = _serve_until_healthy(db, workers)
    try:
        for path in ("/api/v1/entities", "/en/", "/api/v1/observations?limit=1"):
            httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30)
        assert Path(f"{db}-wal").exists()  # the server's connections are open
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a person stops it
        code = process.wait(timeout=60)
    assert code in (0, 130), log.read_text()[-3000:]  # 130: ended by SIGINT, as a shell says
    assert "Traceback" not in log.read_text()
    assert sorted(p.name for p in tmp_path.glob("served.db*")) == ["served.db"]


class _Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_served_worker_freezes_what_it_holds_once_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker, once started, freezes what it holds (the full collections of a started
    worker took 155-170 ms at 4.4 M values, every request waiting) and collects its young
    generation every 10,000 allocations, not 700; unreachable cycles are freed first, never
    frozen. Restored after, for the rest of the tests' process."""
    import gc
    import weakref

    from fastapi.testclient import TestClient

    from ictfootprint.api.settings import Settings
    from ictfootprint.cli.serve import YOUNG_COLLECTION, serving_app

    db = tmp_path / "served.db"
    Store.open(str(db)).close()
    for name, value in Settings.default(db=str(db)).to_env().items():
        monkeypatch.setenv(name, value)
    thresholds = gc.get_threshold()
    gc.disable()  # no automatic collection: only the worker's own frees the cycle
    try:
        app = serving_app()
        garbage = weakref.ref(_Cycle())  # unreachable at once
        assert gc.get_freeze_count() == 0
        assert garbage() is not None
        with TestClient(app) as client:
            assert gc.get_freeze_count() > 1000
            assert garbage() is None
            assert gc.get_threshold() == (YOUNG_COLLECTION, *thresholds[1:])
            assert client.get("/healthz").status_code == 200
    finally:
        gc.enable()
        gc.unfreeze()
        gc.set_threshold(*thresholds)
