"""Uploads at the time limit and under load: a 503 always means "not stored", and validation
runs in worker processes, not in the server's threads."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from queue import Queue

import pytest
from fastapi.testclient import TestClient

from api_world import World, build_world, pending_file
from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.api.uploads import validations

OP_A = "illustrative-op-a"


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    world = build_world(db_url)
    yield world
    world.store.close()


def _client(world: World, **settings: object) -> TestClient:
    values = {"db": world.store.url, "rate_limit_per_minute": 0, **settings}
    return TestClient(create_app(Settings.default(**values), world.store))


def _stored(world: World) -> set[str]:
    """What is stored, once the server's worker threads have finished what they were given
    (a request answered 503 could leave work running in one: what these tests look for)."""
    for thread in threading.enumerate():
        if type(thread).__name__ != "WorkerThread":  # anyio's threads, which run sync code
            continue
        if getattr(thread, "stopping", False):  # its event loop ended: it ends after its work
            thread.join()
        else:
            queue = thread.queue  # type: ignore[attr-defined]
            assert isinstance(queue, Queue)
            queue.join()
    return {r.content_sha256 for r in world.store.submissions(entity_id=OP_A)}


def _file(n: int) -> bytes:
    """Files from one row to a few thousand, so that the time limit falls before, during or
    after storing."""
    return pending_file() + b"activity_revenue,2023,1,USD,,r\n" * (n * 400)


def test_upload_at_the_time_limit_is_never_answered_503_and_then_stored(world: World) -> None:
    client = _client(world, request_timeout_seconds=0.01)
    outcomes = []
    for n in range(8):
        content = _file(n)
        response = client.post(
            "/api/v1/submissions",
            headers=world.headers("sub-a"),
            data={"entity": OP_A},
            files={"file": ("late.csv", content, "text/csv")},
        )
        stored = hashlib.sha256(content).hexdigest() in _stored(world)
        outcomes.append((response.status_code, stored))
        assert (response.status_code, stored) in ((201, True), (503, False)), outcomes


def test_web_upload_at_the_time_limit_is_never_answered_503_and_then_stored(
    world: World,
) -> None:
    # signed in on an app without a tight limit; the cookie (the token) and the form's CSRF
    # value (derived from it) are good on any app of the same store
    normal = TestClient(world.client.app)
    normal.post("/en/signin", data={"token": world.tokens["sub-a"]}, follow_redirects=False)
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', normal.get("/en/submissions").text)
    assert csrf is not None
    client = _client(world, request_timeout_seconds=0.01)
    client.cookies.update(normal.cookies)
    for n in range(6):
        content = _file(n)
        response = client.post(
            "/en/submissions",
            data={"entity": OP_A, "csrf": csrf.group(1)},
            files={"file": ("late.csv", content, "text/csv")},
            follow_redirects=False,
        )
        stored = hashlib.sha256(content).hexdigest() in _stored(world)
        assert (response.status_code, stored) in ((303, True), (503, False))


def test_validation_runs_in_a_worker_process(world: World) -> None:
    client = _client(world, validation_workers=1)
    response = client.post(
        "/api/v1/submissions",
        headers=world.headers("sub-a"),
        data={"entity": OP_A},
        files={"file": ("ok.csv", pending_file(), "text/csv")},
    )
    assert response.status_code == 201, response.text
    pool = client.app.state.validations  # type: ignore[attr-defined]
    assert not pool.in_process
    workers = pool.pool()._processes  # the pool's processes, by pid
    assert workers and os.getpid() not in workers
    report = client.get(response.headers["location"], headers=world.headers("sub-a")).json()
    assert report["status"] == "validated" and report["values"] == 1
    pool.close()


def test_an_unusable_file_through_a_worker_is_a_clear_report_not_a_500(world: World) -> None:
    client = _client(world, validation_workers=1)
    response = client.post(
        "/api/v1/submissions",
        headers=world.headers("sub-a"),
        data={"entity": OP_A},
        files={"file": ("broken.xlsx", b"PK\x03\x04 not a workbook", "application/zip")},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "rejected"
    assert [f["rule"] for f in body["report"]["findings"]] == ["unusable-file"]
    again = client.post(
        "/api/v1/submissions",
        headers=world.headers("sub-a"),
        data={"entity": OP_A},
        files={"file": ("broken.xlsx", b"PK\x03\x04 not a workbook", "application/zip")},
    )
    assert again.status_code == 200 and again.json()["identical_to"] == body["submission"]
    assert validations  # the app's pool is made on first use (api.uploads.validations)
    client.app.state.validations.close()  # type: ignore[attr-defined]
