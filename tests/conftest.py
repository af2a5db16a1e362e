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

    def new_database(self) -> str:
        name = f"ictfootprint_test_{next(self._names)}"
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, then a PostgreSQL database dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server: _Postgres = request.getfixturevalue("postgres")
    url = server.new_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def shared_data() -> Path:
    """The real public data beside the repository (``../shared/data``)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA
