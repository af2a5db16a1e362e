"""What the public may read: current revisions of accepted and computed values, paged.

Values under review live only in their submission (``submissions.payload``) until a reviewer
accepts them, so everything in ``observations`` is published; these queries add what the
open-data interfaces need: filters by the area a value belongs to (the observation's country,
else its entity's), counts for paging, and the entities that have published data.

A page and its count are read from ``current_observations`` alone (one index range per filter,
see the schema): the page's ids first, in their order (method, id), then the full rows of only
those ids, so that a deep offset skips index entries, not joined rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from ictfootprint.model import StoredObservation
from ictfootprint.store.observations import _stored, current_filters
from ictfootprint.store.schema import current_observations, entities, observations


def entity_ids(connection: Connection) -> set[str]:
    """Entities with at least one published value."""
    return {
        row[0] for row in connection.execute(select(current_observations.c.entity_id).distinct())
    }


def page(
    connection: Connection,
    *,
    entity_ids: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    methods: Sequence[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[tuple[StoredObservation, str | None]]]:
    """(matching count, one page of (observation, its entity's country)) in a stable order."""
    where = current_filters(
        entity_ids=entity_ids,
        countries=countries,
        indicator_ids=indicator_ids,
        years=years,
        methods=methods,
    )
    total = int(
        connection.execute(
            select(func.count()).select_from(current_observations).where(*where)
        ).scalar_one()
    )
    rows: Any = (
        select(observations, entities.c.country.label("entity_country"))
        .join(entities, entities.c.id == observations.c.entity_id)
        .order_by(observations.c.method, observations.c.id)
    )
    if limit is None and not offset:
        rows = rows.join(
            current_observations, current_observations.c.observation_id == observations.c.id
        ).where(*where)
    else:
        ids = (
            select(current_observations.c.observation_id)
            .where(*where)
            .order_by(current_observations.c.method, current_observations.c.observation_id)
            .offset(offset)
        )
        if limit is not None:
            ids = ids.limit(limit)
        rows = rows.where(observations.c.id.in_(ids.scalar_subquery()))
    found = []
    for row in connection.execute(rows):
        data = dict(row._mapping)
        country = data.pop("entity_country")
        found.append((_stored(data), country))
    return total, found
