"""Accounts over the API (issue 16): invite a user by e-mail, ask for a password reset, and
manage one's own API tokens (``/api/v1/me/tokens``).

An invitation adds the user and queues a message in its language with a link to choose a
password (``accounts/service.py``); who may invite whom is ``can_invite`` in
``api/security.py``. A reset request is answered 202 whether or not the account exists.
A token's plain text is in the answer that creates it and nowhere else, ever.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ictfootprint.accounts import service
from ictfootprint.api.problems import ApiError, responses
from ictfootprint.api.security import SignedIn, can_invite, forbid
from ictfootprint.api.writes import private, store_for
from ictfootprint.errors import Location
from ictfootprint.reference.countries import country

router = APIRouter(prefix="/api/v1", tags=["access"])
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The token's id.")]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InvitationIn(In):
    name: str = Field(min_length=1, max_length=64, description="The new user's name.")
    role: str = Field(description="submitter, reviewer, member, editor or admin")
    email: str = Field(min_length=3, max_length=254)
    language: str = Field("en", min_length=2, max_length=2, description="ar zh en fr ru es")
    entities: list[str] = Field(default_factory=list, max_length=1000)
    countries: list[str] = Field(default_factory=list, max_length=300)


class InvitationOut(BaseModel):
    name: str
    role: str
    email: str
    language: str
    expires_at: datetime


class ResetIn(In):
    account: str = Field(min_length=1, max_length=254, description="User name or e-mail.")


class ResetOut(BaseModel):
    message: str


class TokenIn(In):
    label: str | None = Field(None, max_length=100)
    days: int | None = Field(None, ge=1, le=3650)


class TokenOut(BaseModel):
    id: int
    prefix: str
    label: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    state: str


class TokensOut(BaseModel):
    items: list[TokenOut]


class NewTokenOut(TokenOut):
    token: str = Field(description="The token: shown in this answer only.")


@router.post(
    "/users/invitations",
    response_model=InvitationOut,
    status_code=201,
    responses=responses(400, 401, 403),
)
def invite(request: Request, who: SignedIn, body: InvitationIn) -> Response:
    """Invite a user by e-mail: an admin anyone, a custodian's focal point within its remit.
    The message (in ``language``) carries a link to choose a password, valid 7 days, once."""
    store = store_for(request, who)
    where = Location(field="countries")
    iso3 = tuple(country(code, where).iso3 for code in body.countries)
    owned = tuple(dict.fromkeys(body.entities))
    if not can_invite(who, body.role, store.entities(owned), iso3):
        raise forbid("this token may not invite this user: it is outside its remit")
    invited = service.invite(
        store,
        name=body.name,
        role=body.role,
        email=body.email,
        language=body.language,
        entities=owned,
        countries=iso3,
        inviter=who.name,
        base_url=str(request.base_url),
    )
    user = invited.user
    out = InvitationOut(
        name=user.name,
        role=user.role.value,
        email=user.email or "",
        language=user.language,
        expires_at=invited.expires_at,
    )
    return private(out, 201)


@router.post("/password-resets", response_model=ResetOut, status_code=202, responses=responses(400))
async def request_reset(request: Request, body: ResetIn) -> Response:
    """Ask for a link to choose a new password, sent to the account's e-mail address. The
    answer is the same whether or not the account exists."""
    store = request.app.state.store.acting(
        "api:password-reset", request.client.host if request.client else "unknown"
    )
    base = str(request.base_url)
    await run_in_threadpool(lambda: service.request_reset(store, body.account, base_url=base))
    said = "if an account has this name or address, a link was sent to its e-mail address"
    return private(ResetOut(message=said), 202)


@router.get("/me/tokens", response_model=TokensOut, responses=responses(401))
def my_tokens(request: Request, who: SignedIn) -> Response:
    """The caller's own API tokens (never their text): prefix, label, state, expiry."""
    found = store_for(request, who).tokens(who.name)
    return private(TokensOut(items=[_out(t.summary()) for t in reversed(found)]))


@router.post(
    "/me/tokens", response_model=NewTokenOut, status_code=201, responses=responses(400, 401, 403)
)
def create_my_token(request: Request, who: SignedIn, body: TokenIn) -> Response:
    """A new token for the caller; its text is in this answer only."""
    if who.name.startswith("link."):
        raise forbid("a personal link's session cannot create API tokens")
    store = store_for(request, who)
    issued = store.create_token(who.name, label=body.label or None, days=body.days)
    info = next(t for t in store.tokens(who.name) if t.id == issued.id)
    return private(NewTokenOut(**_out(info.summary()).model_dump(), token=issued.token), 201)


@router.post(
    "/me/tokens/{token_id}/revoke", response_model=TokenOut, responses=responses(400, 401, 404)
)
def revoke_my_token(request: Request, who: SignedIn, token_id: TokenId) -> Response:
    """Revoke one of the caller's own tokens (it stops working at once)."""
    store = store_for(request, who)
    if token_id not in {t.id for t in store.tokens(who.name)}:
        raise ApiError(404, f"no API token {token_id} of this user")
    return private(_out(store.revoke_token(token_id).summary()))


def _out(summary: dict[str, Any]) -> TokenOut:
    return TokenOut(**{k: v for k, v in summary.items() if k != "user"})
