"""The guide in a real browser (Debian's Chromium, a real ``ictfootprint serve``): in English,
Arabic and Chinese, on a 390 px phone and a 1366 px screen, no chapter scrolls sideways (its
commands scroll in their own box), Arabic runs right to left with its commands left to right,
a quiz answer unfolds, and screenshots go to artifacts/screenshots/guide-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from browser_support import Guarded, chromium, illustrative_site, screenshot
from ictfootprint import guide

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with illustrative_site(tmp_path_factory.mktemp("guide"), users=False) as served:
        yield served.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_guide_fits_the_screen_in_every_direction(
    base_url: str, browser: Browser, lang: str, size: str
) -> None:
    viewport = SIZES[size]
    with Guarded(browser, base_url, viewport=viewport) as guarded:
        page = guarded.page
        wide = {}
        for path in ["/guide", *(f"/guide/{c.slug}" for c in guide.chapters(lang))]:
            guarded.goto(f"/{lang}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                wide[path] = width
        assert wide == {}, f"wider than {viewport['width']} px in {lang}: {wide}"
        guarded.goto(f"/{lang}/guide/submissions")
        direction = page.evaluate("getComputedStyle(document.querySelector('main p')).direction")
        assert direction == ("rtl" if lang == "ar" else "ltr")
        assert page.evaluate("getComputedStyle(document.querySelector('pre')).direction") == "ltr"
        answer = page.locator("details.answer").first
        answer.locator("summary").click()
        assert answer.get_attribute("open") is not None
        screenshot(page, f"guide-{lang}-{size}-submissions")
        guarded.goto(f"/{lang}/guide")
        screenshot(page, f"guide-{lang}-{size}-home")
        guarded.assert_clean()
