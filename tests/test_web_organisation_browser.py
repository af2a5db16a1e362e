"""An organisation's page in a real browser (Debian's Chromium under Playwright, a real
``ictfootprint serve`` on a store holding tests/organisation_fixture.py's inventory): in
English, Arabic and Chinese at 1366 px and on a 390 px phone. No sideways scroll, no
"undefined" or "NaN" anywhere a reader sees (charts' text included), the three charts drawn
(inventory, flights, pathway), no English of ours on the Arabic page, and screenshots
(artifacts/screenshots/organisation-*.png) for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from browser_support import Guarded, chromium, screenshot, serve
from ictfootprint.store import Store
from organisation_fixture import ORG, add_organisation
from web_text_check import english_left, visible_text

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
CHARTS = 3


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('organisation') / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    add_organisation(store)
    store.close()
    with serve(url) as served:
        httpx.get(f"{served}/en/organisations/{ORG}", timeout=300).raise_for_status()
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def _charts_drawn(page: Page) -> None:
    expect(page.locator("figure.chart .chart-canvas svg")).to_have_count(CHARTS, timeout=15000)


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_the_organisation_page_fits_a_phone_and_a_screen(
    base_url: str, browser: Browser, lang: str
) -> None:
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        with Guarded(browser, base_url, viewport=viewport) as guarded:
            guarded.goto(f"/{lang}/organisations/{ORG}")
            _charts_drawn(guarded.page)
            width = guarded.page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (lang, size, width)
            shown = str(guarded.page.evaluate("document.body.innerText"))
            assert "undefined" not in shown and "NaN" not in shown, (lang, size)
            assert "1,969" in shown and "2,582" in shown and "+31%" in shown, (lang, size)
            shot = screenshot(guarded.page, f"organisation-{lang}-{size}")
            assert shot.stat().st_size > 20_000
            guarded.assert_clean()


def test_no_english_left_on_the_arabic_organisation_page(base_url: str, browser: Browser) -> None:
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        guarded.goto(f"/ar/organisations/{ORG}")
        _charts_drawn(guarded.page)
        assert guarded.page.evaluate("document.documentElement.dir") == "rtl"
        flagged = english_left(visible_text(guarded.page.content(), "ar"), "ar")
        assert flagged == [], flagged
        guarded.assert_clean()
