"""Lists never load a report, a payload or a file: a report can weigh hundreds of megabytes,
and a list of a reviewer's submissions must cost what its summaries cost. Pinned twice: on the
list query's compiled SQL (its selected columns and tables), and on every statement the
store actually sends while the API lists submissions, for each role, on both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import pytest
from sqlalchemy import event

from api_world import World, build_world
from ictfootprint.store import submissions as store_submissions
from ictfootprint.store.schema import submission_files, submission_reports

#: what a list must never read: the tables holding them, and their columns
HEAVY_TABLES: Final = {submission_reports.name, submission_files.name}
HEAVY_COLUMNS: Final = {"report", "payload", "content"}
HEAVY: Final = re.compile(r"\.(report|payload|content)\b")


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    world = build_world(db_url)
    yield world
    world.store.close()


def test_the_list_query_selects_no_report_payload_or_file() -> None:
    query = store_submissions._summaries()
    selected = {column.name for column in query.selected_columns}
    assert selected.isdisjoint(HEAVY_COLUMNS), selected
    sql = str(query.compile())
    assert "FROM submissions" in sql and not any(name in sql for name in HEAVY_TABLES), sql


@pytest.mark.parametrize("role", ["admin", "rev-fra", "sub-a"])
def test_listing_submissions_sends_no_statement_that_reads_a_report(
    world: World, role: str
) -> None:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(world.store.engine, "before_cursor_execute", seen)
    try:
        response = world.client.get("/api/v1/submissions", headers=world.headers(role))
    finally:
        event.remove(world.store.engine, "before_cursor_execute", seen)
    assert response.status_code == 200 and response.json()["items"], response.text
    listing = [s for s in statements if "FROM submissions" in s]
    assert listing, statements
    for sql in statements:
        assert not any(name in sql for name in HEAVY_TABLES), sql
        assert HEAVY.search(sql) is None, sql


def test_one_submission_does_read_its_report(world: World) -> None:
    """The statement check above can fail: opening one submission reads its report."""
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    submission = world.pending["illustrative-op-a"]
    event.listen(world.store.engine, "before_cursor_execute", seen)
    try:
        response = world.client.get(
            f"/api/v1/submissions/{submission}", headers=world.headers("admin")
        )
    finally:
        event.remove(world.store.engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    assert any(submission_reports.name in sql for sql in statements)
