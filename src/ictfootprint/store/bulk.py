"""The bulk write path of observations: stage a batch, then write its revisions in one statement.

Recording row by row paid, per value, a round trip (PostgreSQL: one INSERT, so one run of the
statement-level trigger that keeps ``current_observations``, per row), a read of the series'
current revision into Python and SQLAlchemy's per-row parameter handling. Here a batch is

1. *staged* into a temporary table with no index, no constraint and no trigger: PostgreSQL's
   ``COPY`` (psycopg 3's ``cursor.copy``, text format: tabs, newlines, backslashes and any
   Unicode travel escaped and arrive exactly), or SQLite's ``executemany``;
2. *written* by one ``INSERT … SELECT`` into ``observations`` that assigns revisions set-wise:
   each staged value joined to its series' current revision (``current_observations``), the
   next revision where the content differs, nothing where it equals the current one. The
   trigger of migration 0006 then moves ``current_observations`` exactly as for single rows.

Same rules as the row path: append-only, a batch is all or nothing (the caller's transaction;
a failure in any step rolls every step back), a series at most once a batch (checked before
staging, an error naming the row), ids in batch order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table
from sqlalchemy.schema import CreateTable

from ictfootprint.store.database import json_text
from ictfootprint.store.schema import observations

#: Columns a batch brings (the store adds revision, recorded_at and recorded_by).
GIVEN: Final = tuple(
    c.name
    for c in observations.c
    if c.name not in ("id", "series_key", "revision", "recorded_at", "recorded_by")
)
_JSON: Final = frozenset(c.name for c in observations.c if c.type.__class__.__name__ == "JSON")
#: What makes a value new: equal in all of these to the current revision, it is not written.
CONTENT: Final = ("value", "unit", "value_text", "method", "source", "quality_flags", "gwp_set")

STAGING: Final = "staging_observations"
_staging = Table(
    STAGING,
    MetaData(),
    Column("n", Integer),
    Column("series_key", String(200)),
    *(Column(c.name, c.type) for c in observations.c if c.name in GIVEN),
    prefixes=["TEMPORARY"],
    # PostgreSQL: gone with the transaction (committed or not), so no stale rows in a pool
    postgresql_on_commit="DROP",
)


def write(
    connection: Connection,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    *,
    at: datetime,
    actor: str,
) -> dict[str, int]:
    """Stage ``rows`` (each with its series key in ``keys``), write those that differ from
    their series' current revision as its next one; return the revision written, by key."""
    if not rows:
        return {}
    _create_staging(connection)
    if connection.dialect.name == "postgresql":
        _copy(connection, rows, keys)
    else:
        _executemany(connection, rows, keys)
    written = {
        key: revision
        for key, revision in connection.exec_driver_sql(
            _insert_sql(connection.dialect.name), _parameters(connection, at, actor)
        )
    }
    connection.exec_driver_sql(f"DELETE FROM {STAGING}")
    return written


def _create_staging(connection: Connection) -> None:
    connection.execute(CreateTable(_staging, if_not_exists=True))
    # SQLite keeps a temporary table for the connection's life (a pooled one included), and
    # creates it outside the transaction: empty it first
    connection.exec_driver_sql(f"DELETE FROM {STAGING}")


def _row_values(row: dict[str, Any], number: int, key: str) -> list[Any]:
    values: list[Any] = [number, key]
    for name in GIVEN:
        value = row.get(name)
        if name in _JSON and value is not None:
            value = json_text(value)
        values.append(value)
    return values


def _copy(connection: Connection, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    driver: Any = connection.connection.dbapi_connection  # psycopg's own connection
    names = ", ".join(("n", "series_key", *GIVEN))
    with driver.cursor() as cursor, cursor.copy(f"COPY {STAGING} ({names}) FROM STDIN") as copy:
        for number, (row, key) in enumerate(zip(rows, keys, strict=True)):
            copy.write_row(_row_values(row, number, key))


def _executemany(
    connection: Connection, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    names = ("n", "series_key", *GIVEN)
    sql = f"INSERT INTO {STAGING} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    # straight to the driver with a generator: it binds row by row, and no list of every
    # row's parameters is built (SQLAlchemy's executemany wants a list)
    driver: Any = connection.connection.dbapi_connection
    cursor = driver.cursor()
    try:
        cursor.executemany(
            sql,
            (
                _row_values(row, number, key)
                for number, (row, key) in enumerate(zip(rows, keys, strict=True))
            ),
        )
    finally:
        cursor.close()


def _same(dialect: str) -> str:
    """SQL: the staged value ``s`` says nothing new beside the current revision ``o``."""
    if dialect == "postgresql":
        flags = "o.quality_flags::jsonb = s.quality_flags::jsonb"
        equal = "o.{0} IS NOT DISTINCT FROM s.{0}"
    else:
        flags = "json(o.quality_flags) = json(s.quality_flags)"
        equal = "o.{0} IS s.{0}"
    return " AND ".join(
        flags if name == "quality_flags" else equal.format(name) for name in CONTENT
    )


def _insert_sql(dialect: str) -> str:
    marker = "%({})s" if dialect == "postgresql" else ":{}"
    given = ", ".join(GIVEN)
    return (
        f"INSERT INTO observations ({given}, series_key, revision, recorded_at, recorded_by) "
        f"SELECT {', '.join(f's.{name}' for name in GIVEN)}, s.series_key, "
        f"COALESCE(c.revision, 0) + 1, {marker.format('at')}, {marker.format('actor')} "
        f"FROM {STAGING} s LEFT JOIN current_observations c ON c.series_key = s.series_key "
        "LEFT JOIN observations o ON o.id = c.observation_id "
        f"WHERE o.id IS NULL OR NOT ({_same(dialect)}) ORDER BY s.n "
        "RETURNING series_key, revision"
    )


def _parameters(connection: Connection, at: datetime, actor: str) -> dict[str, Any]:
    if connection.dialect.name == "postgresql":
        return {"at": at, "actor": actor}
    # what SQLAlchemy's DateTime stores on SQLite (text, as the row path wrote it)
    processor = observations.c.recorded_at.type.bind_processor(connection.dialect)
    return {"at": processor(at) if processor else at, "actor": actor}
