"""The surveys' pages in a real browser (Debian's Chromium under Playwright, a real
``ictfootprint serve``): the public page of national monitoring arrangements and the round
page's comparison of published figures, in English, Arabic and Chinese at 1366 px and on a
390 px phone: no sideways scroll, no console error; screenshots for a person to look at
(artifacts/screenshots/arrangements-*.png, round-compare-*.png)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from browser_support import Guarded, chromium, screenshot, serve
from ictfootprint.collection.service import submit
from ictfootprint.rounds import service
from ictfootprint.store import Store
from ictfootprint.surveys.published import import_published
from rounds_world import OPERATORS, arcep, contacts, day, operators
from survey_world import ANSWERS, CITATION, YEAR, published_file
from test_arrangements import FRANCE, KENYA, _answer, _countries
from test_web_rounds_browser import DESKTOP, PHONE, sign_in


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder: Path = tmp_path_factory.mktemp("surveys-browser")
    url = f"sqlite:///{folder / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    operators(store)
    arcep(store)
    _countries(store)
    assert _answer(store, "FRA", FRANCE) == "accepted"
    assert _answer(store, "KEN", KENYA) == "accepted"
    service.create_round(
        store,
        custodian_id="arcep",
        name="Enquête annuelle",
        year=YEAR,
        entity_ids=OPERATORS,
        opens_on=day(0),
        deadline=day(30),
        lang="fr",
        contacts=contacts(),
    )
    for entity_id, text in ANSWERS.items():
        sent = submit(store, text.encode(), f"{entity_id}.csv", entity_id)
        store.accept_submission(sent.submission_id, "checked")
    import_published(store, published_file(folder), "arcep", citation=CITATION)
    token = store.create_token("arcep-reviewer", label="browser").token
    store.close()
    with serve(url) as base_url:
        yield base_url, token


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_surveys_pages_fit_a_phone_and_a_screen(
    site: tuple[str, str], browser: Browser, lang: str
) -> None:
    base_url, token = site
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        with Guarded(browser, base_url, viewport=viewport) as guarded:
            guarded.goto(f"/{lang}/arrangements")
            page = guarded.page
            assert page.locator("#countries-heading").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            if lang == "ar":
                assert page.evaluate("document.documentElement.dir") == "rtl"
            assert screenshot(page, f"arrangements-{lang}-{size}").stat().st_size > 20_000
            sign_in(guarded, token)
            guarded.goto(f"/{lang}/rounds/1")
            section = page.locator("#compare-arcep-heading")
            assert section.count() == 1
            section.scroll_into_view_if_needed()
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            assert screenshot(page, f"round-compare-{lang}-{size}").stat().st_size > 20_000
            guarded.assert_clean()
