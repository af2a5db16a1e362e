"""Reads that miss the cache are rendered once each, in turn, and not for nobody
(``api/cache.Renders``): the bound on renders at once, their order, the single render of one
entry, what happens when the requests waiting for a render leave, and a failed render."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import Request, Response

from ictfootprint.api.app import create_app
from ictfootprint.api.cache import Entry, ReadCache, Rendered, Renders, cached
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store

#: Seconds a test waits for something that should happen at once (a generous bound that only
#: a hang reaches; nothing is timed).
PATIENCE = 10.0


class Probe:
    """Renders that record when they begin and how many run at once, and that may be held."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.begun: list[str] = []
        self.running = 0
        self.most = 0
        self.release: dict[str, threading.Event] = {}

    def hold(self, key: str) -> threading.Event:
        return self.release.setdefault(key, threading.Event())

    def render(self, key: str, fail: bool = False) -> Callable[[], Rendered]:
        def run() -> Rendered:
            with self.lock:
                self.begun.append(key)
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                held = self.release.get(key)
                if held is not None:
                    assert held.wait(PATIENCE), f"{key} was never released"
                if fail:
                    raise ValueError(f"{key} failed")
                return key.encode(), "text/plain"
            finally:
                with self.lock:
                    self.running -= 1

        return run


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(PATIENCE):
        while not condition():
            await asyncio.sleep(0.005)


def test_misses_render_at_most_at_once_in_the_order_they_came() -> None:
    probe, cache, renders = Probe(), ReadCache(64), Renders(2, slow_after=None)
    gates = {f"k{n}": probe.hold(f"k{n}") for n in range(6)}

    async def scenario() -> list[Entry]:
        asked = []
        for n in range(6):
            key = f"k{n}"
            asked.append(asyncio.create_task(renders.entry(cache, key, 1, probe.render(key))))
            await asyncio.sleep(0)  # arrive in this order
        await _until(lambda: len(probe.begun) == 2)
        await asyncio.sleep(0.05)
        assert probe.begun == ["k0", "k1"]  # the others wait while both are held
        for n, gate in enumerate(gates.values()):  # each release frees one turn: the next
            gate.set()
            await _until(lambda n=n: len(probe.begun) == min(n + 3, 6))  # type: ignore[misc]
        return await asyncio.gather(*asked)

    entries = asyncio.run(scenario())
    assert probe.most == 2
    assert probe.begun == [f"k{n}" for n in range(6)]
    assert [e.body for e in entries] == [f"k{n}".encode() for n in range(6)]
    assert all(cache.get(f"k{n}", 1) is not None for n in range(6))


def test_no_bound_lets_every_miss_render_at_once() -> None:
    cache, renders = ReadCache(64), Renders(0, slow_after=None)
    together = threading.Barrier(5, timeout=PATIENCE)

    def render() -> Rendered:
        together.wait()  # broken unless all five are inside at once
        return b"x", "text/plain"

    async def scenario() -> list[Entry]:
        return await asyncio.gather(*(renders.entry(cache, f"k{n}", 1, render) for n in range(5)))

    assert len(asyncio.run(scenario())) == 5


def test_requests_missing_one_entry_at_once_wait_for_one_render() -> None:
    probe, cache, renders = Probe(), ReadCache(64), Renders(4, slow_after=None)
    held = probe.hold("same")

    async def scenario() -> list[Entry]:
        asked = [
            asyncio.create_task(renders.entry(cache, "same", 1, probe.render("same")))
            for _ in range(8)
        ]
        await _until(lambda: probe.begun == ["same"])
        held.set()
        return await asyncio.gather(*asked)

    entries = asyncio.run(scenario())
    assert probe.begun == ["same"]
    assert len({id(e) for e in entries}) == 1
    # another version of the data is another entry: rendered again
    asyncio.run(renders.entry(cache, "same", 2, probe.render("same")))
    assert probe.begun == ["same", "same"]


def test_a_render_waiting_its_turn_is_dropped_when_its_requests_leave() -> None:
    probe, cache, renders = Probe(), ReadCache(64), Renders(1, slow_after=None)
    first = probe.hold("first")

    async def scenario() -> Entry:
        running = asyncio.create_task(renders.entry(cache, "first", 1, probe.render("first")))
        await _until(lambda: probe.begun == ["first"])
        # two requests for "second" wait for its turn; both leave (a time limit, a client gone)
        waiting = [
            asyncio.create_task(renders.entry(cache, "second", 1, probe.render("second")))
            for _ in range(2)
        ]
        await asyncio.sleep(0.05)
        for task in waiting:
            task.cancel()
        for task in waiting:
            with pytest.raises(asyncio.CancelledError):
                await task
        first.set()
        await running
        # "second" was never rendered; a new request for it renders it
        assert probe.begun == ["first"]
        return await renders.entry(cache, "second", 1, probe.render("second"))

    entry = asyncio.run(scenario())
    assert entry.body == b"second"
    assert probe.begun == ["first", "second"]


def test_one_request_leaving_keeps_the_render_others_wait_for() -> None:
    probe, cache, renders = Probe(), ReadCache(64), Renders(1, slow_after=None)
    first = probe.hold("first")

    async def scenario() -> Entry:
        running = asyncio.create_task(renders.entry(cache, "first", 1, probe.render("first")))
        await _until(lambda: probe.begun == ["first"])
        leaving = asyncio.create_task(renders.entry(cache, "second", 1, probe.render("second")))
        staying = asyncio.create_task(renders.entry(cache, "second", 1, probe.render("second")))
        await asyncio.sleep(0.05)
        leaving.cancel()
        first.set()
        await running
        return await staying

    assert asyncio.run(scenario()).body == b"second"
    assert probe.begun == ["first", "second"]


def test_a_begun_render_holds_its_turn_to_its_end_and_fills_the_cache() -> None:
    """A thread cannot be stopped: a render whose requests left runs on, counts against the
    bound until it ends, and its entry serves the next request for it."""
    probe, cache, renders = Probe(), ReadCache(64), Renders(1, slow_after=None)
    first = probe.hold("first")

    async def scenario() -> None:
        left = asyncio.create_task(renders.entry(cache, "first", 1, probe.render("first")))
        await _until(lambda: probe.begun == ["first"])
        left.cancel()
        with pytest.raises(asyncio.CancelledError):
            await left
        after = asyncio.create_task(renders.entry(cache, "second", 1, probe.render("second")))
        await asyncio.sleep(0.05)
        assert probe.begun == ["first"]  # "second" waits: "first" still has the turn
        first.set()
        await after
        await _until(lambda: cache.get("first", 1) is not None)

    asyncio.run(scenario())
    assert probe.most == 1
    assert probe.begun == ["first", "second"]


def test_a_failed_render_reaches_every_waiter_and_is_not_kept() -> None:
    probe, cache, renders = Probe(), ReadCache(64), Renders(2, slow_after=None)
    held = probe.hold("bad")

    async def scenario() -> list[BaseException | Entry]:
        asked = [
            asyncio.create_task(renders.entry(cache, "bad", 1, probe.render("bad", fail=True)))
            for _ in range(3)
        ]
        await _until(lambda: probe.begun == ["bad"])
        held.set()
        return await asyncio.gather(*asked, return_exceptions=True)

    answers = asyncio.run(scenario())
    assert all(isinstance(a, ValueError) and str(a) == "bad failed" for a in answers)
    assert cache.get("bad", 1) is None and probe.begun == ["bad"]
    # the next request renders again
    probe.release.clear()
    assert asyncio.run(renders.entry(cache, "bad", 1, probe.render("bad"))).body == b"bad"


def test_a_slow_render_steps_aside_for_the_next_in_line() -> None:
    """One at a time, but a render still running after ``slow_after`` gives its turn to the
    next; at most ``slow_at_once`` step aside, and a slow one past that keeps its turn until
    one of them ends."""
    probe, cache = Probe(), ReadCache(64)
    renders = Renders(1, slow_after=0.05, slow_at_once=1)
    first, second = probe.hold("first"), probe.hold("second")

    async def scenario() -> list[Entry]:
        asked = [asyncio.create_task(renders.entry(cache, "first", 1, probe.render("first")))]
        await _until(lambda: probe.begun == ["first"])
        for key in ("second", "third"):
            asked.append(asyncio.create_task(renders.entry(cache, key, 1, probe.render(key))))
        # the first steps aside: the second has the turn; it is slow too, but one is aside
        await _until(lambda: probe.begun == ["first", "second"])
        await asyncio.sleep(0.3)  # six times slow_after: the third still waits
        assert probe.begun == ["first", "second"] and probe.running == 2
        first.set()  # the one aside ends: the second steps aside in turn, the third begins
        await _until(lambda: probe.begun == ["first", "second", "third"])
        second.set()
        return list(await asyncio.gather(*asked))

    entries = asyncio.run(scenario())
    assert [e.body for e in entries] == [b"first", b"second", b"third"]
    assert probe.most == 2


def test_a_quick_render_keeps_the_turn_to_itself() -> None:
    """Renders quicker than ``slow_after`` run one at a time: nothing steps aside."""
    probe, cache = Probe(), ReadCache(64)
    renders = Renders(1, slow_after=5.0)

    async def scenario() -> list[Entry]:
        return list(
            await asyncio.gather(
                *(renders.entry(cache, f"k{n}", 1, probe.render(f"k{n}")) for n in range(8))
            )
        )

    assert [e.body for e in asyncio.run(scenario())] == [f"k{n}".encode() for n in range(8)]
    assert probe.most == 1 and probe.begun == [f"k{n}" for n in range(8)]


@pytest.fixture
def slow_app(tmp_path: Path) -> Iterator[tuple[object, Probe]]:
    """The real app with one render at a time, a short time limit and two routes whose
    renders can be held."""
    store = Store.open(f"sqlite:///{tmp_path / 'renders.db'}", actor="test")
    settings = Settings.default(
        db=store.url, rate_limit_per_minute=0, renders_at_once=1, request_timeout_seconds=0.5
    )
    app = create_app(settings, store)
    assert app.state.renders.at_once == app.state.file_renders.at_once == 1
    # held renders keep their turn however long they are held (no stepping aside)
    app.state.renders = Renders(1, slow_after=None)
    app.state.file_renders = Renders(1, slow_after=None)
    probe = Probe()

    @app.get("/held/{name}", include_in_schema=False)
    async def held(request: Request, name: str) -> Response:
        return await cached(request, probe.render(name))

    @app.get("/file/{name}", include_in_schema=False)
    async def held_file(request: Request, name: str) -> Response:
        return await cached(request, probe.render(name), file=True)

    yield app, probe
    store.close()


def test_a_request_queued_past_the_time_limit_is_answered_503_and_never_rendered(
    slow_app: tuple[object, Probe],
) -> None:
    app, probe = slow_app
    holds = [probe.hold("first"), probe.hold("second")]

    async def scenario() -> tuple[list[httpx.Response], httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(client.get("/held/first"), client.get("/held/second"))
            assert len(probe.begun) == 1  # one had the turn; the other waited and was dropped
            for held in holds:
                held.set()
            await _until(lambda: probe.running == 0)
            return list(answers), await client.get(f"/held/{probe.begun[0]}")

    answers, again = asyncio.run(scenario())
    assert [a.status_code for a in answers] == [503, 503]
    assert all("time limit" in a.text for a in answers)
    # the render that had begun filled the cache: asked again, it is served without a render
    assert again.status_code == 200 and again.text == probe.begun[0]
    assert len(probe.begun) == 1
    assert app.state.renders.at_once == 1  # type: ignore[attr-defined]


def test_a_file_renders_in_a_lane_of_its_own_beside_the_reads(
    slow_app: tuple[object, Probe],
) -> None:
    """One render at a time, yet a report held (a PDF takes seconds) does not hold a page
    back: files take their turns in their own lane, which a second file waits for."""
    app, probe = slow_app
    report = probe.hold("report")

    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            asked = asyncio.create_task(client.get("/file/report"))
            await _until(lambda: probe.begun == ["report"])
            page = await client.get("/held/page")  # rendered while the report is held
            other = await client.get("/file/other")  # waits for the report's turn: too long
            first = await asked
            report.set()
            await _until(lambda: probe.running == 0)
            return page, other, first

    page, other, first = asyncio.run(scenario())
    assert page.status_code == 200 and page.text == "page"
    assert probe.most == 2  # the page and the report at once
    assert other.status_code == 503 and "time limit" in other.text
    assert first.status_code == 503  # held past the limit; its render still ran to its end
    assert probe.begun == ["report", "page"]  # the second file never had a turn


def test_the_bound_is_a_setting_of_the_worker() -> None:
    assert Settings.default().renders_at_once == 1
    assert Settings.default(renders_at_once=0).renders_at_once == 0
    env = Settings.default(renders_at_once=7).to_env()
    assert env["ICTFOOTPRINT_API_RENDERS_AT_ONCE"] == "7"
    with pytest.raises(Exception, match="must be 0 or more"):
        Settings.default(renders_at_once=-1)
