"""The web dashboard: server-rendered pages in the six UN languages on the API's own app.

``install(app)`` adds the pages (``/{lang}/...``), the sign-in for focal points and reviewers,
and the static files (our CSS and script, and the vendored chart library and world geometry
listed with their provenance in ``static/vendor/VENDOR.toml``). Nothing is fetched from
another host: the pages' Content-Security-Policy allows this server only.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Final

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.staticfiles import StaticFiles

from ictfootprint.web import i18n
from ictfootprint.web.render import HTML, PAGE_HEADERS, here, html

STATIC_MAX_AGE: Final = 86400


def install(app: FastAPI) -> None:
    from ictfootprint.web import (
        accounts,
        areas,
        endorsements,
        forum,
        guide,
        links,
        organisations,
        pages,
        portal,
        rounds,
        surveys,
        work,
    )

    app.mount("/static", _Static(packages=[("ictfootprint.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(areas.router)
    app.include_router(organisations.router)
    app.include_router(work.router)
    app.include_router(links.router)
    app.include_router(rounds.router)
    app.include_router(surveys.router)
    app.include_router(guide.router)
    app.include_router(accounts.router)
    app.include_router(portal.router)
    app.include_router(forum.router)
    app.include_router(endorsements.router)


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
    """Static files, cached a day by browsers (their addresses carry the version), and sent
    gzip-compressed to a browser that accepts it (echarts.min.js: 1.1 MB, 360 kB gzipped).
    Each file is compressed once, at its first request, and kept in memory."""

    async def get_response(self, path: str, scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code not in (200, 304):
            return response
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        if not path.endswith(COMPRESSIBLE):
            return response
        response.headers["Vary"] = "Accept-Encoding"
        if response.status_code != 200 or not _accepts_gzip(Headers(scope=scope)):
            return response
        full_path, found = await anyio.to_thread.run_sync(self.lookup_path, path)
        if found is None:
            return response
        body = _gzipped(full_path, found.st_mtime_ns, found.st_size)
        headers = {
            key: value
            for key, value in response.headers.items()
            if key.lower() not in ("content-length", "etag", "accept-ranges")
        }
        # a variant of its own: its ETag must not be the uncompressed file's
        headers["ETag"] = response.headers["etag"].rstrip('"') + '-gzip"'
        headers["Content-Encoding"] = "gzip"
        if scope["method"] == "HEAD":
            answer = Response(b"", headers=headers)
            answer.headers["Content-Length"] = str(len(body))
            return answer
        return Response(body, headers=headers)


COMPRESSIBLE: Final = (".js", ".css", ".json", ".svg", ".txt")


def _accepts_gzip(headers: Headers) -> bool:
    for part in headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=")
            try:
                return not params.strip() or float(quality) > 0
            except ValueError:
                return False
    return False


@lru_cache(maxsize=64)
def _gzipped(full_path: str, mtime_ns: int, size: int) -> bytes:
    """The file gzip-compressed (cached by its path, time and size: a changed file is
    compressed again)."""
    return gzip.compress(Path(full_path).read_bytes(), compresslevel=9, mtime=0)
