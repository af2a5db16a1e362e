"""The knowledge exchange in a real browser (Debian's Chromium, a real ``ictfootprint serve``).

Hostile case studies (a script, an ``onerror``, a ``javascript:`` link, an SVG with a script, CSS
that loads from another host) are inert: no script of theirs runs (a ``window.__pwned`` probe and
a dialog listener), no request leaves 127.0.0.1 (the guard blocks and records any). The portal,
a case study and a search in Arabic, Chinese and English at 1366 px and 390 px: no sideways
scroll, no console error; screenshots in artifacts/screenshots/portal-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Dialog

from browser_support import Guarded, chromium, screenshot, serve
from ictfootprint.examples import load_illustrative
from ictfootprint.portal import cases
from ictfootprint.portal.cases import CaseContent
from ictfootprint.portal.illustrative import load_illustrative_cases
from ictfootprint.store import Store
from web_text_check import english_left, visible_text

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PWN = "window.__pwned = 1; alert(1); fetch('http://evil.example/x')"
HOSTILE = {
    "lang": "en",
    "title": f'<script>{PWN}</script> hostile <img src=x onerror="{PWN}">',
    "summary": f'<svg onload="{PWN}"><script>{PWN}</script></svg> hostile summary',
    "body": (
        f"hostile body <script>{PWN}</script>\n\n"
        f'<img src="http://evil.example/i.png" onerror="{PWN}">\n\n'
        "[click me](javascript:window.__pwned=1) and "
        "[data](data:text/html,<script>alert(1)</script>)\n\n"
        "<style>body { background: url(http://evil.example/css.png) }</style>\n\n"
        '<div style="background:url(http://evil.example/inline.png)">styled</div>\n\n'
        "![image](http://evil.example/md.png)\n\n"
        '<iframe src="http://evil.example/frame"></iframe>'
    ),
    "measures": '<a href="javascript:alert(1)">measures link</a>',
    "contact": f'<b onmouseover="{PWN}">contact</b>',
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('portal-browser') / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    load_illustrative(store)
    made = load_illustrative_cases(store)
    hostile = cases.create(store, "mallory", CaseContent.checked(HOSTILE))
    cases.submit(store, hostile, "mallory")
    cases.publish(store, hostile, "eve")
    store.close()
    with serve(url) as base_url:
        yield base_url, made, hostile


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def test_hostile_case_studies_are_inert(browser: Browser, site: tuple[str, list[str], str]) -> None:
    base_url, _made, hostile = site
    dialogs: list[str] = []
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        page = guarded.page

        def dismiss(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        for path in (
            f"/en/cases/{hostile}",
            "/en/search?q=hostile",
            f"/en/search?q={quote('<script>alert(1)</script>')}",
            "/en/cases",
            "/en/portal",
        ):
            guarded.goto(path)
            page.mouse.move(200, 300)
            page.hover("text=contact") if path.startswith("/en/cases/") else None
            assert page.evaluate("window.__pwned") is None, path
        guarded.goto(f"/en/cases/{hostile}")
        assert (
            page.locator(
                "article script, article img, article svg, article iframe, article style"
            ).count()
            == 0
        )
        assert page.locator("article [style], article [onerror], article [onload]").count() == 0
        # the javascript: and data: links are text, not links
        assert page.locator("a[href^='javascript'], a[href^='data']").count() == 0
        assert page.locator("article").get_by_text("[click me](javascript:").count() == 1
        screenshot(page, "portal-hostile-en-1366")
        assert dialogs == []
        guarded.assert_clean()  # no request left 127.0.0.1, no console error


@pytest.mark.parametrize("lang", ["ar", "zh", "en"])
def test_portal_pages_in_three_languages_and_two_widths(
    browser: Browser, site: tuple[str, list[str], str], lang: str
) -> None:
    base_url, made, _hostile = site
    words = {"ar": "الطاقة", "zh": "液冷", "en": "cooling"}
    pages = {
        "portal": f"/{lang}/portal",
        "case": f"/{lang}/cases/{made[{'ar': 2, 'zh': 1, 'en': 0}[lang]]}",
        "search": f"/{lang}/search?q={quote(words[lang])}",
    }
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        with Guarded(browser, base_url, viewport=viewport) as guarded:
            for name, path in pages.items():
                guarded.goto(path)
                page = guarded.page
                assert page.locator("html").get_attribute("dir") == (
                    "rtl" if lang == "ar" else "ltr"
                )
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], (lang, size, name, width)
                if name == "search":
                    assert page.locator("ol.hits li").count() >= 1, (lang, path)
                    assert page.locator("ol.hits mark").count() >= 1
                if name == "case":
                    assert page.locator("td.live-value").count() >= 1
                if lang != "en":
                    assert english_left(visible_text(page.content(), lang), lang) == [], name
                screenshot(page, f"portal-{name}-{lang}-{size}")
            guarded.assert_clean()
