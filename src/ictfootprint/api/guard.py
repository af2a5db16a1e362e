"""Limits every request passes before the application sees it, in one ASGI layer (fast):

1. a **rate limit** per token (per client address for anonymous requests): a token bucket
   refilled at ``rate_limit_per_minute``; over it, 429 with ``Retry-After``;
2. a **size limit** on request bodies: uploads (``/submissions``) up to the collection's file
   limit, anything else up to 1 MiB, declared by ``Content-Length`` (a body without one is
   411), refused with 413 before a byte of it is read;
3. a **time limit**: a request that has not started answering within
   ``request_timeout_seconds`` is answered 503 (PostgreSQL statements of the API's engine are
   cancelled at the same limit, so the database does not go on working for nobody). The
   deadline is in the scope (``ictfootprint.deadline``): an upload lifts it when it starts
   storing, so that a 503 always means "not stored" (``api/uploads.py``);
4. headers that keep browsers from guessing types or framing the responses.

The buckets live in the worker's memory: with N workers a token may get up to N times the rate.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
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


def caller_key(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return "t:" + hashlib.sha256(value).hexdigest()[:24]
    client = scope.get("client")
    return "a:" + (client[0] if client else "unknown")


STATIC_PREFIX = "/static/"


class Guard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limiter = (
            RateLimiter(settings.rate_limit_per_minute) if settings.rate_limit_per_minute else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        quota: list[tuple[bytes, bytes]] = []
        # the dashboard's static files (script, styles, map) cost nothing and are cached by
        # browsers; counting them would spend a page's quota on its own assets
        if self.limiter is not None and not scope["path"].startswith(STATIC_PREFIX):
            allowed, remaining, wait = self.limiter.take(caller_key(scope))
            quota = [
                (b"x-ratelimit-limit", str(self.settings.rate_limit_per_minute).encode()),
                (b"x-ratelimit-remaining", str(remaining).encode()),
            ]
            if not allowed:
                await _answer(
                    send,
                    429,
                    "too many requests for this token or address",
                    [(b"retry-after", str(max(1, math.ceil(wait))).encode())],
                )
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
