"""A small world for the API tests: the illustrative data published, users of every role, and
values under review that must never be public.

Published: illustrative-op-a (FRA), illustrative-op-b (KEN), illustrative-dc-c (IND).
Under review: a 2024 file for op-a and one for op-b whose values hold ``SECRET`` (a number no
published value has), and ``pending-op`` (FRA), an entity with a pending submission only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.collection.service import submit
from ictfootprint.examples import load_illustrative
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store

SECRET = 9876543.25
SOURCE = "API test file (fictitious)"
USERS = {
    "admin": ("admin", (), ()),
    "sub-a": ("submitter", ("illustrative-op-a",), ()),
    "sub-b": ("submitter", ("illustrative-op-b",), ()),
    "rev-fra": ("reviewer", (), ("FRA",)),
    "rev-ken": ("reviewer", (), ("KEN",)),
}
_serial = count(1)


def pending_file(value: float = SECRET, year: int = 2024) -> bytes:
    """A valid one-value file, different every call unless ``value`` and ``year`` repeat."""
    return (
        "indicator,year,value,unit,country,source\n"
        f"activity_revenue,{year},{value},USD,,{SOURCE} {next(_serial)}\n"
    ).encode()


@dataclass
class World:
    store: Store
    client: TestClient
    tokens: dict[str, str]
    pending: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        return {} if role == "public" else {"Authorization": f"Bearer {self.tokens[role]}"}

    def new_pending(self, entity_id: str, value: float | None = None) -> str:
        """A fresh validated submission (by default of a value that may become public): its
        public id, the one the API and the pages use."""
        chosen = value if value is not None else 1000.0 + next(_serial)
        result = submit(self.store, pending_file(chosen), "pending.csv", entity_id)
        assert result.status == "validated", result.report
        return result.public_id


def build_world(db_url: str, **settings: object) -> World:
    store = Store.open(db_url, actor="test-setup")
    load_illustrative(store)
    store.add_entity(
        Entity(
            id="pending-op",
            name="Pending Operator (fictitious)",
            kind=EntityKind.COMPANY,
            country="FRA",
            illustrative=True,
        )
    )
    tokens = {}
    for name, (role, entities, countries) in USERS.items():
        store.add_user(name, role, entities=entities, countries=countries)
        tokens[name] = store.create_token(name, label="tests").token
    app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0, **settings), store)
    world = World(store, TestClient(app), tokens)
    for entity_id in ("illustrative-op-a", "illustrative-op-b", "pending-op"):
        world.pending[entity_id] = world.new_pending(entity_id, SECRET)
    return world
