"""Users of the REST API and their bearer tokens.

A user has a role: a *submitter* sends data for their own entities, a *reviewer* reviews
submissions from their countries, an *admin* does everything. A token is ``ifp_`` and 256
random bits; only its SHA-256 is stored (a fast hash is enough for a secret that cannot be
guessed), with its first characters so that a user can tell tokens apart. Tokens expire, can
be revoked, and stop working when their user is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, insert, select, update

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.model import Role, User
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.reference.countries import country
from ictfootprint.reference.loader import defaults
from ictfootprint.store.database import now
from ictfootprint.store.schema import api_tokens, entities, users

NAME_PATTERN: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
EMAIL_LENGTH: Final = 254
# one @, no spaces or control characters, a dot in the domain: what a mail server accepts
EMAIL_PATTERN: Final = re.compile(
    r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+"
)
TOKEN_SCHEME: Final = "ifp_"
PREFIX_LENGTH: Final = 12
LABEL_LENGTH: Final = 100
# "ifp_" and secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet
_TOKEN_FORMAT: Final = re.compile(TOKEN_SCHEME + r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class IssuedToken:
    """A token just created: the only time its plain text exists outside the caller."""

    id: int
    user: str
    token: str
    prefix: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenInfo:
    """A stored token as it may be listed: never the token, never its hash."""

    id: int
    user: str
    prefix: str
    label: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def state_at(self, at: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= at else "active"

    @property
    def state(self) -> str:
        """``active``, ``expired`` or ``revoked``, now."""
        return self.state_at(now())

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user": self.user,
            "prefix": self.prefix,
            "label": self.label,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "state": self.state,
        }


# users ----------------------------------------------------------------------------------------
def add_user(
    connection: Connection,
    name: str,
    role: Role | str,
    *,
    entities: Iterable[str] = (),
    countries: Iterable[str] = (),
    email: str | None = None,
    language: str = "en",
    actor: str,
) -> User:
    """A new user; ``email`` (optional, unique) is where its invitation and password resets
    go, ``language`` the language of its messages."""
    if not isinstance(name, str) or NAME_PATTERN.fullmatch(name) is None:
        raise InputError(
            "invalid user name",
            Location(field="name"),
            expected="1 to 64 of a-z 0-9 . _ - starting with a letter or digit",
            found=str(name),
        )
    if _row(connection, name) is not None:
        raise InputError("user already exists", Location(field="name"), found=name)
    user = _checked(connection, name, role, entities, countries, disabled=False)
    user = user.model_copy(
        update={"email": _email(connection, email, name), "language": _language(language)}
    )
    connection.execute(
        insert(users).values(
            name=user.name,
            role=user.role.value,
            entities=list(user.entities),
            countries=list(user.countries),
            email=user.email,
            language=user.language,
            created_at=now(),
            created_by=actor,
        )
    )
    return user


def set_user(
    connection: Connection,
    name: str,
    *,
    role: Role | str | None = None,
    entities: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    email: str | None = None,
    language: str | None = None,
) -> User:
    """Change what is given; the user as a whole must still be valid for its role.
    ``email=""`` removes the address."""
    current = get_user(connection, name)
    user = _checked(
        connection,
        name,
        current.role if role is None else role,
        current.entities if entities is None else entities,
        current.countries if countries is None else countries,
        disabled=current.disabled,
    )
    user = user.model_copy(
        update={
            "email": current.email if email is None else _email(connection, email, name),
            "language": current.language if language is None else _language(language),
        }
    )
    connection.execute(
        update(users)
        .where(users.c.name == name)
        .values(
            role=user.role.value,
            entities=list(user.entities),
            countries=list(user.countries),
            email=user.email,
            language=user.language,
        )
    )
    return user


def disable_user(connection: Connection, name: str) -> User:
    """Disable a user: the row stays (the audit trail names it), its tokens stop working."""
    user = get_user(connection, name)
    if user.disabled:
        raise InputError("user is already disabled", Location(field="name"), found=name)
    connection.execute(update(users).where(users.c.name == name).values(disabled_at=now()))
    return user.model_copy(update={"disabled": True})


def get_user(connection: Connection, name: str) -> User:
    """The user, with the custodians it is a focal point of and their remit (a reviewer's
    scope beyond its countries)."""
    from ictfootprint.store.custodians import remit_of_user

    row = _row(connection, name)
    if row is None:
        raise NotFoundError(f"no user {name!r}")
    custodians, remit = remit_of_user(connection, name)
    return _user(row).model_copy(update={"custodians": custodians, "remit": remit})


def all_users(connection: Connection) -> list[User]:
    return [_user(row) for row in connection.execute(select(users).order_by(users.c.name))]


def _row(connection: Connection, name: str) -> Any:
    return connection.execute(select(users).where(users.c.name == name)).first()


def _user(row: Any) -> User:
    return User(
        name=row.name,
        role=row.role,
        entities=tuple(row.entities),
        countries=tuple(row.countries),
        disabled=row.disabled_at is not None,
        email=row.email,
        language=row.language,
    )


def user_by_email(connection: Connection, email: str) -> User | None:
    """The user with that address (compared lowercased), or None."""
    if not isinstance(email, str) or not email.strip():
        return None
    row = connection.execute(select(users).where(users.c.email == email.strip().lower())).first()
    return None if row is None else get_user(connection, row.name)


def _email(connection: Connection, email: str | None, name: str) -> str | None:
    """The address lowercased, checked and free (None or "": no address)."""
    if email is None or email.strip() == "":
        return None
    address = email.strip().lower()
    if len(address) > EMAIL_LENGTH or EMAIL_PATTERN.fullmatch(address) is None:
        raise InputError(
            "invalid e-mail address",
            Location(field="email"),
            expected=f"name@domain, at most {EMAIL_LENGTH} characters, no spaces",
            found=email[:80],
        )
    taken = connection.execute(
        select(users.c.name).where(users.c.email == address, users.c.name != name)
    ).first()
    if taken is not None:
        raise InputError("e-mail address already in use", Location(field="email"), found=address)
    return address


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise InputError(
            "unknown language",
            Location(field="language"),
            expected=", ".join(LANGUAGES),
            found=str(language),
        )
    return language


def _checked(
    connection: Connection,
    name: str,
    role: Role | str,
    entity_ids: Iterable[str],
    codes: Iterable[str],
    *,
    disabled: bool,
) -> User:
    """The user with its role parsed, its entities checked, its countries as ISO3."""
    try:
        parsed = Role(role)
    except ValueError:
        raise InputError(
            "unknown role",
            Location(field="role"),
            expected=", ".join(r.value for r in Role),
            found=str(role),
        ) from None
    owned = tuple(dict.fromkeys(entity_ids))
    if owned:
        known = set(
            connection.execute(select(entities.c.id).where(entities.c.id.in_(owned))).scalars()
        )
        for entity_id in owned:
            if entity_id not in known:
                raise InputError("unknown entity", Location(field="entity"), found=entity_id)
    iso3 = tuple(dict.fromkeys(country(code, Location(field="country")).iso3 for code in codes))
    if parsed is Role.SUBMITTER and not owned:
        raise InputError(
            "a submitter needs at least one entity",
            Location(field="entity"),
            expected="one or more entity ids",
        )
    if parsed is Role.REVIEWER and not iso3:
        raise InputError(
            "a reviewer needs at least one country",
            Location(field="country"),
            expected="one or more ISO 3166 codes",
        )
    return User(name=name, role=parsed, entities=owned, countries=iso3, disabled=disabled)


# tokens ---------------------------------------------------------------------------------------
def create_token(
    connection: Connection,
    user_name: str,
    *,
    label: str | None = None,
    days: int | None = None,
    actor: str,
) -> IssuedToken:
    """A new token for an enabled user, valid for ``days`` (the configured default if None)."""
    limits = defaults()["api"]
    lifetime = int(limits["token_days"]) if days is None else days
    longest = int(limits["max_token_days"])
    if not 1 <= lifetime <= longest:
        raise InputError(
            "token lifetime out of range",
            Location(field="days"),
            expected=f"1 to {longest} days",
            found=str(lifetime),
        )
    if label is not None and len(label) > LABEL_LENGTH:
        raise InputError(
            "label too long",
            Location(field="label"),
            expected=f"at most {LABEL_LENGTH} characters",
            found=f"{len(label)} characters",
        )
    if get_user(connection, user_name).disabled:
        raise InputError("user is disabled", Location(field="user"), found=user_name)
    token = TOKEN_SCHEME + secrets.token_urlsafe(32)
    created = now()
    expires = created + timedelta(days=lifetime)
    key = connection.execute(
        insert(api_tokens).values(
            user_name=user_name,
            token_hash=token_hash(token),
            prefix=token[:PREFIX_LENGTH],
            label=label or None,
            created_at=created,
            created_by=actor,
            expires_at=expires,
        )
    ).inserted_primary_key
    assert key is not None
    return IssuedToken(int(key[0]), user_name, token, token[:PREFIX_LENGTH], expires)


def token_hash(token: str) -> str:
    """Hex SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def all_tokens(connection: Connection, user_name: str | None = None) -> list[TokenInfo]:
    query = select(api_tokens).order_by(api_tokens.c.id)
    if user_name is not None:
        query = query.where(api_tokens.c.user_name == user_name)
    return [_token(row) for row in connection.execute(query)]


def get_token(connection: Connection, token_id: int) -> TokenInfo:
    row = connection.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
    if row is None:
        raise NotFoundError(f"no API token {token_id}")
    return _token(row)


def revoke_token(connection: Connection, token_id: int, *, actor: str) -> TokenInfo:
    info = get_token(connection, token_id)
    if info.revoked_at is not None:
        raise InputError(
            f"API token {token_id} is already revoked",
            Location(field="token"),
            found=info.revoked_at.isoformat(),
        )
    at = now()
    connection.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id)
        .values(revoked_at=at, revoked_by=actor)
    )
    return replace(info, revoked_at=at)


def authenticate(connection: Connection, token: str, *, at: datetime | None = None) -> User | None:
    """The enabled user a valid token belongs to, or None (never an error: the caller answers
    401 whatever the reason, so as not to tell a guesser which part was right)."""
    if not isinstance(token, str) or _TOKEN_FORMAT.fullmatch(token) is None:
        return None
    digest = token_hash(token)
    row = connection.execute(
        select(api_tokens, users.c.disabled_at)
        .join(users, users.c.name == api_tokens.c.user_name)
        .where(api_tokens.c.token_hash == digest)
    ).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.disabled_at is not None or _token(row).state_at(_utc(at or now())) != "active":
        return None
    return get_user(connection, row.user_name)


def _token(row: Any) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        user=row.user_name,
        prefix=row.prefix,
        label=row.label,
        created_at=_utc(row.created_at),
        expires_at=_utc(row.expires_at),
        revoked_at=_utc(row.revoked_at) if row.revoked_at is not None else None,
    )


def _utc(value: datetime) -> datetime:
    # SQLite gives back naive datetimes; everything this package writes is UTC
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
