"""Read responses kept in memory, valid until the next write, and revalidated by ETag.

Every write to the store leaves an audit row (DESIGN.md §3), so the newest audit id is the
version of the data: a cached body is served while the version is unchanged, and recomputed
after any write, in any worker. Published data is the same for every caller, so one entry
serves all. Clients get ``ETag`` and ``Cache-Control``; ``If-None-Match`` with the current tag
is answered 304 with no body.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy import func, select

from ictfootprint.store import Store
from ictfootprint.store.schema import audit_log


@dataclass(frozen=True)
class Entry:
    version: int
    etag: str
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()


class ReadCache:
    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.items: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, version: int) -> Entry | None:
        with self.lock:
            entry = self.items.get(key)
            if entry is None or entry.version != version:
                self.misses += 1
                return None
            self.items.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if self.entries == 0:
            return
        with self.lock:
            self.items[key] = entry
            self.items.move_to_end(key)
            while len(self.items) > self.entries:
                self.items.popitem(last=False)


def data_version(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.max(audit_log.c.id))).scalar() or 0)


def request_key(request: Request) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    return f"{request.url.path}?{query}"


def cached(
    request: Request,
    render: Callable[[], tuple[bytes, str] | tuple[bytes, str, dict[str, str]]],
    *,
    max_age: int = 60,
) -> Response:
    """The response for a public read: from the cache when the data has not changed since."""
    state = request.app.state
    key = request_key(request)
    version = data_version(state.store)
    entry = state.cache.get(key, version)
    if entry is None:
        rendered = render()
        body, media_type = rendered[0], rendered[1]
        extra = rendered[2] if len(rendered) == 3 else {}
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        entry = Entry(version, etag, body, media_type, tuple(extra.items()))
        state.cache.put(key, entry)
    headers = {
        "ETag": entry.etag,
        "Cache-Control": f"public, max-age={max_age}",
        **dict(entry.headers),
    }
    if entry.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type=entry.media_type, headers=headers)
