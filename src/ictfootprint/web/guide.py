"""The guide for a national statistics office or regulator, as pages: ``/{lang}/guide`` (the
introduction and the chapters' list) and ``/{lang}/guide/{chapter}`` (one chapter, its table of
contents, the previous and the next), and printed: ``/{lang}/guide.pdf`` (the one-document form
of ``web/guide_book.py`` through ``reports.pdf.html_to_pdf``, made once per language). The
text is ``docs/guide/<lang>/`` (``ictfootprint.guide``), rendered by markdown-it-py with raw
HTML off; a page is the same for everyone, so browsers may keep it an hour.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from ictfootprint import guide
from ictfootprint.api.problems import ApiError
from ictfootprint.guide.render import render
from ictfootprint.web import i18n
from ictfootprint.web.guide_book import book_pdf
from ictfootprint.web.pages import Lang
from ictfootprint.web.render import HTML, PAGE_HEADERS, here, html

router = APIRouter(include_in_schema=False)
Slug = Annotated[str, Path(max_length=40, pattern=r"^[a-z-]+$")]
HEADERS: Final = {**PAGE_HEADERS, "Cache-Control": "public, max-age=3600"}


def _page(request: Request, lang: str, current: guide.Chapter) -> Response:
    gettext = i18n.translator(lang).gettext
    rendered = render(
        current.body,
        chapter_href=lambda slug: f"/{lang}/guide/{slug}",
        answer_label=gettext("Show the answer"),
    )
    listed = guide.chapters(lang)
    position = next((n for n, c in enumerate(listed) if c.slug == current.slug), -1)
    context: dict[str, Any] = {
        "section": "guide",
        "current": current,
        "chapters": listed,
        "body": rendered.html,
        "toc": [entry for entry in rendered.toc if entry[0] == 2],
        "previous": listed[position - 1] if position > 0 else None,
        "next": listed[position + 1] if position + 1 < len(listed) else None,
    }
    body = html("guide.html", lang, here(request), **context)
    return Response(body, media_type=HTML, headers=HEADERS)


@router.get("/{lang:lang}/guide")
def guide_home(request: Request, lang: Lang) -> Response:
    return _page(request, lang, guide.introduction(lang))


@router.get("/{lang:lang}/guide/{slug}")
def guide_chapter(request: Request, lang: Lang, slug: Slug) -> Response:
    return _page(request, lang, guide.chapter(lang, slug))


@router.get("/{lang:lang}/guide.pdf")
async def guide_pdf(lang: Lang) -> Response:
    from ictfootprint.reports.pdf import pdf_available

    reason = pdf_available()
    if reason is not None:
        raise ApiError(503, reason)
    data = await run_in_threadpool(book_pdf, lang)
    return Response(
        data,
        media_type="application/pdf",
        headers={
            **HEADERS,
            "Content-Disposition": f'inline; filename="ictfootprint-guide-{lang}.pdf"',
        },
    )
