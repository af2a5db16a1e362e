"""Entity targets: append-only; a revised target supersedes the earlier one, which stays."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.model import Target
from ictfootprint.store.database import now
from ictfootprint.store.schema import targets


def add(connection: Connection, target: Target, actor: str, supersedes: int | None) -> int:
    if supersedes is not None:
        _check_supersedes(connection, target.entity_id, supersedes)
    key = connection.execute(
        insert(targets).values(
            **target.model_dump(), recorded_at=now(), recorded_by=actor, supersedes_id=supersedes
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def _check_supersedes(connection: Connection, entity_id: str, supersedes: int) -> None:
    """A revision revises a target of its own entity (a missing one was a foreign-key error,
    and another entity's was taken, hiding that entity's target)."""
    owner = connection.execute(
        select(targets.c.entity_id).where(targets.c.id == supersedes)
    ).scalar_one_or_none()
    if owner is None:
        raise NotFoundError(f"no target {supersedes} to supersede (field supersedes)")
    if owner != entity_id:
        raise InputError(
            f"target {supersedes} is not a target of {entity_id}",
            Location(field="supersedes"),
            expected=f"the id of a target of {entity_id}",
            found=f"a target of {owner}",
        )


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
