"""What the public may read: current revisions of accepted and computed values, paged.

Values under review live only in their submission (``submission_reports.payload``) until a
reviewer accepts them, so everything in ``observations`` is published; these queries add what
the open-data interfaces need: filters by the area a value belongs to (the observation's
country, else its entity's), counts for paging, and the entities that have published data.

A page and its count are read from ``current_observations`` alone (one index range per filter,
see the schema): the page's ids first, in their order (method, id), then the full rows of only
those ids. A page is found either by its position (``offset``: the index entries before it are
skipped, still read) or by the last row of the page before it (``after``: keyset paging, one
index seek however deep the page; ``tests/test_query_plans.py`` checks the plans).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    and_,
    cast,
    exists,
    func,
    or_,
    select,
    tuple_,
)

from ictfootprint.model import Entity, EntityKind, StoredObservation
from ictfootprint.store.entities import entity_of
from ictfootprint.store.observations import _stored, current_filters
from ictfootprint.store.schema import current_observations, entities, observations

#: The order of every page: a keyset (method, observation id), unique and indexed.
Position = tuple[str, int]


def entity_page(connection: Connection, *, limit: int, offset: int) -> tuple[int, list[Entity]]:
    """(how many entities have a published value, the page of them by id): the count and
    the page read by the database, only the page's rows loaded."""
    published = _has_published()
    total = connection.execute(select(func.count()).select_from(entities).where(published))
    query = select(entities).where(published).order_by(entities.c.id).limit(limit).offset(offset)
    return int(total.scalar_one()), [entity_of(row) for row in connection.execute(query)]


@dataclass(frozen=True)
class EntityLabel:
    """What a list of published entities shows: no JSON columns read, no model built (the
    explorer lists every published entity: 2.4 s for 10,000 full entities, loaded)."""

    id: str
    name: str
    kind: EntityKind
    country: str | None


def entity_labels(connection: Connection) -> list[EntityLabel]:
    """Entities with at least one published value, by id, as labels."""
    query = (
        select(entities.c.id, entities.c.name, entities.c.kind, entities.c.country)
        .where(_has_published())
        .order_by(entities.c.id)
    )
    return [
        EntityLabel(r.id, r.name, EntityKind(r.kind), r.country) for r in connection.execute(query)
    ]


def years(connection: Connection, *, indicator_ids: Sequence[str] | None = None) -> list[int]:
    """The years with a published value (of these indicators), ascending (:func:`years_query`)."""
    if indicator_ids is not None and not indicator_ids:
        return []
    query = years_query(indicator_ids)
    return [int(year) for year in connection.execute(query).scalars()]


def years_query(indicator_ids: Sequence[str] | None = None) -> Select[int]:
    """The query of :func:`years`, which skips through the ``(year, …)`` index of
    ``current_observations``: from the first year, one probe for the next year after each (a
    recursive query, on both databases), then for each year one probe of ``(indicator_id,
    year, …)`` per indicator asked. Ten years and sixteen indicators cost some two hundred
    index probes however many values they hold: a ``DISTINCT`` read every index entry of the
    indicators (240 ms for the sector's sixteen at 4.4 M values on PostgreSQL, three times
    on the home page; 3-5 ms now)."""
    table = current_observations.c
    found = select(func.min(table.year).label("year")).cte("published_years", recursive=True)
    later = select(func.min(table.year)).where(table.year > found.c.year).scalar_subquery()
    found = found.union_all(select(later).where(found.c.year.is_not(None)))
    query = select(found.c.year).where(found.c.year.is_not(None)).order_by(found.c.year)
    if indicator_ids is not None:
        query = query.where(
            exists().where(
                table.year == found.c.year, table.indicator_id.in_(sorted(set(indicator_ids)))
            )
        )
    return query


def is_published(connection: Connection, entity_id: str) -> bool:
    """Whether the entity has at least one published value (one index probe)."""
    found = connection.execute(
        select(entities.c.id).where(entities.c.id == entity_id, _has_published())
    ).first()
    return found is not None


def _has_published() -> ColumnElement[bool]:
    return exists().where(current_observations.c.entity_id == entities.c.id)


def count_query(**filters: Any) -> Any:
    """How many current values match the filters (``current_filters``): an index range."""
    return select(func.count()).select_from(current_observations).where(*current_filters(**filters))


def count(connection: Connection, **filters: Any) -> int:
    return int(connection.execute(count_query(**filters)).scalar_one())


def page_ids(
    *,
    entity_ids: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    methods: Sequence[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
    after: Position | None = None,
) -> Any:
    """The ids of one page, in page order: the query the hot paths' plans are checked on."""
    table = current_observations.c
    ids = select(table.observation_id).where(
        *current_filters(
            entity_ids=entity_ids,
            countries=countries,
            indicator_ids=indicator_ids,
            years=years,
            methods=methods,
        )
    )
    if after is not None:
        ids = ids.where(
            _after(after, entity_ids=entity_ids, leading=(countries, indicator_ids, years))
        )
    ids = ids.order_by(table.method, table.observation_id)
    if offset:
        ids = ids.offset(offset)
    if limit is not None:
        ids = ids.limit(limit)
    return ids


def page_rows(
    *,
    limit: int | None = None,
    offset: int = 0,
    after: Position | None = None,
    columns: Sequence[Any] | None = None,
    **filters: Any,
) -> Any:
    """The full rows of one page and their entity's country, in page order (or ``columns``
    of them: ``observations`` and ``entities`` may be named)."""
    chosen = columns or (observations, entities.c.country.label("entity_country"))
    rows: Any = (
        select(*chosen)
        .join(entities, entities.c.id == observations.c.entity_id)
        .order_by(observations.c.method, observations.c.id)
    )
    if limit is None and not offset and after is None:
        return rows.join(
            current_observations, current_observations.c.observation_id == observations.c.id
        ).where(*current_filters(**filters))
    ids = page_ids(**filters, limit=limit, offset=offset, after=after)
    return rows.where(observations.c.id.in_(ids.scalar_subquery()))


def _after(
    after: Position, *, entity_ids: Sequence[str] | None, leading: tuple[Any, ...]
) -> ColumnElement[bool]:
    """The rows after a (method, id), written so that the planner seeks the filter's own index.

    With one area, indicator or year, the row comparison names it first, ``(area, method, id)
    > (area, method, id)``: a seek in the (area, method, id) index (migration 0007).
    PostgreSQL estimates a bare ``(method, id) > ...`` as a handful of rows and would walk the
    (method, id) index instead, reading every other area's rows on the way. Otherwise (an
    entity: few rows, sorted; several values: merged) the comparison is spelled out.
    """
    table = current_observations.c
    method, observation_id = after
    if entity_ids is None:
        for column, values in zip(
            (table.area, table.indicator_id, table.year), leading, strict=True
        ):
            if values is not None and len(values) == 1:
                return tuple_(column, table.method, table.observation_id) > tuple_(
                    values[0], method, observation_id
                )
        if all(values is None for values in leading):
            return tuple_(table.method, table.observation_id) > tuple_(method, observation_id)
    return or_(
        table.method > method, and_(table.method == method, table.observation_id > observation_id)
    )


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
    after: Position | None = None,
    with_count: bool = True,
) -> tuple[int, list[tuple[StoredObservation, str | None]]]:
    """(matching count, one page of (observation, its entity's country)) in a stable order
    (method, id). ``after`` starts the page after that (method, id) instead of at ``offset``
    rows. Without ``with_count`` the count is -1 (the caller knows it already)."""
    filters: dict[str, Any] = {
        "entity_ids": entity_ids,
        "countries": countries,
        "indicator_ids": indicator_ids,
        "years": years,
        "methods": methods,
    }
    total = count(connection, **filters) if with_count else -1
    found = []
    rows = page_rows(**filters, limit=limit, offset=offset, after=after)
    for row in connection.execute(rows):
        data = dict(row._mapping)
        country = data.pop("entity_country")
        found.append((_stored(data), country))
    return total, found


def _shown_columns() -> tuple[Any, ...]:
    o = observations.c
    return (
        o.id,
        o.entity_id.label("entity"),
        o.indicator_id.label("indicator"),
        o.year,
        # the value's own country, else its entity's (an empty one is none, as for a page)
        func.coalesce(func.nullif(o.country, ""), entities.c.country).label("country"),
        o.subsector,
        o.value,
        o.unit,
        o.value_text,
        o.method,
        o.source,
        # read as text: the flags are almost always [], which needs no JSON parser
        cast(o.quality_flags, Text).label("quality_flags"),
        o.boundary,
        o.assurance,
        o.gwp_set,
        o.revision,
        o.recorded_at,
    )


#: The columns a public page of values reads (built once: a statement reuses them).
SHOWN_COLUMNS: Final = _shown_columns()
#: What a public page of values shows of each (``api.schemas.ObservationOut``), in its order.
SHOWN: Final = tuple(c.name for c in SHOWN_COLUMNS)


def shown_page(
    connection: Connection,
    *,
    limit: int | None = None,
    offset: int = 0,
    after: Position | None = None,
    with_count: bool = True,
    **filters: Any,
) -> tuple[int, list[dict[str, Any]]]:
    """:func:`page`'s values as the public API shows them: a dict of :data:`SHOWN` each, the
    country already the value's or its entity's. The lineage, received value and comments,
    which a page never shows, are not read, and no record is validated: an API page of 100
    values took 6 ms on PostgreSQL at 4.4 M values as records, 3.3 ms of it the database's."""
    total = count(connection, **filters) if with_count else -1
    rows = page_rows(**filters, limit=limit, offset=offset, after=after, columns=SHOWN_COLUMNS)
    found = []
    for row in connection.execute(rows):
        data = dict(zip(SHOWN, row, strict=True))
        flags = data["quality_flags"]
        data["quality_flags"] = [] if flags in (None, "[]") else json.loads(flags)
        found.append(data)
    return total, found
