"""Browser sign-in: an API token, given once in a form, kept in an HttpOnly cookie.

The cookie holds the token itself, so a revoked or expired token, or a disabled user, signs
the browser out at its next request, exactly as for API clients. It is ``HttpOnly`` (no script
reads it), ``SameSite=Strict`` (no other site's page sends it) and ``Secure`` behind HTTPS. Every
form that changes something also carries a CSRF value derived from the token
(HMAC-SHA256), checked before anything is written.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

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


def check_csrf(request: Request, given: str | None) -> None:
    """Refuse a form that did not come from one of our pages for this session."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise ApiError(403, "this form was sent from another site", field="origin")
    if not given or not hmac.compare_digest(given, csrf_value(request)):
        raise ApiError(403, "the form has expired: reload the page and send it again", field="csrf")


def sign_in(response: Response, request: Request, token: str) -> None:
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
