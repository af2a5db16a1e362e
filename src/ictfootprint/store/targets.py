"""Entity targets: append-only; a revised target supersedes the earlier one, which stays."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from ictfootprint.model import Target
from ictfootprint.store.database import now
from ictfootprint.store.schema import targets


def add(connection: Connection, target: Target, actor: str, supersedes: int | None) -> int:
    key = connection.execute(
        insert(targets).values(
            **target.model_dump(), recorded_at=now(), recorded_by=actor, supersedes_id=supersedes
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def current(connection: Connection, entity_id: str) -> list[tuple[int, Target]]:
    """The entity's targets that no later target supersedes, oldest first."""
    rows = connection.execute(
        select(targets).where(targets.c.entity_id == entity_id).order_by(targets.c.id)
    ).all()
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    fields = set(Target.model_fields)
    return [
        (r.id, Target(**{k: v for k, v in r._mapping.items() if k in fields}))
        for r in rows
        if r.id not in superseded
    ]
