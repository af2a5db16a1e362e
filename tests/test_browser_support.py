"""The browser tests' own harness (tests/browser_support.py), proven on the demo database:
Debian's Chromium starts under Playwright, a real server answers it, and a page that errs or
reaches past 127.0.0.1 does not pass as clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from browser_support import Guarded, launch, screenshot, serve
from ictfootprint.examples import load_illustrative
from ictfootprint.footprint import compute_footprint
from ictfootprint.store import Store


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``ictfootprint serve`` on the illustrative data with its footprint computed."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    store = Store.open(url)
    load_illustrative(store)
    compute_footprint(store)
    store.close()
    with serve(url) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def test_health_and_schema_render_clean(demo_server: str, browser: Browser) -> None:
    with Guarded(browser, demo_server) as guarded:
        guarded.goto("/healthz")
        schema = guarded.goto("/openapi.json").json()
        assert schema["openapi"].startswith("3.")
        # the window only: the whole schema (250 kB of JSON, one line a key) is a page taller
        # than Chromium draws in the screenshot's 30 s
        shot = screenshot(guarded.page, "browser-support-openapi", full_page=False)
        assert shot.read_bytes().startswith(b"\x89PNG")
        guarded.assert_clean()


def test_a_request_past_loopback_is_blocked_and_reported(
    demo_server: str, browser: Browser
) -> None:
    with Guarded(browser, demo_server) as guarded:
        guarded.goto("/healthz")
        outcome = guarded.page.evaluate(
            'fetch("http://example.org/x").then(() => "reached", () => "blocked")'
        )
        assert outcome == "blocked"
        with pytest.raises(AssertionError) as failure:
            guarded.assert_clean()
    assert "external request blocked: GET http://example.org/x" in str(failure.value)


def test_console_and_uncaught_errors_are_reported(demo_server: str, browser: Browser) -> None:
    with Guarded(browser, demo_server) as guarded:
        guarded.goto("/healthz")
        guarded.page.evaluate('console.error("dashboard broke")')
        # an uncaught error in a task of its own, as a failing event handler would throw
        guarded.page.evaluate(
            "new Promise(done => setTimeout(() => { done(); throw new Error('map failed') }))"
        )
        guarded.goto("/healthz")  # a round trip, so the page error has been delivered
        with pytest.raises(AssertionError) as failure:
            guarded.assert_clean()
    message = str(failure.value)
    assert "console error" in message and "dashboard broke" in message
    assert "uncaught error" in message and "map failed" in message


def test_goto_checks_the_status(demo_server: str, browser: Browser) -> None:
    missing = "/api/v1/entities/no-such-entity"
    with Guarded(browser, demo_server) as guarded:
        guarded.goto(missing, expect_status=404)
        guarded.assert_clean()  # the 404 was expected, so Chromium's console line about it too
        with pytest.raises(AssertionError, match=f"GET {missing}: status 404"):
            guarded.goto(missing)


def test_a_server_that_cannot_start_fails_with_its_output(tmp_path: Path) -> None:
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    with pytest.raises(pytest.fail.Exception) as failure, serve(unreachable):
        pass
    assert "ictfootprint serve exited with" in str(failure.value)
    assert "127.0.0.1" in str(failure.value)  # the server's own account of what went wrong
