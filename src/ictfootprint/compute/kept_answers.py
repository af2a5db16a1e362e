"""Answers kept in the store between requests: ``kept_answers``, valid while the data they
were read from holds.

Some questions are asked over and over and cost the same every time: the world's coverage,
like-for-like series and estimates (:mod:`ictfootprint.compute.trends_kept`: 0.8 s of the
home page's 0.9 s at 4.4 M values on PostgreSQL, 2.5 s at 10 M) and the facts of the world
report's year (a GROUP BY of its 430,000 values, 1.2 s). :func:`answer` reads a question's
answer from the store when it was answered since the data last changed, and otherwise
computes it and keeps it.

**What "the data changed" means.** Every observation written and every entity added or
changed marks its entity in ``sector_stale`` (database triggers, whatever the write path;
observations are never updated or deleted), and the refresh of ``sector_rows`` consumes those
marks: it adds one to ``data_generation`` in the transaction that rebuilds any entity's rows,
whatever its kind (:func:`mark`), and so does a change of the countries' areas. The rules
(the package, its quantities, defaults and units, ``sector_trends.toml``) are the
:func:`fingerprint`.

**Why a kept answer is never stale.** :func:`answer` refreshes the stale rows first, then
reads the generation; an answer kept under the current generation was computed by a reader
that read that generation before it read any data, so it saw at least that data, and nothing
has changed since (a change would have added one). A change committed while an answer is
computed leaves the answer kept under the older generation: the next read computes it again.
Answers of older generations are deleted when an answer is kept; at most ``KEPT_AT_MOST`` are
kept, the oldest going first (the questions come from pages, reports and trajectories, with
arguments a visitor may vary: nothing is kept without bound).
"""

from __future__ import annotations

import hashlib
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any, Final, TypeVar, cast

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ictfootprint.store import Store
from ictfootprint.store.database import now
from ictfootprint.store.schema import data_generation, kept_answers

#: The row of ``data_generation`` that counts the changes of the data.
GENERATION: Final = "data"
#: Answers kept at most (the world's trends are about 150 kB compressed at 4.4 M values).
KEPT_AT_MOST: Final = 500
#: Bytes of JSON of the answers a process keeps decoded for the callers that share them.
SHARED_AT_MOST: Final = 12_000_000

T = TypeVar("T")


def mark(connection: Connection) -> None:
    """The data changed: add one to the generation, in the writer's transaction."""
    g = data_generation.c
    connection.execute(
        update(data_generation).where(g.name == GENERATION).values(generation=g.generation + 1)
    )


def fingerprint() -> str:
    """What the answers depend on besides the data: the rules of the kept rows (the package's
    version, quantities, defaults, units) and ``sector_trends.toml`` (denominators,
    estimates)."""
    from ictfootprint.compute.sector_rows import rules_fingerprint

    digest = hashlib.sha256(rules_fingerprint().encode())
    data = resources.files("ictfootprint").joinpath("reference/data/sector_trends.toml")
    digest.update(data.read_bytes())
    return digest.hexdigest()


def answer(
    store: Store,
    kind: str,
    question: dict[str, Any],
    compute: Callable[[], T],
    plain: Callable[[T], Any],
    back: Callable[[Any], T],
    *,
    shared: bool = False,
) -> T:
    """The answer to ``question`` (JSON values; ``kind`` names what is asked), read from
    ``kept_answers`` when it was answered since the data last changed; otherwise
    ``compute()``, kept as ``plain(answer)`` (JSON values) and read back by ``back``.

    ``shared``: the caller only reads the answer, so the one this process read back last
    may be given again, unchanged, while the kept row is the same (:class:`_Shared`)."""
    from ictfootprint.compute.sector_rows import refreshed

    refreshed(store)  # the marks left become a new generation before it is read
    asked = json.dumps({"kind": kind, **question}, sort_keys=True)
    key = hashlib.sha256(asked.encode()).hexdigest()
    rules = fingerprint()
    found, generation = _kept(store, key, rules, back, shared)
    if found is not _MISSING:
        return cast(T, found)
    with _FLIGHTS.one(store.url, key):
        found, generation = _kept(store, key, rules, back, shared)  # kept while we waited?
        if found is not _MISSING:
            return cast(T, found)
        result = compute()
        if generation is not None:
            payload = zlib.compress(json.dumps(plain(result)).encode(), 1)
            _keep(store, key, kind, asked, int(generation), rules, payload)
        return result


#: What :func:`_kept` gives when no valid answer is kept.
_MISSING: Final = object()


def _kept(
    store: Store, key: str, rules: str, back: Callable[[Any], Any], shared: bool
) -> tuple[Any, int | None]:
    """The answer kept under ``key`` if it is of the current generation and rules (else
    ``_MISSING``), and that generation (None: the store has none)."""
    k, g = kept_answers.c, data_generation.c
    kept = data_generation.outerjoin(kept_answers, k.key == key)
    columns = [g.generation, k.generation.label("kept"), k.fingerprint, k.kept_at]
    if not shared:  # the payload read with the rest, whether it is still valid or not
        columns.append(k.payload)
    with store.engine.connect() as connection:
        found = connection.execute(
            select(*columns).select_from(kept).where(g.name == GENERATION)
        ).first()
        if found is None:
            return _MISSING, None
        generation = int(found.generation)
        if (found.kept, found.fingerprint) != (generation, rules):
            return _MISSING, generation
        if not shared:
            return back(json.loads(zlib.decompress(found.payload))), generation
        row = (generation, rules, found.kept_at)
        mine = _SHARED.get(store.url, key, row)
        if mine is not None:
            return mine, generation
        payload = connection.scalar(
            select(k.payload).where(
                k.key == key, k.generation == generation, k.kept_at == found.kept_at
            )
        )
    if payload is None:  # kept again since
        return _MISSING, generation
    text = zlib.decompress(payload)
    result = back(json.loads(text))
    _SHARED.put(store.url, key, row, result, len(text))
    return result, generation


class _Flights:
    """One computation of a question at a time in this process: after a change, every
    request of the world's pages asked for the world's trends at once (0.9 s and hundreds of
    MB each at 4.4 M values), up to the renders a worker runs at once. The others wait for
    the one computing, then read what it kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], tuple[threading.RLock, list[int]]] = {}

    @contextmanager
    def one(self, url: str, key: str) -> Iterator[None]:
        with self._lock:
            lock, users = self._held.setdefault((url, key), (threading.RLock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield
        finally:
            with self._lock:
                users[0] -= 1
                if not users[0]:
                    del self._held[(url, key)]

    def users(self, url: str, key: str) -> int:
        """How many threads compute or wait for this question."""
        with self._lock:
            found = self._held.get((url, key))
            return 0 if found is None else found[1][0]

    def held(self) -> int:
        """How many questions are being computed or waited for."""
        with self._lock:
            return len(self._held)


_FLIGHTS: Final = _Flights()


class _Shared:
    """Answers this process read back, decoded, for callers that only read them (``shared``):
    decoding the world's trends took 11 ms of each world page (1.6 MB of JSON), every
    country's aggregate 16 ms of its 37. An answer is given again only while its kept row is
    the very one it was read from: the same generation, rules and moment it was kept (a
    store emptied and filled again, or restored from a copy, has other rows). Bounded by
    the size of their JSON (their objects take 4 to 6 times more); the least recently used
    go first."""

    def __init__(self, at_most: int) -> None:
        self.at_most = at_most
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[str, str], tuple[tuple[Any, ...], Any, int]] = (
            OrderedDict()
        )
        self._size = 0

    def get(self, url: str, key: str, row: tuple[Any, ...]) -> Any | None:
        """The answer held for ``key`` if it was read from ``row`` (no answer is None)."""
        with self._lock:
            found = self._answers.get((url, key))
            if found is None or found[0] != row:
                return None
            self._answers.move_to_end((url, key))
            return found[1]

    def put(self, url: str, key: str, row: tuple[Any, ...], answer: Any, size: int) -> None:
        if size > self.at_most:
            return
        with self._lock:
            old = self._answers.pop((url, key), None)
            self._size += size - (0 if old is None else old[2])
            self._answers[(url, key)] = (row, answer, size)
            while self._size > self.at_most:
                _gone, (_row, _answer, gone_size) = self._answers.popitem(last=False)
                self._size -= gone_size


#: The shared answers of this process: at most 12 MB of their JSON (about 60 MB of objects).
_SHARED: Final = _Shared(SHARED_AT_MOST)


def kept_count(store: Store, kind: str | None = None) -> int:
    """How many answers are kept (of ``kind``)."""
    query = select(func.count()).select_from(kept_answers)
    if kind is not None:
        query = query.where(kept_answers.c.kind == kind)
    with store.engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def _keep(
    store: Store, key: str, kind: str, asked: str, generation: int, rules: str, payload: bytes
) -> None:
    """Keep ``payload`` under ``generation``, unless an answer of a newer one is kept (a
    reader that began later); drop the answers of older generations and the oldest beyond
    ``KEPT_AT_MOST``."""
    k = kept_answers.c
    row: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "question": asked,
        "generation": generation,
        "fingerprint": rules,
        "payload": payload,
        "kept_at": now(),
    }
    with store.engine.begin() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(kept_answers).values(**row)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[k.key],
                set_={name: statement.excluded[name] for name in row if name != "key"},
                where=k.generation <= statement.excluded.generation,
            )
        )
        connection.execute(delete(kept_answers).where(k.generation < generation))
        beyond = select(k.key).order_by(k.kept_at.desc(), k.key).offset(KEPT_AT_MOST)
        connection.execute(delete(kept_answers).where(k.key.in_(beyond)))
