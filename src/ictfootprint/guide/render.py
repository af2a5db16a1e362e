"""A chapter of the guide as HTML: markdown-it-py in CommonMark mode (tables on, raw HTML off).

The guide is our own text, not members', yet it needs no raw HTML: the few things a page
needs beyond Markdown are added here, on the token stream.

- every ``##``/``###`` heading gets an id (``s1``, ``s2``...) and a line in the table of
  contents;
- a link to another chapter's file (``02-respondents.md``) becomes that chapter's page
  (``/fr/guide/respondents``, or ``#chapter-respondents`` in the one-document print);
- a line break inside Chinese text is removed (a browser would show it as a space);
- code stays left-to-right on an Arabic page (commands are read as typed) and is marked
  ``translate="no"``: it is program text, the same in every language;
- a block quote after the chapter's last ``##`` heading (the self-check quiz) is an answer,
  folded in a ``<details>`` element whose summary is ``answer_label`` (open in print).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Final

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# a line break inside Chinese text is no space (browsers would show one between two characters)
_CJK: Final = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_CJK_PUNCTUATION: Final = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
_CHAPTER_LINK: Final = re.compile(r"^(?:\.\./[a-z]{2}/)?\d\d-([a-z-]+)\.md(#.*)?$")


@dataclass(frozen=True)
class Rendered:
    """A chapter's HTML and its table of contents: (level, id, text) of each heading."""

    html: Markup
    toc: tuple[tuple[int, str, str], ...]


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.add_render_rule("blockquote_open", _blockquote_open)
    md.add_render_rule("blockquote_close", _blockquote_close)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_inline", _code_inline)
    return md


def _blockquote_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.meta.get("answer"):
        label = escape(env["answer_label"])
        if env["fold"]:
            return f'<details class="answer"><summary>{label}</summary>\n'
        return f'<div class="answer"><p class="answer-label">{label}</p>\n'
    return str(self.renderToken(tokens, idx, options, env))


def _blockquote_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if tokens[idx].meta.get("answer"):
        return "</details>\n" if env["fold"] else "</div>\n"
    return str(self.renderToken(tokens, idx, options, env))


def _fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    language = token.info.strip().split(" ")[0]
    kind = f' class="language-{escape(language)}"' if language else ""
    return f'<pre dir="ltr" translate="no"><code{kind}>{escape(token.content)}</code></pre>\n'


def _no_space(before: str, after: str) -> bool:
    """Whether a line break between these two characters is no space (Chinese text)."""
    both = bool(_CJK.match(before) and _CJK.match(after))
    return both or bool(_CJK_PUNCTUATION.match(before) or _CJK_PUNCTUATION.match(after))


def _code_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # an identifier or a command, the same in every language: left to right, not translated
    return f'<code dir="ltr" translate="no">{escape(tokens[idx].content)}</code>'


def render(
    text: str,
    *,
    chapter_href: Callable[[str], str],
    answer_label: str,
    id_prefix: str = "",
    shift: int = 0,
    fold_answers: bool = True,
) -> Rendered:
    """``text`` (one chapter's Markdown) as HTML. ``chapter_href(slug)`` gives the address of
    another chapter; ``shift`` lowers every heading (1: ``#`` becomes ``h2``, for a book that
    has its own ``h1``); ``id_prefix`` keeps ids unique when chapters share one document;
    ``fold_answers`` False prints the quiz's answers open (a printed page cannot unfold)."""
    md = _parser()
    tokens = md.parse(text)
    toc: list[tuple[int, str, str]] = []
    last_h2 = max(
        (n for n, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"),
        default=len(tokens),
    )
    count = 0
    for n, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + shift, 6)
            if token.type == "heading_open" and level - shift >= 2:
                count += 1
                anchor = f"{id_prefix}s{count}"
                token.attrSet("id", anchor)
                toc.append((level - shift, anchor, tokens[n + 1].content))
            token.tag = f"h{level}"
        elif token.type in ("blockquote_open", "blockquote_close") and n > last_h2:
            token.meta["answer"] = True
        elif token.type == "inline" and token.children:
            children = token.children
            for at, child in enumerate(children):
                if child.type == "softbreak" and 0 < at < len(children) - 1:
                    before, after = children[at - 1].content, children[at + 1].content
                    if before and after and _no_space(before[-1], after[0]):
                        child.type, child.content = "text", ""
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    match = _CHAPTER_LINK.match(href)
                    if match:
                        child.attrSet("href", chapter_href(match.group(1)) + (match.group(2) or ""))
    html = md.renderer.render(
        tokens, md.options, {"answer_label": answer_label, "fold": fold_answers}
    )
    return Rendered(Markup(html), tuple(toc))
