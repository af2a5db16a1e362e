"""National custodians: the authorities that collect the sector's data (regulator, statistics
office, ministry), with their mandate, focal points and the entities in their remit.

A focal point who is a user (a reviewer) reviews the custodian's remit: that is where a
reviewer's scope beyond its countries comes from (``remit_of_user``, read by
``store.users.get_user``). A focal point's e-mail address is for messages only: it is never
in what a respondent or the public can read (``Custodian.summary(private=False)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import Connection, insert, select

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.reference.countries import country
from ictfootprint.store.database import now
from ictfootprint.store.schema import (
    custodian_focal_points,
    custodian_remit,
    custodians,
    entities,
    users,
)

KINDS: Final = ("regulator", "statistics-office", "ministry")
CUSTODIAN_ID: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# deliberately plain: one @, no spaces, a dot in the domain (the SMTP server has the last word)
EMAIL: Final = re.compile(r"[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"']+")
TEXT_LIMIT: Final = 2000
NAME_LIMIT: Final = 200
EMAIL_LIMIT: Final = 320


@dataclass(frozen=True)
class FocalPoint:
    name: str
    email: str
    user: str | None


@dataclass(frozen=True)
class Custodian:
    """A national authority with a mandate to collect the sector's data."""

    id: str
    name: str
    kind: str
    country: str
    legal_basis: str
    scope: str
    since: date
    focal_points: tuple[FocalPoint, ...] = field(default=())
    remit: tuple[str, ...] = field(default=())

    def summary(self, *, private: bool = True) -> dict[str, Any]:
        """As shown; e-mail addresses only when ``private`` (the custodian's own people)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "mandate": {
                "legal_basis": self.legal_basis,
                "scope": self.scope,
                "since": self.since.isoformat(),
            },
            "focal_points": [
                {"name": f.name, "user": f.user, **({"email": f.email} if private else {})}
                for f in self.focal_points
            ],
            "remit": list(self.remit),
        }


def add(
    connection: Connection,
    *,
    custodian_id: str,
    name: str,
    kind: str,
    country_code: str,
    legal_basis: str,
    scope: str,
    since: date,
    actor: str,
) -> Custodian:
    if CUSTODIAN_ID.fullmatch(custodian_id) is None:
        raise InputError(
            "invalid custodian id",
            Location(field="id"),
            expected="1 to 64 of a-z 0-9 . _ - starting with a letter or digit",
            found=custodian_id,
        )
    if kind not in KINDS:
        raise InputError(
            "unknown kind of custodian",
            Location(field="kind"),
            expected=", ".join(KINDS),
            found=kind,
        )
    _text(name, "name", NAME_LIMIT)
    for label, text in (("legal_basis", legal_basis), ("scope", scope)):
        _text(text, label)
    iso3 = country(country_code, Location(field="country")).iso3
    if _row(connection, custodian_id) is not None:
        raise InputError("custodian already exists", Location(field="id"), found=custodian_id)
    connection.execute(
        insert(custodians).values(
            id=custodian_id,
            name=name.strip(),
            kind=kind,
            country=iso3,
            legal_basis=legal_basis.strip(),
            scope=scope.strip(),
            since=since,
            created_at=now(),
            created_by=actor,
        )
    )
    return get(connection, custodian_id)


def add_focal_point(
    connection: Connection,
    custodian_id: str,
    *,
    name: str,
    email: str,
    user: str | None,
    actor: str,
) -> FocalPoint:
    get(connection, custodian_id)
    _text(name, "name", NAME_LIMIT)
    if len(email) > EMAIL_LIMIT or EMAIL.fullmatch(email.strip()) is None:
        raise InputError(
            "invalid e-mail address", Location(field="email"), expected="name@domain", found=email
        )
    if user is not None:
        found = connection.execute(select(users.c.role).where(users.c.name == user)).scalar()
        if found is None:
            raise InputError("unknown user", Location(field="user"), found=user)
    connection.execute(
        insert(custodian_focal_points).values(
            custodian_id=custodian_id,
            name=name.strip(),
            email=email.strip(),
            user_name=user,
            added_at=now(),
            added_by=actor,
        )
    )
    return FocalPoint(name.strip(), email.strip(), user)


def add_remit(
    connection: Connection, custodian_id: str, entity_ids: Iterable[str], *, actor: str
) -> list[str]:
    """Put entities in the custodian's remit; those already there are left as they are.
    Returns the ones added. An unknown entity adds none."""
    get(connection, custodian_id)
    wanted = list(dict.fromkeys(entity_ids))
    if not wanted:
        raise InputError("no entity given", Location(field="entity"), expected="entity ids")
    known = set(
        connection.execute(select(entities.c.id).where(entities.c.id.in_(wanted))).scalars()
    )
    for entity_id in wanted:
        if entity_id not in known:
            raise InputError("unknown entity", Location(field="entity"), found=entity_id)
    held = set(
        connection.execute(
            select(custodian_remit.c.entity_id).where(
                custodian_remit.c.custodian_id == custodian_id
            )
        ).scalars()
    )
    added = [e for e in wanted if e not in held]
    if added:
        at = now()
        connection.execute(
            insert(custodian_remit),
            [
                {"custodian_id": custodian_id, "entity_id": e, "added_at": at, "added_by": actor}
                for e in added
            ],
        )
    return added


def get(connection: Connection, custodian_id: str) -> Custodian:
    row = _row(connection, custodian_id)
    if row is None:
        raise NotFoundError(f"no custodian {custodian_id!r}")
    return _custodian(connection, row)


def all_custodians(connection: Connection) -> list[Custodian]:
    rows = connection.execute(select(custodians).order_by(custodians.c.id)).all()
    return [_custodian(connection, row) for row in rows]


def remit_of_user(connection: Connection, user: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(custodians the user is a focal point of, the entities in their remit), sorted."""
    ids = sorted(
        set(
            connection.execute(
                select(custodian_focal_points.c.custodian_id).where(
                    custodian_focal_points.c.user_name == user
                )
            ).scalars()
        )
    )
    if not ids:
        return (), ()
    remit = connection.execute(
        select(custodian_remit.c.entity_id)
        .where(custodian_remit.c.custodian_id.in_(ids))
        .distinct()
        .order_by(custodian_remit.c.entity_id)
    ).scalars()
    return tuple(ids), tuple(remit)


def _row(connection: Connection, custodian_id: str) -> Any:
    return connection.execute(select(custodians).where(custodians.c.id == custodian_id)).first()


def _custodian(connection: Connection, row: Any) -> Custodian:
    points = connection.execute(
        select(custodian_focal_points)
        .where(custodian_focal_points.c.custodian_id == row.id)
        .order_by(custodian_focal_points.c.id)
    )
    remit = connection.execute(
        select(custodian_remit.c.entity_id)
        .where(custodian_remit.c.custodian_id == row.id)
        .order_by(custodian_remit.c.entity_id)
    ).scalars()
    return Custodian(
        id=row.id,
        name=row.name,
        kind=row.kind,
        country=row.country,
        legal_basis=row.legal_basis,
        scope=row.scope,
        since=row.since,
        focal_points=tuple(FocalPoint(p.name, p.email, p.user_name) for p in points),
        remit=tuple(remit),
    )


def _text(text: str, label: str, limit: int = TEXT_LIMIT) -> None:
    if not text.strip() or len(text) > limit:
        raise InputError(
            f"{label.replace('_', ' ')} is empty or too long",
            Location(field=label),
            expected=f"1 to {limit} characters",
            found=f"{len(text.strip())} characters",
        )
