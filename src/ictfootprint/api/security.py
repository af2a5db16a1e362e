"""Who is asking, and what they may do.

A request without a token is *public*: it reads published data only. A token (``Authorization:
Bearer ifp_...``) names a user whose role says what else it may do:

- **submitter**: submits for its own entities, and sees those submissions and their reports;
- **reviewer**: sees, accepts and rejects the submissions of entities based in its countries,
  and of those in the remit of the national custodians it is a focal point of, whose
  collection rounds it runs;
- **admin**: everything, including the audit trail.

The rules are the small pure functions below; the endpoints call them and nothing else decides.
Published data (accepted or computed observations) is the same for every role; data under
review lives only in submissions, which the public never sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Final

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.guard import failure_key
from ictfootprint.api.problems import UNAUTHENTICATED, ApiError
from ictfootprint.model import Entity, Role, User

SCHEME: Final = "bearer"


@dataclass(frozen=True)
class Principal:
    """The caller: a user with a role, or the public."""

    name: str = "public"
    role: str = "public"
    entities: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)
    # national custodians the user is a focal point of, and the entities in their remit
    custodians: frozenset[str] = field(default_factory=frozenset)
    remit: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(
            user.name,
            user.role.value,
            frozenset(user.entities),
            frozenset(user.countries),
            frozenset(user.custodians),
            frozenset(user.remit),
        )

    @property
    def is_public(self) -> bool:
        return self.role == "public"

    @property
    def actor(self) -> str:
        """How the audit trail names this caller."""
        return f"api:{self.name}"


PUBLIC: Final = Principal()


def can_submit(who: Principal, entity: Entity) -> bool:
    return who.role == Role.ADMIN or (who.role == Role.SUBMITTER and entity.id in who.entities)


def can_review(who: Principal, entity: Entity) -> bool:
    """An admin; a reviewer of the entity's country, or of a custodian whose remit holds it."""
    return who.role == Role.ADMIN or (
        who.role == Role.REVIEWER
        and (
            (entity.country is not None and entity.country in who.countries)
            or entity.id in who.remit
        )
    )


def can_run_rounds_of(who: Principal, custodian_id: str) -> bool:
    """Create and run a custodian's rounds: an admin, or a reviewer who is its focal point."""
    return who.role == Role.ADMIN or (who.role == Role.REVIEWER and custodian_id in who.custodians)


def can_invite(
    who: Principal, role: Role | str, entities: Sequence[Entity], countries: Sequence[str]
) -> bool:
    """Invite a user by e-mail: an admin anyone; a reviewer who is a custodian's focal point a
    submitter, reviewer or member whose entities it reviews and whose countries are its own."""
    if who.role == Role.ADMIN:
        return True
    if who.role != Role.REVIEWER or not who.custodians:
        return False
    if role not in (Role.SUBMITTER, Role.REVIEWER, Role.MEMBER):
        return False
    return all(can_review(who, e) for e in entities) and set(countries) <= who.countries


def can_see_submissions_of(who: Principal, entity: Entity) -> bool:
    return can_submit(who, entity) or can_review(who, entity)


def can_write_targets(who: Principal, entity: Entity) -> bool:
    return can_submit(who, entity)


def can_read_audit(who: Principal) -> bool:
    return who.role == Role.ADMIN


def can_post(who: Principal) -> bool:
    """Write in the knowledge-exchange portal (case studies, forum): any signed-in user."""
    return not who.is_public


def can_moderate(who: Principal) -> bool:
    """Publish, return, hide or lock what members write, and keep the endorsements register."""
    return who.role in (Role.ADMIN, Role.EDITOR)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != SCHEME or not token.strip():
        raise ApiError(401, "Authorization must be 'Bearer <token>'", headers=UNAUTHENTICATED)
    return token.strip()


async def principal(request: Request) -> Principal:
    """The caller of this request (the public when it sends no token). Async, so that a
    public read never waits for a worker thread."""
    token = bearer_token(request)
    if token is None:
        return PUBLIC
    user = await run_in_threadpool(request.app.state.store.authenticate, token)
    if user is None:
        charge_failure(request)
        raise ApiError(401, "unknown, expired or revoked token", headers=UNAUTHENTICATED)
    return Principal.of(user)


def charge_failure(request: Request) -> None:
    """A token that failed: the caller's address pays for it (see ``guard``), so that guessing
    tokens, each a new one, is limited like any other flood from one address."""
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        limiter.take(failure_key(request.client.host if request.client else "unknown"))


async def signed_in(who: Annotated[Principal, Depends(principal)]) -> Principal:
    """The caller, who must have sent a valid token."""
    if who.is_public:
        raise ApiError(401, "this needs a token", headers=UNAUTHENTICATED)
    return who


Caller = Annotated[Principal, Depends(principal)]
SignedIn = Annotated[Principal, Depends(signed_in)]


def forbid(message: str) -> ApiError:
    return ApiError(403, message)
