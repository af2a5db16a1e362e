"""Shared fixtures. PostgreSQL tests run against a throwaway server started here.

The server is initialised in a fresh temporary folder, listens on 127.0.0.1 only, on a free
port, and is stopped and removed at the end of the session. ``initdb`` refuses to run as root,
so as root the server runs as the ``postgres`` user. Missing binaries fail the run (``make
test`` installs Debian's ``postgresql``): a skipped database test proves nothing.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Spark tests run local[2] on loopback only
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def _pg_bindir() -> Path | None:
    configured = os.environ.get("ICTFOOTPRINT_PG_BIN")
    candidates = (
        [configured]
        if configured
        else sorted(
            (str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")),
            key=lambda p: int(Path(p).parent.name),
            reverse=True,
        )
    )
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Postgres:
    def __init__(self) -> None:
        bindir = _pg_bindir()
        if bindir is None:
            pytest.fail(
                "PostgreSQL server binaries not found: run `make test`, which installs "
                "Debian's postgresql package, or set ICTFOOTPRINT_PG_BIN"
            )
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="ictfootprint-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.root / "server.log"),
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off",
            "start",
        )
        self._names = itertools.count()
        self._template: str | None = None

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            pytest.fail(f"{program} failed: {done.stderr}\n{tail}")

    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self, *, migrated: bool = True) -> str:
        """A new database: a copy of one at the newest schema, with the default factors seeded
        (as :meth:`Store.open` leaves an empty one), or empty (``migrated=False``).

        Copying the template costs about 0.2 s where migrating costs 0.3–0.5 s, for each of
        the suite's ~1,500 PostgreSQL databases.
        """
        name = f"ictfootprint_test_{next(self._names)}"
        template = f' TEMPLATE "{self._migrated_template()}"' if migrated else ""
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{template}')
        return self._url(name)

    def _url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _migrated_template(self) -> str:
        if self._template is None:
            name = "ictfootprint_template"
            with psycopg.connect(self.admin_url(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            _open_and_close(self._url(name))
            self._template = name
        return self._template

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`new_database`, ending whatever is still connected.

        A store a test leaves open keeps its pooled connections until the garbage collector
        frees it; dropped with the test, they never pile up to ``max_connections``.
        """
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[_Postgres]:
    server = _Postgres()
    yield server
    server.stop()


def _open_and_close(url: str) -> None:
    """Migrate ``url`` and seed it as ``Store.open`` does, then close every connection to it."""
    from ictfootprint.store import Store

    Store.open(url).engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "store.db"
    _open_and_close(f"sqlite:///{path}")  # the last close checkpoints the WAL into the file
    return path


def _fresh_database(
    request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: _Postgres = request.getfixturevalue("postgres")
    url = server.new_database(migrated=migrated)
    yield url
    server.drop_database(url)


_BOTH = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=_BOTH)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the newest schema with the default factors, as ``Store.open`` leaves
    an empty one (a copy of a template made once a session): a SQLite file, then a PostgreSQL
    database dropped after the test. Tests of the migrations themselves take ``empty_db_url``."""
    yield from _fresh_database(request, tmp_path, migrated=True)


@pytest.fixture(params=_BOTH)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (no tables): a SQLite file, then a PostgreSQL database."""
    yield from _fresh_database(request, tmp_path, migrated=False)


@pytest.fixture
def shared_data() -> Path:
    """The real public data beside the repository (``../shared/data``)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA
