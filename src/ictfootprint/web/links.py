"""The personal links that invitations and reminders carry (``/{lang}/r/{token}``).

Opening a link shows what it is for and a button; only the button (a POST from this page)
uses the link up and signs the browser in. A mail scanner that fetches every link of a message
therefore cannot spend it, and the session cookie (``SameSite=Strict``) is set by a request of
our own site. Signing in goes the way every browser signs in here: the link's grant becomes a
one-day API token of a submitter of that entity only (``mail/links.py``), kept in the session
cookie, and the browser lands on the upload page. An unknown, forged, used or expired link is a
page that says which, in the reader's language, with nothing granted.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ictfootprint.errors import NotFoundError
from ictfootprint.mail import links
from ictfootprint.model import Entity
from ictfootprint.store import Store
from ictfootprint.store.database import now
from ictfootprint.store.users import IssuedToken
from ictfootprint.web import session
from ictfootprint.web.pages import Lang
from ictfootprint.web.work import PRIVATE, private_page

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Path(max_length=100)]
# a link that existed but no longer works is gone (410); one that never existed, not found
STATUS: Final = {"expired": 410, "used": 410, "unknown": 404, "purpose": 404}


@router.get("/{lang:lang}/r/{token}")
async def link_page(request: Request, lang: Lang, token: Token) -> Response:
    store: Store = request.app.state.store

    def look() -> tuple[links.LinkGrant, Entity | None]:
        with store.engine.connect() as connection:
            grant = links.check(connection, token, purpose=links.UPLOAD_PURPOSE, at=now())
        return grant, store.find_entity(grant.entity_id) if grant.entity_id else None

    try:
        grant, entity = await run_in_threadpool(look)
    except links.LinkRefused as refused:
        return _refused(request, lang, refused)
    return _page(
        request,
        lang,
        refused=None,
        entity_name=entity.name if entity else grant.entity_id,
        expires_at=grant.expires_at,
        token=token,
    )


@router.post("/{lang:lang}/r/{token}")
async def link_sign_in(request: Request, lang: Lang, token: Token) -> Response:
    session.check_same_origin(request)
    client = request.client
    origin = f"{client.host}:{client.port}" if client else "unknown"

    def redeem() -> IssuedToken:
        shared: Store = request.app.state.store
        with shared.transaction() as connection:
            grant = links.redeem(connection, token, purpose=links.UPLOAD_PURPOSE, at=now())
            store = shared.acting(f"link:{grant.subject_ref}", origin)
            issued = links.sign_in_grant(connection, grant, actor=store.actor)
            store.audit(
                connection,
                "redeem",
                "mail_link",
                str(grant.link_id),
                {
                    "purpose": grant.purpose,
                    "subject_ref": grant.subject_ref,
                    "entity": grant.entity_id,
                    "user": issued.user,
                    "token_prefix": issued.prefix,
                },
            )
        _opened(store, grant)
        return issued

    try:
        issued = await run_in_threadpool(redeem)
    except links.LinkRefused as refused:
        return _refused(request, lang, refused)
    response = RedirectResponse(f"/{lang}/submissions", status_code=303, headers=PRIVATE)
    session.sign_in(response, request, issued.token)
    return response


def _opened(store: Store, grant: links.LinkGrant) -> None:
    """A round's link (``round:<id>:<entity>``) used: the respondent opened the round."""
    kind, _, rest = grant.subject_ref.partition(":")
    round_id, _, entity_id = rest.partition(":")
    if kind == "round" and round_id.isdecimal() and entity_id == grant.entity_id:
        from ictfootprint.rounds.service import record_opened

        # a link may outlive its round's record (or name none): signing in still works
        with contextlib.suppress(NotFoundError):
            record_opened(store, int(round_id), entity_id)


def _refused(request: Request, lang: str, refused: links.LinkRefused) -> Response:
    return _page(request, lang, status=STATUS[refused.reason], refused=refused.reason)


def _page(request: Request, lang: str, status: int = 200, **context: Any) -> Response:
    response = private_page(
        request, lang, "link.html", status=status, section="submissions", **context
    )
    # the address holds the token: no page it leads to may learn more than our origin
    # ("no-referrer" would make the button's POST send ``Origin: null``, refused as foreign)
    response.headers["Referrer-Policy"] = "strict-origin"
    return response
