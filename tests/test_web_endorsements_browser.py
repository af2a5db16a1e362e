"""The register's pages in a real browser (Debian's Chromium under Playwright, a real
``ictfootprint serve``) on the demonstration's illustrative endorsements: the list and an
endorser with its commitment's live progress, in English, Arabic and Chinese at 1366 px and on
a 390 px phone. No sideways scroll, no console error, no English of ours left on the Arabic and
Chinese pages; screenshots for a person to look at (artifacts/screenshots/endorsements-*.png).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from browser_support import Guarded, chromium, screenshot, serve
from ictfootprint.examples import load_illustrative
from ictfootprint.footprint import compute_footprint
from ictfootprint.portal.illustrative_endorsements import load_illustrative_endorsements
from ictfootprint.store import Store
from web_text_check import english_left, visible_text

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PAGES = {"list": "/endorsements", "endorser": "/endorsements/illustrative-op-a-gda"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('endorsements-browser') / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    load_illustrative(store)
    compute_footprint(store)
    load_illustrative_endorsements(store)
    store.close()
    with serve(url) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_the_register_fits_a_phone_and_a_screen(site: str, browser: Browser, lang: str) -> None:
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        with Guarded(browser, site, viewport=viewport) as guarded:
            for name, path in PAGES.items():
                guarded.goto(f"/{lang}{path}")
                page = guarded.page
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], (lang, size, name, width)
                if lang == "ar":
                    assert page.evaluate("document.documentElement.dir") == "rtl"
                if lang != "en":
                    assert english_left(visible_text(page.content(), lang), lang) == []
                if name == "endorser":
                    assert page.locator("td", has_text="%").count() >= 1  # share of the way
                shot = screenshot(page, f"endorsements-{name}-{lang}-{size}")
                assert shot.stat().st_size > 20_000
            guarded.assert_clean()
