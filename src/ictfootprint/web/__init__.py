"""The web dashboard: server-rendered pages in the six UN languages on the API's own app.

``install(app)`` adds the pages (``/{lang}/...``), the sign-in for focal points and reviewers,
and the static files (our CSS and script, and the vendored chart library and world geometry
listed with their provenance in ``static/vendor/VENDOR.toml``). Nothing is fetched from
another host: the pages' Content-Security-Policy allows this server only.
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles

from ictfootprint.web import i18n
from ictfootprint.web.render import HTML, PAGE_HEADERS, here, html

STATIC_MAX_AGE = 86400


def install(app: FastAPI) -> None:
    from ictfootprint.web import pages, work

    app.mount("/static", _Static(packages=[("ictfootprint.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(work.router)


def page_language(request: Request) -> str | None:
    """The language of a page's address (``/fr/...``), or None for the API and the rest."""
    first = request.url.path.split("/")[1] if request.url.path.count("/") >= 1 else ""
    return first if first in i18n.LANGUAGES else None


def error_page(request: Request, problem: JSONResponse) -> Response | None:
    """The API's error, as a page in the page's language (None: not a page, keep the JSON)."""
    lang = page_language(request)
    if lang is None:
        return None
    detail = json.loads(bytes(problem.body))["error"]
    body = html(
        "error.html",
        lang,
        here(request, with_query=False),
        status=detail["status"],
        message=detail["message"],
        location=detail.get("location"),
        expected=detail.get("expected"),
        found=detail.get("found"),
    )
    headers = {
        k: v
        for k, v in problem.headers.items()
        if k.lower() not in ("content-length", "content-type")
    }
    return Response(
        body,
        status_code=problem.status_code,
        media_type=HTML,
        headers={**headers, **PAGE_HEADERS, "Cache-Control": "no-store"},
    )


class _Static(StaticFiles):
    """Static files, cached a day by browsers (their addresses carry the version)."""

    async def get_response(self, path: str, scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        return response
