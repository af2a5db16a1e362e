"""The sector's footprint pages in a real browser (Debian's Chromium under Playwright, a real
``ictfootprint serve`` on the illustrative data): the home page's world figure, the world page
and a country, at 1366 px and on a 390 px phone, in English, Arabic and Chinese. No page
scrolls sideways, no "undefined" or "NaN" anywhere a reader sees (charts' text included), no
English of ours left on the Arabic pages, charts drawn, and screenshots for a person to look
at (artifacts/screenshots/sector-*.png).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from browser_support import Guarded, chromium, illustrative_site, screenshot
from web_text_check import english_left, visible_text

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# path → charts drawn on it
PAGES = {"/": 2, "/world": 2, "/countries/FRA": 3, "/regions/ITU-AFR": 2}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with illustrative_site(tmp_path_factory.mktemp("sector"), users=False) as served:
        # a fresh server's first page imports the computation libraries (seconds on a busy
        # machine): done once here, not inside a page load's 30 s
        httpx.get(f"{served.base_url}/en/", timeout=300).raise_for_status()
        yield served.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def charts_drawn(page: Page, count: int) -> None:
    expect(page.locator("figure.chart .chart-canvas svg")).to_have_count(count, timeout=15000)


def _shown_text(page: Page) -> str:
    """Everything a reader sees, the charts' SVG text included."""
    return str(page.evaluate("document.body.innerText"))


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_sector_pages_fit_a_phone_and_a_screen_and_say_no_nan(
    base_url: str, browser: Browser, lang: str
) -> None:
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        with Guarded(browser, base_url, viewport=viewport) as guarded:
            wide = {}
            for path, count in PAGES.items():
                guarded.goto(f"/{lang}{path}")
                charts_drawn(guarded.page, count)
                width = guarded.page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    wide[path] = width
                shown = _shown_text(guarded.page)
                assert "undefined" not in shown and "NaN" not in shown, (lang, size, path)
                name = path.strip("/").replace("/", "-") or "home"
                shot = screenshot(guarded.page, f"sector-{name}-{lang}-{size}")
                assert shot.stat().st_size > 20_000
            assert wide == {}, f"pages wider than {viewport['width']} px in {lang}: {wide}"
            guarded.assert_clean()


def test_no_english_left_on_the_arabic_sector_pages(base_url: str, browser: Browser) -> None:
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        for path, count in PAGES.items():
            guarded.goto(f"/ar{path}")
            charts_drawn(guarded.page, count)
            assert guarded.page.evaluate("document.documentElement.dir") == "rtl"
            flagged = english_left(visible_text(guarded.page.content(), "ar"), "ar")
            assert flagged == [], (path, flagged)
        guarded.assert_clean()


def test_the_series_chart_tooltip_names_the_unit_not_undefined(
    base_url: str, browser: Browser
) -> None:
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        guarded.goto("/en/world")
        charts_drawn(guarded.page, 2)
        tip = guarded.page.evaluate(
            """() => {
              const chart = echarts.getInstanceByDom(document.getElementById('series-canvas'));
              const option = chart.getOption();
              return option.series.map(s => s.name + ': ' +
                option.tooltip[0].valueFormatter(s.data[s.data.length - 1]));
            }"""
        )
        assert tip and all("undefined" not in t and "NaN" not in t for t in tip), tip
        # 2023: reported 108,569.518 t (operator D joined in 2022), like-for-like 99,476.47 t
        assert tip[0].startswith("Reported total: 108.6") and tip[0].endswith("ktCO2e"), tip
        assert tip[1].startswith("Like-for-like (constant sample): 99.48"), tip
        guarded.assert_clean()
