"""A respondent's status in a round at a date, and how it got there (pure: no store).

The timeline merges what the round recorded (invited, opened, reminded, exempted, extended)
with what the submission workflow recorded for the entity's submissions of the round's year
(submitted, validated, rejected, accepted: read, never typed), and ``overdue`` when the date
is past the deadline (or the latest extension) with nothing accepted or awaiting review.

The status at the date, first that applies: exempted; accepted; validated (submitted, awaiting
review); overdue; rejected (may resubmit before the deadline); extended; opened; invited;
``not-invited``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from ictfootprint.store.rounds import Obligation, RoundEvent
from ictfootprint.store.submissions import SubmissionRecord

STATUSES: Final = (
    "not-invited",
    "invited",
    "opened",
    "submitted",
    "rejected",
    "validated",
    "accepted",
    "overdue",
    "exempted",
    "extended",
)
#: Statuses in which the respondent owes nothing more (no reminder, never overdue).
SETTLED: Final = ("exempted", "accepted", "validated")


@dataclass(frozen=True)
class Step:
    status: str
    at: datetime
    by: str | None = None
    reason: str | None = None
    until: date | None = None
    submission: str | None = None  # public id

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "at": self.at.isoformat(),
            "by": self.by,
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else None,
            "submission": self.submission,
        }


@dataclass(frozen=True)
class RespondentStatus:
    entity_id: str
    respondent: str
    status: str
    deadline: date  # the one that applies: the round's, or the latest extension
    timeline: tuple[Step, ...] = field(default=())
    submission: SubmissionRecord | None = None  # the one that counts (accepted, else latest)

    @property
    def reason(self) -> str | None:
        steps = [s for s in self.timeline if s.status == self.status and s.reason]
        return steps[-1].reason if steps else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity_id,
            "respondent": self.respondent,
            "status": self.status,
            "deadline": self.deadline.isoformat(),
            "reason": self.reason,
            "submission": self.submission.public_id if self.submission else None,
            "timeline": [s.as_dict() for s in self.timeline],
        }


def end_of(day: date) -> datetime:
    """The last instant of a day (UTC): a deadline is met by anything on that day."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1, microseconds=-1)


def utc(at: datetime) -> datetime:
    # SQLite gives back naive datetimes; everything the store writes is UTC
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def respondent_status(
    obligation: Obligation,
    deadline: date,
    events: Sequence[RoundEvent],
    submissions: Sequence[SubmissionRecord],
    at: date,
) -> RespondentStatus:
    """The status on day ``at`` (end of day, UTC) from the round's events for this entity and
    its submissions of the round's year, oldest first."""
    cut = end_of(at)
    steps = [
        Step(e.status, utc(e.at), e.actor, e.reason, e.until)
        for e in events
        if e.entity_id == obligation.entity_id and utc(e.at) <= cut
    ]
    counted: list[SubmissionRecord] = []
    for record in submissions:
        if utc(record.received_at) > cut:
            continue
        counted.append(record)
        steps.append(Step("submitted", utc(record.received_at), None, None, None, record.public_id))
        for event in record.events:
            if event.status in ("validated", "rejected", "accepted") and utc(event.at) <= cut:
                by = None if event.actor == "validation" else event.actor
                steps.append(
                    Step(event.status, utc(event.at), by, event.comment, None, record.public_id)
                )
    extensions = [s.until for s in steps if s.status == "extended" and s.until is not None]
    applies = max([deadline, *extensions])
    statuses = {s.status for s in steps}
    latest = _latest_state(counted, cut)
    accepted = next((r for r in reversed(counted) if _state(r, cut) == "accepted"), None)
    if "exempted" in statuses:
        status = "exempted"
    elif accepted is not None:
        status = "accepted"
    elif latest == "validated":
        status = "validated"
    elif at > applies:
        status = "overdue"
        steps.append(Step("overdue", end_of(applies)))
    elif latest == "rejected":
        status = "rejected"
    elif extensions:
        status = "extended"
    elif "opened" in statuses:
        status = "opened"
    elif "invited" in statuses:
        status = "invited"
    else:
        status = "not-invited"
    steps.sort(key=lambda s: s.at)
    return RespondentStatus(
        obligation.entity_id,
        obligation.respondent,
        status,
        applies,
        tuple(steps),
        accepted or (counted[-1] if counted else None),
    )


def _state(record: SubmissionRecord, cut: datetime) -> str:
    seen = [e.status for e in record.events if utc(e.at) <= cut]
    return seen[-1] if seen else "received"


def _latest_state(records: Sequence[SubmissionRecord], cut: datetime) -> str | None:
    return _state(records[-1], cut) if records else None
