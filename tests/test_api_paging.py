"""Paging the published values by keyset: the `next` link carries an opaque cursor, pages
followed by cursor are the pages by offset, and anything but a cursor this API wrote is a 400
naming the parameter (never a 500). The plans behind it: test_query_plans.py."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from api_world import World, build_world
from ictfootprint.api import cursor as cursors

URL = "/api/v1/observations"


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    world = build_world(db_url)
    yield world
    world.store.close()


def ids_by_offset(world: World, size: int, **filters: object) -> list[int]:
    total = world.client.get(URL, params={**filters, "limit": 1}).json()["total"]
    seen: list[int] = []
    for offset in range(0, total, size):
        page = world.client.get(URL, params={**filters, "limit": size, "offset": offset}).json()
        seen += [item["id"] for item in page["items"]]
    return seen


@pytest.mark.parametrize("filters", [{}, {"country": "FRA"}, {"indicator": "ghg_scope1"}])
def test_next_links_page_by_cursor_through_the_offset_pages(
    world: World, filters: dict[str, str]
) -> None:
    page = world.client.get(URL, params={**filters, "limit": 5}).json()
    seen, offsets = [], []
    while True:
        seen += [item["id"] for item in page["items"]]
        offsets.append(page["offset"])
        if page["next"] is None:
            break
        query = parse_qs(urlsplit(page["next"]).query)
        assert "cursor" in query and "offset" not in query
        assert {k: v for k, v in query.items() if k not in ("cursor", "limit")} == {
            k: [v] for k, v in filters.items()
        }
        page = world.client.get(page["next"]).json()
    assert seen == ids_by_offset(world, 5, **filters)
    assert len(seen) > 5 and offsets == list(range(0, len(seen), 5))


def test_an_offset_page_links_to_the_next_by_cursor(world: World) -> None:
    page = world.client.get(URL, params={"limit": 3, "offset": 6}).json()
    following = world.client.get(page["next"]).json()
    assert following["offset"] == 9
    assert [i["id"] for i in following["items"]] == ids_by_offset(world, 3)[9:12]


def test_the_last_page_has_no_next(world: World) -> None:
    total = world.client.get(URL, params={"limit": 1}).json()["total"]
    last = world.client.get(URL, params={"limit": 4, "offset": total - 4}).json()
    assert last["next"] is None and len(last["items"]) == 4


def garbled(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "Zm9v",  # "foo"
        "A",  # not base64 at all
        garbled("1|reported|12"),  # cut
        garbled("1|guessed|12|5"),  # not a method
        garbled("2|reported|12|5"),  # another version
        garbled("1|reported|-12|5"),
        garbled("1|reported|12|99999999999"),  # more than 10 digits
        garbled("1|reported|12|5") + "x",
        garbled("1|reported|١٢|5"),  # digits of another script
    ],
)
def test_a_garbled_cursor_is_a_400_naming_the_cursor(world: World, cursor: str) -> None:
    response = world.client.get(URL, params={"cursor": cursor})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["location"] == {"field": "cursor"}
    assert error["message"] == "not a cursor of this API"


def test_a_cursor_outside_the_alphabet_is_refused_by_the_schema(world: World) -> None:
    response = world.client.get(URL, params={"cursor": "a/b+c="})
    assert response.status_code == 422
    assert response.json()["error"]["location"] == {"field": "cursor"}


def test_cursor_and_offset_together_are_refused(world: World) -> None:
    link = world.client.get(URL, params={"limit": 2}).json()["next"]
    cursor = parse_qs(urlsplit(link).query)["cursor"][0]
    response = world.client.get(URL, params={"cursor": cursor, "offset": 4})
    assert response.status_code == 400
    assert response.json()["error"]["location"] == {"field": "cursor"}


def test_an_empty_cursor_is_the_first_page(world: World) -> None:
    first = world.client.get(URL, params={"limit": 2}).json()
    assert world.client.get(URL, params={"limit": 2, "cursor": ""}).json() == first


def test_a_cursor_round_trips() -> None:
    assert cursors.decode(cursors.encode(("estimated", 7), 40)) == (("estimated", 7), 40)


def test_requests_missing_the_same_count_at_once_count_once(world: World) -> None:
    """Many uncached pages of one query at once (each its own URL, so each misses the read
    cache): one request counts the values, the others wait for its count. Each counted at
    once before (fifty deep pages of a 10 M-value store: fifty counts of every value)."""
    import asyncio
    import time

    import httpx
    from sqlalchemy import event

    counts: list[str] = []

    def slow_count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "count(*)" in statement.lower() and "current_observations" in statement:
            counts.append(statement)
            time.sleep(0.3)  # long enough for every request to arrive while it runs

    app = world.client.app
    event.listen(world.store.engine, "before_cursor_execute", slow_count)

    async def pages() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(
                *(client.get(URL, params={"limit": 2, "offset": n, "bench": n}) for n in range(8))
            )

    try:
        answers = asyncio.run(pages())
    finally:
        event.remove(world.store.engine, "before_cursor_execute", slow_count)
    assert [a.status_code for a in answers] == [200] * 8
    assert len({a.json()["total"] for a in answers}) == 1
    assert len(counts) == 1, counts
