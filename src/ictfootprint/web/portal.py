"""The knowledge exchange's pages: the portal's landing page, the search, case studies to read.

Public pages come from the read cache while the data holds (every write is audited, which
changes the data version); a signed-in visitor's pages are rendered for them and never cached
(an author sees their draft, an editor the queue's). What members wrote is Markdown rendered by
:mod:`ictfootprint.portal.markdown` (sanitised); titles and names are escaped by the templates.
The forms are in :mod:`ictfootprint.web.case_forms`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.cases import CaseId, may_see_draft, visible_case
from ictfootprint.api.reads import store_of
from ictfootprint.api.security import Principal, can_moderate
from ictfootprint.portal import cases
from ictfootprint.portal.markdown import render
from ictfootprint.portal.search import KINDS, MAX_QUERY_CHARS, search
from ictfootprint.web import case_forms, session
from ictfootprint.web.pages import Lang, names, public_page
from ictfootprint.web.work import private_page

router = APIRouter(include_in_schema=False)
router.include_router(case_forms.router)
PAGE = 20
Code = Annotated[str, Query(max_length=40, pattern="^[A-Za-z0-9_-]*$")]


async def _page(request: Request, lang: str, template: str, build: Any, **extra: Any) -> Response:
    """Public and cached for the public; private for a signed-in visitor."""
    who = await session.signed_in_user(request)
    if who is None:
        return await public_page(
            request, lang, template, lambda: {**names(lang), **build(None), **extra}
        )
    context = await run_in_threadpool(build, who)
    return private_page(request, lang, template, who=who, **{**context, **extra})


@router.get("/{lang:lang}/portal")
async def portal_page(request: Request, lang: Lang) -> Response:
    """The knowledge exchange: case studies, the forum, the search."""

    def build(_who: Principal | None) -> dict[str, Any]:
        with store_of(request).engine.connect() as connection:
            total, newest = cases.listing(connection, public=True, limit=5)
        return {"newest": newest, "total": total}

    return await _page(request, lang, "portal.html", build, section="portal")


@router.get("/{lang:lang}/search")
async def search_page(
    request: Request,
    lang: Lang,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    kind: Code = "",
    country: Code = "",
    subsector: Code = "",
    objective: Code = "",
    in_lang: Annotated[str, Query(pattern="^(|ar|en|es|fr|ru|zh)$")] = "",
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    """Search across the knowledge exchange, in every language and script."""
    params = {
        "q": q,
        "kind": kind,
        "country": country,
        "subsector": subsector,
        "objective": objective,
        "in_lang": in_lang,
    }

    def build(_who: Principal | None) -> dict[str, Any]:
        with store_of(request).engine.connect() as connection:
            found = search(
                connection,
                q,
                kinds=[kind] if kind in KINDS else None,
                country=country or None,
                subsector=subsector or None,
                objective=objective or None,
                lang=in_lang or None,
                limit=PAGE,
                offset=offset,
            )
        return {"found": found, "params": params, "kinds": KINDS}

    return await _page(request, lang, "search.html", build, section="portal")


@router.get("/{lang:lang}/cases")
async def cases_page(
    request: Request, lang: Lang, offset: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> Response:
    """Published case studies, newest first; a member's own and an editor's queue besides."""

    def build(who: Principal | None) -> dict[str, Any]:
        with store_of(request).engine.connect() as connection:
            total, page = cases.listing(connection, public=True, limit=PAGE, offset=offset)
            mine = cases.listing(connection, author=who.name)[1] if who else []
            queue = (
                cases.listing(connection, status="review")[1] if who and can_moderate(who) else []
            )
        return {
            "cases": page,
            "total": total,
            "offset": offset,
            "page": PAGE,
            "mine": mine,
            "queue": queue,
        }

    return await _page(request, lang, "cases.html", build, section="portal")


@router.get("/{lang:lang}/cases/{case_id}")
async def case_page(request: Request, lang: Lang, case_id: CaseId) -> Response:
    """A case study in the page's language (else its first), its results' figures read live
    from the store, its other languages, its files; its author's and editors' actions."""

    def build(who: Principal | None) -> dict[str, Any]:
        store = store_of(request)
        viewer = who or Principal()
        case = visible_case(store, viewer, case_id)
        inside = may_see_draft(viewer, case)
        version = case.shown(lang, public=not inside)
        assert version is not None
        content = version.content
        return {
            "case": case,
            "shown": version,
            "content": content,
            "html": {
                field: render(getattr(content, field))
                for field in ("summary", "body", "measures", "results", "barriers")
            },
            "figures": cases.live_figures(store, content.figures),
            "languages_of_case": sorted(case.latest if inside else case.published),
            "inside": inside,
            "is_author": who is not None and who.name == case.author,
            "is_editor": who is not None and can_moderate(who),
        }

    return await _page(request, lang, "case.html", build, section="portal")
