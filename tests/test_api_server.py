"""The API as deployed: ``ictfootprint serve`` in its own processes, over loopback, on
PostgreSQL. Many submissions at once are each stored once and whole; a server killed in the
middle of a batch leaves no half-stored submission behind, and starts again on the same
database.

In-process tests (test_api.py) cannot show either: they share one process, one event loop and
no real sockets with the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.store.schema import (
    audit_log,
    submission_events,
    submission_files,
    submission_reports,
    submissions,
)

pytestmark = pytest.mark.postgres

ENTITY = "load-op"
HEADER = "indicator,year,value,unit,country,source\n"
# indicators and units the template accepts, for files of many values
SERIES = [
    ("energy_electricity", "MWh"),
    ("energy_diesel", "L"),
    ("ghg_scope1", "tCO2e"),
    ("ghg_scope3_total", "tCO2e"),
    ("resource_water_withdrawal", "m^3"),
    ("activity_mobile_lines", "count"),
    ("energy_mobile_network", "MWh"),
    ("activity_traffic_total", "PB"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """``ictfootprint serve`` in its own process group (uvicorn's workers with it)."""

    db: str
    folder: Path
    workers: int = 2
    options: list[str] = field(default_factory=lambda: ["--rate-limit", "0"])
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / f"serve-{self.port}.log"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "ictfootprint",
            "serve",
            "--db",
            self.db,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            *self.options,
            "--no-access-log",
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ICTFOOTPRINT_")}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_healthy()

    def _wait_until_healthy(self, attempts: int = 300) -> None:
        assert self.process is not None
        for _ in range(attempts):
            try:
                response = httpx.get(f"{self.base}/healthz", timeout=5)
            except httpx.TransportError:
                # waiting on the process, not sleeping: an early exit ends the wait at once
                try:
                    code = self.process.wait(timeout=0.1)
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(f"the server exited with {code}:\n{self.log.read_text()[-3000:]}")
            if response.status_code == 200:
                return
        pytest.fail(f"the server never became healthy:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown, no rollback but the database's own."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Seeded:
    db: str
    store: Store
    token: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def seeded(postgres: Any) -> Iterator[Seeded]:
    """A fresh PostgreSQL database with one entity, its submitter and the submitter's token."""
    db = postgres.new_database()
    store = Store.open(db, actor="test-setup")
    store.add_entity(
        Entity(id=ENTITY, name="Load Operator (fictitious)", kind=EntityKind.COMPANY, country="FRA")
    )
    store.add_user("loader", "submitter", entities=[ENTITY])
    token = store.create_token("loader", label="tests").token
    yield Seeded(db, store, token)
    store.close()
    postgres.drop_database(db)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    """Servers started in a test are stopped whatever happens."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def serve(started: list[Server], db: str, folder: Path, workers: int = 2) -> Server:
    server = Server(db, folder, workers)
    started.append(server)
    server.start()
    return server


def small_file(number: int) -> bytes:
    """A valid file of three values, its content unique to ``number``."""
    rows = "".join(
        f"activity_revenue,{year},{1000 + number * 3 + offset},USD,,load test file {number}\n"
        for offset, year in enumerate((2022, 2023, 2024))
    )
    return (HEADER + rows).encode()


def large_file(number: int) -> bytes:
    """A valid file of 800 values (about 45 kB), its content unique to ``number``."""
    rows = "".join(
        f"{indicator},{year},{1000 + position * 7 + (year - 2000) * 5 + number},{unit},"
        f"{country},crash test file {number}\n"
        for country in ("FRA", "DEU", "KEN", "IND")
        for position, (indicator, unit) in enumerate(SERIES)
        for year in range(2000, 2025)
    )
    return (HEADER + rows).encode()


@dataclass
class Outcome:
    content: bytes
    status: int | None = None
    body: dict[str, Any] | None = None
    error: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


async def _submit_all(
    base: str,
    headers: dict[str, str],
    files: list[bytes],
    *,
    after: int | None = None,
    then: Any = None,
) -> list[Outcome]:
    """Send every file at once, one connection each; call ``then()`` when ``after``
    responses have arrived."""
    outcomes = [Outcome(content) for content in files]
    answered = 0
    limits = httpx.Limits(max_connections=len(files), max_keepalive_connections=len(files))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one(outcome: Outcome, number: int) -> None:
            nonlocal answered
            try:
                response = await client.post(
                    "/api/v1/submissions",
                    headers=headers,
                    data={"entity": ENTITY},
                    files={"file": (f"load-{number}.csv", outcome.content, "text/csv")},
                )
            except httpx.TransportError as error:
                outcome.error = repr(error)
                return
            outcome.status = response.status_code
            outcome.body = response.json()
            answered += 1
            if after is not None and answered == after:
                then()

        await asyncio.gather(*(one(o, n) for n, o in enumerate(outcomes)))
    return outcomes


def stored_submissions(store: Store) -> dict[str, dict[str, Any]]:
    """Every submission of the entity by content hash, with its file, events and audit rows;
    fails on a hash stored twice."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(submissions, submission_reports.c.report, submission_reports.c.payload)
            .outerjoin(submission_reports, submission_reports.c.submission_id == submissions.c.id)
            .where(submissions.c.entity_id == ENTITY)
        ).all()
        ids = [r.id for r in rows]
        files = {
            f.submission_id: f
            for f in connection.execute(
                select(submission_files).where(submission_files.c.submission_id.in_(ids))
            )
        }
        events: dict[int, list[str]] = {}
        for e in connection.execute(
            select(submission_events)
            .where(submission_events.c.submission_id.in_(ids))
            .order_by(submission_events.c.id)
        ):
            events.setdefault(e.submission_id, []).append(e.status)
        audits = Counter(
            a.object_id
            for a in connection.execute(
                select(audit_log).where(
                    audit_log.c.object_type == "submission", audit_log.c.action == "submit"
                )
            )
        )
    hashes = Counter(r.content_sha256 for r in rows)
    assert [h for h, n in hashes.items() if n > 1] == [], "a file stored twice"
    return {
        r.content_sha256: {
            "row": r,
            "file": files.get(r.id),
            "events": events.get(r.id, []),
            "audits": audits[str(r.id)],
        }
        for r in rows
    }


def assert_whole(sha256: str, stored: dict[str, Any]) -> None:
    """The row, its file, its values, its status events and its audit row: all or nothing."""
    row, file = stored["row"], stored["file"]
    assert file is not None, f"submission {row.id} has no file"
    content = bytes(file.content)
    assert file.size == len(content)
    assert hashlib.sha256(content).hexdigest() == row.content_sha256 == sha256
    assert row.report is not None and row.report["sha256"] == sha256
    assert stored["events"] == ["received", "validated"], (row.id, stored["events"])
    assert row.payload is not None and len(row.payload) == row.report["values"] > 0
    assert stored["audits"] == 1, f"submission {row.id} has {stored['audits']} audit rows"


def test_200_concurrent_submissions_are_each_stored_once_and_whole(
    seeded: Seeded, servers: list[Server], tmp_path: Path
) -> None:
    server = serve(servers, seeded.db, tmp_path, workers=2)
    files = [small_file(n) for n in range(200)]
    assert len({hashlib.sha256(f).digest() for f in files}) == 200

    outcomes = asyncio.run(_submit_all(server.base, seeded.headers(), files))

    failed = [(o.status, o.error, o.body) for o in outcomes if o.status != 201]
    assert failed == []
    stored = stored_submissions(seeded.store)
    assert set(stored) == {o.sha256 for o in outcomes}
    for outcome in outcomes:
        record = stored[outcome.sha256]
        assert outcome.body is not None
        assert outcome.body["submission"] == record["row"].public_id
        assert outcome.body["status"] == "validated"
        assert bytes(record["file"].content) == outcome.content
        assert_whole(outcome.sha256, record)


def test_a_server_killed_mid_batch_leaves_every_submission_whole_or_absent(
    seeded: Seeded, servers: list[Server], tmp_path: Path
) -> None:
    server = serve(servers, seeded.db, tmp_path, workers=2)
    files = [large_file(n) for n in range(150)]

    outcomes = asyncio.run(
        _submit_all(server.base, seeded.headers(), files, after=20, then=server.kill)
    )

    created = [o for o in outcomes if o.status == 201]
    lost = [o for o in outcomes if o.status is None]
    assert len(created) >= 20, [o.error or o.body for o in outcomes if o.status != 201][:5]
    assert lost, "every request finished before the kill: the test proved nothing"
    assert all(o.status in (201, None) for o in outcomes), {o.status for o in outcomes}
    stored = stored_submissions(seeded.store)
    for sha256, record in stored.items():
        assert_whole(sha256, record)
    sent = {o.sha256: o for o in outcomes}
    assert set(stored) <= set(sent)
    for outcome in created:
        assert outcome.body is not None
        assert stored[outcome.sha256]["row"].public_id == outcome.body["submission"]
        assert bytes(stored[outcome.sha256]["file"].content) == outcome.content

    again = serve(servers, seeded.db, tmp_path, workers=2)
    with httpx.Client(base_url=again.base, headers=seeded.headers(), timeout=60) as client:

        def send(content: bytes) -> httpx.Response:
            return client.post(
                "/api/v1/submissions",
                data={"entity": ENTITY},
                files={"file": ("again.csv", content, "text/csv")},
            )

        fresh = send(large_file(1000))
        assert fresh.status_code == 201, fresh.text
        assert fresh.json()["status"] == "validated"
        # a file lost in the crash is taken as new; one stored before it is known already
        retried = send(lost[0].content)
        assert retried.status_code == (200 if lost[0].sha256 in stored else 201), retried.text
    after = stored_submissions(seeded.store)
    assert len(after) == len(stored) + 1 + (lost[0].sha256 not in stored)
    for sha256, record in after.items():
        assert_whole(sha256, record)
