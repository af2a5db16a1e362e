"""Feasibility and gaps of a round (the L.1472 pilots' questions 2 and 3): which indicators
each respondent type could report, and what each respondent left out. Pure: it takes the
respondents' statuses and the indicators each reported for the round's year.

The matrix is indicator × respondent type: the share of the type's respondents (exempted ones
left out) that reported the indicator. Rows come in this order: indicators required of a type
that no respondent of it reported, then other required ones, then optional ones; within each,
the catalogue's order. What a respondent "reported" is what its submission that counts (the
accepted one, else the latest) holds for the year; a file that could not be used reports
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.respondents import respondent
from ictfootprint.rounds.status import RespondentStatus


@dataclass(frozen=True)
class Cell:
    respondents: int
    reported: int
    required: bool

    @property
    def share(self) -> float | None:
        return round(self.reported / self.respondents, 4) if self.respondents else None


@dataclass(frozen=True)
class Row:
    indicator: str
    cells: dict[str, Cell]  # respondent type → cell (only the types that ask for it)
    never_reported_required: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "never_reported_required": self.never_reported_required,
            "by_respondent": {
                kind: {
                    "required": c.required,
                    "respondents": c.respondents,
                    "reported": c.reported,
                    "share": c.share,
                }
                for kind, c in self.cells.items()
            },
        }


@dataclass(frozen=True)
class Gap:
    entity_id: str
    respondent: str
    status: str
    missing: tuple[str, ...]  # required, not reported
    reported: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity_id,
            "respondent": self.respondent,
            "status": self.status,
            "reported": self.reported,
            "missing_required": list(self.missing),
        }


@dataclass(frozen=True)
class Feasibility:
    respondent_types: tuple[str, ...]
    rows: tuple[Row, ...] = field(default=())
    gaps: tuple[Gap, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "respondent_types": list(self.respondent_types),
            "matrix": [r.as_dict() for r in self.rows],
            "respondents": [g.as_dict() for g in self.gaps],
        }


def feasibility(
    respondent_types: Sequence[str],
    statuses: Sequence[RespondentStatus],
    reported: Mapping[str, set[str]],
) -> Feasibility:
    """The matrix and the gaps; ``reported`` maps an entity to the indicators it reported."""
    order = {indicator_id: n for n, indicator_id in enumerate(catalogue())}
    kinds = tuple(dict.fromkeys([*respondent_types, *(s.respondent for s in statuses)]))
    counted = [s for s in statuses if s.status != "exempted"]
    rows: dict[str, dict[str, Cell]] = {}
    for kind in kinds:
        asked = respondent(kind)
        members = [s for s in counted if s.respondent == kind]
        for indicator_id in asked.indicators:
            rows.setdefault(indicator_id, {})[kind] = Cell(
                len(members),
                sum(1 for s in members if indicator_id in reported.get(s.entity_id, set())),
                indicator_id in asked.required,
            )
    built = [
        Row(
            indicator_id,
            cells,
            any(c.required and c.reported == 0 and c.respondents for c in cells.values()),
        )
        for indicator_id, cells in rows.items()
    ]
    built.sort(
        key=lambda r: (
            not r.never_reported_required,
            not any(c.required for c in r.cells.values()),
            order.get(r.indicator, len(order)),
        )
    )
    gaps = tuple(
        Gap(
            s.entity_id,
            s.respondent,
            s.status,
            tuple(
                i
                for i in sorted(respondent(s.respondent).required, key=lambda i: order.get(i, 0))
                if i not in reported.get(s.entity_id, set())
            ),
            len(reported.get(s.entity_id, set())),
        )
        for s in statuses
    )
    return Feasibility(kinds, tuple(built), gaps)
