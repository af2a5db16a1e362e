"""Passwords: chosen under a policy, kept only as argon2id hashes, checked with limits.

A password is 12 to 1,000 characters (any script: length is counted in characters, and the
text is hashed as UTF-8) and is not the user's name or e-mail address. It is hashed with
argon2-cffi's ``PasswordHasher()`` (argon2id, its current parameters); a hash made with older
parameters is replaced at the next successful sign-in.

Every password sign-in attempt is a row of ``sign_in_attempts``: the account as typed
(lowercased) and the client's address. An account with :data:`ACCOUNT_FAILURES` failures in
:data:`WINDOW` (since its last success), or a client address with :data:`CLIENT_FAILURES`, is
refused (:class:`SignInLimited`, answered 429) until the oldest of them leaves the window. The
limit lives in the database, so it holds across processes and restarts. An unknown account
costs the same hashing work as a known one (a dummy hash is verified), so the time taken does
not tell which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, func, insert, select, update

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.model import User
from ictfootprint.store import users as _users
from ictfootprint.store.database import now
from ictfootprint.store.schema import sign_in_attempts, users

MIN_LENGTH: Final = 12
MAX_LENGTH: Final = 1000
WINDOW: Final = timedelta(minutes=15)
ACCOUNT_FAILURES: Final = 5
CLIENT_FAILURES: Final = 20
ACCOUNT_LENGTH: Final = 254
SESSION_LABEL: Final = "browser session"
SESSION_DAYS: Final = 1


class SignInLimited(InputError):
    """Too many failed sign-ins for this account or from this address; ``until`` says when
    the next attempt will be heard."""

    def __init__(self, until: datetime) -> None:
        super().__init__(
            "too many failed sign-in attempts: wait until the time given and try again",
            Location(field="password"),
            found=until.isoformat(timespec="minutes"),
        )
        self.until = until


@dataclass(frozen=True)
class SignIn:
    """The outcome of an attempt: the user, or None (wrong account or password)."""

    user: User | None
    account: str
    rehashed: bool = False


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return hasher().hash("ictfootprint: no such account, same work")


def check_policy(password: str, user: User) -> None:
    """Refuse a password that is too short, too long, or the user's name or address."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise InputError(
            "password too short",
            Location(field="password"),
            expected=f"at least {MIN_LENGTH} characters",
            found=f"{len(password) if isinstance(password, str) else 0} characters",
        )
    if len(password) > MAX_LENGTH:
        raise InputError(
            "password too long",
            Location(field="password"),
            expected=f"at most {MAX_LENGTH} characters",
            found=f"{len(password)} characters",
        )
    if "\x00" in password:
        raise InputError(
            "password holds a NUL character", Location(field="password"), expected="text"
        )
    folded = password.strip().casefold()
    own = {user.name.casefold()}
    if user.email:
        own |= {user.email.casefold(), user.email.split("@")[0].casefold()}
    if folded in own:
        raise InputError(
            "password is the user name or e-mail address",
            Location(field="password"),
            expected="a password nobody can guess from the account",
        )


def set_password(connection: Connection, name: str, password: str) -> User:
    """Check the policy and store the password's argon2id hash (the only copy kept)."""
    user = _users.get_user(connection, name)
    if user.disabled:
        raise InputError("user is disabled", Location(field="user"), found=name)
    check_policy(password, user)
    connection.execute(
        update(users).where(users.c.name == name).values(password_hash=hasher().hash(password))
    )
    return user


def has_password(connection: Connection, name: str) -> bool:
    found = connection.execute(select(users.c.password_hash).where(users.c.name == name)).first()
    return found is not None and found.password_hash is not None


def verify(connection: Connection, name: str, password: str) -> bool:
    """Whether ``password`` is the user's (False for a user without one)."""
    row = connection.execute(select(users.c.password_hash).where(users.c.name == name)).first()
    return _matches(row.password_hash if row else None, password)


def limited_until(
    connection: Connection, account: str, client: str, at: datetime
) -> datetime | None:
    """When the next attempt for ``account`` from ``client`` will be heard, if not now."""
    since = at - WINDOW
    last_success = connection.execute(
        select(func.max(sign_in_attempts.c.at)).where(
            sign_in_attempts.c.account == account, sign_in_attempts.c.succeeded.is_(True)
        )
    ).scalar_one()
    account_since = max(since, _users._utc(last_success)) if last_success else since
    for column, value, start, most in (
        (sign_in_attempts.c.account, account, account_since, ACCOUNT_FAILURES),
        (sign_in_attempts.c.client, client, since, CLIENT_FAILURES),
    ):
        failures = list(
            connection.execute(
                select(sign_in_attempts.c.at)
                .where(
                    column == value,
                    sign_in_attempts.c.succeeded.is_(False),
                    sign_in_attempts.c.at > start,
                )
                .order_by(sign_in_attempts.c.at.desc())
                .limit(most)
            ).scalars()
        )
        if len(failures) >= most:
            return _users._utc(failures[-1]) + WINDOW
    return None


def sign_in(
    connection: Connection, account: str, password: str, *, client: str, at: datetime | None = None
) -> SignIn:
    """Check a user name (or e-mail address) and password, within the limits; the attempt is
    recorded in the caller's transaction. Raises :class:`SignInLimited` when refused unheard."""
    moment = at or now()
    typed = account.strip().lower()[:ACCOUNT_LENGTH]
    place = client[:100] or "unknown"
    until = limited_until(connection, typed, place, moment)
    if until is not None:
        raise SignInLimited(until)
    user = _find(connection, typed)
    row = (
        connection.execute(select(users.c.password_hash).where(users.c.name == user.name)).first()
        if user is not None and not user.disabled
        else None
    )
    stored = row.password_hash if row is not None else None
    ok = _matches(stored, password) and user is not None
    connection.execute(
        insert(sign_in_attempts).values(at=moment, account=typed, client=place, succeeded=ok)
    )
    if not ok or user is None or stored is None:
        return SignIn(None, typed)
    rehashed = hasher().check_needs_rehash(stored)
    if rehashed:
        connection.execute(
            update(users)
            .where(users.c.name == user.name)
            .values(password_hash=hasher().hash(password))
        )
    return SignIn(user, typed, rehashed)


def session_token(connection: Connection, name: str, *, actor: str) -> _users.IssuedToken:
    """The short-lived token a password sign-in puts in the session cookie."""
    return _users.create_token(
        connection, name, label=SESSION_LABEL, days=SESSION_DAYS, actor=actor
    )


def end_session(connection: Connection, token: str, *, actor: str) -> _users.TokenInfo | None:
    """Revoke the browser's session token if it is one a sign-in made (a password session or
    a personal link's), never an API token the user pasted in to sign in."""
    from ictfootprint.store.schema import api_tokens

    row = connection.execute(
        select(api_tokens.c.id, api_tokens.c.label, api_tokens.c.revoked_at).where(
            api_tokens.c.token_hash == _users.token_hash(token)
        )
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    label = row.label or ""
    if label != SESSION_LABEL and not label.startswith("link "):
        return None
    return _users.revoke_token(connection, row.id, actor=actor)


def _find(connection: Connection, typed: str) -> User | None:
    if "@" in typed:
        return _users.user_by_email(connection, typed)
    try:
        return _users.get_user(connection, typed)
    except NotFoundError:  # an unknown account is a failed attempt, not an error
        return None


def _matches(stored: str | None, password: str) -> bool:
    """Verify against the stored hash, or a dummy one (same work) when there is none."""
    fits = isinstance(password, str) and 0 < len(password) <= MAX_LENGTH
    try:
        hasher().verify(stored or _dummy_hash(), password if fits else "-")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return stored is not None and fits
