"""Accounts as the browser, the API and the CLI use them: invite a user by e-mail, choose a
password through a personal link, sign in with a password, ask for a new password.

Each operation is one transaction that also writes the audit trail; an invitation or a reset
message is queued in the outbox (``mail/outbox.py``) in the same transaction as the link it
carries, rendered in the user's language (``mail/messages.py``). Links are the mail links of
``mail/links.py`` with the purpose ``invitation`` or ``password-reset`` and the subject
``user:<name>``; they act for no entity and sign in as that user only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection, func, select

from ictfootprint.accounts import passwords
from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.mail import links, messages, outbox
from ictfootprint.model import Role, User
from ictfootprint.store import Store
from ictfootprint.store import users as _users
from ictfootprint.store.database import now
from ictfootprint.store.schema import mail_outbox
from ictfootprint.store.users import IssuedToken

INVITATION: Final = "invitation"
RESET: Final = "password-reset"
PURPOSES: Final = (INVITATION, RESET)
INVITATION_DAYS: Final = 7
RESET_HOURS: Final = 24
RESETS_PER_DAY: Final = 3
_MESSAGE: Final = {INVITATION: "account-invitation", RESET: "password-reset"}


@dataclass(frozen=True)
class Invitation:
    user: User
    expires_at: datetime


def subject_ref(name: str) -> str:
    return f"user:{name}"


def base_of(base_url: str) -> str:
    base = base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise InputError(
            "the base URL of links must start with http:// or https://",
            Location(field="base-url"),
            found=base_url,
        )
    return base


def invite(
    store: Store,
    *,
    name: str,
    role: Role | str,
    email: str,
    language: str = "en",
    entities: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    inviter: str,
    base_url: str,
) -> Invitation:
    """Add the user (no password yet) and queue its invitation, with a link to choose one."""
    base = base_of(base_url)
    if not email or not email.strip():
        raise InputError("an invitation needs an e-mail address", Location(field="email"))
    with store.transaction() as connection:
        user = _users.add_user(
            connection,
            name,
            role,
            entities=entities,
            countries=countries,
            email=email,
            language=language,
            actor=store.actor,
        )
        expires = _send(connection, user, INVITATION, base, inviter, days=INVITATION_DAYS)
        store.audit(
            connection,
            "invite",
            "user",
            user.name,
            {**user.model_dump(mode="json"), "expires_at": expires.isoformat()},
        )
    return Invitation(user, expires)


def request_reset(store: Store, account: str, *, base_url: str) -> bool:
    """Queue a password reset for the user named (or with that address) if there is one with
    an address, enabled, and not already sent :data:`RESETS_PER_DAY` today. The caller says
    the same thing whatever this returns: whether an account exists is not told."""
    base = base_of(base_url)
    typed = account.strip().lower()[: passwords.ACCOUNT_LENGTH]
    with store.transaction() as connection:
        user = _find(connection, typed)
        sent = (
            user is not None
            and user.email is not None
            and not user.disabled
            and _recent_resets(connection, user.name) < RESETS_PER_DAY
        )
        if sent and user is not None:
            _send(connection, user, RESET, base, "", hours=RESET_HOURS)
        store.audit(
            connection,
            "request",
            "password_reset",
            (user.name if user else typed)[:100],
            {"found": user is not None, "queued": sent},
        )
    return sent


def link_user(store: Store, token: str) -> tuple[str, User]:
    """(purpose, user) of a valid invitation or reset link, without using it up."""
    with store.engine.connect() as connection:
        grant = _check(connection, token)
        return grant.purpose, _users.get_user(connection, _name_of(grant))


def choose_password(store: Store, token: str, password: str) -> IssuedToken:
    """Use an invitation or reset link: set the password, and sign in (a session token).
    A password the policy refuses leaves the link unused."""
    with store.transaction() as connection:
        grant = _check(connection, token)
        name = _name_of(grant)
        passwords.set_password(connection, name, password)
        links.redeem(connection, token, purpose=grant.purpose, at=now())
        issued = passwords.session_token(connection, name, actor=store.actor)
        store.audit(
            connection,
            "set-password",
            "user",
            name,
            {"via": grant.purpose, "link": grant.link_id, "token_prefix": issued.prefix},
        )
    return issued


def change_password(store: Store, name: str, current: str, new: str) -> None:
    """Change a signed-in user's password: the current one is asked for first."""
    with store.transaction() as connection:
        if not passwords.verify(connection, name, current):
            raise InputError("the current password is not right", Location(field="current"))
        passwords.set_password(connection, name, new)
        store.audit(connection, "change-password", "user", name, {})


def sign_in(store: Store, account: str, password: str, *, client: str) -> IssuedToken | None:
    """A session token for the right account and password, None for a wrong one; raises
    :class:`passwords.SignInLimited` (audited) when too many attempts failed."""
    limited: passwords.SignInLimited | None = None
    issued: IssuedToken | None = None
    with store.transaction() as connection:
        try:
            result = passwords.sign_in(connection, account, password, client=client)
        except passwords.SignInLimited as refused:
            limited = refused
            typed = account.strip().lower()[:100]
            detail = {"client": client, "until": refused.until.isoformat()}
            store.audit(connection, "sign-in-refused", "user", typed, detail)
        else:
            if result.user is None:
                store.audit(
                    connection, "sign-in-failed", "user", result.account[:100], {"client": client}
                )
            else:
                issued = passwords.session_token(connection, result.user.name, actor=store.actor)
                store.audit(
                    connection,
                    "sign-in",
                    "user",
                    result.user.name,
                    {"client": client, "token_prefix": issued.prefix, "rehashed": result.rehashed},
                )
    if limited is not None:
        raise limited
    return issued


def sign_out(store: Store, token: str) -> None:
    """Revoke the session token a sign-in made (an API token signed in with stays valid)."""
    with store.transaction() as connection:
        info = passwords.end_session(connection, token, actor=store.actor)
        if info is not None:
            store.audit(connection, "sign-out", "user", info.user, {"token_prefix": info.prefix})


def _send(
    connection: Connection,
    user: User,
    purpose: str,
    base: str,
    inviter: str,
    *,
    days: int = 0,
    hours: int = 0,
) -> datetime:
    if user.email is None:
        raise InputError("the user has no e-mail address", Location(field="email"))
    expires = now() + timedelta(days=days, hours=hours)
    token = links.issue(
        connection,
        purpose=purpose,
        subject_ref=subject_ref(user.name),
        entity_id=None,
        expires_at=expires,
    )
    subject, body = messages.render_account(
        _MESSAGE[purpose],
        user.language,
        name=user.name,
        link=f"{base}/{user.language}/p/{token}",
        expires=expires.date(),
        inviter=inviter,
    )
    outbox.queue(
        connection,
        key=f"{purpose}:{user.name}:{secrets.token_hex(8)}",
        to=user.email,
        lang=user.language,
        subject=subject,
        body=body,
        purpose=_MESSAGE[purpose],
        subject_ref=subject_ref(user.name),
    )
    return expires


def _recent_resets(connection: Connection, name: str) -> int:
    return int(
        connection.execute(
            select(func.count()).where(
                mail_outbox.c.purpose == _MESSAGE[RESET],
                mail_outbox.c.subject_ref == subject_ref(name),
                mail_outbox.c.queued_at > now() - timedelta(days=1),
            )
        ).scalar_one()
    )


def _check(connection: Connection, token: str) -> links.LinkGrant:
    """The grant of an invitation or reset link (any other link is refused as ``purpose``)."""
    try:
        return links.check(connection, token, purpose=INVITATION, at=now())
    except links.LinkRefused as refused:
        if refused.reason != "purpose":
            raise
    return links.check(connection, token, purpose=RESET, at=now())


def _name_of(grant: links.LinkGrant) -> str:
    kind, _, name = grant.subject_ref.partition(":")
    if kind != "user" or not name:
        raise links.LinkRefused("purpose", "this link is not for this")
    return name


def _find(connection: Connection, typed: str) -> User | None:
    if "@" in typed:
        return _users.user_by_email(connection, typed)
    try:
        return _users.get_user(connection, typed)
    except NotFoundError:
        return None
