"""An API page of values is read as the page shows it (``Store.shown_page``: the shown columns
only, no record validated), and it is the same page as the one the full records give: the
country is the value's own or else its entity's, the flags are a list, a restated value shows
its newest revision only, on SQLite and PostgreSQL, by offset and by cursor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api_world import World, build_world
from ictfootprint.api.schemas import ObservationOut
from ictfootprint.model import Entity, EntityKind, Method, Observation, StoredObservation

URL = "/api/v1/observations"
FILTERS: tuple[dict[str, Any], ...] = (
    {},
    {"countries": ["FRA"]},
    {"countries": ["DEU"]},
    {"indicator_ids": ["ghg_scope1"]},
    {"years": [2023]},
    {"entity_ids": ["shown-nocountry"]},
    {"methods": ["estimated"]},
)


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    world = build_world(db_url)
    store = world.store
    store.add_entity(Entity(id="shown-nocountry", name="No Country Co", kind=EntityKind.COMPANY))
    store.add_entity(
        Entity(id="shown-fra", name="Shown Co", kind=EntityKind.COMPANY, country="FRA")
    )

    def value(entity: str, indicator: str, year: int, number: float, **more: Any) -> Observation:
        return Observation(
            entity_id=entity,
            indicator_id=indicator,
            year=year,
            value=number,
            unit="tCO2e",
            method=more.pop("method", Method.REPORTED),
            source="shown page test (fictitious)",
            **more,
        )

    store.record_observations(
        [
            # its own country only: the entity has none
            value("shown-nocountry", "ghg_scope1", 2023, 10.0, country="DEU"),
            value("shown-nocountry", "ghg_scope1", 2022, 11.0),  # no country at all
            # flags, a sub-sector, a boundary, assurance and lineage (which a page never shows)
            value(
                "shown-fra",
                "ghg_scope1",
                2023,
                20.0,
                quality_flags=("restated", 'partial "scope" é'),
                subsector="mobile_network",
                boundary="operational-control",
                assurance="limited",
                gwp_set="AR6",
                lineage={"inputs": [1, 2, 3], "note": "x" * 500},
                comment="a comment",
            ),
            value("shown-fra", "ghg_scope1", 2022, 21.0, country="DEU", method=Method.ESTIMATED),
        ]
    )
    # a restatement: the page shows revision 2 only
    store.record_observations(
        [value("shown-fra", "ghg_scope1", 2022, 22.5, country="DEU", method=Method.ESTIMATED)]
    )
    yield world
    store.close()


def expected(obs: StoredObservation, entity_country: str | None) -> dict[str, Any]:
    """What the page showed when it was built from the full record."""
    return {
        "id": obs.id,
        "entity": obs.entity_id,
        "indicator": obs.indicator_id,
        "year": obs.year,
        "country": obs.country or entity_country,
        "subsector": obs.subsector,
        "value": obs.value,
        "unit": obs.unit,
        "value_text": obs.value_text,
        "method": obs.method.value,
        "source": obs.source,
        "quality_flags": list(obs.quality_flags),
        "boundary": obs.boundary,
        "assurance": obs.assurance,
        "gwp_set": obs.gwp_set,
        "revision": obs.revision,
        "recorded_at": obs.recorded_at,
    }


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    return ObservationOut.model_validate(row).model_dump(mode="json")


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_a_shown_page_is_the_records_page(world: World, filters: dict[str, Any]) -> None:
    store = world.store
    total, records = store.published_page(**filters)
    shown_total, shown = store.shown_page(**filters)
    assert total == shown_total > 0
    assert shown == [expected(obs, country) for obs, country in records]
    # pages: by offset, and after the last row of the page before
    for offset in range(0, total, 3):
        _, page = store.shown_page(**filters, limit=3, offset=offset, with_count=False)
        assert page == shown[offset : offset + 3]
        if offset:
            last = shown[offset - 1]
            _, following = store.shown_page(
                **filters, limit=3, after=(last["method"], last["id"]), with_count=False
            )
            assert following == page


def test_the_api_shows_the_records_as_before(world: World) -> None:
    store = world.store
    for params, filters in (
        ({"entity": "shown-fra"}, {"entity_ids": ["shown-fra"]}),
        ({"entity": "shown-nocountry"}, {"entity_ids": ["shown-nocountry"]}),
        ({"country": "DEU"}, {"countries": ["DEU"]}),
        (
            {"indicator": "ghg_scope1", "year": 2022},
            {"indicator_ids": ["ghg_scope1"], "years": [2022]},
        ),
    ):
        _, records = store.published_page(**filters)
        items, link = [], f"{URL}?" + "&".join(f"{k}={v}" for k, v in params.items()) + "&limit=2"
        while link:
            answer = world.client.get(link)
            assert answer.status_code == 200, answer.text
            items += answer.json()["items"]
            link = answer.json()["next"]
        assert items == [as_json(expected(obs, country)) for obs, country in records], params
    shown = world.client.get(URL, params={"entity": "shown-fra", "year": 2023}).json()["items"]
    assert shown[0]["quality_flags"] == ["restated", 'partial "scope" é']
    assert "lineage" not in shown[0] and "comment" not in shown[0]
    restated = world.client.get(URL, params={"entity": "shown-fra", "year": 2022}).json()
    assert [(i["value"], i["revision"], i["country"]) for i in restated["items"]] == [
        (22.5, 2, "DEU")
    ]
    alone = world.client.get(URL, params={"entity": "shown-nocountry"}).json()["items"]
    assert sorted((i["year"], i["country"]) for i in alone) == [(2022, None), (2023, "DEU")]
