"""Members' Markdown comes out inert: every injection below is text or gone, never markup."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ictfootprint.portal.markdown import TAGS, plain, render


class _Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def _elements(html: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(html)
    return parsed


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "onerror": '<img src="x" onerror="alert(1)">',
    "svg with a script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "svg onload": "<svg onload=alert(1)>",
    "javascript link": "[click](javascript:alert(1))",
    "javascript link, odd case": "[click](JaVaScRiPt:alert(1))",
    "data link": "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "css injection": "<style>body{background:url(https://evil.example/x)}</style>",
    "inline style": '<p style="background:url(https://evil.example/x)">x</p>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "markdown image (a request leaving)": "![tracker](https://evil.example/pixel.png)",
    "autolink javascript": "<javascript:alert(1)>",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_injection_renders_inert(text: str) -> None:
    found = _elements(str(render(text)))
    assert found.tags <= TAGS, found.tags
    for tag, name, value in found.attributes:
        assert (tag, name) in {("a", "href"), ("a", "rel"), ("a", "title")}, (tag, name)
        if name == "href":
            assert value.lower().startswith(("http://", "https://", "mailto:")), value
    assert not any("evil.example" in value for _, _, value in found.attributes)


def test_markdown_keeps_its_structure_and_safe_links() -> None:
    out = str(render("# Title\n\n**Cut** by 40 % ([report](https://www.itu.int/x)).\n\n- a\n- b"))
    assert "<h2>Title</h2>" in out  # the page owns h1
    assert "<strong>Cut</strong>" in out
    assert '<a href="https://www.itu.int/x" rel="nofollow noopener noreferrer">report</a>' in out
    assert "<li>a</li>" in out


def test_plain_text_keeps_words_and_unescapes() -> None:
    assert plain("# Réseau **vert** <b>x</b> 网络 شبكة") == "Réseau vert <b>x</b> 网络 شبكة"
