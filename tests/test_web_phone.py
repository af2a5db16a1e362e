"""The dashboard on a 390 px phone and a 1366 px screen, in English, Arabic and Chinese, in a
real browser (Debian's Chromium under Playwright, a real ``ictfootprint serve``): no page
scrolls sideways, Arabic charts run time right to left like the tables beside them, a
browser without script shows every chart's table, a chart's data downloads as CSV, and
screenshots of the map, a country and the explorer go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser_support import Guarded, chromium, illustrative_site, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PAGES = (
    "/",
    "/countries",
    "/countries/FRA",
    "/world",
    "/regions/ITU-AFR",
    "/companies/illustrative-op-a",
    "/benchmark",
    "/indicators",
    "/indicators/ghg_scope1",
    "/explore",
    "/explore?country=KEN",
    "/signin",
    "/submissions",
)
CHARTS = {
    "/": 2,
    "/countries/FRA": 3,
    "/world": 2,
    "/regions/ITU-AFR": 2,
    "/companies/illustrative-op-a": 1,
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with illustrative_site(tmp_path_factory.mktemp("phone"), users=False) as served:
        yield served.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def charts_drawn(page: Page, count: int) -> None:
    expect(page.locator("figure.chart .chart-canvas svg")).to_have_count(count, timeout=15000)


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_no_page_scrolls_sideways_on_a_390_px_phone(
    base_url: str, browser: Browser, lang: str
) -> None:
    with Guarded(browser, base_url, viewport=PHONE) as guarded:
        wide = {}
        for path in PAGES:
            guarded.goto(f"/{lang}{path}")
            charts_drawn(guarded.page, CHARTS.get(path, 0))
            width = guarded.page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[path] = width
        assert wide == {}, f"pages wider than {PHONE['width']} px in {lang}: {wide}"
        guarded.assert_clean()


def _year_positions(page: Page, first: str, last: str) -> tuple[float, float]:
    """The x of the world chart's first and last year labels, as drawn."""
    return page.evaluate(
        """([first, last]) => {
          const texts = [...document.querySelectorAll('#world-trajectory-canvas svg text')];
          const at = (label) => {
            const found = texts.find(t => t.textContent.trim() === label);
            if (!found) { throw new Error('no axis label ' + label); }
            const box = found.getBoundingClientRect();
            return box.left + box.width / 2;
          };
          return [at(first), at(last)];
        }""",
        [first, last],
    )


def test_arabic_charts_run_time_right_to_left_like_their_tables(
    base_url: str, browser: Browser
) -> None:
    for lang, first_on_the_right in (("en", False), ("ar", True), ("zh", False)):
        with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
            guarded.goto(f"/{lang}/")
            charts_drawn(guarded.page, 2)
            first, last = _year_positions(guarded.page, "2020", "2030")
            assert (first > last) is first_on_the_right, (lang, first, last)
            guarded.assert_clean()


def test_arabic_axis_labels_are_numbers_that_read_in_either_direction(
    base_url: str, browser: Browser
) -> None:
    """ "8 آلاف" in a left-to-right SVG text read "thousand 8": Arabic axes write 8,000."""
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        guarded.goto("/ar/countries/FRA")
        charts_drawn(guarded.page, 3)
        labels = guarded.page.evaluate(
            "[...document.querySelectorAll('#subsectors-canvas svg text')].map(t => t.textContent)"
        )
        numbers = [label for label in labels if label[:1].isdigit()]
        assert "8,000" in numbers, labels
        assert all(re.fullmatch(r"[\d,.\s]+", label) for label in numbers), numbers
        guarded.assert_clean()


def test_without_script_every_chart_shows_its_table(base_url: str, browser: Browser) -> None:
    with Guarded(browser, base_url, java_script_enabled=False) as guarded:
        for path, count in CHARTS.items():
            guarded.goto(f"/en{path}")
            page = guarded.page
            expect(page.locator("details.chart-table[open]")).to_have_count(count)
            expect(page.locator("details.chart-table table").first).to_be_visible()
            # no empty box where a chart would be
            assert page.locator(".chart-canvas:visible").count() == 0, path
        guarded.assert_clean()


def test_with_script_the_chart_shows_and_its_table_folds(base_url: str, browser: Browser) -> None:
    with Guarded(browser, base_url) as guarded:
        guarded.goto("/en/")
        charts_drawn(guarded.page, 2)
        expect(guarded.page.locator("details.chart-table[open]")).to_have_count(0)
        guarded.assert_clean()


def test_the_chart_library_loads_only_where_a_chart_is_drawn(
    base_url: str, browser: Browser
) -> None:
    with Guarded(browser, base_url) as guarded:
        loaded: list[str] = []
        guarded.page.on("request", lambda request: loaded.append(request.url))
        guarded.goto("/en/indicators")
        guarded.page.wait_for_load_state("networkidle")
        assert not [u for u in loaded if "echarts" in u], loaded
        guarded.goto("/en/countries/FRA")
        charts_drawn(guarded.page, 3)
        assert [u for u in loaded if "echarts.min.js" in u]
        assert not [u for u in loaded if "topojson" in u]  # no map on a country page
        guarded.assert_clean()


def test_a_journalist_downloads_the_trend_against_the_pathway(
    base_url: str, browser: Browser
) -> None:
    with Guarded(browser, base_url, accept_downloads=True) as guarded:
        guarded.goto("/en/countries/FRA")
        charts_drawn(guarded.page, 3)
        link = guarded.page.locator("#trend-caption ~ .chart-download a")
        with guarded.page.expect_download() as info:
            link.click()
        download = info.value
        text = Path(download.path()).read_text(encoding="utf-8-sig")
        lines = text.splitlines()
        # the unit in the header, the values exact: France 2020, 10,525.655 tCO2e
        # an area's trend is judged on its like-for-like series (issue 14)
        first = "Year,Like-for-like (constant sample) ("
        assert lines[0].startswith(first) and "L.1470 pathway (" in lines[0], lines[0]
        assert lines[1].startswith("2020,"), lines[1]
        unit = lines[0].split("sample) (")[1].split(")")[0]
        assert unit in ("tCO2e", "ktCO2e")
        expected = "10525.655" if unit == "tCO2e" else "10.525655"
        assert lines[1].split(",")[1] == expected, lines[1]
        guarded.assert_clean()


SHOTS = (
    ("/", "map", 2),
    ("/countries/FRA", "country-FRA", 3),
    ("/world", "world", 2),
    ("/explore?country=KEN", "explore", 0),
)


@pytest.mark.parametrize("lang", ["ar", "zh", "en"])
def test_screenshots_of_the_map_a_country_and_the_explorer(
    base_url: str, browser: Browser, lang: str
) -> None:
    """For a person to look at (artifacts/screenshots/), at 1366 and 390 px."""
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        with Guarded(browser, base_url, viewport=viewport) as guarded:
            for path, name, count in SHOTS:
                guarded.goto(f"/{lang}{path}")
                charts_drawn(guarded.page, count)
                shot = screenshot(guarded.page, f"{name}-{lang}-{size}")
                assert shot.stat().st_size > 20_000
            guarded.assert_clean()


def test_explorer_downloads_after_filter_are_the_filtered_values(
    base_url: str, browser: Browser
) -> None:
    """Pressing Filter sent every empty field (`year=&method=`), which the links carried on
    and the API refused (422)."""
    with Guarded(browser, base_url, accept_downloads=True) as guarded:
        page = guarded.page
        guarded.goto("/en/explore")
        page.get_by_label("Country").select_option("KEN")
        page.get_by_label("Indicator").select_option("ghg_scope1")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url("**/en/explore?*")
        for name in ("CSV", "XLSX", "SDMX-CSV 2.0"):
            href = page.get_by_role("link", name=name, exact=True).get_attribute("href") or ""
            assert "=&" not in href + "&" and "country=KEN" in href, href
        with page.expect_download() as info:
            page.get_by_role("link", name="CSV", exact=True).click()
        rows = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
        assert len(rows) > 1 and all(",KEN," in row or ",ghg_scope1," in row for row in rows[1:])
        assert all(",ghg_scope1," in row for row in rows[1:])
        guarded.assert_clean()


def test_hovering_a_country_without_data_says_no_data(base_url: str, browser: Browser) -> None:
    """It said "undefined: NaN MtCO2e"."""
    for lang, expected in (("en", "Brazil: no data"), ("fr", "Brésil: pas de données")):
        with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
            guarded.goto(f"/{lang}/")
            charts_drawn(guarded.page, 2)
            tip = guarded.page.evaluate(
                """(name) => {
                  const canvas = document.getElementById('world-map-canvas');
                  const chart = echarts.getInstanceByDom(canvas);
                  chart.dispatchAction({ type: 'showTip', seriesIndex: 0, name: name });
                  return chart.getOption().tooltip[0].formatter({ name: name, data: undefined });
                }""",
                "076",
            )
            assert tip.replace("\u200f", "") == expected
            with_data = guarded.page.evaluate(
                """() => {
                  const canvas = document.getElementById('world-map-canvas');
                  const chart = echarts.getInstanceByDom(canvas);
                  const item = chart.getOption().series[0].data.find(d => d.name === '356');
                  return chart.getOption().tooltip[0].formatter({ name: '356', data: item });
                }"""
            )
            assert "NaN" not in with_data and "undefined" not in with_data
            assert with_data.replace("\u200f", "").endswith("\u00a0ktCO2e"), with_data
            guarded.assert_clean()
