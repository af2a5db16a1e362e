"""An aggregate's lists: the entity rows its totals leave out (incomplete) and the conflicts
they resolve, read from ``sector_rows`` by their partial index (``LISTED``, migration 0017).

:func:`~ictfootprint.compute.sector_stored.stored_levels` lists them whole beside the totals
(the CLI, the reports); the API pages them (:func:`listed_counts`, :func:`listed_page`):
the totals of a level are bounded, the lists are not (at 4.4 M observations a year's were
11,600 rows, 2.2 MB of the countries' 3.4 MB answer). Both give the same records in the same
order: the quantities' order, then entity, country, sub-sector (text by code point on both
databases), year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import case, func, not_, select, tuple_

from ictfootprint.compute.quantities import chosen
from ictfootprint.compute.sector_read import fetched
from ictfootprint.compute.sector_rows import area_level, refreshed
from ictfootprint.store import Store
from ictfootprint.store.published_summary import code_point_order
from ictfootprint.store.schema import LISTED, sector_areas, sector_rows

#: The columns of a listed row, as :func:`listed_records` reads them.
LISTED_COLUMNS: Final = (
    "entity_id",
    "country",
    "subsector",
    "year",
    "quantity",
    "complete",
    "basis",
    "missing",
    "conflict",
    "combined_value",
    "components_value",
)


def positions() -> dict[str, int]:
    """Each quantity's place in the lists' order (the catalogue's); others come after."""
    return {q.id: n for n, q in enumerate(chosen(None))}


#: What a conflict's ``used`` says, by the basis of the row.
_USED: Final = {"reported": "combined", "components": "components"}


def listed_records(
    rows: list[tuple[Any, ...]], years: Sequence[int]
) -> dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """:func:`~ictfootprint.compute.sector.listed_rows` of the fetched listed rows
    (``LISTED_COLUMNS``), built from the tuples: the same records in the same order (the quantities'
    order, then entity, country, sub-sector, year), without a frame (41 ms of the world's
    151 ms at 4.4 M observations, for its 11,600 rows)."""
    position = positions()
    lists: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
        int(y): ([], []) for y in years
    }
    rows.sort(key=lambda r: (position.get(r[4], len(position)), r[4], r[0], r[1], r[2], r[3]))
    for entity, country, subsector, year, quantity, complete, basis, missing, *rest in rows:
        conflict, combined, components = rest
        incomplete, conflicts = lists.setdefault(int(year), ([], []))
        if not complete:
            incomplete.append(
                {
                    "entity_id": entity,
                    "country": country,
                    "subsector": subsector,
                    "year": int(year),
                    "quantity": quantity,
                    "missing": missing,
                }
            )
        if conflict:
            conflicts.append(
                {
                    "entity_id": entity,
                    "country": country,
                    "year": int(year),
                    "quantity": quantity,
                    "combined": None if combined is None else float(combined),
                    "components": None if components is None else float(components),
                    "used": _USED.get(basis),
                }
            )
    return lists


def listed_where(
    years: Sequence[int], quantities: Sequence[str] | None, inside: tuple[str, str] | None
) -> list[Any]:
    """The incomplete rows and conflicts of ``years`` (of the countries of ``inside``, a
    ``sector_areas`` level and area, when given)."""
    r, a = sector_rows.c, sector_areas.c
    where: list[Any] = [r.year.in_([int(y) for y in years]), LISTED]  # the partial index's
    if quantities is not None:
        where.append(r.quantity.in_(list(quantities)))
    if inside is not None:
        countries = select(a.country).where(a.level == inside[0], a.area == inside[1])
        where.append(r.country.in_(countries.scalar_subquery()))
    return where


def listed_query(
    years: Sequence[int], quantities: Sequence[str] | None, inside: tuple[str, str] | None
) -> Any:
    return select(*(sector_rows.c[name] for name in LISTED_COLUMNS)).where(
        *listed_where(years, quantities, inside)
    )


#: The lists a total names beside it, and the rows each holds.
LISTS: Final = {"incomplete": not_(sector_rows.c.complete), "conflicts": sector_rows.c.conflict}

#: Where a row stands in the lists' order: its quantity's position, entity, country, sub-sector
#: (one year a page).
ListedKey = tuple[int, str, str, str]


def known_area(store: Store, level: str, region_kind: str, area: str) -> bool:
    """Whether ``area`` is an area of the level (a country's ISO alpha-3, a region's code)."""
    a = sector_areas.c
    query = select(a.area).where(a.level == area_level(level, region_kind), a.area == area)
    with store.engine.connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def listed_counts(
    store: Store,
    *,
    year: int,
    quantities: Sequence[str] | None = None,
    inside: tuple[str, str] | None = None,
) -> dict[str, int]:
    """How many rows each list of :data:`LISTS` holds (one pass of the partial index)."""
    refreshed(store)
    query = select(
        *(func.coalesce(func.sum(case((held, 1), else_=0)), 0) for held in LISTS.values())
    ).where(*listed_where([year], quantities, inside))
    with store.engine.connect() as connection:
        found = connection.execute(query).one()
    return {name: int(n) for name, n in zip(LISTS, found, strict=True)}


def listed_page(
    store: Store,
    *,
    which: str,
    year: int,
    limit: int,
    quantities: Sequence[str] | None = None,
    inside: tuple[str, str] | None = None,
    after: ListedKey | None = None,
) -> tuple[list[dict[str, Any]], ListedKey | None]:
    """A page of one list of the totals of ``year`` (``which``: a key of :data:`LISTS`), in
    the lists' order (the quantities', then entity, country, sub-sector), the records of
    :func:`~ictfootprint.compute.sector.listed_rows`; the rows after ``after`` (keyset: the
    database sorts the year's listed rows, read by their partial index, and stops at
    ``limit``). Also the key of the page's last row when more follow, else ``None``."""
    refreshed(store)
    r = sector_rows.c
    places = positions()
    position = case(places, value=r.quantity, else_=len(places))
    where = [*listed_where([year], quantities, inside), LISTS[which]]
    with store.engine.connect() as connection:
        order = (position, *code_point_order(connection, r.entity_id, r.country, r.subsector))
        if after is not None:
            where.append(tuple_(*order) > tuple_(*after))
        query = select(*(r[name] for name in LISTED_COLUMNS)).where(*where).order_by(*order)
        rows = fetched(connection, query.limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    records = listed_records(rows, [year])[int(year)][list(LISTS).index(which)]
    if not more or not rows:
        return records, None
    last = rows[-1]
    return records, (places.get(last[4], len(places)), last[0], last[1], last[2])
