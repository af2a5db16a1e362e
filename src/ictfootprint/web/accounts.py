"""Accounts in the browser: sign in with a password, choose one through a personal link, ask
for a new one, manage one's API tokens, and invite users (issue 16).

A password sign-in issues a short-lived session token (``accounts/passwords.py``) put in the
session cookie the way a pasted API token is (``web/session.py``), so every signed-in page
works unchanged; signing out revokes it. Forms that sign in (password, personal link) refuse
another site's ``Origin``; forms of a signed-in user carry the CSRF value. Errors are said on
the form, in the page's language. The pages of a personal link (``/{lang}/p/{token}``) keep
the token from other sites (``Referrer-Policy``) and use it up only when the form is sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ictfootprint.accounts import passwords, service
from ictfootprint.api.problems import ApiError
from ictfootprint.api.security import Principal, can_invite
from ictfootprint.errors import InputError
from ictfootprint.mail import links
from ictfootprint.model import Role
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.store import Store
from ictfootprint.web import i18n, session
from ictfootprint.web.pages import Lang
from ictfootprint.web.work import PRIVATE, CsrfField, acting, private_page

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Path(max_length=100)]
# room for a password the policy then refuses by name ("too long"), not a bare 422
Password = Annotated[str, Form(max_length=4 * passwords.MAX_LENGTH)]
Account = Annotated[str, Form(max_length=passwords.ACCOUNT_LENGTH)]
STATUS: Final = {"expired": 410, "used": 410, "unknown": 404, "purpose": 404}
INVITE_ROLES: Final = ("submitter", "reviewer", "member", "editor", "admin")


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _anonymous(request: Request) -> Store:
    client = request.client
    origin = f"{client.host}:{client.port}" if client else "unknown"
    store: Store = request.app.state.store
    return store.acting("web:sign-in", origin)


def _password_error(error: InputError) -> str:
    """The policy's refusal as a word the templates say in the page's language."""
    text = error.message
    for word, code in (
        ("too short", "short"),
        ("too long", "long"),
        ("user name or e-mail", "own"),
        ("NUL", "invalid"),
        ("current password", "current"),
        ("disabled", "disabled"),
    ):
        if word in text:
            return code
    return "invalid"


def _signed_in_page(request: Request, lang: str, token: str, to: str) -> Response:
    response = RedirectResponse(f"/{lang}/{to}", status_code=303, headers=PRIVATE)
    session.sign_in(response, request, token)
    return response


# sign in with a password ------------------------------------------------------------------------
@router.post("/{lang:lang}/signin/password")
async def password_sign_in(
    request: Request, lang: Lang, account: Account, password: Password
) -> Response:
    session.check_same_origin(request)
    store = _anonymous(request)
    try:
        issued = await run_in_threadpool(
            service.sign_in, store, account, password, client=_client(request)
        )
    except passwords.SignInLimited as limited:
        return private_page(
            request,
            lang,
            "signin.html",
            status=429,
            section="submissions",
            error="limited",
            until=limited.until,
            account=account,
        )
    if issued is None:
        return private_page(
            request,
            lang,
            "signin.html",
            status=401,
            section="submissions",
            error="password",
            account=account,
        )
    return _signed_in_page(request, lang, issued.token, "account")


# ask for a new password -------------------------------------------------------------------------
@router.get("/{lang:lang}/reset")
def reset_form(request: Request, lang: Lang) -> Response:
    return private_page(request, lang, "reset.html", section="submissions", sent=False)


@router.post("/{lang:lang}/reset")
async def reset_request(request: Request, lang: Lang, account: Account) -> Response:
    session.check_same_origin(request)
    if account.strip():
        await run_in_threadpool(
            lambda: service.request_reset(
                _anonymous(request), account, base_url=str(request.base_url)
            )
        )
    # the same answer whether or not the account exists
    return private_page(request, lang, "reset.html", section="submissions", sent=True)


# a personal link: choose a password -------------------------------------------------------------
def _link_page(request: Request, lang: str, status: int = 200, **context: Any) -> Response:
    response = private_page(
        request, lang, "password.html", status=status, section="submissions", **context
    )
    response.headers["Referrer-Policy"] = "strict-origin"
    return response


@router.get("/{lang:lang}/p/{token}")
async def password_link(request: Request, lang: Lang, token: Token) -> Response:
    store: Store = request.app.state.store
    try:
        purpose, user = await run_in_threadpool(service.link_user, store, token)
    except links.LinkRefused as refused:
        return _link_page(request, lang, STATUS[refused.reason], refused=refused.reason)
    return _link_page(
        request, lang, refused=None, purpose=purpose, user=user, token=token, error=None
    )


@router.post("/{lang:lang}/p/{token}")
async def choose_password(
    request: Request, lang: Lang, token: Token, password: Password, again: Password
) -> Response:
    session.check_same_origin(request)
    store = _anonymous(request)
    try:
        purpose, user = await run_in_threadpool(service.link_user, store, token)
        if password != again:
            error = "mismatch"
        else:
            issued = await run_in_threadpool(service.choose_password, store, token, password)
            return _signed_in_page(request, lang, issued.token, "account")
    except links.LinkRefused as refused:
        return _link_page(request, lang, STATUS[refused.reason], refused=refused.reason)
    except InputError as exc:
        error = _password_error(exc)
    return _link_page(
        request, lang, 400, refused=None, purpose=purpose, user=user, token=token, error=error
    )


# my account -------------------------------------------------------------------------------------
def _account(request: Request, who: Principal) -> dict[str, Any]:
    store = acting(request, who)
    with store.engine.connect() as connection:
        own_password = passwords.has_password(connection, who.name)
    user = store.user(who.name)
    return {
        "who": who,
        "user": user,
        "tokens": list(reversed(store.tokens(who.name))),
        "has_password": own_password,
        "may_invite": _may_invite(who),
        "may_create": not _link_session(who),
    }


def _may_invite(who: Principal) -> bool:
    return who.role == Role.ADMIN or (who.role == Role.REVIEWER and bool(who.custodians))


def _link_session(who: Principal) -> bool:
    """A personal upload link's session: it may upload, not mint itself lasting tokens."""
    return who.name.startswith("link.")


async def _account_page(
    request: Request, lang: str, who: Principal, status: int = 200, **context: Any
) -> Response:
    found = await run_in_threadpool(_account, request, who)
    return private_page(
        request,
        lang,
        "account.html",
        status=status,
        section="submissions",
        **{"done": "", "error": None, "issued": None, **found, **context},
    )


async def _user(request: Request, lang: str) -> Principal | Response:
    who = await session.signed_in_user(request)
    if who is None:
        return private_page(request, lang, "signin.html", section="submissions", error=None)
    return who


@router.get("/{lang:lang}/account")
async def account_page(request: Request, lang: Lang, done: str = "") -> Response:
    who = await _user(request, lang)
    if isinstance(who, Response):
        return who
    shown = done if done in ("revoked", "password") else ""
    return await _account_page(request, lang, who, done=shown)


@router.post("/{lang:lang}/account/tokens")
async def create_token(
    request: Request,
    lang: Lang,
    csrf: CsrfField = "",
    label: Annotated[str, Form(max_length=100)] = "",
    days: Annotated[int, Form(ge=1, le=3650)] = 90,
) -> Response:
    who = await session.signed_in_user(request)
    if who is None:
        raise ApiError(401, "sign in first")
    session.check_csrf(request, csrf)
    if _link_session(who):
        raise ApiError(403, "a personal link's session cannot create API tokens")
    store = acting(request, who)
    try:
        issued = await run_in_threadpool(
            lambda: store.create_token(who.name, label=label.strip() or None, days=days)
        )
    except InputError:
        return await _account_page(request, lang, who, status=400, error="days")
    return await _account_page(request, lang, who, status=201, issued=issued)


@router.post("/{lang:lang}/account/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request,
    lang: Lang,
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    csrf: CsrfField = "",
) -> Response:
    who = await session.signed_in_user(request)
    if who is None:
        raise ApiError(401, "sign in first")
    session.check_csrf(request, csrf)
    store = acting(request, who)

    def run() -> None:
        if store.tokens(who.name) and token_id in {t.id for t in store.tokens(who.name)}:
            store.revoke_token(token_id)
            return
        raise ApiError(404, f"no API token {token_id} of yours")

    await run_in_threadpool(run)
    return RedirectResponse(f"/{lang}/account?done=revoked", status_code=303, headers=PRIVATE)


@router.post("/{lang:lang}/account/password")
async def change_password(
    request: Request,
    lang: Lang,
    current: Password,
    password: Password,
    again: Password,
    csrf: CsrfField = "",
) -> Response:
    who = await session.signed_in_user(request)
    if who is None:
        raise ApiError(401, "sign in first")
    session.check_csrf(request, csrf)
    if password != again:
        return await _account_page(request, lang, who, status=400, error="mismatch")
    store = acting(request, who)
    try:
        await run_in_threadpool(service.change_password, store, who.name, current, password)
    except InputError as exc:
        return await _account_page(request, lang, who, status=400, error=_password_error(exc))
    return RedirectResponse(f"/{lang}/account?done=password", status_code=303, headers=PRIVATE)


# invite a user ----------------------------------------------------------------------------------
def _invite_page(
    request: Request, lang: str, who: Principal, status: int = 200, **context: Any
) -> Response:
    roles = INVITE_ROLES if who.role == Role.ADMIN else ("submitter", "reviewer", "member")
    return private_page(
        request,
        lang,
        "invite.html",
        status=status,
        section="submissions",
        who=who,
        roles=roles,
        languages_offered=[(code, i18n.autonym(code)) for code in LANGUAGES],
        **{"error": None, "invited": None, "form": {}, **context},
    )


@router.get("/{lang:lang}/invite")
async def invite_form(request: Request, lang: Lang) -> Response:
    who = await _user(request, lang)
    if isinstance(who, Response):
        return who
    if not _may_invite(who):
        raise ApiError(403, "only an administrator or a custodian's focal point invites users")
    return _invite_page(request, lang, who, form={"language": lang})


@router.post("/{lang:lang}/invite")
async def invite(
    request: Request,
    lang: Lang,
    name: Annotated[str, Form(max_length=64)],
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[str, Form(max_length=20)],
    language: Annotated[str, Form(max_length=2)] = "en",
    entities: Annotated[str, Form(max_length=2000)] = "",
    countries: Annotated[str, Form(max_length=2000)] = "",
    csrf: CsrfField = "",
) -> Response:
    who = await session.signed_in_user(request)
    if who is None:
        raise ApiError(401, "sign in first")
    session.check_csrf(request, csrf)
    if not _may_invite(who):
        raise ApiError(403, "only an administrator or a custodian's focal point invites users")
    form = {"name": name, "email": email, "role": role, "language": language}
    form |= {"entities": entities, "countries": countries}
    owned = tuple(x for x in entities.replace(",", " ").split() if x)
    codes = tuple(x.upper() for x in countries.replace(",", " ").split() if x)
    store = acting(request, who)

    def run() -> service.Invitation:
        from ictfootprint.errors import Location
        from ictfootprint.reference.countries import country

        iso3 = tuple(country(code, Location(field="country")).iso3 for code in codes)
        if not can_invite(who, role, store.entities(owned), iso3):
            raise ApiError(403, "you may not invite this user: it is outside your remit")
        return service.invite(
            store,
            name=name.strip(),
            role=role,
            email=email,
            language=language,
            entities=owned,
            countries=iso3,
            inviter=who.name,
            base_url=str(request.base_url),
        )

    try:
        invited = await run_in_threadpool(run)
    except InputError as exc:
        return _invite_page(request, lang, who, 400, error=exc, form=form)
    return _invite_page(request, lang, who, 201, invited=invited, form={"language": lang})
