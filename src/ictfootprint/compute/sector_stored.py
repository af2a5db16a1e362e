"""The sector's totals rolled up where the data is: kept per area, from ``sector_rows``.

The entity rows (:mod:`ictfootprint.compute.sector_rows`, refreshed first when some are
stale) are joined to their areas at every level (``sector_areas``: country → country, ITU
region, UN M49 region, world) and added up in the store's database, by the counting rule of
:func:`ictfootprint.compute.sector.rollup`: the values of complete rows added, distinct
entities with a complete row and with an incomplete one counted (an entity split across
countries of one area, or across sub-sectors, counts once); per sub-sector and across
sub-sectors (``_T``). Those totals are kept in ``area_totals`` and computed again only for the
areas marked stale (:mod:`ictfootprint.compute.area_totals`), so a read is one indexed SELECT.
Only the totals and the listed rows (incomplete, conflicts) come back to Python, where the
computed path's helpers name, round and order them: the result is
:func:`~ictfootprint.compute.sector.computed_levels`', row for row.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from ictfootprint.compute import area_totals
from ictfootprint.compute.combined import COLUMNS, COMPLETE_COLUMNS, TEXT, empty_frame
from ictfootprint.compute.quantities import chosen
from ictfootprint.compute.sector import (
    ALL_SUBSECTORS,
    SectorTotals,
    _area_names,
)
from ictfootprint.compute.sector_listed import listed_query, listed_records
from ictfootprint.compute.sector_read import fetched, fetched_chunks
from ictfootprint.compute.sector_rows import STORED, area_level, refreshed
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store
from ictfootprint.store.schema import TRENDED, sector_rows
from ictfootprint.store.schema import area_totals as area_totals_table


def stored_levels(
    store: Store,
    *,
    years: Sequence[int],
    levels: Sequence[tuple[str, str]],
    quantities: Sequence[str] | None = None,
    area: str | None = None,
    listed: bool = True,
) -> dict[tuple[str, str], dict[int, SectorTotals]]:
    """:func:`~ictfootprint.compute.sector.sector_levels` from ``sector_rows`` (levels
    checked by the caller; ``quantities`` are catalogue quantities, all when ``None``;
    ``area``: of that area of the one level alone, selected in the database; ``listed``
    False: the totals alone, for a caller that pages the lists
    (:func:`~ictfootprint.compute.sector_listed.listed_page`))."""
    refreshed(store)
    years = [int(y) for y in years]
    result = {
        (level, kind): {y: SectorTotals(level, y, kind) for y in years} for level, kind in levels
    }
    if not years or not levels:
        return result
    wanted = sorted({area_level(*pair) for pair in levels})
    area_totals.refreshed(store, levels=wanted, years=years, area=area)
    with store.engine.connect() as connection:
        kept = fetched(
            connection,
            area_totals.kept(
                connection, levels=wanted, years=years, quantities=quantities, area=area
            ),
        )
        inside = None if area is None else (area_level(*levels[0]), area)
        lists = (
            listed_records(fetched(connection, listed_query(years, quantities, inside)), years)
            if listed
            else {}
        )
    for level, kind in levels:
        mine = [row[1:] for row in kept if row[0] == area_level(level, kind)]
        by_year = _described_rows(mine, level)
        for year, at in result[(level, kind)].items():
            at.rows = by_year.get(year, [])
            at.incomplete, at.conflicts = lists.get(year, ([], []))
    return result


def _described_rows(rows: list[tuple[Any, ...]], level: str) -> dict[int, list[dict[str, Any]]]:
    """:func:`~ictfootprint.compute.sector._described` records of kept totals (area,
    sub-sector, year, quantity, value, entities, incomplete) by year, built from the tuples:
    the same names, units, rounding (numpy's, as there) and order, without a frame (50 ms of
    the countries' totals at 4.4 M observations, for their 8,000 rows)."""
    if not rows:
        return {}
    every = chosen(None)
    about = {q.id: (n, q.family, q.unit, bool(q.beside)) for n, q in enumerate(every)}
    names = _area_names(level, sorted({str(r[0]) for r in rows}))
    units = [about[r[3]][2] for r in rows]
    values = np.array([np.nan if r[4] is None else r[4] for r in rows], dtype="float64")
    for unit, places in defaults()["rounding"].items():
        mask = np.fromiter((u == unit for u in units), dtype=bool, count=len(units))
        if mask.any():
            values[mask] = values[mask].round(int(places))
    order = sorted(
        range(len(rows)),
        key=lambda n: (
            int(rows[n][2]),
            rows[n][0],
            about[rows[n][3]][0],
            rows[n][1] == ALL_SUBSECTORS,
            rows[n][1],
        ),
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for n in order:
        area, subsector, year, quantity, _value, entities, incomplete = rows[n]
        _n, family, unit, beside = about[quantity]
        value = float(values[n])
        found.setdefault(int(year), []).append(
            {
                "area": area,
                "area_name": names[str(area)],
                "subsector": subsector,
                "year": int(year),
                "quantity": quantity,
                "family": family,
                "unit": unit,
                "value": None if value != value else value,
                "method": "calculated",
                "entities": int(entities),
                "incomplete": int(incomplete),
                "beside": beside,
            }
        )
    return found


def stored_frame(
    store: Store,
    *,
    years: Sequence[int] | None = None,
    quantities: Sequence[str] | None = None,
    complete_only: bool = False,
    countries: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The in-sector entity-year frame (:func:`~ictfootprint.compute.sector_frame.entity_years`,
    same columns and types) read from ``sector_rows``, refreshed first where stale, instead of
    computed from every input revision (3.2 s of the 3.6 s of the world's trends at 4.4 M
    observations). Rows in the order of their keys. ``complete_only``: the complete rows with
    a value and only the columns of ``COMPLETE_COLUMNS`` (what the trends read; a third of
    the columns to fetch, and no incomplete row). ``countries``: only the rows of these."""
    wanted = [q.id for q in chosen(quantities)]  # an unknown name is an error before any read
    refreshed(store)
    names = _KEYS_AND_VALUE if complete_only else STORED
    query = frame_query(
        names, wanted, years=years, complete_only=complete_only, countries=countries
    )
    with store.engine.connect() as connection:
        # a part of the frame a chunk of rows at a time: the driver's tuples of every row at
        # once were 110 MB more at the peak for the world's 395,000 rows at 10 M observations
        parts = [
            _frame_part(chunk, names, complete_only) for chunk in fetched_chunks(connection, query)
        ]
    if not parts:
        frame = empty_frame()
        return frame[list(COMPLETE_COLUMNS)] if complete_only else frame
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _frame_part(
    rows: list[tuple[Any, ...]], names: Sequence[str], complete_only: bool
) -> pd.DataFrame:
    """Fetched rows of ``sector_rows`` (the columns ``names``) as the frame's columns."""
    found = {name: list(map(itemgetter(n), rows)) for n, name in enumerate(names)}
    text: dict[str, Any] = {
        name: pd.Series(found[name], dtype=TEXT) for name in _TEXTS if name in found
    }
    numbers: dict[str, Any] = {
        name: np.asarray(found[name], dtype="float64")  # NULL as NaN
        for name in ("value", "combined_value", "components_value")
        if name in found
    }
    year = np.asarray(found["year"], dtype="int64")
    complete = (
        np.ones(len(year), dtype=bool)  # the query kept complete rows only
        if complete_only
        else np.asarray(found["complete"], dtype=bool)
    )
    columns: dict[str, Any] = {
        **text,
        "year": year,
        "status": pd.Series(np.where(complete, "complete", "incomplete"), dtype=TEXT),
        **numbers,
    }
    if not complete_only:
        columns["conflict"] = np.asarray(found["conflict"], dtype=bool)
    return pd.DataFrame(columns)[list(COMPLETE_COLUMNS if complete_only else COLUMNS)]


def frame_query(
    names: Sequence[str],
    quantities: Sequence[str],
    *,
    years: Sequence[int] | None = None,
    complete_only: bool = False,
    countries: Sequence[str] | None = None,
) -> Any:
    """The SELECT of :func:`stored_frame`: the columns ``names`` of the rows of these
    quantities (and years, countries), complete with a value only when asked, in key order."""
    r = sector_rows.c
    query = select(*(r[name] for name in names)).where(r.quantity.in_(list(quantities)))
    if years is not None:
        query = query.where(r.year.in_([int(y) for y in years]))
    if complete_only:
        query = query.where(TRENDED)  # the partial index's own condition
    if countries is not None:
        query = query.where(r.country.in_(sorted(countries)))
    return query.order_by(r.entity_id, r.country, r.subsector, r.year, r.quantity)


_KEYS_AND_VALUE = tuple(c for c in COMPLETE_COLUMNS if c != "status")  # status: not stored

#: The frame's text columns, read as they are stored.
_TEXTS = ("entity_id", "country", "subsector", "quantity", "basis", "method", "missing", "inputs")


def stored_places(
    store: Store,
    *,
    quantities: Sequence[str],
    years: Sequence[int] | None = None,
    countries: Collection[str] | None = None,
) -> list[tuple[str, int, str]]:
    """The distinct (sub-sector, year, quantity) of the complete rows with a value of
    ``quantities`` in ``years`` (every year when ``None``) in ``countries`` (every country
    when ``None``): when each quantity is reported, without reading the rows (the coverage
    of one area needs it of every other). Read from the countries' kept totals: a total has
    a value exactly where some complete row of its country, sub-sector, year and quantity
    has one (15 ms instead of 45 ms from the rows at 4.4 M observations), and grouped there
    (30 rows a quantity, not one a country: 17 ms to 6 ms)."""
    refreshed(store)
    area_totals.refreshed(store, levels=["country"], years=years)
    t = area_totals_table.c
    query = (
        select(t.subsector, t.year, t.quantity)
        .distinct()
        .where(
            t.level == "country",
            t.quantity.in_(list(quantities)),
            t.value.is_not(None),
            t.subsector != ALL_SUBSECTORS,
        )
    )
    if years is not None:
        query = query.where(t.year.in_([int(y) for y in years]))
    if countries is not None:
        query = query.where(t.area.in_(sorted(countries)))
    with store.engine.connect() as connection:
        return [(str(s), int(y), str(q)) for s, y, q in connection.execute(query)]
