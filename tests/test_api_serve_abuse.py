"""The API as served (uvicorn, real sockets) under abuse: a forged ``X-Forwarded-For`` from a
client that is not a configured proxy is ignored (the audit trail names the real peer and the
rate limit counts it); the server neither names itself nor answers for any host name; and a
500 leaves the keep-alive connection usable, in the one error shape.

Runs on SQLite: what is tested is the HTTP server's configuration, not the database.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.cli.serve import uvicorn_config
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.store.schema import audit_log
from test_api_server import Server, _free_port, small_file

ENTITY = "load-op"
FORGED = "6.6.6.6"


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[str, str]]:
    db = f"sqlite:///{tmp_path / 'api.db'}"
    store = Store.open(db, actor="test-setup")
    store.add_entity(
        Entity(id=ENTITY, name="Load Operator (fictitious)", kind=EntityKind.COMPANY, country="FRA")
    )
    store.add_user("loader", "submitter", entities=[ENTITY])
    token = store.create_token("loader", label="tests").token
    store.close()
    yield db, token


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def serve(started: list[Server], db: str, folder: Path, *options: str) -> Server:
    server = Server(db, folder, workers=1, options=list(options))
    started.append(server)
    server.start()
    return server


def submit_origin(server: Server, db: str, token: str, number: int) -> str:
    """Submit a file with a forged X-Forwarded-For; the origin the audit trail recorded."""
    response = httpx.post(
        f"{server.base}/api/v1/submissions",
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": FORGED},
        data={"entity": ENTITY},
        files={"file": ("f.csv", small_file(number), "text/csv")},
    )
    assert response.status_code == 201, response.text
    store = Store.open(db, actor="test")
    try:
        # the API names a submission by its public id; the audit trail by its local number
        local = store.submission(response.json()["submission"]).id
        with store.engine.connect() as connection:
            row = connection.execute(
                select(audit_log.c.origin)
                .where(audit_log.c.object_id == str(local))
                .where(audit_log.c.action == "submit")
            ).one()
    finally:
        store.close()
    return str(row.origin)


def test_a_forged_forwarded_for_from_a_client_that_is_no_proxy_is_ignored(
    seeded: tuple[str, str], servers: list[Server], tmp_path: Path
) -> None:
    db, token = seeded
    server = serve(servers, db, tmp_path, "--rate-limit", "30")
    assert submit_origin(server, db, token, 1).startswith("127.0.0.1:")
    statuses = Counter[int]()
    with httpx.Client(base_url=server.base) as client:
        for number in range(40):
            forged = {"X-Forwarded-For": f"6.6.{number}.6"}
            statuses[client.get("/api/v1/indicators", headers=forged).status_code] += 1
    assert statuses[429] >= 10, statuses


def test_a_configured_proxy_is_believed(
    seeded: tuple[str, str], servers: list[Server], tmp_path: Path
) -> None:
    db, token = seeded
    server = serve(servers, db, tmp_path, "--rate-limit", "0", "--forwarded-allow-ips", "127.0.0.1")
    assert submit_origin(server, db, token, 2).startswith(FORGED + ":")


def test_the_server_does_not_name_itself_nor_answer_for_any_host(
    seeded: tuple[str, str], servers: list[Server], tmp_path: Path
) -> None:
    db, _token = seeded
    server = serve(servers, db, tmp_path, "--rate-limit", "0")
    with httpx.Client(base_url=server.base) as client:
        fine = client.get("/healthz")
        assert fine.status_code == 200
        assert "server" not in fine.headers
        for host in ("evil.example", f"localhost:{server.port}"):
            response = client.get("/healthz", headers={"Host": host})
            expected = 200 if host.startswith("localhost") else 400
            assert response.status_code == expected, host
        refused = client.get("/api/v1/indicators", headers={"Host": "evil.example"})
        assert refused.json() == {
            "error": {"status": 400, "message": "this server does not answer for this host name"}
        }
        assert "server" not in refused.headers


class Threaded:
    """Our app, with a route that fails, under uvicorn configured as ``serve`` does, in a
    thread of the test process (the route exists in no deployed server)."""

    def __init__(self, store: Store) -> None:
        app = create_app(Settings.default(db="sqlite://", rate_limit_per_minute=0), store)

        @app.get("/test-only/fails")
        def fails() -> None:
            raise RuntimeError("a defect with a secret in its message")

        self.port = _free_port()
        self.server = uvicorn.Server(
            uvicorn_config(app, Settings.default(), host="127.0.0.1", port=self.port)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Threaded:
        self.thread.start()
        for _ in range(600):
            if self.server.started:
                return self
            self.thread.join(timeout=0.05)  # waits on the thread: ends at once if it died
            if not self.thread.is_alive():
                break
        pytest.fail("uvicorn did not start")

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def test_after_a_500_the_keep_alive_connection_still_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'api.db'}", actor="test-setup")
    try:
        with Threaded(store) as served:
            connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
            connection.request("GET", "/test-only/fails")
            failed = connection.getresponse()
            body = failed.read()
            sock = connection.sock
            assert failed.status == 500
            assert failed.getheader("content-type") == "application/json"
            assert failed.getheader("x-content-type-options") == "nosniff"
            assert failed.getheader("connection") != "close"
            assert b"secret" not in body and b"Traceback" not in body
            assert body == (
                b'{"error": {"status": 500, '
                b'"message": "the server could not complete this request"}}'
            )
            connection.request("GET", "/healthz")
            again = connection.getresponse()
            assert again.status == 200, again.read()
            assert connection.sock is sock, "the connection was closed and opened again"
            connection.close()
    finally:
        store.close()
    # the server's log has what the client was not told
    assert "a defect with a secret in its message" in caplog.text
