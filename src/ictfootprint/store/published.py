"""What the public may read: current revisions of accepted and computed values, paged.

Values under review live only in their submission (``submissions.payload``) until a reviewer
accepts them, so everything in ``observations`` is published; these queries add what the
open-data interfaces need: filters by the area a value belongs to (the observation's country,
else its entity's), counts for paging, and the entities that have published data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from ictfootprint.model import StoredObservation
from ictfootprint.store.observations import _stored, current_query
from ictfootprint.store.schema import entities, observations


def entity_ids(connection: Connection) -> set[str]:
    """Entities with at least one published value."""
    return {row[0] for row in connection.execute(select(observations.c.entity_id).distinct())}


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
    area = func.coalesce(observations.c.country, entities.c.country)
    query: Any = (
        current_query(
            entity_ids=entity_ids, indicator_ids=indicator_ids, years=years, methods=methods
        )
        .join(entities, entities.c.id == observations.c.entity_id)
        .add_columns(entities.c.country.label("entity_country"))
    )
    if countries is not None:
        query = query.where(area.in_(list(countries)))
    total = int(
        connection.execute(
            select(func.count()).select_from(query.order_by(None).subquery())
        ).scalar_one()
    )
    query = query.order_by(observations.c.method, observations.c.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    found = []
    for row in connection.execute(query):
        data = dict(row._mapping)
        country = data.pop("entity_country")
        found.append((_stored(data), country))
    return total, found
