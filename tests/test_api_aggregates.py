"""``GET /api/v1/aggregates``: every quantity, the quantity filter, the incomplete entities."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store


def _client(tmp_path: Path) -> TestClient:
    store = Store.open(str(tmp_path / "a.db"))
    for entity_id in ("full", "s1-only"):
        store.add_entity(
            Entity(id=entity_id, name=entity_id, kind=EntityKind.COMPANY, country="FRA")
        )
    store.record_observations(
        [
            Observation(
                entity_id=entity,
                indicator_id=indicator,
                year=2023,
                value=value,
                unit="tCO2e",
                method=Method.REPORTED,
                source="test",
            )
            for entity, indicator, value in (
                ("full", "ghg_scope1", 1.0),
                ("full", "ghg_scope2_location", 2.0),
                ("s1-only", "ghg_scope1", 10.0),
                ("full", "ghg_scope3_total", 30.0),
            )
        ]
    )
    return TestClient(create_app(Settings.default(db=store.url, rate_limit_per_minute=0), store))


def test_aggregates_filter_by_quantity_and_list_the_incomplete(tmp_path: Path) -> None:
    client = _client(tmp_path)
    done = client.get(
        "/api/v1/aggregates?year=2023&level=world"
        "&quantity=ghg_s1s2_location&quantity=ghg_scope3_total"
    )
    assert done.status_code == 200, done.text
    body = done.json()
    totals = {(r["quantity"], r["subsector"]): r for r in body["rows"]}
    assert {q for q, _s in totals} == {"ghg_s1s2_location", "ghg_scope3_total"}
    s1s2 = totals[("ghg_s1s2_location", "_T")]
    assert (s1s2["value"], s1s2["entities"], s1s2["incomplete"]) == (3.0, 1, 1)
    assert totals[("ghg_scope3_total", "_T")]["beside"] is True
    assert body["incomplete"] == [
        {
            "entity_id": "s1-only",
            "country": "FRA",
            "subsector": "unspecified",
            "year": 2023,
            "quantity": "ghg_s1s2_location",
            "missing": "ghg_scope2_location",
        }
    ]
    assert body["conflicts"] == []


def test_aggregates_unknown_quantity_is_a_400(tmp_path: Path) -> None:
    done = _client(tmp_path).get("/api/v1/aggregates?year=2023&quantity=ghg_nope")
    assert done.status_code == 400, done.text
    assert "ghg_nope" in done.text
