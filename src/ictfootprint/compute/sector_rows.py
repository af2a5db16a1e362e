"""The sector's entity rows kept in the store: ``sector_rows``, rebuilt for stale entities.

The entity-year frame (:mod:`ictfootprint.compute.sector_frame`, where the completeness rules
are applied) of every in-sector entity, every year and every quantity of ``quantities.toml``
is materialised in ``sector_rows`` so that the totals are a GROUP BY in the store's database
(:mod:`ictfootprint.compute.sector_stored`). Database triggers mark an entity in
``sector_stale`` whenever one of its observations is written or the entity itself is added or
changed (migration 0016); :func:`refresh` rebuilds exactly the marked entities' rows with the
same rules and clears the marks it consumed, in one transaction per batch, in which it also
adds one to the generation of the data (:mod:`ictfootprint.compute.kept_answers`).
It runs right after a submission is accepted, and before any read of the rows while marks are
left (imports, the CLI's record, stored totals, restatements).

A writer marking an entity while a refresh runs is never lost: the refresh holds the write
lock of ``sector_stale`` (PostgreSQL: ``LOCK TABLE … IN EXCLUSIVE MODE``; SQLite: the
database's one write lock, taken first) from before it reads the marks and the observations
until it commits, so a concurrent writer's mark lands after the commit and stays.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

import pandas as pd
from sqlalchemy import Connection, String, cast, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from ictfootprint import __version__
from ictfootprint.compute import area_totals, kept_answers
from ictfootprint.compute.quantities import chosen
from ictfootprint.compute.sector_codes import WORLD
from ictfootprint.compute.sector_frame import frame_of
from ictfootprint.compute.sector_read import IN_SECTOR
from ictfootprint.model import EntityKind
from ictfootprint.reference.countries import countries
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store
from ictfootprint.store.schema import (
    entities,
    sector_areas,
    sector_built,
    sector_rows,
    sector_stale,
)

#: Entities rebuilt per transaction: bounds the memory of the first build and how long a
#: concurrent writer waits for the lock.
BATCH: Final = 1000
#: Rows written by a refresh beyond which the table's statistics are gathered again.
ANALYZED_AFTER: Final = 50_000
#: The stored columns, in the order written (``complete`` stands for the frame's ``status``).
STORED: Final = tuple(c.name for c in sector_rows.c if c.name != "id")


@dataclass(frozen=True)
class Refreshed:
    """What a :func:`refresh` did: the entities rebuilt and the rows written."""

    entities: int = 0
    rows: int = 0


def area_level(level: str, region_kind: str) -> str:
    """The ``sector_areas`` level of a totals' (level, region kind) pair: ``country``,
    ``itu``, ``m49`` or ``world``. The region kind matters only at the region level (the
    API accepts ``level=world&regions=m49``: the world's totals)."""
    return region_kind if level == "region" else level


def stale(store: Store) -> bool:
    """Whether some entity's rows must be rebuilt (one indexed read)."""
    with store.engine.connect() as connection:
        return connection.execute(select(sector_stale.c.entity_id).limit(1)).first() is not None


def stale_count(store: Store) -> int:
    """How many entities' rows must be rebuilt."""
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(sector_stale)).scalar() or 0)


def refresh(store: Store, *, batch: int = BATCH) -> Refreshed:
    """Rebuild the rows of every entity marked stale, ``batch`` entities per transaction;
    keep ``sector_areas`` equal to the reference data (checked once a process)."""
    if not _areas_kept(store):
        keep_rules(store)
        keep_areas(store)
    done, written = 0, 0
    while True:
        with store.engine.begin() as connection:
            hold_marks(connection)
            marked = [
                row[0]
                for row in connection.execute(
                    select(sector_stale.c.entity_id).order_by(sector_stale.c.entity_id).limit(batch)
                )
            ]
            if not marked:
                break
            kept_answers.mark(connection)  # what the kept answers read changes here
            inside = _in_sector(connection, marked)
            # read through another connection: it sees every committed write, and a writer
            # still to commit waits for this transaction's lock, so its mark stays
            frame = frame_of(store, chosen(None), entity_ids=inside) if inside else None
            area_totals.mark_entities(connection, marked)  # the areas of their old rows
            connection.execute(delete(sector_rows).where(sector_rows.c.entity_id.in_(marked)))
            if frame is not None and not frame.empty:
                _write(connection, frame)
                written += len(frame)
                area_totals.mark_entities(connection, inside)  # and of their new ones
            connection.execute(delete(sector_stale).where(sector_stale.c.entity_id.in_(marked)))
        done += len(marked)
    if written >= ANALYZED_AFTER and store.dialect == "postgresql":
        # the planner's statistics of a table just (re)built: without them PostgreSQL planned
        # the totals blind until its autovacuum came (5 s instead of 0.3 s at 4 M observations).
        # Not SQLite: with statistics it skip-scans the covering index country by country,
        # 3x slower than the plan it makes without them (measured at 1 M observations)
        with store.engine.begin() as connection:
            connection.exec_driver_sql(f"ANALYZE {sector_rows.name}")
    return Refreshed(done, written)


#: The stores (by URL) already brought up to date within a :func:`checked_once` block.
_CHECKED: ContextVar[set[str] | None] = ContextVar("ictfootprint_rows_checked", default=None)


@contextmanager
def checked_once() -> Iterator[None]:
    """Within the block (one page), :func:`refreshed` brings a store's rows up to date once:
    a page's parts each ask (the home page five times, a country page seven), and the page
    is then read from one state of the data, as if a write committed during it had come just
    after. For a block that reads only."""
    token = _CHECKED.set(set())
    try:
        yield
    finally:
        _CHECKED.reset(token)


def refreshed(store: Store) -> None:
    """Rebuild the stale rows, if any, before a read of ``sector_rows``: one read when there
    are none (it took two reads and a list of every country's areas each time)."""
    checked = _CHECKED.get()
    if checked is not None and store.url in checked:
        return
    if store.url not in _AREAS_CHECKED:
        refresh(store)
    else:
        areas = select(func.count()).select_from(sector_areas).scalar_subquery()
        marked = select(sector_stale.c.entity_id).limit(1).exists()
        with store.engine.connect() as connection:
            found, stale_now = connection.execute(select(areas, marked)).one()
        if found != _area_count() or stale_now:
            refresh(store)
    if checked is not None:
        checked.add(store.url)


def area_rows() -> list[dict[str, str]]:
    """``sector_areas``' rows from the reference data (a country outside every region of a
    kind has no row at that level)."""
    rows = []
    for c in countries().values():
        areas = {"country": c.iso3, "itu": c.itu_region, "m49": c.m49_region, "world": WORLD}
        rows += [
            {"level": level, "country": c.iso3, "area": area}
            for level, area in areas.items()
            if area
        ]
    return rows


#: Sections of ``defaults.toml`` that no rule of the stored rows reads (how the server, a
#: collection, a national import and the temperature score run): a change to them keeps the
#: rows. Before, any byte of the file counted, so setting a server option rebuilt every
#: entity's rows, the first time inside the API's requests (10,200 entities at 4 M values:
#: every aggregate timed out until the rebuild was done).
NOT_RULES: Final = frozenset({"api", "collection", "national_statistics", "temperature"})


def rules_fingerprint() -> str:
    """What the stored rows depend on besides the observations: the package's version (its
    code), the quantities, the defaults that the rules read (the tolerance of rule 2, the
    rounding; parsed, so a comment changes nothing) and the unit registry."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("ictfootprint")
    for path in ("reference/data/quantities.toml", "units.txt"):
        digest.update(package.joinpath(path).read_bytes())
    rules = {name: value for name, value in defaults().items() if name not in NOT_RULES}
    digest.update(json.dumps(rules, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def keep_rules(store: Store) -> None:
    """Rows built by other rules (an upgrade, an edited quantity or tolerance) are all
    rebuilt: every entity is marked stale when ``sector_built``'s fingerprint differs from
    the running code's, and the fingerprint is set, in one transaction."""
    fingerprint = rules_fingerprint()
    rules = sector_built.c.name == "rules"
    with store.engine.begin() as connection:
        hold_marks(connection)
        if connection.scalar(select(sector_built.c.fingerprint).where(rules)) == fingerprint:
            return
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(sector_stale)
            # a WHERE before ON CONFLICT: SQLite's parser needs it (else the ON is a join's)
            .from_select(["entity_id"], select(entities.c.id).where(entities.c.id.is_not(None)))
            .on_conflict_do_nothing()
        )
        connection.execute(delete(sector_built).where(rules))
        connection.execute(insert(sector_built).values(name="rules", fingerprint=fingerprint))


def keep_areas(store: Store) -> None:
    """``sector_areas`` made equal to the reference data (rewritten only when it differs)."""
    wanted = area_rows()
    with store.engine.begin() as connection:
        found = {
            (r.level, r.country, r.area)
            for r in connection.execute(
                select(sector_areas.c.level, sector_areas.c.country, sector_areas.c.area)
            )
        }
        if found != {(r["level"], r["country"], r["area"]) for r in wanted}:
            connection.execute(delete(sector_areas))
            connection.execute(insert(sector_areas), wanted)
            area_totals.mark_all(connection)  # every kept total by the new areas
            kept_answers.mark(connection)
    _AREAS_CHECKED.add(store.url)


#: Stores (by URL) whose ``sector_areas`` this process has compared with the reference data.
_AREAS_CHECKED: set[str] = set()


def _areas_kept(store: Store) -> bool:
    """``sector_areas`` compared once a process, then its rows counted (a database made
    again at the same URL has none)."""
    if store.url not in _AREAS_CHECKED:
        return False
    with store.engine.connect() as connection:
        found = connection.execute(select(func.count()).select_from(sector_areas)).scalar()
    return found == _area_count()


@cache
def _area_count() -> int:
    """How many rows ``sector_areas`` holds when it is the reference data's."""
    return len(area_rows())


def hold_marks(connection: Connection) -> None:
    """Hold ``sector_stale``'s write lock until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE sector_stale IN EXCLUSIVE MODE")
    else:  # a write statement takes SQLite's one write lock (nothing is deleted)
        connection.exec_driver_sql("DELETE FROM sector_stale WHERE 1 = 0")


def _in_sector(connection: Connection, ids: Sequence[str]) -> list[str]:
    """The entities of ``ids`` inside the ICT sector (the filter of ``sector_read``)."""
    e = entities.c
    query = select(e.id).where(
        e.id.in_(list(ids)),
        e.kind.in_([k.value for k in IN_SECTOR]),
        or_(
            e.kind != EntityKind.ORGANISATION.value,
            cast(e.subsectors, String).notin_(["[]", ""]),
        ),
    )
    return sorted(row[0] for row in connection.execute(query))


def _write(connection: Connection, frame: pd.DataFrame) -> None:
    """The frame's rows into ``sector_rows``: PostgreSQL by COPY, SQLite by executemany; the
    rows made Python values a slice of ``_WRITTEN_AT_ONCE`` at a time (every column of one
    entity's 100,000 rows at once was the peak of accepting its submission)."""
    driver: Any = connection.connection.dbapi_connection
    names = ", ".join(STORED)
    if connection.dialect.name == "postgresql":
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {sector_rows.name} ({names}) FROM STDIN") as copy,
        ):
            for rows in _row_slices(frame):
                for row in rows:
                    copy.write_row(row)
    else:
        cursor = driver.cursor()
        try:
            marks = ", ".join("?" for _ in STORED)
            for rows in _row_slices(frame):
                cursor.executemany(
                    f"INSERT INTO {sector_rows.name} ({names}) VALUES ({marks})", rows
                )
        finally:
            cursor.close()


#: Rows of a frame made Python values at once when written.
_WRITTEN_AT_ONCE: Final = 20_000


def _row_slices(frame: pd.DataFrame) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The frame's rows as tuples of ``STORED``'s columns, in order, a slice at a time."""
    for start in range(0, len(frame), _WRITTEN_AT_ONCE):
        part = frame.iloc[start : start + _WRITTEN_AT_ONCE]
        columns = {name: _plain(part[name]) for name in STORED if name != "complete"}
        columns["complete"] = (part["status"] == "complete").tolist()
        columns["conflict"] = part["conflict"].astype(bool).tolist()
        yield zip(*(columns[name] for name in STORED), strict=True)


def _plain(column: pd.Series) -> list[Any]:
    """Python values of a column, NaN as None (NULL)."""
    values = column.tolist()
    if column.dtype.kind == "f":
        return [None if v != v else v for v in values]
    return values
