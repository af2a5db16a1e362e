"""Observations: append-only revisions of one value per series, the current one on top.

A *series* is entity × indicator × year × country × sub-sector (× method). Recording a value
that equals the current revision (same value, unit, text, method and source) writes nothing;
any other value becomes the next revision, and the earlier ones stay readable
(:func:`history`). ``current_observations`` names each series' current revision: a trigger on
``observations`` moves it in the same transaction as every insert (migration 0006).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Select, select

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Observation, StoredObservation
from ictfootprint.store import bulk as _bulk
from ictfootprint.store.database import now
from ictfootprint.store.schema import current_observations, observations


def series_key(obs: Observation) -> str:
    return key_of(obs.model_dump())


def key_of(row: dict[str, Any]) -> str:
    """entity|indicator|year|country|sub-sector|method: the method is part of the series, so a
    calculated or estimated value never becomes a revision of a reported one (it stands beside
    it), and a reported value is never replaced by anything but a reported restatement."""
    method = row["method"]
    return "|".join(
        (
            row["entity_id"],
            row["indicator_id"],
            str(row["year"]),
            row["country"] or "",
            row["subsector"] or "",
            method.value if hasattr(method, "value") else str(method),
        )
    )


#: Which method's value stands for a series when several exist (best first).
METHOD_PRECEDENCE: Final = ("reported", "statistical", "calculated", "estimated")


def best_available(items: Iterable[StoredObservation]) -> list[StoredObservation]:
    """One observation per entity, indicator, year, country and sub-sector: the reported one
    if any, else statistical, calculated, estimated (METHOD_PRECEDENCE)."""
    chosen: dict[tuple[Any, ...], StoredObservation] = {}
    rank = {m: i for i, m in enumerate(METHOD_PRECEDENCE)}
    for obs in items:
        key = (obs.entity_id, obs.indicator_id, obs.year, obs.country, obs.subsector)
        held = chosen.get(key)
        if held is None or rank[obs.method.value] < rank[held.method.value]:
            chosen[key] = obs
    return list(chosen.values())


@dataclass
class RecordResult:
    """What a batch did: the rows written as new revisions, and how many were current."""

    written: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0


@dataclass(frozen=True)
class Recorded:
    """How many values a batch wrote as new revisions, and how many were current (what a
    reviewer is told of an acceptance; the rows themselves are not kept)."""

    written: int
    unchanged: int


def record(connection: Connection, batch: Iterable[Observation], actor: str) -> RecordResult:
    """Write a batch of observations as new revisions (call inside one transaction); each is
    made a row as it comes (``batch`` may be a generator: no list of them all is kept)."""
    return record_rows(connection, [_row(obs) for obs in batch], actor)


#: Column values of an observation that says nothing more than its required fields.
ROW_DEFAULTS: dict[str, Any] = {
    name: (list(info.default) if isinstance(info.default, tuple) else info.default)
    for name, info in Observation.model_fields.items()
    if not info.is_required() and info.default_factory is None
} | {"lineage": {}}


def record_rows(connection: Connection, rows: list[dict[str, Any]], actor: str) -> RecordResult:
    """:func:`record` for rows already in column form (``ROW_DEFAULTS`` plus the required
    fields, ``method`` as text), with no per-row model validation: staged and written in one
    statement (:mod:`ictfootprint.store.bulk`). A series may appear once a batch: a second
    value for it is an error naming its row (which of the two should win is the sender's to
    say), and nothing is written. The dicts of the rows written are completed in place
    (series key, revision, recorded at and by) and become ``RecordResult.written``."""
    keys = [key_of(r) for r in rows]
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            raise InputError(
                f"the same series appears twice in one batch (rows {seen[key] + 1} and "
                f"{index + 1})",
                Location(row=index + 1, field="indicator"),
                found=key,
            )
        seen[key] = index
    at = now()
    revisions = _bulk.write(connection, rows, keys, at=at, actor=actor)
    result = RecordResult(unchanged=len(rows) - len(revisions))
    for values, key in zip(rows, keys, strict=True):
        revision = revisions.get(key)
        if revision is not None:
            values.update(series_key=key, revision=revision, recorded_at=at, recorded_by=actor)
            result.written.append(values)
    return result


def _row(obs: Observation) -> dict[str, Any]:
    values = obs.model_dump()
    values["method"] = obs.method.value
    values["quality_flags"] = list(obs.quality_flags)
    return values


def _stored(row: Any) -> StoredObservation:
    data = dict(row) if isinstance(row, dict) else dict(row._mapping)
    data.pop("series_key", None)
    data.pop("recorded_by", None)
    data["quality_flags"] = tuple(data.get("quality_flags") or ())
    return StoredObservation(**data)


def current_filters(
    *,
    entity_ids: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    methods: Sequence[str] | None = None,
) -> list[ColumnElement[bool]]:
    """Conditions on ``current_observations`` (each served by one of its indexes)."""
    table = current_observations.c
    where: list[ColumnElement[bool]] = []
    for column, values in (
        (table.entity_id, entity_ids),
        (table.area, countries),
        (table.indicator_id, indicator_ids),
        (table.year, years),
        (table.method, methods),
    ):
        if values is not None:
            where.append(column.in_(list(values)))
    return where


def current_query(
    *,
    entity_ids: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    methods: Sequence[str] | None = None,
) -> Select[Any]:
    """The current revision of every series matching the filters: ``observations`` joined to
    ``current_observations``, which names each series' current row (no max(revision))."""
    return (
        select(observations)
        .join(current_observations, current_observations.c.observation_id == observations.c.id)
        .where(
            *current_filters(
                entity_ids=entity_ids, indicator_ids=indicator_ids, years=years, methods=methods
            )
        )
        .order_by(
            observations.c.entity_id,
            observations.c.indicator_id,
            observations.c.year,
            observations.c.country,
            observations.c.subsector,
        )
    )


def current(connection: Connection, **filters: Any) -> list[StoredObservation]:
    """The current revision of every series matching the filters."""
    return [_stored(row) for row in connection.execute(current_query(**filters))]


def iter_current(
    connection: Connection, *, chunk: int = 5000, **filters: Any
) -> Iterator[StoredObservation]:
    """:func:`current` as a stream: ``chunk`` rows fetched at a time (a server-side cursor on
    PostgreSQL), so that reading millions of observations holds a chunk, not the table."""
    result = connection.execution_options(yield_per=chunk).execute(current_query(**filters))
    for row in result:
        yield _stored(row)


def history(
    connection: Connection,
    entity_id: str,
    indicator_id: str,
    year: int,
    country: str | None = None,
    subsector: str | None = None,
) -> list[StoredObservation]:
    """Every revision of one series (each method's values), oldest first within a method."""
    rows = connection.execute(
        select(observations)
        .where(
            observations.c.entity_id == entity_id,
            observations.c.indicator_id == indicator_id,
            observations.c.year == year,
            observations.c.country.is_(None)
            if country is None
            else observations.c.country == country,
            observations.c.subsector.is_(None)
            if subsector is None
            else observations.c.subsector == subsector,
        )
        .order_by(observations.c.method, observations.c.revision)
    )
    return [_stored(row) for row in rows]
