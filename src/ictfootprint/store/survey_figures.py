"""Figures a national survey's publisher published, as revisions (functions on a connection).

A series is (survey, line, year); writing the value it already holds writes nothing, a changed
value is the next revision and the earlier one stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ictfootprint.store.database import now
from ictfootprint.store.schema import survey_figures

#: What makes a figure the same as the current one (a new source alone is not a new figure).
_COMPARED = ("value", "unit", "method", "covers", "country", "indicator_id", "subsector")


@dataclass(frozen=True)
class SurveyFigure:
    survey_id: str
    line_id: str
    year: int
    country: str
    indicator_id: str | None
    subsector: str | None
    value: float
    unit: str
    value_received: str
    unit_received: str
    method: str
    covers: tuple[str, ...]
    note: str | None
    source: str
    lineage: dict[str, Any]
    revision: int = 0
    recorded_at: datetime | None = None
    recorded_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey_id,
            "line": self.line_id,
            "year": self.year,
            "country": self.country,
            "indicator": self.indicator_id,
            "subsector": self.subsector,
            "value": self.value,
            "unit": self.unit,
            "value_received": self.value_received,
            "unit_received": self.unit_received,
            "method": self.method,
            "covers": list(self.covers),
            "note": self.note,
            "source": self.source,
            "revision": self.revision,
        }


def record(connection: Connection, figures: Sequence[SurveyFigure], actor: str) -> tuple[int, int]:
    """Write each figure as the next revision of its series unless it is the current one:
    (written, unchanged)."""
    written = unchanged = 0
    at = now()
    for figure in figures:
        held = current(connection, figure.survey_id, [figure.year], line_id=figure.line_id)
        last = held[0] if held else None
        if last is not None and all(
            getattr(last, name) == getattr(figure, name) for name in _COMPARED
        ):
            unchanged += 1
            continue
        connection.execute(
            insert(survey_figures).values(
                survey_id=figure.survey_id,
                line_id=figure.line_id,
                year=figure.year,
                revision=(last.revision + 1) if last else 1,
                country=figure.country,
                indicator_id=figure.indicator_id,
                subsector=figure.subsector,
                value=figure.value,
                unit=figure.unit,
                value_received=figure.value_received,
                unit_received=figure.unit_received,
                method=figure.method,
                covers=list(figure.covers),
                note=figure.note,
                source=figure.source,
                lineage=figure.lineage,
                recorded_at=at,
                recorded_by=actor,
            )
        )
        written += 1
    return written, unchanged


def current(
    connection: Connection,
    survey_id: str,
    years: Sequence[int] | None = None,
    *,
    line_id: str | None = None,
    country: str | None = None,
) -> list[SurveyFigure]:
    """The current revision of each (line, year) series of a survey, by line and year."""
    table = survey_figures.c
    latest = select(table.line_id, table.year, func.max(table.revision).label("revision")).where(
        table.survey_id == survey_id
    )
    if years is not None:
        latest = latest.where(table.year.in_(list(years)))
    if line_id is not None:
        latest = latest.where(table.line_id == line_id)
    if country is not None:
        latest = latest.where(table.country == country)
    found = latest.group_by(table.line_id, table.year).subquery()
    query = (
        select(survey_figures)
        .join(
            found,
            (table.line_id == found.c.line_id)
            & (table.year == found.c.year)
            & (table.revision == found.c.revision),
        )
        .where(table.survey_id == survey_id)
        .order_by(table.year, table.line_id)
    )
    return [_figure(dict(row._mapping)) for row in connection.execute(query)]


def history(connection: Connection, survey_id: str, line_id: str, year: int) -> list[SurveyFigure]:
    table = survey_figures.c
    query = (
        select(survey_figures)
        .where(table.survey_id == survey_id, table.line_id == line_id, table.year == year)
        .order_by(table.revision)
    )
    return [_figure(dict(row._mapping)) for row in connection.execute(query)]


def _figure(row: dict[str, Any]) -> SurveyFigure:
    return SurveyFigure(
        survey_id=row["survey_id"],
        line_id=row["line_id"],
        year=row["year"],
        country=row["country"],
        indicator_id=row["indicator_id"],
        subsector=row["subsector"],
        value=float(row["value"]),
        unit=row["unit"],
        value_received=row["value_received"],
        unit_received=row["unit_received"],
        method=row["method"],
        covers=tuple(row["covers"] or ()),
        note=row["note"],
        source=row["source"],
        lineage=dict(row["lineage"] or {}),
        revision=row["revision"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
    )
