"""The whole guide in one language as one HTML document: the introduction, then every chapter
(headings one level down, links between chapters turned into links within the document), with
a small stylesheet of its own. ``ictfootprint guide -o guide.html`` writes it; a PDF is this
document printed (``ictfootprint.reports.pdf.html_to_pdf``).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Final

from ictfootprint import guide
from ictfootprint.guide.render import render
from ictfootprint.web import i18n

STYLE: Final = """
@page { size: A4; margin: 2cm 1.8cm; }
body { font-family: "Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC", sans-serif;
       font-size: 10.5pt; line-height: 1.45; color: #1b1b1b; max-width: 48rem; margin: 0 auto; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; border-bottom: 1px solid #c9ced6; }
h3 { font-size: 12pt; }
section.chapter { break-before: page; }
pre { background: #f3f5f8; border: 1px solid #c9ced6; padding: 0.5em 0.7em; font-size: 8.5pt;
      white-space: pre-wrap; overflow-wrap: anywhere; text-align: left; }
code { font-family: "Noto Sans Mono", "DejaVu Sans Mono", monospace; }
div.answer { border-inline-start: 3px solid #0a4f96; padding-inline-start: 0.7em; }
p.answer-label { font-weight: 600; margin-bottom: 0; }
nav.contents ol { padding-inline-start: 1.4em; }
"""


def book_html(lang: str) -> str:
    """The guide in ``lang`` as one self-contained HTML document (no script, no image)."""
    gettext = i18n.translator(lang).gettext
    answer = gettext("Answer")
    description = gettext("Guide for a national collection")

    def href(slug: str) -> str:
        return f"#chapter-{slug}"

    opening = guide.introduction(lang)
    parts: list[str] = [
        render(
            opening.text,
            chapter_href=href,
            answer_label=answer,
            id_prefix="intro-",
            fold_answers=False,
        ).html
    ]
    contents = []
    for chapter in guide.chapters(lang):
        body = render(
            chapter.text,
            chapter_href=href,
            answer_label=answer,
            id_prefix=f"{chapter.slug}-",
            shift=1,
            fold_answers=False,
        ).html
        parts.append(f'<section class="chapter" id="chapter-{chapter.slug}">\n{body}</section>')
        contents.append(f'<li><a href="{href(chapter.slug)}">{escape(chapter.title)}</a></li>')
    toc = (
        f'<nav class="contents" aria-label="{escape(gettext("Chapters"))}">'
        f"<ol>{''.join(contents)}</ol></nav>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{i18n.direction(lang)}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{escape(opening.title)}</title>\n'
        f'<meta name="description" content="{escape(description)}">\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n{parts[0]}{toc}\n"
        + "\n".join(parts[1:])
        + "\n</body>\n</html>\n"
    )


@lru_cache(maxsize=6)
def book_pdf(lang: str) -> bytes:
    """The guide in ``lang`` as PDF (tagged, fonts embedded; the same bytes every time, so it
    is made once per language and kept)."""
    from ictfootprint.reports.pdf import html_to_pdf

    return html_to_pdf(book_html(lang))
