"""Accounts: the users of the REST API, their tokens, and the audit trail of what was done.

The part of the store that says who may act and what was done; :class:`Store` builds on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ictfootprint.model import Role, User
from ictfootprint.store import audit as _audit
from ictfootprint.store import users as _users
from ictfootprint.store.database import Database
from ictfootprint.store.schema import audit_log
from ictfootprint.store.users import IssuedToken, TokenInfo


class Accounts(Database):
    """Users, API tokens and the audit trail (every change audited in its transaction)."""

    # users and API tokens ---------------------------------------------------------------------
    def add_user(
        self,
        name: str,
        role: Role | str,
        *,
        entities: Iterable[str] = (),
        countries: Iterable[str] = (),
        email: str | None = None,
        language: str = "en",
    ) -> User:
        """Add a user of the REST API: a submitter needs entities, a reviewer countries."""
        with self.transaction() as connection:
            user = _users.add_user(
                connection,
                name,
                role,
                entities=entities,
                countries=countries,
                email=email,
                language=language,
                actor=self.actor,
            )
            self.audit(connection, "add", "user", user.name, user.model_dump(mode="json"))
        return user

    def set_user(
        self,
        name: str,
        *,
        role: Role | str | None = None,
        entities: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
        email: str | None = None,
        language: str | None = None,
    ) -> User:
        """Change a user's role, entities, countries, e-mail or language (what is not given
        is kept; ``email=""`` removes the address)."""
        with self.transaction() as connection:
            user = _users.set_user(
                connection,
                name,
                role=role,
                entities=entities,
                countries=countries,
                email=email,
                language=language,
            )
            self.audit(connection, "set", "user", user.name, user.model_dump(mode="json"))
        return user

    def disable_user(self, name: str) -> User:
        """Disable a user: kept for the record, its tokens no longer authenticate."""
        with self.transaction() as connection:
            user = _users.disable_user(connection, name)
            self.audit(connection, "disable", "user", user.name, {})
        return user

    def users(self) -> list[User]:
        with self.engine.connect() as connection:
            return _users.all_users(connection)

    def user(self, name: str) -> User:
        with self.engine.connect() as connection:
            return _users.get_user(connection, name)

    def create_token(
        self, user_name: str, *, label: str | None = None, days: int | None = None
    ) -> IssuedToken:
        """Issue an API token; its plain text is in the result and nowhere else, ever."""
        with self.transaction() as connection:
            issued = _users.create_token(
                connection, user_name, label=label, days=days, actor=self.actor
            )
            self.audit(
                connection,
                "create",
                "api_token",
                str(issued.id),
                {
                    "user": user_name,
                    "prefix": issued.prefix,
                    "label": label,
                    "expires_at": issued.expires_at.isoformat(),
                },
            )
        return issued

    def tokens(self, user_name: str | None = None) -> list[TokenInfo]:
        with self.engine.connect() as connection:
            return _users.all_tokens(connection, user_name)

    def revoke_token(self, token_id: int) -> TokenInfo:
        with self.transaction() as connection:
            info = _users.revoke_token(connection, token_id, actor=self.actor)
            self.audit(
                connection,
                "revoke",
                "api_token",
                str(info.id),
                {"user": info.user, "prefix": info.prefix},
            )
        return info

    def authenticate(self, token: str, *, at: datetime | None = None) -> User | None:
        """The user a bearer token belongs to, or None if it is not valid (now, or ``at``)."""
        with self.engine.connect() as connection:
            return _users.authenticate(connection, token, at=at)

    # audit ------------------------------------------------------------------------------------
    def audit_trail(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
            )
            return [dict(row._mapping) for row in rows]

    def audit_page(
        self, *, limit: int, offset: int = 0, **where: str | None
    ) -> tuple[int, list[dict[str, Any]]]:
        """(matching count, one page of the audit trail, newest first), filtered by actor,
        action, object_type, object_id."""
        with self.engine.connect() as connection:
            return _audit.page(connection, limit=limit, offset=offset, **where)
