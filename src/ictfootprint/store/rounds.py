"""Collection rounds: a custodian's call for one reporting year, the entities obliged to
answer it, and what happened to each respondent, as events.

Everything here is written once. A round's status events (invited, opened, reminded,
exempted, extended; ``closed`` for the round itself, with no entity) are only ever added; the
statuses that come from the submission workflow (submitted, validated, rejected, accepted)
are read from the submissions' own events (``submissions_for``), never copied here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, insert, select

from ictfootprint.errors import NotFoundError
from ictfootprint.store import submissions as _submissions
from ictfootprint.store.database import now
from ictfootprint.store.schema import (
    round_events,
    round_obligations,
    rounds,
    submission_reports,
)
from ictfootprint.store.submissions import SubmissionRecord

#: Statuses a round records itself (the others come from submissions or the date).
RECORDED: Final = ("invited", "opened", "reminded", "exempted", "extended", "closed")


@dataclass(frozen=True)
class Obligation:
    entity_id: str
    respondent: str
    via: str  # "list" or "rule"
    lang: str
    email: str | None


@dataclass(frozen=True)
class RoundEvent:
    entity_id: str | None
    status: str
    at: datetime
    actor: str
    reason: str | None = None
    until: date | None = None
    message_key: str | None = None


@dataclass(frozen=True)
class RoundRecord:
    id: int
    custodian_id: str
    name: str
    year: int
    respondent_types: tuple[str, ...]
    rule: str | None
    opens_on: date
    deadline: date
    template: str
    created_at: datetime
    created_by: str
    obligations: tuple[Obligation, ...] = field(default=())
    events: tuple[RoundEvent, ...] = field(default=())

    @property
    def closed(self) -> RoundEvent | None:
        return next((e for e in self.events if e.status == "closed"), None)


def create(
    connection: Connection,
    *,
    custodian_id: str,
    name: str,
    year: int,
    respondent_types: Sequence[str],
    rule: str | None,
    opens_on: date,
    deadline: date,
    template: str,
    obligations: Sequence[Obligation],
    actor: str,
) -> int:
    """Store a round and its obligations (the caller has checked them)."""
    key = connection.execute(
        insert(rounds).values(
            custodian_id=custodian_id,
            name=name,
            year=year,
            respondent_types=list(respondent_types),
            rule=rule,
            opens_on=opens_on,
            deadline=deadline,
            template=template,
            created_at=now(),
            created_by=actor,
        )
    ).inserted_primary_key
    assert key is not None
    round_id = int(key[0])
    connection.execute(
        insert(round_obligations),
        [
            {
                "round_id": round_id,
                "entity_id": o.entity_id,
                "respondent": o.respondent,
                "via": o.via,
                "lang": o.lang,
                "email": o.email,
            }
            for o in obligations
        ],
    )
    return round_id


def add_event(connection: Connection, round_id: int, event: RoundEvent) -> None:
    connection.execute(
        insert(round_events).values(
            round_id=round_id,
            entity_id=event.entity_id,
            status=event.status,
            at=event.at,
            actor=event.actor,
            reason=event.reason,
            until=event.until,
            message_key=event.message_key,
        )
    )


def get(connection: Connection, round_id: int) -> RoundRecord:
    row = connection.execute(select(rounds).where(rounds.c.id == round_id)).first()
    if row is None:
        raise NotFoundError(f"no round {round_id}")
    return _record(connection, row, with_details=True)


def all_rounds(
    connection: Connection, *, custodian_ids: Collection[str] | None = None
) -> list[RoundRecord]:
    """Rounds, newest first, with their ``closed`` event (not their obligations)."""
    query = select(rounds).order_by(rounds.c.id.desc())
    if custodian_ids is not None:
        if not custodian_ids:
            return []
        query = query.where(rounds.c.custodian_id.in_(sorted(custodian_ids)))
    found = []
    for row in connection.execute(query).all():
        closed = connection.execute(
            select(round_events).where(
                round_events.c.round_id == row.id, round_events.c.status == "closed"
            )
        ).first()
        found.append(_record(connection, row, with_details=False, closed=closed))
    return found


def rounds_of_entity(connection: Connection, entity_ids: Collection[str]) -> list[int]:
    """The rounds that oblige any of these entities."""
    if not entity_ids:
        return []
    return list(
        connection.execute(
            select(round_obligations.c.round_id)
            .where(round_obligations.c.entity_id.in_(sorted(entity_ids)))
            .distinct()
            .order_by(round_obligations.c.round_id.desc())
        ).scalars()
    )


def submissions_for(
    connection: Connection, entity_ids: Collection[str], since: date
) -> list[tuple[SubmissionRecord, list[int]]]:
    """The entities' submissions received on or after ``since``, each with the years its
    report covers (empty for a file that could not be read)."""
    records = [
        r
        for r in _submissions.all_submissions(connection, entity_ids=entity_ids)
        if _day(r.received_at) >= since
    ]
    years: dict[int, list[int]] = {}
    if records:
        rows = connection.execute(
            select(submission_reports.c.submission_id, submission_reports.c.report).where(
                submission_reports.c.submission_id.in_([r.id for r in records])
            )
        )
        for submission_id, report in rows:
            completeness = (report or {}).get("completeness") or {}
            years[submission_id] = [int(y) for y in completeness.get("years") or []]
    return [(r, years.get(r.id, [])) for r in records]


def payload_indicators(connection: Connection, submission_id: int, year: int) -> set[str]:
    """The indicators a submission holds a value of for ``year``."""
    return {
        item["indicator_id"]
        for item in _submissions.payload(connection, submission_id)
        if int(item.get("year", 0)) == year
        and (item.get("value") is not None or item.get("value_text") is not None)
    }


def _record(
    connection: Connection, row: Any, *, with_details: bool, closed: Any = None
) -> RoundRecord:
    obligations: tuple[Obligation, ...] = ()
    events: tuple[RoundEvent, ...] = ()
    if with_details:
        obligations = tuple(
            Obligation(o.entity_id, o.respondent, o.via, o.lang, o.email)
            for o in connection.execute(
                select(round_obligations)
                .where(round_obligations.c.round_id == row.id)
                .order_by(round_obligations.c.entity_id)
            )
        )
        events = tuple(
            _event(e)
            for e in connection.execute(
                select(round_events)
                .where(round_events.c.round_id == row.id)
                .order_by(round_events.c.id)
            )
        )
    elif closed is not None:
        events = (_event(closed),)
    return RoundRecord(
        id=row.id,
        custodian_id=row.custodian_id,
        name=row.name,
        year=row.year,
        respondent_types=tuple(row.respondent_types),
        rule=row.rule,
        opens_on=row.opens_on,
        deadline=row.deadline,
        template=row.template,
        created_at=row.created_at,
        created_by=row.created_by,
        obligations=obligations,
        events=events,
    )


def _event(row: Any) -> RoundEvent:
    return RoundEvent(
        entity_id=row.entity_id,
        status=row.status,
        at=row.at,
        actor=row.actor,
        reason=row.reason,
        until=row.until,
        message_key=row.message_key,
    )


def _day(at: datetime) -> date:
    return at.date()
