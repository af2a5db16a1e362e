"""Browser sign-in: an API token, given once in a form, kept in an HttpOnly cookie.

The cookie holds the token itself, so a revoked or expired token, or a disabled user, signs
the browser out at its next request, exactly as for API clients. It is ``HttpOnly`` (no script
reads it), ``SameSite=Strict`` (no other site's page sends it) and ``Secure`` behind HTTPS. Every
form that changes something also carries a CSRF value derived from the token
(HMAC-SHA256), checked before anything is written. Signing in itself refuses a form sent
from another site (by its ``Origin``, or its ``Referer`` when a browser sends no origin):
otherwise a foreign page could sign a visitor in as the attacker (login CSRF), and what the
visitor then uploads would go to the attacker's account.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final
from urllib.parse import urlsplit

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.problems import ApiError
from ictfootprint.api.security import Principal

COOKIE: Final = "ifp_session"
CSRF_FIELD: Final = "csrf"


def token_of(request: Request) -> str | None:
    token = request.cookies.get(COOKIE)
    return token if token and len(token) <= 200 else None


async def signed_in_user(request: Request) -> Principal | None:
    """The browser's user, or None (no cookie, or a token no longer valid)."""
    token = token_of(request)
    if token is None:
        return None
    user = await run_in_threadpool(request.app.state.store.authenticate, token)
    return Principal.of(user) if user is not None else None


def csrf_value(request: Request) -> str:
    token = token_of(request) or ""
    return hmac.new(token.encode(), b"ictfootprint-csrf", hashlib.sha256).hexdigest()


def check_same_origin(request: Request) -> None:
    """Refuse a form whose ``Origin`` (or, without one, ``Referer``) is another site's;
    ``Origin: null`` (a sandboxed or privacy-stripped sender) is another site too."""
    own = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is None and (referer := request.headers.get("referer")) is not None:
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin is not None and origin != own:
        raise ApiError(403, "this form was sent from another site", field="origin")


def check_csrf(request: Request, given: str | None) -> None:
    """Refuse a form that did not come from one of our pages for this session."""
    check_same_origin(request)
    if not given or not hmac.compare_digest(given, csrf_value(request)):
        raise ApiError(403, "the form has expired: reload the page and send it again", field="csrf")


def sign_in(response: Response, request: Request, token: str) -> None:
    """Set the session cookie, unless the sign-in form came from another site."""
    check_same_origin(request)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def sign_out(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
