"""The sector's totals of every area kept in the store: ``area_totals``, computed again where
stale.

The totals of a level (:mod:`ictfootprint.compute.sector_stored`) are the GROUP BY of
``sector_rows`` joined to their areas: 0.6 s of the database a read at 4.4 M observations,
paid again by every uncached read, so that 50 clients of the aggregates waited 12 s on two
cores. ``area_totals`` keeps that GROUP BY's rows (unrounded; naming, rounding and order stay
with the reader), one per level × area × year × sub-sector (``_T`` across them) × quantity.

What is out of date is marked in ``area_stale`` as (level, area, year): the refresh of
``sector_rows`` (:func:`ictfootprint.compute.sector_rows.refresh`) marks, in its own
transaction, every area of the rows of each entity it rebuilds, before it deletes them and
after it writes the new ones (an entity that moved country leaves its old areas marked too).
A read computes again only the marked areas of the levels and years it asks, and clears those
marks (:func:`refreshed`): accepting one operator's submission makes the next read of its
country, its regions and the world compute those, one year each, and nothing else.

A concurrent writer is never lost: the computing transaction holds ``area_stale``'s write lock
(PostgreSQL ``LOCK TABLE … IN EXCLUSIVE MODE``, SQLite's one write lock) from before it reads
the marks until it commits; a refresh of ``sector_rows`` that marks an area while it runs
waits, and its marks stay for the next read. Two readers of the same stale level compute it
once: the second waits for the lock, then finds no mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    case,
    delete,
    func,
    literal,
    not_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from ictfootprint.compute.sector_codes import ALL_SUBSECTORS
from ictfootprint.store import Store
from ictfootprint.store.schema import area_stale, area_totals, sector_areas, sector_rows

#: The columns of a kept total, in the order read.
COLUMNS = ("level", "area", "subsector", "year", "quantity", "value", "entities", "incomplete")


def mark_entities(connection: Connection, entity_ids: Sequence[str]) -> None:
    """Mark stale every (level, area, year) of the ``sector_rows`` now held by these entities
    (called by the refresh before it deletes their rows and after it writes the new ones)."""
    r, a = sector_rows.c, sector_areas.c
    areas = (
        select(a.level, r.year, a.area)
        .distinct()
        .join_from(sector_rows, sector_areas, a.country == r.country)
        .where(r.entity_id.in_(list(entity_ids)))
    )
    _mark(connection, areas)


def mark_all(connection: Connection) -> None:
    """Drop every kept total and mark every area of the rows (the countries' areas changed)."""
    r, a = sector_rows.c, sector_areas.c
    connection.execute(delete(area_totals))
    areas = (
        select(a.level, r.year, a.area)
        .distinct()
        .join_from(sector_rows, sector_areas, a.country == r.country)
        .where(true())
    )
    _mark(connection, areas)


def refreshed(
    store: Store,
    *,
    levels: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    area: str | None = None,
) -> int:
    """Compute again the marked totals of these ``sector_areas`` levels and years (every
    one when ``None``; of ``area`` alone when given), replace them and clear their marks, in
    one transaction; nothing when none is marked (one indexed read). Returns the area-years
    computed. The caller has refreshed ``sector_rows`` first."""
    if (levels is not None and not levels) or (years is not None and not years):
        return 0
    marked = _marked(levels, years, area)
    with store.engine.connect() as connection:
        if connection.execute(select(area_stale.c.level).where(marked).limit(1)).first() is None:
            return 0
    m, t = area_stale.c, area_totals.c
    with store.engine.begin() as connection:
        _hold(connection)
        areas: dict[tuple[str, int], list[str]] = {}
        for level, year, name in connection.execute(select(m.level, m.year, m.area).where(marked)):
            areas.setdefault((level, int(year)), []).append(name)
        for (level, year), names in sorted(areas.items()):
            # one statement per level and year, its areas named: joined to the marks instead,
            # PostgreSQL looped over the world's 250 countries (4.4 s against 0.5 s)
            connection.execute(
                delete(area_totals).where(t.level == level, t.year == year, t.area.in_(names))
            )
            connection.execute(
                area_totals.insert().from_select(list(COLUMNS), _grouped(level, year, names))
            )
        connection.execute(delete(area_stale).where(marked))
    return sum(map(len, areas.values()))


def kept(
    connection: Connection,
    *,
    levels: Sequence[str],
    years: Sequence[int],
    quantities: Sequence[str] | None = None,
    area: str | None = None,
) -> Any:
    """The SELECT of the kept totals (``COLUMNS``) of these levels and years."""
    t = area_totals.c
    query = select(*(t[name] for name in COLUMNS)).where(
        t.level.in_(list(levels)), t.year.in_([int(y) for y in years])
    )
    if quantities is not None:
        query = query.where(t.quantity.in_(list(quantities)))
    if area is not None:
        query = query.where(t.area == area)
    return query


def stale_count(store: Store) -> int:
    """How many (level, area, year) totals must be computed again."""
    with store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(area_stale)) or 0)


def _marked(levels: Sequence[str] | None, years: Sequence[int] | None, area: str | None) -> Any:
    m = area_stale.c
    where: list[Any] = [true()]
    if levels is not None:
        where.append(m.level.in_(sorted(set(levels))))
    if years is not None:
        where.append(m.year.in_(sorted({int(y) for y in years})))
    if area is not None:
        where.append(m.area == area)
    return and_(*where)


def _grouped(level: str, year: int, names: Sequence[str]) -> Any:
    """The totals of the areas ``names`` of a level in a year from ``sector_rows``: (level,
    area, sub-sector, year, quantity, value, entities, incomplete), ``_T`` across
    sub-sectors. The values of complete rows added; entities with a complete row and with an
    incomplete one counted distinct (an entity in two countries of a region, or in two
    sub-sectors, once): the counting rule of :func:`ictfootprint.compute.sector.rollup`, in
    one pass per grouping (2-3x faster on SQLite than grouping by entity first)."""
    r, a = sector_rows.c, sector_areas.c
    totals = (
        func.sum(case((r.complete, r.value))),
        func.count(case((r.complete, r.entity_id)).distinct()),
        func.count(case((not_(r.complete), r.entity_id)).distinct()),
    )

    def joined(*columns: Any) -> Any:
        return (
            select(*columns, *totals)
            .join_from(sector_rows, sector_areas, a.country == r.country)
            .where(a.level == level, r.year == year, a.area.in_(list(names)))
        )

    by_subsector = joined(a.level, a.area, r.subsector, r.year, r.quantity).group_by(
        a.level, a.area, r.subsector, r.year, r.quantity
    )
    across = joined(a.level, a.area, literal(ALL_SUBSECTORS), r.year, r.quantity).group_by(
        a.level, a.area, r.year, r.quantity
    )
    return union_all(by_subsector, across)


def _mark(connection: Connection, areas: Any) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(
        dialect.insert(area_stale)
        .from_select(["level", "year", "area"], areas)
        .on_conflict_do_nothing()
    )


def _hold(connection: Connection) -> None:
    """Hold ``area_stale``'s write lock until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE area_stale IN EXCLUSIVE MODE")
    else:  # a write statement takes SQLite's one write lock (nothing is deleted)
        connection.exec_driver_sql("DELETE FROM area_stale WHERE 1 = 0")
