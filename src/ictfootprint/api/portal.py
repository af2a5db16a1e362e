"""The knowledge exchange's public reads that span it: the search and the feed; the case
studies' operations come from :mod:`ictfootprint.api.cases` through this router.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from ictfootprint.api import cases as case_routes
from ictfootprint.api.cache import cached
from ictfootprint.api.problems import responses
from ictfootprint.api.reads import Limit, Offset, next_url, page_limit
from ictfootprint.portal import cases
from ictfootprint.portal.feeds import atom
from ictfootprint.portal.search import KINDS, MAX_QUERY_CHARS, search
from ictfootprint.store import Store

router = APIRouter()
router.include_router(case_routes.router)
JSON: Final = "application/json"
ATOM: Final = "application/atom+xml; charset=utf-8"
Code = Annotated[str | None, Query(max_length=40, pattern="^[A-Za-z0-9_-]+$")]
LangCode = Annotated[str | None, Query(pattern="^(ar|en|es|fr|ru|zh)$")]
Kind = Literal["case", "thread", "post", "endorsement"]


class HitOut(BaseModel):
    kind: str
    ref: str
    lang: str
    title: str
    url: str
    snippet: str
    country: str | None
    subsector: str | None
    objective: str | None
    score: float


class SearchOut(BaseModel):
    query: str
    total: int
    limit: int
    offset: int
    next: str | None
    items: list[HitOut]


def run_search(
    store: Store,
    q: str,
    kinds: list[str] | None,
    country: str | None,
    subsector: str | None,
    objective: str | None,
    lang: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[HitOut]]:
    with store.engine.connect() as connection:
        found = search(
            connection,
            q,
            kinds=kinds or None,
            country=country or None,
            subsector=subsector or None,
            objective=objective or None,
            lang=lang or None,
            limit=limit,
            offset=offset,
        )
    return found.total, [
        HitOut(**{**hit.__dict__, "snippet": str(hit.snippet)}) for hit in found.hits
    ]


@router.get("/api/v1/search", response_model=SearchOut, tags=["knowledge exchange"],
            responses=responses(400))  # fmt: skip
async def search_endpoint(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="Words, all must match.")],
    kind: Annotated[list[Kind], Query(description="Only these kinds (any of them).")] = [],  # noqa: B006
    country: Code = None,
    subsector: Code = None,
    objective: Code = None,
    lang: LangCode = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """Search case studies, forum threads and posts and endorsements: every word of ``q`` must
    appear (accents, Arabic diacritics and alef forms do not matter; Chinese needs no spaces),
    best first, each hit with a snippet whose matches are in ``<mark>`` (the rest escaped)."""
    size = page_limit(request, limit)
    kinds: list[str] = [k for k in kind if k in KINDS]

    def render() -> tuple[bytes, str]:
        total, hits = run_search(
            request.app.state.store, q, kinds, country, subsector, objective, lang, size, offset
        )
        body = SearchOut(
            query=q,
            total=total,
            limit=size,
            offset=offset,
            next=next_url(request, total, size, offset),
            items=hits,
        )
        return body.model_dump_json().encode(), JSON

    return await cached(request, render)


@router.get(
    "/feeds/cases.atom",
    tags=["knowledge exchange"],
    responses={200: {"content": {"application/atom+xml": {}}}, **responses(422)},
)
async def cases_feed(
    request: Request, lang: Annotated[str, Query(pattern="^(ar|en|es|fr|ru|zh)$")] = "en"
) -> Response:
    """Atom feed of the newest published case studies in one language."""

    def render() -> tuple[bytes, str]:
        with request.app.state.store.engine.connect() as connection:
            _total, page = cases.listing(connection, public=True, lang=lang, limit=50)
        page.sort(key=lambda c: c.published_at or c.created_at, reverse=True)
        return atom(page, lang, updated=None), ATOM

    return await cached(request, render, max_age=300)
