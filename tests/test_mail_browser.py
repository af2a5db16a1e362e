"""The personal upload link in a real browser (Debian's Chromium against a real ``ictfootprint
serve``), in English, Arabic and Chinese: the link's button signs in and lands on the upload
page for that entity; an expired link is a clear page in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from browser_support import Guarded, Site, chromium, illustrative_site, screenshot
from ictfootprint.mail import links
from ictfootprint.store import Store
from ictfootprint.store.schema import mail_links
from ictfootprint.store.users import token_hash
from web_text_check import english_left, visible_text

LANGS = ("en", "ar", "zh")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mail-site")


@pytest.fixture(scope="module")
def site(folder: Path) -> Iterator[Site]:
    with illustrative_site(folder, users=False) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as opened:
        yield opened


def issue(folder: Path, *, expired: bool = False) -> str:
    store = Store.open(f"sqlite:///{folder / 'site.db'}", actor="test-setup")
    try:
        with store.transaction() as connection:
            token = links.issue(
                connection,
                purpose=links.UPLOAD_PURPOSE,
                subject_ref="round:1:illustrative-op-a",
                entity_id="illustrative-op-a",
                expires_at=datetime.now(UTC) + timedelta(days=14),
            )
            if expired:  # as if its fourteen days had passed
                connection.execute(
                    update(mail_links)
                    .where(mail_links.c.token_hash == token_hash(token))
                    .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
                )
    finally:
        store.close()
    return token


@pytest.mark.parametrize("lang", LANGS)
def test_the_link_signs_in_and_lands_on_the_upload_page(
    browser: Browser, site: Site, folder: Path, lang: str
) -> None:
    token = issue(folder)
    with Guarded(browser, site.base_url) as guarded:
        guarded.goto(f"/{lang}/r/{token}")
        guarded.page.locator("#link-continue").click()
        guarded.page.wait_for_url(f"**/{lang}/submissions")
        expect(guarded.page.locator("#file")).to_be_visible()
        options = guarded.page.locator("#entity option").evaluate_all(
            "options => options.map(o => o.value).filter(v => v)"
        )
        assert options == ["illustrative-op-a"]
        assert guarded.page.locator("html").get_attribute("dir") == (
            "rtl" if lang == "ar" else "ltr"
        )
        if lang != "en":
            assert english_left(visible_text(guarded.page.content(), lang), lang) == []
        screenshot(guarded.page, f"mail-link-signed-in-{lang}")
        guarded.assert_clean()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "This link has expired"),
        ("ar", "انتهت صلاحية هذا الرابط"),
        ("zh", "此链接已过期"),
    ],
)
def test_an_expired_link_shows_a_clear_page(
    browser: Browser, site: Site, folder: Path, lang: str, words: str
) -> None:
    token = issue(folder, expired=True)
    with Guarded(browser, site.base_url) as guarded:
        guarded.goto(f"/{lang}/r/{token}", expect_status=410)
        expect(guarded.page.locator("#link-refused")).to_contain_text(words)
        expect(guarded.page.locator("#link-continue")).to_have_count(0)
        if lang != "en":
            assert english_left(visible_text(guarded.page.content(), lang), lang) == []
        screenshot(guarded.page, f"mail-link-expired-{lang}")
        guarded.assert_clean()
        cookies = guarded.context.cookies()
        assert not [c for c in cookies if c["name"] == "ifp_session"]
