"""Limits every request passes before the application sees it, in one ASGI layer (fast):

0. the **host name** must be one of ``allowed_hosts`` (when set; ``serve`` always sets it),
   so that links and cookies are never made for a name an attacker chose;
1. a **rate limit** per token (per client address for anonymous requests): a token bucket
   refilled at ``rate_limit_per_minute``; over it, 429 with ``Retry-After``. Only a header of
   the form of our tokens (``Bearer ifp_`` and 43 characters) gets a bucket of its own; any
   other ``Authorization`` counts on the address, and every token that fails authentication
   charges the address's *failure* bucket: once that is empty, the address's token requests
   are refused here, before they cost a database lookup. The address is the TCP peer's unless
   uvicorn was told to trust the peer as a proxy (``trusted_proxies``);
2. a **size limit** on request bodies: uploads (``/submissions``) up to the collection's file
   limit, anything else up to 1 MiB, declared by ``Content-Length`` (a body without one is
   411), refused with 413 before a byte of it is read;
3. a **time limit**: a request that has not started answering within
   ``request_timeout_seconds`` is answered 503 (PostgreSQL statements of the API's engine are
   cancelled at the same limit, so the database does not go on working for nobody). The
   deadline is in the scope (``ictfootprint.deadline``): an upload lifts it when it starts
   storing, so that a 503 always means "not stored" (``api/uploads.py``);
4. headers that keep browsers from guessing types or framing the responses;
5. an unexpected exception is logged with its traceback and answered 500 in the one error
   shape, with those headers, on a connection that stays open.

The buckets live in the worker's memory: with N workers a token may get up to N times the rate.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from ictfootprint.api.problems import problem_bytes
from ictfootprint.api.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SMALL_BODY: Final = 2**20
MULTIPART_OVERHEAD: Final = 64 * 2**10
MAX_BUCKETS: Final = 100_000
BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
TOKEN_HEADER: Final = re.compile(rb"[Bb]earer +(ifp_[A-Za-z0-9_-]{43}) *")
log = logging.getLogger("ictfootprint.api")
SECURITY_HEADERS: Final = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class RateLimiter:
    """Token buckets by key: ``per_minute`` requests a minute, bursts up to that many."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self.clock = clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> tuple[bool, int, float]:
        """(allowed, remaining, seconds until one more is allowed)."""
        now = self.clock()
        level, then = self.buckets.pop(key, (self.capacity, now))
        level = min(self.capacity, level + (now - then) * self.refill)
        allowed = level >= 1.0
        if allowed:
            level -= 1.0
        self.buckets[key] = (level, now)
        if len(self.buckets) > MAX_BUCKETS:
            self.buckets.popitem(last=False)
        wait = 0.0 if allowed else (1.0 - level) / self.refill
        return allowed, int(level), wait

    def spent(self, key: str) -> float:
        """Seconds until ``key`` may take one again (0: it may now), taking nothing."""
        if key not in self.buckets:
            return 0.0
        level, then = self.buckets[key]
        level = min(self.capacity, level + (self.clock() - then) * self.refill)
        return 0.0 if level >= 1.0 else (1.0 - level) / self.refill


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def caller_key(scope: Scope) -> str:
    """A token's own bucket for a header shaped like one of our tokens; the address's for
    everything else (no header, another scheme, junk)."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            shaped = TOKEN_HEADER.fullmatch(value)
            if shaped is not None:
                return "t:" + hashlib.sha256(shaped.group(1)).hexdigest()[:24]
            break
    return "a:" + client_address(scope)


def failure_key(address: str) -> str:
    """The bucket that tokens failing authentication from ``address`` empty."""
    return "f:" + address


def host_allowed(scope: Scope, allowed: frozenset[str]) -> bool:
    """The request's ``Host`` (port left off) is one of ``allowed``, or under a ``*.`` name."""
    value = next((v for k, v in scope.get("headers", ()) if k == b"host"), b"")
    host = value.decode("latin-1").strip().lower()
    if host.startswith("["):
        host = host[: host.find("]") + 1]
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if not host:
        return False
    return host in allowed or any(
        name.startswith("*.") and host.endswith(name[1:]) for name in allowed
    )


STATIC_PREFIX = "/static/"


class Guard:
    def __init__(self, app: ASGIApp, settings: Settings, limiter: RateLimiter | None) -> None:
        self.app = app
        self.settings = settings
        self.limiter = limiter
        self.hosts = settings.host_names()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.hosts and not host_allowed(scope, self.hosts):
            await _answer(send, 400, "this server does not answer for this host name")
            return
        quota: list[tuple[bytes, bytes]] = []
        # the dashboard's static files (script, styles, map) cost nothing and are cached by
        # browsers; counting them would spend a page's quota on its own assets
        if self.limiter is not None and not scope["path"].startswith(STATIC_PREFIX):
            key = caller_key(scope)
            failing = self.limiter.spent(failure_key(client_address(scope)))
            if key.startswith("t:") and failing:
                await _too_many(send, failing)
                return
            allowed, remaining, wait = self.limiter.take(key)
            quota = [
                (b"x-ratelimit-limit", str(self.settings.rate_limit_per_minute).encode()),
                (b"x-ratelimit-remaining", str(remaining).encode()),
            ]
            if not allowed:
                await _too_many(send, wait)
                return
        if b"%00" in scope.get("raw_path", b"") or b"%00" in scope.get("query_string", b""):
            await _answer(send, 400, "the URL holds a NUL character")
            return
        if scope["method"] in BODY_METHODS:
            refusal = self._body_refusal(scope)
            if refusal is not None:
                await _answer(send, *refusal)
                return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                named = {name.lower() for name, _value in headers}
                # a response may set its own policy (the dashboard's pages: same-origin
                # referrers, so that their forms send an Origin the server can check)
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in named]
                message["headers"] = [*headers, *extra, *quota]
            await send(message)

        try:
            async with asyncio.timeout(self.settings.request_timeout_seconds) as deadline:
                scope["ictfootprint.deadline"] = deadline
                await self.app(scope, receive, send_with_headers)
        except TimeoutError:
            if not started:
                await _answer(send, 503, "the request took longer than the time limit")
        except Exception:
            # past FastAPI's handlers, Starlette would answer a bare text 500 and re-raise,
            # and uvicorn would close the connection: the client's next request on it fails
            log.exception("internal error on %s %s", scope["method"], scope["path"])
            if not started:
                await _answer(send, 500, "the server could not complete this request")

    def _body_refusal(self, scope: Scope) -> tuple[int, str] | None:
        limit = (
            self.settings.max_upload_bytes + MULTIPART_OVERHEAD
            if scope["path"].rstrip("/").endswith("/submissions")
            else SMALL_BODY
        )
        length = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
        if length is None:
            chunked = any(
                k == b"transfer-encoding" and b"chunked" in v.lower()
                for k, v in scope.get("headers", ())
            )
            return (411, "a request body needs a Content-Length") if chunked else None
        try:
            size = int(length)
        except ValueError:
            return 400, "Content-Length is not a number"
        if size > limit:
            return 413, f"the request body is larger than the limit of {limit // 2**20} MiB"
        return None


async def _too_many(send: Send, wait: float) -> None:
    await _answer(
        send,
        429,
        "too many requests for this token or address",
        [(b"retry-after", str(max(1, math.ceil(wait))).encode())],
    )


async def _answer(
    send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = problem_bytes(status, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
