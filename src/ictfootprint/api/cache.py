"""Read responses kept in memory, valid until the data changes, and revalidated by ETag.

Every write to the store leaves an audit row (DESIGN.md §3), so the newest audit id is the
version of the data. A worker re-reads it at most every ``data_version_seconds`` (so another
worker's write shows within that time) and at once after a write of its own. A cached body is
served while the version holds; published data is the same for every caller, so one entry
serves all. A hit never leaves the event loop: no thread, no database. Clients get ``ETag`` and
``Cache-Control``; ``If-None-Match`` with the current tag is answered 304 with no body.

A miss is rendered on a worker thread by :class:`Renders`:

* **once**: requests that miss the same entry at once wait for one render (a flight);
* **in turn**: at most ``renders_at_once`` renders run at once in a worker (0: no bound), the
  others wait for a turn in the order they came. Fifty heavy renders at once on the thread
  pool all shared the cores and finished together, past the time limit; in turn, the first
  ones are served in the time of one render. A render is CPU work under one interpreter
  lock: two at once in a worker each take twice as long, so the default is one;
* **slow ones step aside**: a render still running 0.2 s into its turn (the first computation
  of an answer after the data changed) gives its turn to the next in line and runs on beside
  the bound (at most three so per worker), so that one at a time never holds every read of a
  worker behind a computation of seconds;
* **files beside reads**: files (exports, reports, templates: a PDF report takes seconds) take
  their turns in a lane of their own with the same bound, so that a download never holds the
  pages and API reads of its worker back, nor they it;
* **not for nobody**: a render waiting for its turn is dropped when every request waiting for
  it has gone (the time limit, a closed connection). One that has begun runs to its end, holds
  its turn until then (a thread cannot be stopped, so the bound counts it) and fills the cache.
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
from dataclasses import dataclass, field
from typing import Final

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


@dataclass
class Flight:
    """One render of an entry and the requests waiting for it."""

    task: asyncio.Future[Entry]
    waiting: int = 0
    started: bool = False


#: Seconds after which a render in its turn is slow and steps aside for the next in line.
SLOW_AFTER: Final = 0.2
#: Slow renders that may have stepped aside at once per worker (beside ``at_once`` in turn).
SLOW_AT_ONCE: Final = 3


@dataclass
class _Turns:
    """The renders of one event loop (a worker has one; tests may run several)."""

    gate: asyncio.Semaphore | None
    aside: asyncio.Semaphore | None
    flights: dict[tuple[str, int], Flight] = field(default_factory=dict)


class Renders:
    """Misses rendered once each, at most ``at_once`` at a time on worker threads (see the
    module's text); touched only on the event loop, so no lock.

    A render still running ``slow_after`` seconds into its turn (the first computation of an
    answer after the data changed: 0.3-2.5 s, where a page takes 30 ms) steps aside: it gives
    its turn to the next in line and runs on beside the bound, at most ``slow_at_once`` so
    (then it keeps its turn until one of those ends). One at a time would otherwise hold every
    read of the worker behind it. ``slow_after`` None: never."""

    def __init__(
        self,
        at_once: int,
        *,
        slow_after: float | None = SLOW_AFTER,
        slow_at_once: int = SLOW_AT_ONCE,
    ) -> None:
        self.at_once = at_once
        self.slow_after = slow_after
        self.slow_at_once = slow_at_once
        self.loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turns] = (
            weakref.WeakKeyDictionary()
        )

    def _turns(self) -> _Turns:
        loop = asyncio.get_running_loop()
        turns = self.loops.get(loop)
        if turns is None:
            gate = asyncio.Semaphore(self.at_once) if self.at_once else None
            aside = None
            if gate is not None and self.slow_after is not None and self.slow_at_once:
                aside = asyncio.Semaphore(self.slow_at_once)
            turns = _Turns(gate, aside)
            self.loops[loop] = turns
        return turns

    async def _in_turn(
        self, turns: _Turns, flight: Flight, render: Callable[[], Rendered]
    ) -> Rendered:
        """``render`` on a worker thread in its turn, stepping aside when slow."""
        if turns.gate is None:
            flight.started = True
            return await run_in_threadpool(render)
        await turns.gate.acquire()
        in_turn = True
        try:
            flight.started = True
            work = asyncio.ensure_future(run_in_threadpool(render))
            if turns.aside is None:  # None whenever slow_after is
                return await work
            while not (await asyncio.wait({work}, timeout=self.slow_after))[0]:
                if turns.aside.locked():
                    continue  # as many aside as may be: keep the turn, look again later
                async with turns.aside:
                    turns.gate.release()
                    in_turn = False
                    return await work
            return work.result()
        finally:
            if in_turn:
                turns.gate.release()

    async def entry(
        self, cache: ReadCache, key: str, version: int, render: Callable[[], Rendered]
    ) -> Entry:
        """The entry of ``key`` at ``version``, rendered (or awaited) for this request."""
        turns = self._turns()
        flight = turns.flights.get((key, version))
        if flight is None:
            flight = self._take_off(turns, cache, key, version, render)
        flight.waiting += 1
        try:
            return await asyncio.shield(flight.task)
        finally:
            flight.waiting -= 1
            if not flight.waiting and not flight.started and not flight.task.done():
                # nobody waits for it any more and it has not begun: drop it, and let the
                # next request for the entry start a flight of its own
                if turns.flights.get((key, version)) is flight:
                    del turns.flights[(key, version)]
                flight.task.cancel()

    def _take_off(
        self,
        turns: _Turns,
        cache: ReadCache,
        key: str,
        version: int,
        render: Callable[[], Rendered],
    ) -> Flight:
        async def run() -> Entry:
            rendered = await self._in_turn(turns, flight, render)
            entry = _entry(version, rendered)
            cache.put(key, entry)
            return entry

        flight = Flight(asyncio.ensure_future(run()))
        turns.flights[(key, version)] = flight

        def landed(task: asyncio.Future[Entry]) -> None:
            if turns.flights.get((key, version)) is flight:
                del turns.flights[(key, version)]
            if not task.cancelled():
                task.exception()  # the waiters got it; nobody left is not an error to log

        flight.task.add_done_callback(landed)
        return flight


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
    request: Request, render: Callable[[], Rendered], *, max_age: int = 60, file: bool = False
) -> Response:
    """The response for a public read: from the cache when the data has not changed since
    (``render`` runs on a worker thread only on a miss, in its turn; ``file``: in the lane
    of files)."""
    state = request.app.state
    cache: ReadCache = state.cache
    key = request_key(request)
    version = await state.versions.current()
    entry = cache.get(key, version)
    if entry is None:
        renders: Renders = state.file_renders if file else state.renders
        entry = await renders.entry(cache, key, version, render)
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
