"""Markdown written by members, rendered to HTML that is safe to put in a page.

Two layers, each enough on its own for the common attacks:

1. markdown-it-py in CommonMark mode with raw HTML **off**: ``<script>``, ``<img onerror=...>``,
   ``<svg>``, ``<style>`` written in the text come out as escaped text, not as elements;
2. nh3 (the Rust ``ammonia`` sanitiser) on the result, with an allow-list of tags and attributes:
   no ``style`` or event-handler attribute, no element that fetches anything (``img``, ``iframe``,
   ``video``, ``link``...), links only to ``http``, ``https`` and ``mailto`` (a ``javascript:`` or
   ``data:`` link loses its ``href``), every link gets ``rel="nofollow noopener noreferrer"``.

A page that shows the result also sends a Content-Security-Policy that allows no inline script,
so a sanitiser bug alone would still not run code.
"""

from __future__ import annotations

from html import unescape
from typing import Final

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# the longest text a member may write in one field (a case study's body, a forum post)
MAX_CHARS: Final = 100_000

TAGS: Final = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
        "em", "strong", "del", "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ATTRIBUTES: Final = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})

_parser: Final = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render(text: str) -> Markup:
    """Members' Markdown as sanitised HTML (headings start at ``h2``: the page owns ``h1``)."""
    html = _parser.render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return Markup(
        nh3.clean(
            html,
            tags=set(TAGS),
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel="nofollow noopener noreferrer",
            strip_comments=True,
        )
    )


def plain(text: str) -> str:
    """The words of members' Markdown without markup (for search and feeds' summaries)."""
    return unescape(nh3.clean(_parser.render(text), tags=set(), strip_comments=True)).strip()
