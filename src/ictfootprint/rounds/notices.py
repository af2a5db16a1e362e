"""Invitations and reminders: who gets which message on a given day, and queueing them.

Each message has a key that says what it is, so that a command run again sends nothing twice
(the outbox keeps one message a key, and the round keeps one event a key):

- ``round:<id>:<entity>:invite`` — the invitation, once;
- ``round:<id>:<entity>:remind:<deadline>:<n>`` — the reminder ``n`` days before the deadline
  that applies (the round's or the latest extension); of the days given, the nearest one
  passed (a reminder 7 days before is not sent late on the day before the deadline);
- ``round:<id>:<entity>:overdue:<deadline>`` — once the deadline that applies has passed.

Nobody who is settled (accepted, validated and awaiting review, exempted) is reminded; a
respondent without a contact address is listed as such and skipped. Messages are in the
respondent's language, with a personal link (``links.issue``, purpose ``round-upload``) that
expires a week after the deadline that applies. Queueing, the link and the round's event are
one transaction per message: a failure keeps what was queued before it, and a rerun goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from ictfootprint.errors import InputError, Location
from ictfootprint.rounds.service import get_round, open_for_changes, statuses
from ictfootprint.rounds.status import SETTLED, RespondentStatus, end_of
from ictfootprint.store import Store
from ictfootprint.store import custodians as _custodians
from ictfootprint.store import entities as _entities
from ictfootprint.store import rounds as _rounds
from ictfootprint.store.database import now
from ictfootprint.store.rounds import RoundEvent, RoundRecord

PURPOSE: Final = "round-upload"
LINK_DAYS_AFTER_DEADLINE: Final = 7
DEFAULT_DAYS_BEFORE: Final = (7, 1)


@dataclass(frozen=True)
class Notice:
    """One message due: to whom (never shown but to the custodian's people), which, its key."""

    entity_id: str
    kind: str  # round-invitation, round-reminder, round-overdue
    key: str
    lang: str
    to: str | None
    deadline: date

    def as_dict(self, *, with_address: bool = True) -> dict[str, object]:
        return {
            "entity": self.entity_id,
            "kind": self.kind,
            "key": self.key,
            "lang": self.lang,
            "deadline": self.deadline.isoformat(),
            **({"to": self.to} if with_address else {}),
        }


def subject_ref(round_id: int, entity_id: str) -> str:
    return f"round:{round_id}:{entity_id}"


def invitations(record: RoundRecord, found: Sequence[RespondentStatus]) -> list[Notice]:
    """One invitation to every respondent not exempted (the key makes it once)."""
    by_entity = {o.entity_id: o for o in record.obligations}
    return [
        Notice(
            s.entity_id,
            "round-invitation",
            f"{subject_ref(record.id, s.entity_id)}:invite",
            by_entity[s.entity_id].lang,
            by_entity[s.entity_id].email,
            s.deadline,
        )
        for s in found
        if s.status != "exempted"
    ]


def reminders(
    record: RoundRecord,
    found: Sequence[RespondentStatus],
    at: date,
    days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
) -> list[Notice]:
    """The reminders due on ``at``: before the deadline that applies, or overdue after it."""
    for days in days_before:
        if not 0 <= days <= 366:
            raise InputError(
                "days before the deadline out of range",
                Location(field="days-before"),
                expected="0 to 366",
                found=str(days),
            )
    by_entity = {o.entity_id: o for o in record.obligations}
    due = []
    for s in found:
        if s.status in SETTLED:
            continue
        ref = subject_ref(record.id, s.entity_id)
        obligation = by_entity[s.entity_id]
        if at > s.deadline:
            key, kind = f"{ref}:overdue:{s.deadline.isoformat()}", "round-overdue"
        else:
            passed = [n for n in days_before if s.deadline - timedelta(days=n) <= at]
            if not passed:
                continue
            nearest = min(passed)
            key = f"{ref}:remind:{s.deadline.isoformat()}:{nearest}"
            kind = "round-reminder"
        due.append(Notice(s.entity_id, kind, key, obligation.lang, obligation.email, s.deadline))
    return due


@dataclass(frozen=True)
class Sent:
    notice: Notice
    queued: bool  # False: sent before (same key), or no address
    note: str | None = None

    def as_dict(self, *, with_address: bool = True) -> dict[str, object]:
        return {
            **self.notice.as_dict(with_address=with_address),
            "queued": self.queued,
            "note": self.note,
        }


def invite(store: Store, round_id: int, *, base_url: str, at: date | None = None) -> list[Sent]:
    """Queue the invitations of a round (none twice)."""
    day = at or now().date()
    record, found = statuses(store, round_id, day)
    open_for_changes(record)
    return _queue(store, record, invitations(record, found), base_url, "invited")


def remind(
    store: Store,
    round_id: int,
    *,
    base_url: str,
    at: date | None = None,
    days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
) -> list[Sent]:
    """Queue the reminders due on ``at`` (today by default), none twice."""
    day = at or now().date()
    record, found = statuses(store, round_id, day)
    open_for_changes(record)
    return _queue(store, record, reminders(record, found, day, days_before), base_url, "reminded")


def _queue(
    store: Store, record: RoundRecord, due: list[Notice], base_url: str, status: str
) -> list[Sent]:
    base = base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise InputError(
            "the base URL of links must start with http:// or https://",
            Location(field="base-url"),
            found=base_url,
        )
    done = {e.message_key for e in get_round(store, record.id).events if e.message_key}
    result: list[Sent] = []
    for notice in due:
        if notice.key in done:
            result.append(Sent(notice, False, "sent before"))
            continue
        if notice.to is None:
            result.append(Sent(notice, False, "no contact address"))
            continue
        try:
            _queue_one(store, record, notice, base, status)
        except _QueuedBefore:
            result.append(Sent(notice, False, "sent before"))
            continue
        result.append(Sent(notice, True))
    return result


class _QueuedBefore(Exception):
    """The outbox had the key already: roll back the link and the event."""


def _queue_one(store: Store, record: RoundRecord, notice: Notice, base: str, status: str) -> None:
    from ictfootprint.mail import links, messages, outbox

    assert notice.to is not None
    with store.transaction() as connection:
        held = _custodians.get(connection, record.custodian_id)
        entity = _entities.get(connection, notice.entity_id)
        assert entity is not None
        ref = subject_ref(record.id, notice.entity_id)
        token = links.issue(
            connection,
            purpose=PURPOSE,
            subject_ref=ref,
            entity_id=notice.entity_id,
            expires_at=end_of(notice.deadline + timedelta(days=LINK_DAYS_AFTER_DEADLINE)),
        )
        subject, body = messages.render(
            notice.kind,
            notice.lang,
            round_name=record.name,
            custodian=held.name,
            year=record.year,
            deadline=notice.deadline,
            link=f"{base}/{notice.lang}/r/{token}",
            entity_name=entity.name,
        )
        queued = outbox.queue(
            connection,
            key=notice.key,
            to=notice.to,
            lang=notice.lang,
            subject=subject,
            body=body,
            purpose=notice.kind,
            subject_ref=ref,
        )
        if not queued:
            # queued before by another path: nothing new, not even the link
            raise _QueuedBefore
        _rounds.add_event(
            connection,
            record.id,
            RoundEvent(
                notice.entity_id,
                status,
                now(),
                store.actor,
                notice.kind,
                None,
                notice.key,
            ),
        )
        store.audit(
            connection,
            "queue-message",
            "round",
            str(record.id),
            {"entity": notice.entity_id, "key": notice.key, "kind": notice.kind},
        )
