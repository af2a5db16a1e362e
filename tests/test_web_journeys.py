"""Each user's first hour, in a real browser (Debian's Chromium under Playwright against a real
``ictfootprint serve``), in English, Arabic and Chinese, on a 1366 px screen and a 390 px phone:

- journalist: a country's trend against L.1470, and its data as CSV;
- operator: a template downloaded, a bad file uploaded, its offending cells shown;
- reviewer: a submission's values and what they change, the file as received, accepted;
- analyst: the benchmark sorted by score (best first) and by country;
- explorer: the data filtered, and exactly that downloaded as CSV.

Every step asserts: no page wider than the screen, no console error, no response of 400 or
more, the downloaded file's content, and (in Arabic and Chinese) no English of ours left on
the page (tests/web_text_check.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Download, Page, Response, expect

from browser_support import Guarded, Site, chromium, illustrative_site
from web_text_check import english_left, visible_text

SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGS = ("en", "ar", "zh")
CASES = [(lang, screen) for lang in LANGS for screen in SCREENS]
IDS = [f"{lang}-{screen}" for lang, screen in CASES]
BAD_CSV = (
    "indicator,year,value,unit,country,source\n"
    "ghg_scope1,2024,12x,tCO2e,FRA,journey test\n"
    "energy_electricity,2024,-1,MWh,FRA,journey test\n"
)
FRANCE_2020 = 10525.655  # France's ICT Scope 1 + 2 location-based, 2020, tCO2e (illustrative)
_serial = count(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with illustrative_site(tmp_path_factory.mktemp("site")) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


class Journey:
    """A guarded browser at one screen size that also records every response of 400 or more."""

    def __init__(self, browser: Browser, site: Site, lang: str, screen: str) -> None:
        self.lang = lang
        self.width = SCREENS[screen]["width"]
        self.guarded = Guarded(
            browser, site.base_url, viewport=SCREENS[screen], accept_downloads=True
        )
        self.page: Page = self.guarded.page
        self.failed: list[str] = []
        self.guarded.context.on("response", self._response)

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.request.method} {response.url}")

    def goto(self, path: str) -> None:
        self.guarded.goto(f"/{self.lang}{path}")

    def check(self, where: str) -> None:
        """What every step must hold: the page fits the screen, and no English is left."""
        self.page.wait_for_load_state("load")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, f"{where}: {width} px wide on a {self.width} px screen"
        if self.lang != "en":
            left = english_left(visible_text(self.page.content(), self.lang), self.lang)
            assert left == [], f"{where}: English left in {self.lang}: {left}"

    def download(self, click: str) -> bytes:
        with self.page.expect_download() as info:
            self.page.locator(click).first.click()
        found: Download = info.value
        path = found.path()
        assert path is not None, found.failure()
        return Path(path).read_bytes()

    def sign_in(self, token: str) -> None:
        self.goto("/signin")
        self.page.locator("#token").fill(token)
        self.page.locator("main form:has(#token) button[type=submit]").click()
        self.page.wait_for_url(f"**/{self.lang}/submissions")

    def finish(self) -> None:
        try:
            assert self.failed == [], f"responses of 400 or more: {self.failed}"
            self.guarded.assert_clean()
        finally:
            self.guarded.close()


@pytest.fixture
def journey(request: pytest.FixtureRequest, browser: Browser, site: Site) -> Iterator[Journey]:
    lang, screen = request.param
    walk = Journey(browser, site, lang, screen)
    yield walk
    walk.finish()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("journey", CASES, ids=IDS, indirect=True)
def test_journalist_downloads_a_countrys_trend_against_l1470(journey: Journey) -> None:
    journey.goto("/countries/FRA")
    expect(journey.page.locator("#trend-canvas svg")).to_have_count(1, timeout=15000)
    journey.check("country page")
    data = journey.download("figure:has(#trend-canvas) .chart-download a")
    rows = csv_rows(data)
    assert "CO2e" in ",".join(rows[0]), rows[0]  # the unit is in the header
    (base,) = [r for r in rows[1:] if r[0] == "2020"]
    # the chart may draw in a scaled unit (kt, Mt): the value is France's 2020 total in it
    assert any(abs(float(base[1]) * 1000**k - FRANCE_2020) < 1e-3 for k in (0, 1, 2)), base


@pytest.mark.parametrize("journey", CASES, ids=IDS, indirect=True)
def test_operator_downloads_a_template_and_sees_the_offending_cells(
    journey: Journey, site: Site
) -> None:
    journey.goto("/templates")
    journey.check("templates page")
    journey.page.locator("#respondent").select_option("telecom-operator")
    journey.page.locator("#years").fill("2021-2023")
    book = load_workbook(io.BytesIO(journey.download("#download-template")))
    text = " ".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    )
    assert "ghg_scope1" in text and all(str(y) in text for y in (2021, 2022, 2023))
    journey.sign_in(site.tokens["sub-a"])
    journey.check("submissions page")
    journey.page.locator("#entity").select_option("illustrative-op-a")
    journey.page.locator("#file").set_input_files(
        {
            "name": f"bad-{next(_serial)}.csv",
            "mimeType": "text/csv",
            "buffer": BAD_CSV.replace("journey test", f"journey test {next(_serial)}").encode(),
        }
    )
    journey.page.locator("form[enctype] button[type=submit]").click()
    journey.page.wait_for_url(f"**/{journey.lang}/submissions/*")
    expect(journey.page.locator("td.offending")).to_have_count(2)
    expect(journey.page.locator("td.offending").first).to_contain_text("12x")
    journey.check("report page")


@pytest.mark.parametrize("journey", CASES, ids=IDS, indirect=True)
def test_reviewer_reads_the_values_and_accepts(journey: Journey, site: Site) -> None:
    serial = next(_serial)
    value = 5000 + serial
    # each run restates op-a's accepted 2023 Scope 1 and adds a value no run has accepted
    good = (
        "indicator,year,value,unit,country,source\n"
        f"ghg_scope1,2023,{value},tCO2e,FRA,journey test\n"
        f"activity_revenue,{2000 + serial},{value},USD,,journey test\n"
    )
    journey.sign_in(site.tokens["sub-a"])
    journey.page.locator("#entity").select_option("illustrative-op-a")
    journey.page.locator("#file").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    journey.page.locator("form[enctype] button[type=submit]").click()
    journey.page.wait_for_url(f"**/{journey.lang}/submissions/*")
    address = journey.page.url.replace(journey.guarded.base_url, "")
    journey.guarded.context.clear_cookies()  # the submitter leaves; the reviewer signs in
    journey.sign_in(site.tokens["rev-fra"])
    journey.page.locator(f'a[href="{address}"]').first.click()
    journey.page.wait_for_url(f"**{address}")
    journey.check("submission to review")
    expect(journey.page.locator("table.changes tr.change-restates")).to_have_count(1)
    expect(journey.page.locator("table.changes tr.change-new")).to_have_count(1)
    assert journey.download("a[href$='/file']") == good.encode()
    journey.page.locator("#accept").click()
    journey.page.wait_for_url("**done=accepted")
    expect(journey.page.locator(".ok-box[role=status]")).to_be_visible()
    journey.check("accepted")


@pytest.mark.parametrize("journey", CASES, ids=IDS, indirect=True)
def test_analyst_sorts_the_benchmark(journey: Journey) -> None:
    journey.goto("/benchmark")
    journey.check("benchmark")
    journey.page.locator("th a[href*='sort=score']").click()
    journey.page.wait_for_url("**sort=score**")
    assert "order=desc" in journey.page.url  # a first click shows the best first
    ranks = journey.page.locator("#benchmark tbody tr td:first-child").all_inner_texts()
    assert ranks and ranks == sorted(ranks, key=int)
    journey.check("benchmark by score")
    journey.page.locator("th a[href*='sort=country']").click()
    journey.page.wait_for_url("**sort=country**")
    journey.check("benchmark by country")
    # the benchmark's own numbers, as the API gives them, for the analyst's download
    data = journey.download("a[href^='/api/v1/benchmark']")
    assert b"illustrative-op-a" in data


@pytest.mark.parametrize("journey", CASES, ids=IDS, indirect=True)
def test_explorer_filters_and_downloads_what_it_sees(journey: Journey) -> None:
    journey.goto("/explore")
    journey.check("explorer")
    journey.page.locator("#f-country").select_option("KEN")
    journey.page.locator("form.explorer button[type=submit]").click()
    journey.page.wait_for_url("**country=KEN**")
    journey.check("explorer filtered")
    rows = csv_rows(journey.download("ul.downloads a[href*='format=csv']"))
    header, values = rows[0], rows[1:]
    assert values, "the download is empty"
    column = next(i for i, h in enumerate(header) if h in ("country", "area"))
    assert {r[column] for r in values} == {"KEN"}


@pytest.mark.parametrize("lang", ["en", "fr", "ru", "es", "ar", "zh"])
def test_benchmark_last_column_was_cut_off_at_1366_px(
    browser: Browser, site: Site, lang: str
) -> None:
    """Regression: the criteria's headers did not wrap, so in French and Russian the table
    was wider than its box at 1366 px and the last column was cut off."""
    walk = Journey(browser, site, lang, "desktop")
    try:
        walk.goto("/benchmark")
        box, table = walk.page.evaluate(
            "(() => { const t = document.querySelector('#benchmark');"
            " return [t.closest('.scroll').clientWidth, t.scrollWidth]; })()"
        )
        assert table <= box, f"{lang}: the table is {table} px in a {box} px box"
    finally:
        walk.finish()
