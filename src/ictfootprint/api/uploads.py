"""Uploads: validation in worker processes, and no failure answer once a file is stored.

**Other requests stay fast.** Reading and validating a large file is CPU work that holds the
GIL: run in the server's threads it slows every other request of the worker (a public read
took up to 2.8 s). It runs instead in a small pool of worker processes per app (started on
the first upload, ``spawn``ed: no fork of a process with threads and open connections), at
most ``validation_workers`` at once; more uploads wait their turn. A worker receives the
bytes and the reading options, opens the database itself (read only: earlier values, grid
factors) and sends back the report and the values; the server process stores them.

**Finish and answer.** A request still running at the time limit is answered 503 by the
guard (``api/guard.py``). An upload checks its deadline once its file is validated: if the
time is up, nothing is stored (503); otherwise it lifts the deadline and stores, and is
answered with the outcome however long storing takes. So a 503 always means "not stored".
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, Final

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.problems import ApiError
from ictfootprint.collection.service import Examined, SubmitResult, Upload, examine, receive
from ictfootprint.collection.service import record as record_upload
from ictfootprint.errors import InputError, Location
from ictfootprint.store import Store

#: Where the guard leaves the request's ``asyncio.Timeout`` in the ASGI scope.
DEADLINE: Final = "ictfootprint.deadline"

_STORES: dict[str, Store] = {}


def examine_in_worker(url: str, upload: Upload) -> Examined | tuple[str, dict[str, Any]]:
    """Run in a worker process: read and validate, on the worker's own connection. An
    :class:`InputError` comes back as its fields (an exception's own pickling loses them)."""
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url, actor="validation")
    try:
        return examine(store, upload)
    except InputError as error:
        return "input-error", {
            "message": error.message,
            "location": error.location.__dict__,
            "expected": error.expected,
            "found": error.found,
        }


class Validations:
    """The app's pool of validation processes, created on first use."""

    def __init__(self, url: str, workers: int) -> None:
        self.url = url
        self.workers = workers
        self._pool: Executor | None = None
        self._lock = threading.Lock()

    @property
    def in_process(self) -> bool:
        """No pool: 0 workers, or a database a worker process cannot open (in memory)."""
        return self.workers == 0 or ":memory:" in self.url or self.url.endswith("sqlite://")

    def pool(self) -> Executor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn")
                )
            return self._pool

    async def examine(self, store: Store, upload: Upload) -> Examined:
        if self.in_process:
            return await run_in_threadpool(examine, store, upload)
        future = self.pool().submit(examine_in_worker, self.url, upload)
        outcome = await asyncio.wrap_future(future)
        if isinstance(outcome, Examined):
            return outcome
        fields = outcome[1]
        raise InputError(
            fields["message"], Location(**fields["location"]), fields["expected"], fields["found"]
        )

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def validations(request: Request) -> Validations:
    state = request.app.state
    found: Validations | None = getattr(state, "validations", None)
    if found is None:
        found = state.validations = Validations(state.store.url, state.settings.validation_workers)
    return found


async def submit_upload(
    request: Request, store: Store, data: bytes, name: str, entity_id: str, **options: Any
) -> SubmitResult:
    """Identify, validate (in a worker process) and store an upload (see the module
    docstring): answered with the outcome once storing has begun, never 503."""
    upload = await run_in_threadpool(receive, store, data, name, entity_id, **options)
    if isinstance(upload, SubmitResult):
        return upload
    examined = await validations(request).examine(store, upload)
    # the point of no return: no await between the check and lifting the deadline, so the
    # time limit cannot fire in between
    deadline: asyncio.Timeout | None = request.scope.get(DEADLINE)
    if deadline is not None:
        if deadline.expired():  # cannot happen (the await above would have been cancelled)
            raise ApiError(503, "the request took longer than the time limit")
        deadline.reschedule(None)
    return await run_in_threadpool(record_upload, store, upload, examined)
