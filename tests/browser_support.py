"""What the browser tests share: Debian's Chromium under Playwright, a page that may reach only
127.0.0.1 and records every error it sees, and a real ``ictfootprint serve`` to point it at.

    with serve(db_url) as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        with Guarded(browser, base_url) as guarded:
            guarded.goto("/healthz")
            screenshot(guarded.page, "healthz")
            guarded.assert_clean()

Playwright never downloads a browser here: ``make browser`` installs Debian's chromium, and
:func:`launch` points Playwright at it. Nothing a page does may leave the machine, so a page
that would load a script, a font or a map tile from anywhere else fails its test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    WebError,
    WebSocketRoute,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOOPBACK = "127.0.0.1"
# schemes whose requests never leave the page (no host to reach)
_LOCAL_SCHEMES = {"data", "blob", "about"}
REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
HEALTHY_WITHIN_SECONDS = 60
WaitUntil = Literal["commit", "domcontentloaded", "load", "networkidle"]


def launch(playwright: Playwright) -> Browser:
    """Debian's /usr/bin/chromium, headless, with nothing of its own phoning home."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: run `make browser` (Debian's chromium package); the browser "
            "tests never use a browser Playwright downloads",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in _LOCAL_SCHEMES or parts.hostname == LOOPBACK


class Guarded:
    """A fresh browser context and page on ``base_url`` that records every console error,
    uncaught page error and failed request, and blocks (and records) every request to a host
    other than 127.0.0.1 (WebSockets included). :meth:`assert_clean` fails listing them all.

    Not recorded, because they are not the page's fault: a request cancelled (net::ERR_ABORTED)
    when the page navigates away, and the console error about a status :meth:`goto` was told
    to expect.

    Use it as a context manager, so the context closes whatever the test does.
    """

    def __init__(self, browser: Browser, base_url: str, **context_options: Any) -> None:
        self.base_url = base_url
        self.problems: list[str] = []
        self._blocked: set[str] = set()
        # URL → the error status a goto() was told to expect, so Chromium's console line about
        # that very response ("Failed to load resource: ... status of 404") is not a problem
        self._expected: dict[str, int] = {}
        # a service worker's requests would bypass context.route; there is none to allow
        context_options.setdefault("service_workers", "block")
        self.context: BrowserContext = browser.new_context(base_url=base_url, **context_options)
        self.context.route("**/*", self._route)
        self.context.route_web_socket("**/*", self._route_web_socket)
        self.context.on("console", self._console)
        self.context.on("weberror", self._page_error)
        # a whole stack when a page's script fails (V8 keeps 10 frames: too few for a library)
        self.context.add_init_script("Error.stackTraceLimit = 50;")
        self.context.on("requestfailed", self._request_failed)
        self.page: Page = self.context.new_page()

    def __enter__(self) -> Guarded:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.context.close()

    def goto(
        self, path: str, *, expect_status: int | None = None, wait_until: WaitUntil = "load"
    ) -> Response:
        """Open ``path`` (relative to the base URL) and check the response's status: below 400,
        or exactly ``expect_status`` when given (and then Chromium's console error about that
        status is expected too)."""
        if expect_status is not None and expect_status >= 400:
            self._expected[urljoin(self.base_url, path)] = expect_status
        response = self.page.goto(path, wait_until=wait_until)
        assert response is not None, f"{path}: no response (same-document navigation?)"
        if expect_status is None:
            assert response.status < 400, f"GET {path}: status {response.status}"
        else:
            assert response.status == expect_status, (
                f"GET {path}: status {response.status}, expected {expect_status}"
            )
        return response

    def assert_clean(self) -> None:
        """Fail listing every error and external request seen since the context opened."""
        if self.problems:
            listed = "\n".join(f"  - {problem}" for problem in self.problems)
            raise AssertionError(f"the page under {self.base_url} was not clean:\n{listed}")

    def _route(self, route: Route) -> None:
        request = route.request
        if _is_local(request.url):
            route.continue_()
            return
        self._blocked.add(request.url)
        self.problems.append(
            f"external request blocked: {request.method} {request.url} "
            f"({request.resource_type}, from {_frame_url(request)})"
        )
        route.abort("blockedbyclient")

    def _route_web_socket(self, socket_route: WebSocketRoute) -> None:
        if _is_local(socket_route.url):
            socket_route.connect_to_server()
            return
        self.problems.append(f"external WebSocket blocked: {socket_route.url}")
        socket_route.close()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location
        url = where.get("url", "")
        if url in self._blocked:
            return  # Chromium's echo of a request we blocked, already recorded
        status = self._expected.get(url)
        if status is not None and f"status of {status} " in message.text:
            return
        self.problems.append(f"console error at {url}:{where.get('lineNumber')}: {message.text}")

    def _page_error(self, error: WebError) -> None:
        page = error.page.url if error.page else "?"
        # the script's stack too: a rare error seen only under CI's load says where it was
        stack = getattr(error.error, "stack", None) or ""
        self.problems.append(f"uncaught error on {page}: {error.error}\n{stack}")

    def _request_failed(self, request: Request) -> None:
        if request.url in self._blocked:
            return  # already recorded as blocked; its failure is our doing
        if request.failure == "net::ERR_ABORTED":
            return  # the page navigated away (or aborted the fetch itself) before it finished
        self.problems.append(
            f"request failed: {request.method} {request.url}: {request.failure or 'unknown'}"
        )


def _frame_url(request: Request) -> str:
    # a service worker's request has no frame, and Playwright raises rather than return None
    try:
        return request.frame.url
    except Exception:
        return "?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(
    db_url: str, port: int | None = None, extra_env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """A real ``ictfootprint serve`` on 127.0.0.1 in its own process group; yields its base URL
    once /healthz answers 200, and stops it (SIGTERM, then SIGKILL) on the way out.

    The server sees none of the caller's ICTFOOTPRINT_* variables, only ``extra_env``'s.
    """
    port = port or _free_port()
    base_url = f"http://{LOOPBACK}:{port}"
    command = [
        sys.executable,
        "-m",
        "ictfootprint",
        "serve",
        "--db",
        db_url,
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--rate-limit",
        "0",
        "--no-access-log",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICTFOOTPRINT_")}
    env.update(extra_env or {})
    with tempfile.TemporaryDirectory(prefix="ictfootprint-serve-") as folder:
        log = Path(folder) / "serve.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until_healthy(process, base_url, log)
            yield base_url
        finally:
            _stop(process)


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + HEALTHY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{base_url}/healthz", timeout=5)
        except httpx.TransportError:
            # waiting on the process, not sleeping: an early exit ends the wait at once
            try:
                code = process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(
                f"ictfootprint serve exited with {code} before answering /healthz:\n"
                f"{log.read_text(errors='replace')[-3000:]}",
                pytrace=False,
            )
        if response.status_code == 200:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)
    pytest.fail(
        f"ictfootprint serve did not answer /healthz with 200 within {HEALTHY_WITHIN_SECONDS} s:"
        f"\n{log.read_text(errors='replace')[-3000:]}",
        pytrace=False,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG (of the whole page, or of what the window shows) as
    artifacts/screenshots/<name>.png (kept by CI, ignored by git)."""
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=full_page)
    return path


@dataclass
class Site:
    """A served illustrative world: its address, and a token for each user of api_world.USERS."""

    base_url: str
    tokens: dict[str, str]


@contextlib.contextmanager
def illustrative_site(folder: Path, *, users: bool = True) -> Iterator[Site]:
    """``ictfootprint serve`` on the illustrative data with its footprint computed, and (by
    default) a user and token of every role."""
    from api_world import USERS
    from ictfootprint.examples import load_illustrative
    from ictfootprint.footprint import compute_footprint
    from ictfootprint.store import Store

    url = f"sqlite:///{folder / 'site.db'}"
    store = Store.open(url, actor="test-setup")
    load_illustrative(store)
    compute_footprint(store)
    tokens = {}
    for name, (role, entities, countries) in USERS.items() if users else ():
        store.add_user(name, role, entities=entities, countries=countries)
        tokens[name] = store.create_token(name, label="browser tests").token
    store.close()
    with serve(url) as base_url:
        yield Site(base_url, tokens)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium (see :func:`launch`) for as long as the block runs."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
