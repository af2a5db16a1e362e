"""The store of record: one object that opens the database, migrates it and runs transactions.

SQLite file by default (``ictfootprint.db`` in the working directory), PostgreSQL by URL. The
URL comes from ``--db``, else ``ICTFOOTPRINT_DB``, else the default.
"""

from __future__ import annotations

import copy
import getpass
import json
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Self

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ictfootprint.errors import InputError, Location
from ictfootprint.store.schema import audit_log

DEFAULT_DB: Final = "ictfootprint.db"
ENV_VAR: Final = "ICTFOOTPRINT_DB"


def database_url(value: str | None = None) -> str:
    """``--db`` value (URL or SQLite file path) → an SQLAlchemy URL.

    >>> database_url("data/footprint.db")
    'sqlite:///data/footprint.db'
    >>> database_url("postgresql://u@127.0.0.1:5432/ict")
    'postgresql+psycopg://u@127.0.0.1:5432/ict'
    """
    raw = value or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in raw:
        return f"sqlite:///{raw}"
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    try:
        make_url(raw)
    except ArgumentError as exc:
        raise InputError("unreadable database URL", Location(field="db"), found=raw) from exc
    return raw


@cache
def head_revision() -> str:
    """The newest migration's revision, from the shipped files' names: each is
    ``NNNN_what.py`` with revision ``"NNNN"`` (tests/test_store.py checks this
    against Alembic's own head)."""
    versions = resources.files("ictfootprint.store").joinpath("migrations", "versions")
    return max(p.name[:4] for p in versions.iterdir() if p.name[:4].isdigit())


#: PostgreSQL's settings for the store's sessions unless the URL gives ``options`` itself.
#: No JIT compilation: the pages' and the API's queries run in milliseconds, and compiling
#: a plan whose estimated cost passes ``jit_above_cost`` took 25 ms of a country's 47 ms
#: sources query at 4.4 M values; the full builds of the kept totals (seconds) ran the
#: same with and without it.
POSTGRESQL_OPTIONS: Final = "-c jit=off"


def postgresql_options(query: Mapping[str, Any]) -> dict[str, str]:
    """The connection's arguments for these URL parameters: :data:`POSTGRESQL_OPTIONS`, or
    nothing when the URL sets ``options`` (a deployment's own settings are kept whole).

    >>> postgresql_options({})
    {'options': '-c jit=off'}
    >>> postgresql_options({"options": "-c jit=on"})
    {}
    """
    return {} if "options" in query else {"options": POSTGRESQL_OPTIONS}


def now() -> datetime:
    return datetime.now(UTC)


def default_actor() -> str:
    return os.environ.get("ICTFOOTPRINT_ACTOR") or getpass.getuser()


class Database:
    """Engine, migrations, transactions and the audit trail. Knows no domain tables but audit."""

    def __init__(self, url: str | None = None, *, actor: str | None = None) -> None:
        self.url = database_url(url)
        self.actor = actor or default_actor()
        self.origin = f"{socket.gethostname()}:{os.getpid()}"
        self.engine = self._engine()
        # transactions committed by this process (shared with the ``acting`` copies): lets
        # a cache know at once that the data changed under it
        self._commits = [0]

    def _engine(self) -> Engine:
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                parent = Path(url.database).parent
                if not parent.exists():
                    raise InputError(
                        "folder of the database file does not exist",
                        Location(field="db"),
                        found=str(parent),
                    )
            engine = create_engine(
                self.url, connect_args={"timeout": 30}, json_serializer=json_text
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(
            self.url,
            pool_pre_ping=True,
            json_serializer=json_text,
            connect_args=postgresql_options(url.query),
        )

    def acting(self, actor: str, origin: str) -> Self:
        """The same store (same engine and pool) writing as ``actor`` from ``origin``: the API
        opens one store and gives each request its own, so the audit says who and from where."""
        other = copy.copy(self)
        other.actor = actor
        other.origin = origin
        return other

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent). A database already there
        is known by one read of ``alembic_version``, without Alembic: its import (Mako,
        Pygments) was a fifth of a CLI command's start-up."""
        if self._revisions() == [head_revision()]:
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("ictfootprint.store").joinpath("migrations"))
        )
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def _revisions(self) -> list[str]:
        """The revisions the database is at (none when it was never migrated)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return []
            return list(connection.scalars(text("SELECT version_num FROM alembic_version")))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """All or nothing: commits on success, rolls back on any error."""
        with self.engine.begin() as connection:
            yield connection
        self._commits[0] += 1

    @property
    def commits(self) -> int:
        """How many write transactions this process has committed through this store."""
        return self._commits[0]

    def audit(
        self,
        connection: Connection,
        action: str,
        object_type: str,
        object_id: str | None,
        detail: dict[str, Any],
    ) -> None:
        connection.execute(
            insert(audit_log).values(
                at=now(),
                actor=self.actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                detail=detail,
                origin=self.origin,
            )
        )

    def close(self) -> None:
        self.engine.dispose()


def json_text(value: Any) -> str:
    """JSON for the store: compact, and free for the empty lists and objects most rows carry."""
    if not value and isinstance(value, list | dict | tuple):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MiB of page cache (the default is 2 MiB): keeps index pages in memory during bulk
    # writes, which halves the time to accept a 100,000-value submission
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()
