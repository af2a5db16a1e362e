"""Personal links: a link in an e-mail that lets its reader do one thing, once, until a date.

A link carries a random token (``ifl_`` and 256 bits from :mod:`secrets`); the store keeps
only its SHA-256, as for API tokens, with the link's *purpose* (what it is for, e.g.
``round-upload``), its *subject* (``round:<round id>:<entity id>``), the entity it acts for
and its expiry. :func:`redeem` checks all of that and uses the link up; a forged, unknown,
expired, used or other-purpose token is refused with a clear error, never a grant.

Redeeming an upload link signs the browser in the way every browser signs in here, with an API
token in the session cookie (``web/session.py``): :func:`sign_in_grant` issues a short-lived
token to a submitter of that one entity, named after the link's subject, so that the session can
upload for that entity and nothing else, and ends when the token expires.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Connection, insert, select, update

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.model import Role
from ictfootprint.store import users as _users
from ictfootprint.store.database import now
from ictfootprint.store.entities import get as get_entity
from ictfootprint.store.schema import mail_links

LINK_SCHEME: Final = "ifl_"
UPLOAD_PURPOSE: Final = "round-upload"
SESSION_DAYS: Final = 1
_LINK_FORMAT: Final = re.compile(LINK_SCHEME + r"[A-Za-z0-9_-]{43}")
_SLUG: Final = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class LinkGrant:
    """What a redeemed link allows: ``purpose`` for ``subject_ref`` on behalf of ``entity_id``."""

    link_id: int
    purpose: str
    subject_ref: str
    entity_id: str | None  # None: a link for a user (an invitation, a password reset)
    expires_at: datetime


class LinkRefused(InputError):
    """A link that does not (or no longer) grant anything; ``reason`` says why, in one word:
    ``unknown`` (forged or mistyped), ``expired``, ``used`` or ``purpose``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, Location(field="link"))
        self.reason = reason


def issue(
    connection: Connection,
    *,
    purpose: str,
    subject_ref: str,
    entity_id: str | None,
    expires_at: datetime,
) -> str:
    """A new link token (its plain text exists only in the result, to be put in a message)."""
    if not purpose or len(purpose) > 40:
        raise InputError("invalid link purpose", Location(field="purpose"), found=purpose)
    if not subject_ref or len(subject_ref) > 200:
        raise InputError("invalid link subject", Location(field="subject_ref"), found=subject_ref)
    expires = _utc(expires_at)
    if expires <= now():
        raise InputError(
            "a link must expire in the future",
            Location(field="expires_at"),
            found=expires.isoformat(),
        )
    if entity_id is not None:
        get_entity(connection, entity_id)  # raises on an unknown entity
    token = LINK_SCHEME + secrets.token_urlsafe(32)
    connection.execute(
        insert(mail_links).values(
            token_hash=_users.token_hash(token),
            purpose=purpose,
            subject_ref=subject_ref,
            entity_id=entity_id,
            created_at=now(),
            expires_at=expires,
        )
    )
    return token


def check(connection: Connection, token: str, *, purpose: str, at: datetime) -> LinkGrant:
    """What the link would grant at ``at``, without using it up; refused as :func:`redeem`."""
    row = _find(connection, token)
    if row is None:
        raise LinkRefused("unknown", "this link is not valid: it may be mistyped or forged")
    if row.purpose != purpose:
        raise LinkRefused("purpose", "this link is not for this")
    if row.used_at is not None:
        raise LinkRefused("used", "this link has already been used")
    if _utc(row.expires_at) <= _utc(at):
        raise LinkRefused("expired", "this link has expired")
    return _grant(row)


def redeem(connection: Connection, token: str, *, purpose: str, at: datetime) -> LinkGrant:
    """Use the link up and say what it grants; refused (:class:`LinkRefused`, an
    :class:`InputError`) if it is unknown, for another purpose, used or expired at ``at``.
    Two redemptions at once: one wins, the other is refused as used."""
    grant = check(connection, token, purpose=purpose, at=at)
    used = connection.execute(
        update(mail_links)
        .where(mail_links.c.id == grant.link_id, mail_links.c.used_at.is_(None))
        .values(used_at=_utc(at))
    )
    if used.rowcount != 1:
        raise LinkRefused("used", "this link has already been used")
    return grant


def link_user_name(subject_ref: str) -> str:
    """The submitter a link of ``subject_ref`` signs in as: readable, unique to the subject.

    >>> link_user_name("round:7:fr-op-a")
    'link.round.7.fr-op-a.8ed24d86'
    """
    slug = _SLUG.sub(".", subject_ref.lower().replace(":", ".")).strip(".")[:44]
    digest = hashlib.sha256(subject_ref.encode()).hexdigest()[:8]
    return f"link.{slug}.{digest}"


def sign_in_grant(connection: Connection, grant: LinkGrant, *, actor: str) -> _users.IssuedToken:
    """A token for a submitter of the grant's entity only, valid one day (the session a
    redeemed upload link opens). The submitter is created on first use and disabled users stay
    disabled: an administrator who disabled it meant it."""
    if grant.entity_id is None:
        raise InputError("this link is not for an entity", Location(field="link"))
    name = link_user_name(grant.subject_ref)
    try:
        user = _users.get_user(connection, name)
    except NotFoundError:  # the first use of a link for this subject
        user = _users.add_user(
            connection, name, Role.SUBMITTER, entities=[grant.entity_id], actor=actor
        )
    if user.role is not Role.SUBMITTER or user.entities != (grant.entity_id,):
        user = _users.set_user(connection, name, role=Role.SUBMITTER, entities=[grant.entity_id])
    return _users.create_token(
        connection, name, label=f"link {grant.subject_ref}"[:100], days=SESSION_DAYS, actor=actor
    )


def url(base: str, lang: str, token: str) -> str:
    """The address to put in a message: ``https://footprint.example.org/fr/r/ifl_...``."""
    return f"{base.rstrip('/')}/{lang}/r/{token}"


def _find(connection: Connection, token: str) -> Any:
    if not isinstance(token, str) or _LINK_FORMAT.fullmatch(token) is None:
        return None
    digest = _users.token_hash(token)
    row = connection.execute(select(mail_links).where(mail_links.c.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row


def _grant(row: Any) -> LinkGrant:
    return LinkGrant(
        link_id=row.id,
        purpose=row.purpose,
        subject_ref=row.subject_ref,
        entity_id=row.entity_id,
        expires_at=_utc(row.expires_at),
    )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
