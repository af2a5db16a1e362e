"""The lists of an aggregate, paged (``/api/v1/aggregates`` and ``/aggregates/listed``): every
page followed to the end gives exactly the full lists the roll-up builds (same records, same
order), of every country or of one area, for every page size; the counts are those lists'
lengths; a cursor is checked whole; an area the level does not have is a 404. On SQLite and
PostgreSQL (whose collation may not sort ids as Python does)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from ictfootprint.api.aggregates import decode, encode
from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.compute.sector import sector_totals
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from test_sector_parquet import build


def _client(store: Store) -> TestClient:
    return TestClient(create_app(Settings.default(db=store.url, rate_limit_per_minute=0), store))


def _followed(client: TestClient, first: dict[str, Any], which: str) -> list[dict[str, Any]]:
    """Every page of one list, from an aggregate's first page on, checking each page's
    count and position."""
    items, link = list(first[which]), first[f"{which}_next"]
    while link is not None:
        page = client.get(link)
        assert page.status_code == 200, page.text
        body = page.json()
        assert (body["listed"], body["total"], body["offset"]) == (
            which,
            first[f"{which}_total"],
            len(items),
        )
        assert body["items"], "a next link never leads to an empty page"
        items += body["items"]
        link = body["next"]
    return items


@pytest.mark.parametrize(
    ("level", "regions", "area"),
    [
        ("world", "itu", None),
        ("country", "itu", None),
        ("country", "itu", "FRA"),
        ("region", "itu", "ITU-EUR"),
        ("region", "m49", "002"),
    ],
)
def test_the_pages_of_each_list_are_the_whole_list(
    db_url: str, level: str, regions: str, area: str | None
) -> None:
    store = build(db_url)
    client = _client(store)
    full = sector_totals(store, level=level, year=2023, region_kind=regions, area=area)
    assert full.incomplete and full.conflicts  # the store has both, else nothing is tested
    where = "" if area is None else f"&area={area}"
    for limit in (1, 3, 1000):
        done = client.get(
            f"/api/v1/aggregates?year=2023&level={level}&regions={regions}{where}&limit={limit}"
        )
        assert done.status_code == 200, done.text
        body = done.json()
        assert body["area"] == area
        assert body["rows"] == full.rows
        assert (body["incomplete_total"], body["conflicts_total"]) == (
            len(full.incomplete),
            len(full.conflicts),
        )
        assert len(body["incomplete"]) == min(limit, len(full.incomplete))
        assert _followed(client, body, "incomplete") == full.incomplete
        assert _followed(client, body, "conflicts") == full.conflicts


def test_pages_keep_their_order_whatever_the_collation(db_url: str) -> None:
    """Ids that a language's collation sorts apart from their code points ("B" before "a",
    "-" and "_" ignored by some): the pages follow Python's order, as the full list does. On
    PostgreSQL the rows' text columns are given ICU's root collation (the tests' server is
    initialised with C, which sorts by code point anyway)."""
    store = Store.open(db_url)
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            for column, size in (("entity_id", 64), ("country", 3), ("subsector", 30)):
                connection.execute(
                    text(
                        f"ALTER TABLE sector_rows ALTER COLUMN {column} "
                        f'TYPE varchar({size}) COLLATE "und-x-icu"'
                    )
                )
    ids = ["a-2", "B1", "a_1", "b0", "A-1", "a1"]
    for entity_id in ids:
        store.add_entity(
            Entity(id=entity_id, name=entity_id, kind=EntityKind.COMPANY, country="FRA")
        )
    store.record_observations(
        [
            Observation(
                entity_id=e,
                indicator_id="ghg_scope1",
                year=2023,
                value=1.0,
                unit="tCO2e",
                method=Method.REPORTED,
                source="test",
            )
            for e in ids
        ]
    )
    client = _client(store)
    body = client.get("/api/v1/aggregates?year=2023&quantity=ghg_s1s2_location&limit=2").json()
    found = [r["entity_id"] for r in _followed(client, body, "incomplete")]
    assert found == sorted(ids)
    assert found == [
        r["entity_id"]
        for r in sector_totals(
            store, level="world", year=2023, quantities=["ghg_s1s2_location"]
        ).incomplete
    ]


def test_a_cursor_is_checked_whole_and_an_unknown_area_is_a_404(db_url: str) -> None:
    store = build(db_url)
    client = _client(store)
    assert decode(encode((3, "op01", "FRA", "data_centre"), 200)) == (
        (3, "op01", "FRA", "data_centre"),
        200,
    )
    for cursor in ("garbage", encode((3, "op 01", "FRA", "x"), 1), "TDF8MXw", "A" * 300):
        done = client.get(f"/api/v1/aggregates/listed?year=2023&list=incomplete&cursor={cursor}")
        assert done.status_code == 400, (cursor, done.text)
        assert done.json()["error"]["location"]["field"] == "cursor"
    with pytest.raises(InputError):
        decode("TDF8MXxvcDAxfEZSQXxkYXRhX2NlbnRyZXw")  # cut before its position
    missing = client.get("/api/v1/aggregates?year=2023&level=country&area=XYZ")
    assert missing.status_code == 404, missing.text
    assert "XYZ" in missing.json()["error"]["message"]
    world = client.get("/api/v1/aggregates?year=2023&level=world&area=FRA")
    assert world.status_code == 400, world.text
    assert world.json()["error"]["location"]["field"] == "area"
    for query in ("list=other", "list=incomplete&limit=0", "list=incomplete&area=%27;--"):
        done = client.get(f"/api/v1/aggregates/listed?year=2023&{query}")
        assert done.status_code in (400, 422), (query, done.text)
