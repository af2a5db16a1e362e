"""Accounts in a real browser (Debian's Chromium against a real ``ictfootprint serve``), in
English, Arabic and Chinese, on a desktop and a phone: an administrator invites a user from the
invitation page; the user opens the link from the message, chooses a password and is signed in;
signs out, signs in again with the password; creates an API token (shown once) and revokes it.
Every page fits the phone's width, and no English is left on the Arabic and Chinese pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from browser_support import Guarded, chromium, screenshot, serve
from ictfootprint.store import Store
from ictfootprint.store.schema import mail_outbox
from web_text_check import english_left, visible_text

LANGS = ("en", "ar", "zh")
VIEWPORTS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
PASSWORD = "a long passphrase, 密码 كلمة"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('accounts-site') / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    store.add_user("admin", "admin")
    token = store.create_token("admin", label="browser tests").token
    store.close()
    with serve(url) as base_url:
        yield base_url, url, token


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as opened:
        yield opened


def check(page: Page, lang: str, width: int, name: str) -> None:
    """Fits the width (no sideways scroll), all in the page's language; a screenshot."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (name, lang, width, scroll)
    if lang != "en":
        assert english_left(visible_text(page.content(), lang), lang) == [], name
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    screenshot(page, f"accounts-{name}-{lang}-{width}")


def invitation_link(db_url: str, name: str) -> str:
    store = Store.open(db_url, actor="test-reader")
    try:
        with store.engine.connect() as connection:
            body = connection.execute(
                select(mail_outbox.c.body).where(mail_outbox.c.subject_ref == f"user:{name}")
            ).scalar_one()
    finally:
        store.close()
    found = re.search(r"http://127\.0\.0\.1:\d+(/\w\w/p/ifl_[A-Za-z0-9_-]{43})", body)
    assert found is not None, body
    return found.group(1)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGS)
def test_invitation_password_sign_in_and_token_management(
    browser: Browser, site: tuple[str, str, str], lang: str, size: str
) -> None:
    base_url, db_url, admin_token = site
    viewport = VIEWPORTS[size]
    width = viewport["width"]
    name = f"user-{lang}-{size}"
    with Guarded(browser, base_url, viewport=viewport) as admin:
        admin.goto(f"/{lang}/signin")
        admin.page.locator("#token").fill(admin_token)
        admin.page.locator("#token").press("Enter")
        admin.page.wait_for_url(f"**/{lang}/submissions")
        admin.goto(f"/{lang}/invite")
        admin.page.locator("#name").fill(name)
        admin.page.locator("#email").fill(f"{name}@example.org")
        admin.page.locator("#role").select_option("member")
        admin.page.locator("#language").select_option(lang)
        admin.page.locator("#send-invitation").click()
        expect(admin.page.locator("#invited")).to_contain_text(f"{name}@example.org")
        check(admin.page, lang, width, "invited")
        admin.assert_clean()

    link = invitation_link(db_url, name)
    assert link.startswith(f"/{lang}/p/")
    with Guarded(browser, base_url, viewport=viewport) as user:
        user.goto(link)
        check(user.page, lang, width, "choose-password")
        user.page.locator("#password").fill(PASSWORD)
        user.page.locator("#again").fill(PASSWORD)
        user.page.locator("#choose-password").click()
        user.page.wait_for_url(f"**/{lang}/account")
        expect(user.page.locator(".signed-in")).to_contain_text(name)
        check(user.page, lang, width, "account")

        user.page.locator(".signed-in button").click()  # sign out
        user.page.wait_for_url(f"**/{lang}/")
        user.goto(f"/{lang}/account")
        expect(user.page.locator("#password-signin")).to_be_visible()  # signed out indeed
        user.page.locator("#account").fill(f"{name}@example.org")
        user.page.locator("#password").fill("not the password at all")
        user.page.locator("#password-signin button").click()
        expect(user.page.locator("#signin-error")).to_be_visible()
        check(user.page, lang, width, "signin-refused")
        # the refusal's 401 is what this step expects (Chromium logs it as a console error)
        refused = f"{base_url}/{lang}/signin/password:0: Failed to load resource: the server "
        user.problems = [
            p
            for p in user.problems
            if not p.endswith(refused + "responded with a status of 401 (Unauthorized)")
        ]
        user.page.locator("#password").fill(PASSWORD)
        user.page.locator("#password-signin button").click()
        user.page.wait_for_url(f"**/{lang}/account")

        user.page.locator("#label").fill("script")
        user.page.locator("#create-token").click()
        shown = user.page.locator("#new-token code").inner_text()
        assert re.fullmatch(r"ifp_[A-Za-z0-9_-]{43}", shown)
        check(user.page, lang, width, "token-created")
        row = user.page.locator(f'#tokens tr[data-prefix="{shown[:12]}"]')
        row.locator("button").click()
        user.page.wait_for_url(f"**/{lang}/account?done=revoked")
        expect(user.page.locator(f'#tokens tr[data-prefix="{shown[:12]}"] button')).to_have_count(0)
        assert shown not in user.page.content()
        check(user.page, lang, width, "token-revoked")
        user.assert_clean()
