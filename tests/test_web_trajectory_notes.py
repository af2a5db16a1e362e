"""The trajectory's notes in a real browser (Debian's Chromium, a real ``ictfootprint serve``):
a company and its country against L.1470 say "indicative" and the projection's clamp at zero,
in English, Arabic and Chinese, on a 1366 px screen and a 390 px phone, without scrolling
sideways; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from browser_support import SCREENSHOTS, Guarded, chromium, serve
from test_trajectory_labels import _store

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# the indicative note and the clamp sentence, as each language's catalogue words them
WORDS = {
    "en": ("Indicative comparison", "clamped at zero"),
    "ar": ("مقارنة إرشادية", "يُحدّ الإسقاط عند الصفر"),
    "zh": ("仅供参考的比较", "预测值以零为下限"),
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("notes")
    _store(folder).close()
    with serve(f"sqlite:///{folder / 't.db'}") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", WORDS)
def test_indicative_and_clamp_notes_show_under_the_chart(
    base_url: str, browser: Browser, lang: str, size: str
) -> None:
    viewport = SIZES[size]
    indicative, clamped = WORDS[lang]
    with Guarded(browser, base_url, viewport=viewport) as guarded:
        for path in (f"/{lang}/companies/co", f"/{lang}/countries/FRA"):
            guarded.goto(path)
            page = guarded.page
            expect(page.locator("#trend-canvas svg")).to_have_count(1, timeout=15000)
            note = page.locator(".trajectory-indicative")
            expect(note).to_be_visible()
            expect(note).to_contain_text(indicative)
            expect(page.locator(".trajectory-projection")).to_contain_text(clamped)
            expect(page.locator(".trajectory-projection")).to_contain_text("2025")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (path, width)
            # the trend section only: chart, table, notes (the whole page is mostly other things)
            kind = "company" if "companies" in path else "country"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.locator("section[aria-labelledby=trend-heading]").screenshot(
                path=SCREENSHOTS / f"trajectory-notes-{kind}-{lang}-{size}.png"
            )
        guarded.assert_clean()
