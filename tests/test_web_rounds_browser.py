"""The regulator's round page in a real browser (Debian's Chromium under Playwright, a real
``ictfootprint serve``): the acceptance round of issue 16 (2 accepted, 1 extended, 1 overdue,
the feasibility matrix) in English, Arabic and Chinese at 1366 px and on a 390 px phone. No
sideways scroll, no console error, no English of ours left on the Arabic and Chinese pages,
the invitations sent from the page once; screenshots for a person to look at
(artifacts/screenshots/round-*.png).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from browser_support import Guarded, chromium, screenshot, serve
from ictfootprint.rounds import service
from ictfootprint.store import Store
from rounds_world import OPERATORS, YEAR, arcep, contacts, day, operators, submit_answers
from web_text_check import english_left, visible_text

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('rounds-browser') / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    operators(store)
    arcep(store)
    record = service.create_round(
        store,
        custodian_id="arcep",
        name="Enquête annuelle 2026",
        year=YEAR,
        entity_ids=OPERATORS,
        opens_on=day(0),
        deadline=day(30),
        lang="fr",
        contacts=contacts(),
    )
    submit_answers(store)
    service.extend(store, record.id, "op-c", day(45), "new billing system")
    token = store.create_token("arcep-reviewer", label="browser").token
    store.close()
    with serve(url) as base_url:
        yield base_url, token


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def sign_in(guarded: Guarded, token: str) -> None:
    guarded.goto("/en/signin")
    guarded.page.get_by_label("API token").fill(token)
    guarded.page.get_by_role("button", name="Sign in with an API token").click()
    guarded.page.wait_for_url("**/en/submissions")


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_the_round_page_fits_a_phone_and_a_screen(
    site: tuple[str, str], browser: Browser, lang: str
) -> None:
    base_url, token = site
    at = day(33).isoformat()
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        with Guarded(browser, base_url, viewport=viewport) as guarded:
            sign_in(guarded, token)
            guarded.goto(f"/{lang}/rounds/1?at={at}")
            page = guarded.page
            assert page.locator("td.status-accepted").count() == 2
            assert page.locator("td.status-extended").count() == 1
            assert page.locator("td.status-overdue").count() == 1
            assert page.locator("tr.gap").count() > 0
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (lang, size, width)
            if lang == "ar":
                assert page.evaluate("document.documentElement.dir") == "rtl"
            if lang != "en":
                assert english_left(visible_text(page.content(), lang), lang) == []
            shot = screenshot(page, f"round-{lang}-{size}")
            assert shot.stat().st_size > 20_000
            guarded.assert_clean()


def test_invitations_are_sent_from_the_page_once(site: tuple[str, str], browser: Browser) -> None:
    base_url, token = site
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        sign_in(guarded, token)
        guarded.goto("/en/rounds")
        guarded.page.get_by_role("link", name="Enquête annuelle 2026").click()
        guarded.page.wait_for_url("**/en/rounds/1")
        for _ in range(2):
            guarded.page.get_by_role("button", name="Send the invitations").click()
            guarded.page.wait_for_url("**/en/rounds/1?done=invite")
        assert guarded.page.locator("td", has_text="invited").count() >= 4
        guarded.assert_clean()
