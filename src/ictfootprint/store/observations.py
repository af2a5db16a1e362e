"""Observations: append-only revisions of one value per series, the current one on top.

A *series* is entity × indicator × year × country × sub-sector. Recording a value that equals
the current revision (same value, unit, text, method and source) writes nothing; any other
value becomes the next revision, and the earlier ones stay readable (:func:`history`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, select

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Observation, StoredObservation
from ictfootprint.store.database import now
from ictfootprint.store.schema import observations


def series_key(obs: Observation) -> str:
    return "|".join(
        (obs.entity_id, obs.indicator_id, str(obs.year), obs.country or "", obs.subsector or "")
    )


_CONTENT = ("value", "unit", "value_text", "method", "source", "quality_flags", "gwp_set")


@dataclass
class RecordResult:
    """What a batch did: the revisions written, and how many values were already current."""

    written: list[StoredObservation] = field(default_factory=list)
    unchanged: int = 0


def record(connection: Connection, batch: Sequence[Observation], actor: str) -> RecordResult:
    """Write a batch of observations as new revisions (call inside one transaction)."""
    keys = [series_key(obs) for obs in batch]
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            raise InputError(
                "the same series appears twice in one batch",
                Location(row=index + 1, field="indicator"),
                found=key,
            )
        seen[key] = index
    current = {row.series_key: row for row in _current(connection, keys)}
    result = RecordResult()
    at = now()
    rows: list[dict[str, Any]] = []
    for obs, key in zip(batch, keys, strict=True):
        latest = current.get(key)
        values = _row(obs)
        if latest is not None and all(
            _same(getattr(latest, name), values[name]) for name in _CONTENT
        ):
            result.unchanged += 1
            continue
        revision = 1 if latest is None else latest.revision + 1
        rows.append(
            {
                **values,
                "series_key": key,
                "revision": revision,
                "recorded_at": at,
                "recorded_by": actor,
            }
        )
    for row in rows:
        new_id = connection.execute(insert(observations).values(**row)).inserted_primary_key
        assert new_id is not None
        result.written.append(_stored({**row, "id": new_id[0]}))
    return result


def _same(stored: Any, new: Any) -> bool:
    if isinstance(new, tuple | list) or isinstance(stored, tuple | list):
        return list(stored or []) == list(new or [])
    return bool(stored == new)


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


def _current(connection: Connection, keys: Iterable[str]) -> list[Any]:
    keys = list(keys)
    found: list[Any] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        latest = (
            select(observations.c.series_key, func.max(observations.c.revision).label("rev"))
            .where(observations.c.series_key.in_(chunk))
            .group_by(observations.c.series_key)
            .subquery()
        )
        found.extend(
            connection.execute(
                select(observations).join(
                    latest,
                    and_(
                        observations.c.series_key == latest.c.series_key,
                        observations.c.revision == latest.c.rev,
                    ),
                )
            )
        )
    return found


def current_query(
    *,
    entity_ids: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    methods: Sequence[str] | None = None,
) -> Select[Any]:
    latest = (
        select(observations.c.series_key, func.max(observations.c.revision).label("rev"))
        .group_by(observations.c.series_key)
        .subquery()
    )
    query = select(observations).join(
        latest,
        and_(
            observations.c.series_key == latest.c.series_key,
            observations.c.revision == latest.c.rev,
        ),
    )
    if entity_ids is not None:
        query = query.where(observations.c.entity_id.in_(list(entity_ids)))
    if indicator_ids is not None:
        query = query.where(observations.c.indicator_id.in_(list(indicator_ids)))
    if years is not None:
        query = query.where(observations.c.year.in_(list(years)))
    if methods is not None:
        query = query.where(observations.c.method.in_(list(methods)))
    return query.order_by(
        observations.c.entity_id,
        observations.c.indicator_id,
        observations.c.year,
        observations.c.country,
        observations.c.subsector,
    )


def current(connection: Connection, **filters: Any) -> list[StoredObservation]:
    """The current revision of every series matching the filters."""
    return [_stored(row) for row in connection.execute(current_query(**filters))]


def history(
    connection: Connection,
    entity_id: str,
    indicator_id: str,
    year: int,
    country: str | None = None,
    subsector: str | None = None,
) -> list[StoredObservation]:
    """Every revision of one series, oldest first."""
    key = "|".join((entity_id, indicator_id, str(year), country or "", subsector or ""))
    rows = connection.execute(
        select(observations)
        .where(observations.c.series_key == key)
        .order_by(observations.c.revision)
    )
    return [_stored(row) for row in rows]
