"""The round report a custodian can send on (to ITU): who was obliged, each respondent's status
at a date, the counts, and the feasibility matrix with each respondent's gaps.

It names no e-mail address (the custodian's focal points appear by name only), so it can be
sent as it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from ictfootprint.rounds.feasibility import Feasibility, feasibility
from ictfootprint.rounds.service import custodian, statuses
from ictfootprint.rounds.status import STATUSES, RespondentStatus
from ictfootprint.store import Store
from ictfootprint.store import rounds as _rounds
from ictfootprint.store.custodians import Custodian
from ictfootprint.store.rounds import RoundRecord


@dataclass(frozen=True)
class RoundReport:
    round: RoundRecord
    custodian: Custodian
    at: date
    statuses: tuple[RespondentStatus, ...]
    names: dict[str, str]
    feasibility: Feasibility

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(s.status for s in self.statuses)
        return {status: found[status] for status in STATUSES if found[status]}

    def as_dict(self) -> dict[str, Any]:
        closed = self.round.closed
        return {
            "round": round_summary(self.round),
            "custodian": self.custodian.summary(private=False),
            "country": self.custodian.country,
            "at": self.at.isoformat(),
            "closed_at": closed.at.isoformat() if closed else None,
            "counts": self.counts,
            "respondents": [
                {**s.as_dict(), "name": self.names.get(s.entity_id, s.entity_id)}
                for s in self.statuses
            ],
            "feasibility": self.feasibility.as_dict(),
        }


def round_summary(record: RoundRecord) -> dict[str, Any]:
    closed = record.closed
    return {
        "id": record.id,
        "custodian": record.custodian_id,
        "name": record.name,
        "year": record.year,
        "respondent_types": list(record.respondent_types),
        "rule": record.rule,
        "opens_on": record.opens_on.isoformat(),
        "deadline": record.deadline.isoformat(),
        "template": record.template,
        "created_at": record.created_at.isoformat(),
        "created_by": record.created_by,
        "closed_at": closed.at.isoformat() if closed else None,
        "obliged": len(record.obligations) or None,
    }


def round_report(store: Store, round_id: int, at: date) -> RoundReport:
    record, found = statuses(store, round_id, at)
    held = custodian(store, record.custodian_id)
    reported: dict[str, set[str]] = {}
    with store.engine.connect() as connection:
        for s in found:
            if s.submission is not None and s.submission.status in ("validated", "accepted"):
                reported[s.entity_id] = _rounds.payload_indicators(
                    connection, s.submission.id, record.year
                )
    names = {e.id: e.name for e in store.entities([s.entity_id for s in found])}
    return RoundReport(
        record,
        held,
        at,
        tuple(found),
        names,
        feasibility(record.respondent_types, found, reported),
    )
