"""Submissions: the file as received, its report, its normalised values, and its status events.

A submission row and its file are written once; its status (received → validated → accepted
or rejected) is the latest of its append-only events, each with who, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ictfootprint.errors import ConflictError, Location, NotFoundError
from ictfootprint.store.database import now
from ictfootprint.store.schema import submission_events, submission_files, submissions


class DuplicateSubmission(ConflictError):
    """The same file for the same entity is already stored (sent twice at once)."""

    def __init__(self, earlier: int) -> None:
        super().__init__(f"identical to submission {earlier}", Location(field="file"))
        self.earlier = earlier


@dataclass(frozen=True)
class Event:
    status: str
    at: datetime
    actor: str
    comment: str | None


@dataclass(frozen=True)
class SubmissionRecord:
    id: int
    entity_id: str
    file_name: str | None
    format: str
    content_sha256: str
    received_at: datetime
    received_by: str
    respondent: str | None
    report: dict[str, Any] | None
    events: tuple[Event, ...] = field(default=())

    @property
    def status(self) -> str:
        return self.events[-1].status if self.events else "received"

    def summary(self) -> dict[str, Any]:
        report = self.report or {}
        return {
            "id": self.id,
            "entity": self.entity_id,
            "file": self.file_name,
            "format": self.format,
            "sha256": self.content_sha256,
            "received_at": self.received_at.isoformat(),
            "received_by": self.received_by,
            "respondent": self.respondent,
            "status": self.status,
            "values": report.get("values"),
            "errors": report.get("errors"),
            "warnings": report.get("warnings"),
            "events": [
                {"status": e.status, "at": e.at.isoformat(), "by": e.actor, "comment": e.comment}
                for e in self.events
            ],
        }


def create(
    connection: Connection,
    *,
    entity_id: str,
    file_name: str,
    fmt: str,
    sha256: str,
    content: bytes,
    report: dict[str, Any],
    payload: list[dict[str, Any]] | None,
    respondent: str | None,
    encoding: str | None,
    locale: str | None,
    status: str,
    actor: str,
) -> int:
    """Store a received file, its report and values, and its first events (one transaction)."""
    at = now()
    key = connection.execute(
        insert(submissions).values(
            entity_id=entity_id,
            file_name=file_name,
            format=fmt,
            content_sha256=sha256,
            received_at=at,
            received_by=actor,
            report=report,
            payload=payload,
            respondent=respondent,
            encoding=encoding,
            locale=locale,
        )
    ).inserted_primary_key
    assert key is not None
    submission_id = int(key[0])
    connection.execute(
        insert(submission_files).values(
            submission_id=submission_id, content=content, size=len(content)
        )
    )
    add_event(connection, submission_id, "received", actor, None, at=at)
    add_event(connection, submission_id, status, "validation", None, at=at)
    return submission_id


def add_event(
    connection: Connection,
    submission_id: int,
    status: str,
    actor: str,
    comment: str | None,
    *,
    at: datetime | None = None,
) -> None:
    connection.execute(
        insert(submission_events).values(
            submission_id=submission_id, status=status, at=at or now(), actor=actor, comment=comment
        )
    )


def identical(connection: Connection, entity_id: str, sha256: str) -> int | None:
    """The earlier submission of exactly this content for this entity, if any."""
    return connection.execute(
        select(func.min(submissions.c.id)).where(
            submissions.c.entity_id == entity_id, submissions.c.content_sha256 == sha256
        )
    ).scalar()


def get(connection: Connection, submission_id: int) -> SubmissionRecord:
    row = connection.execute(select(submissions).where(submissions.c.id == submission_id)).first()
    if row is None:
        raise NotFoundError(f"no submission {submission_id}")
    return _record(row, _events(connection, [submission_id]).get(submission_id, ()))


def _events(connection: Connection, ids: list[int]) -> dict[int, tuple[Event, ...]]:
    found: dict[int, list[Event]] = {}
    rows = connection.execute(
        select(submission_events)
        .where(submission_events.c.submission_id.in_(ids))
        .order_by(submission_events.c.id)
    )
    for r in rows:
        found.setdefault(r.submission_id, []).append(Event(r.status, r.at, r.actor, r.comment))
    return {k: tuple(v) for k, v in found.items()}


def _record(row: Any, events: tuple[Event, ...]) -> SubmissionRecord:
    return SubmissionRecord(
        id=row.id,
        entity_id=row.entity_id,
        file_name=row.file_name,
        format=row.format,
        content_sha256=row.content_sha256,
        received_at=row.received_at,
        received_by=row.received_by,
        respondent=row.respondent,
        report=row.report,
        events=events,
    )


def all_submissions(
    connection: Connection, *, status: str | None = None, entity_id: str | None = None
) -> list[SubmissionRecord]:
    columns = [c for c in submissions.c if c.name != "payload"]
    query = select(*columns).order_by(submissions.c.id)
    if entity_id is not None:
        query = query.where(submissions.c.entity_id == entity_id)
    rows = connection.execute(query).all()
    events = _events(connection, [r.id for r in rows])
    records = [_record(r, events.get(r.id, ())) for r in rows]
    return [r for r in records if status is None or r.status == status]


def payload(connection: Connection, submission_id: int) -> list[dict[str, Any]]:
    value = connection.execute(
        select(submissions.c.payload).where(submissions.c.id == submission_id)
    ).scalar()
    return list(value or [])


def content(connection: Connection, submission_id: int) -> bytes:
    value = connection.execute(
        select(submission_files.c.content).where(submission_files.c.submission_id == submission_id)
    ).scalar()
    if value is None:
        raise NotFoundError(f"no file for submission {submission_id}")
    return bytes(value)
