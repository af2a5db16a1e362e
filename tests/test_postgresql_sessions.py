"""The store's PostgreSQL sessions: JIT compilation off unless the URL says otherwise
(``store.database.POSTGRESQL_OPTIONS``: it cost a country page's sources query half its time
at 4.4 M values), and a deployment's own ``options`` kept whole."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import text

from ictfootprint.store import Store

pytestmark = pytest.mark.postgres


def _setting(url: str, name: str) -> str:
    store = Store.open(url)
    try:
        with store.engine.connect() as connection:
            return str(connection.execute(text(f"SHOW {name}")).scalar_one())
    finally:
        store.close()


def test_the_stores_sessions_compile_no_plan(request: pytest.FixtureRequest) -> None:
    postgres = request.getfixturevalue("postgres")
    url = postgres.new_database()
    try:
        assert _setting(url, "jit") == "off"
        # the server's own default is on: the store's sessions turned it off
        own = f"{url}?options={quote('-c jit=on -c work_mem=5MB')}"
        assert _setting(own, "jit") == "on"
        assert _setting(own, "work_mem") == "5MB"
    finally:
        postgres.drop_database(url)
