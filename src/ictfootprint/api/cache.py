"""Read responses kept in memory, valid until the data changes, and revalidated by ETag.

Every write to the store leaves an audit row (DESIGN.md §3), so the newest audit id is the
version of the data. A worker re-reads it at most every ``data_version_seconds`` (so another
worker's write shows within that time) and at once after a write of its own. A cached body is
served while the version holds; published data is the same for every caller, so one entry
serves all. A hit never leaves the event loop: no thread, no database. When many requests miss
the same entry at once, one computes it and the others wait for it. Clients get ``ETag`` and
``Cache-Control``; ``If-None-Match`` with the current tag is answered 304 with no body.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from ictfootprint.store import Store
from ictfootprint.store.schema import audit_log

Rendered = tuple[bytes, str] | tuple[bytes, str, dict[str, str]]


@dataclass(frozen=True)
class Entry:
    version: int
    etag: str
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()


class ReadCache:
    """Least recently used entries; touched only on the event loop, so no lock."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.items: OrderedDict[str, Entry] = OrderedDict()
        self.computing: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def get(self, key: str, version: int) -> Entry | None:
        entry = self.items.get(key)
        if entry is None or entry.version != version:
            return None
        self.items.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        if self.entries == 0:
            return
        self.items[key] = entry
        self.items.move_to_end(key)
        while len(self.items) > self.entries:
            self.items.popitem(last=False)

    def lock_for(self, key: str) -> asyncio.Lock:
        lock = self.computing.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self.computing[key] = lock
        return lock


class Counts:
    """How many published values match a set of filters, kept while the data version holds.

    Every page of a query has the same ``total``: counted once, not once per page. A count of
    every value reads the whole index (0.7 s at 3 M values on PostgreSQL), where its pages
    by cursor are index seeks of a few milliseconds. Used from worker threads, so locked.
    When many requests miss the same count at once, one counts and the others wait for its
    count (:meth:`counting`): fifty clients asking for deep pages of a 10 M-value store each
    counted every value at once.
    """

    def __init__(self, entries: int = 4096) -> None:
        self.entries = entries
        self.items: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self.lock = threading.Lock()
        self.gates: dict[str, threading.Lock] = {}

    @contextmanager
    def counting(self, key: str) -> Iterator[None]:
        """Held by one thread at a time per ``key``: the one that counts (the others, let in
        after it, find its count with :meth:`get`)."""
        with self.lock:
            gate = self.gates.setdefault(key, threading.Lock())
        try:
            with gate:
                yield
        finally:
            with self.lock:
                if self.gates.get(key) is gate and not gate.locked():
                    del self.gates[key]

    def get(self, key: str, version: int) -> int | None:
        with self.lock:
            found = self.items.get(key)
            if found is None or found[0] != version:
                return None
            self.items.move_to_end(key)
            return found[1]

    def put(self, key: str, version: int, total: int) -> None:
        with self.lock:
            self.items[key] = (version, total)
            self.items.move_to_end(key)
            while len(self.items) > self.entries:
                self.items.popitem(last=False)


class DataVersion:
    """The newest audit id, re-read when older than ``seconds`` or after a local write."""

    def __init__(self, store: Store, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.store = store
        self.seconds = seconds
        self.clock = clock
        self.value = -1
        self.read_at = float("-inf")
        self.commits = -1

    def stale(self) -> bool:
        return self.clock() - self.read_at >= self.seconds or self.store.commits != self.commits

    def read(self) -> int:
        commits, at = self.store.commits, self.clock()
        with self.store.engine.connect() as connection:
            value = int(connection.execute(select(func.max(audit_log.c.id))).scalar() or 0)
        self.value, self.read_at, self.commits = value, at, commits
        return value

    async def current(self) -> int:
        return await run_in_threadpool(self.read) if self.stale() else self.value


def request_key(request: Request) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    return f"{request.url.path}?{query}"


async def cached(
    request: Request, render: Callable[[], Rendered], *, max_age: int = 60
) -> Response:
    """The response for a public read: from the cache when the data has not changed since
    (``render`` runs on a worker thread only on a miss)."""
    state = request.app.state
    cache: ReadCache = state.cache
    key = request_key(request)
    version = await state.versions.current()
    entry = cache.get(key, version)
    if entry is None:
        async with cache.lock_for(key):
            entry = cache.get(key, version)
            if entry is None:
                entry = _entry(version, await run_in_threadpool(render))
                cache.put(key, entry)
    headers = {
        "ETag": entry.etag,
        "Cache-Control": f"public, max-age={max_age}",
        **dict(entry.headers),
    }
    if entry.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type=entry.media_type, headers=headers)


def _entry(version: int, rendered: Rendered) -> Entry:
    body, media_type = rendered[0], rendered[1]
    extra = rendered[2] if len(rendered) == 3 else {}
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    return Entry(version, etag, body, media_type, tuple(extra.items()))
