"""The endorsements API on both databases: roles (editors write, the public reads), the error
shape, paging, caching that follows a newly accepted value, documents served as attachments
with nosniff, hostile uploads refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind, Role, Target
from ictfootprint.store import Store

HEADER = "indicator,year,value,unit,method,source,comment\n"
BODY = {
    "id": "op-1-gda",
    "kind": "company",
    "name": "Operator One",
    "country": "FRA",
    "endorsed_on": "2024-11-16",
    "channel": "e-mail",
    "objectives": ["gda-1", "gda-3"],
    "entity": "op-1",
}


@dataclass
class Api:
    store: Store
    client: TestClient
    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {} if who == "public" else {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    store = Store.open(db_url, actor="setup")
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))
    tokens = {}
    for name, role in (("ed", Role.EDITOR), ("mem", Role.MEMBER), ("adm", Role.ADMIN)):
        store.add_user(name, role)
        tokens[name] = store.create_token(name, label="tests").token
    app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0), store)
    yield Api(store, TestClient(app), tokens)
    store.close()


def _accept(store: Store, rows: str, name: str) -> None:
    result = submit(store, (HEADER + rows).encode(), name, "op-1")
    store.accept_submission(result.submission_id, "checked")


def test_only_editors_and_admins_write_and_refusals_write_nothing(api: Api) -> None:
    for who, status in (("public", 401), ("mem", 403)):
        response = api.client.post("/api/v1/endorsements", json=BODY, headers=api.headers(who))
        assert response.status_code == status
        assert set(response.json()) == {"error"}
    assert api.client.get("/api/v1/endorsements").json()["total"] == 0
    created = api.client.post("/api/v1/endorsements", json=BODY, headers=api.headers("ed"))
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/v1/endorsements/op-1-gda"
    again = api.client.post("/api/v1/endorsements", json=BODY, headers=api.headers("adm"))
    assert again.status_code == 409
    bad = api.client.post(
        "/api/v1/endorsements",
        json={**BODY, "id": "x", "objectives": ["gda-1", "gda-9"]},
        headers=api.headers("ed"),
    )
    assert bad.status_code == 400 and bad.json()["error"]["location"]["field"] == "objective"
    audit = api.store.audit_page(limit=20, object_type="endorsement")[1]
    assert [(r["action"], r["actor"]) for r in audit] == [("add", "api:ed")]


def test_public_list_filters_counts_paging_and_progress_follows_accepted_values(
    api: Api,
) -> None:
    editor = api.headers("ed")
    _accept(
        api.store,
        "ghg_s1s2_market,2020,1000,t CO2e,reported,R2020,\n"
        "ghg_s1s2_market,2024,800,t CO2e,reported,R2024,\n",
        "a.csv",
    )
    target_id = api.store.add_target(
        Target(
            entity_id="op-1",
            scope="1+2-market",
            base_year=2020,
            base_value=1000.0,
            unit="tCO2e",
            target_year=2030,
            reduction_percent=42.0,
            source="CSR",
        )
    )
    api.client.post("/api/v1/endorsements", json=BODY, headers=editor)
    api.client.post(
        "/api/v1/endorsements",
        json={
            **BODY,
            "id": "gov-ken",
            "kind": "government",
            "name": "Kenya",
            "country": "KEN",
            "channel": "note verbale",
            "entity": None,
            "objectives": ["gda-2"],
        },
        headers=editor,
    )
    added = api.client.post(
        "/api/v1/endorsements/op-1-gda/commitments",
        json={
            "objective": "gda-3",
            "description": "−42 % Scope 1+2 by 2030",
            "indicator": "ghg_s1s2_market",
            "target": target_id,
        },
        headers=editor,
    )
    assert added.status_code == 201, added.text
    assert added.json()["progress"]["status"] == "on-track"
    listed = api.client.get("/api/v1/endorsements", params={"limit": 1}).json()
    assert (listed["total"], [i["id"] for i in listed["items"]]) == (2, ["gov-ken"])
    assert listed["next"] == "/api/v1/endorsements?limit=1&offset=1"
    assert listed["counts"]["m49"] == {"002": 1, "150": 1}
    assert listed["counts"]["kind"] == {"company": 1, "government": 1}
    africa = api.client.get("/api/v1/endorsements", params={"region": "002"}).json()
    assert [i["id"] for i in africa["items"]] == ["gov-ken"]
    url = "/api/v1/commitments/op-1-gda-c1"
    first = api.client.get(url)
    assert first.headers["cache-control"].startswith("public")
    assert first.json()["progress"]["way_percent"] == pytest.approx(47.619, abs=1e-3)
    _accept(api.store, "ghg_s1s2_market,2025,900,t CO2e,reported,R2025,\n", "b.csv")
    after = api.client.get(url).json()["progress"]
    assert (after["latest_year"], after["status"]) == (2025, "off-track")
    by_objective = api.client.get("/api/v1/objectives").json()["objectives"]
    assert by_objective[2]["progress"]["off-track"] == 1
    assert [o["established"] for o in by_objective] == [True] * 3 + [False] * 5
    one = api.client.get("/api/v1/endorsements/op-1-gda").json()
    assert one["commitments"][0]["id"] == "op-1-gda-c1" and one["documents"] is None
    assert api.client.get("/api/v1/endorsements/nobody").status_code == 404
    assert api.client.get("/api/v1/commitments/op-1-gda-c9").status_code == 404
    gone = api.client.post(
        "/api/v1/endorsements/op-1-gda/withdrawal", json={"reason": "letter"}, headers=editor
    )
    assert gone.status_code == 201 and gone.json()["state"] == "withdrawn"
    assert api.client.get("/api/v1/commitments").json()["total"] == 0
    withdrawn = api.client.get("/api/v1/endorsements", params={"state": "withdrawn"}).json()
    assert [i["id"] for i in withdrawn["items"]] == ["op-1-gda"]


def test_documents_are_sniffed_and_served_as_attachments(api: Api) -> None:
    editor = api.headers("ed")
    api.client.post("/api/v1/endorsements", json=BODY, headers=editor)
    url = "/api/v1/endorsements/op-1-gda/documents"
    for name, data in (
        ("letter.pdf", b"<html><script>alert(1)</script>"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("x.pdf", b"MZ\x90\x00binary"),
    ):
        refused = api.client.post(url, files={"file": (name, data)}, headers=editor)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["location"]["field"] == "document"
    too_big = api.client.post(
        url, files={"file": ("big.pdf", b"%PDF-" + b"0" * (10 * 2**20))}, headers=editor
    )
    assert too_big.status_code == 413
    member = api.client.post(
        url, files={"file": ("l.pdf", b"%PDF-1.7")}, headers=api.headers("mem")
    )
    assert member.status_code == 403
    done = api.client.post(
        url, files={"file": ('../"note"\r\nverbale.pdf', b"%PDF-1.7\n%%EOF")}, headers=editor
    )
    assert done.status_code == 201, done.text
    document = done.json()["documents"][0]
    assert document["type"] == "application/pdf"
    read = api.client.get(f"{url}/{document['id']}", headers=editor)
    assert read.content == b"%PDF-1.7\n%%EOF"
    assert read.headers["content-disposition"].startswith("attachment;")
    assert "\r" not in read.headers["content-disposition"]
    assert read.headers["x-content-type-options"] == "nosniff"
    assert read.headers["content-type"] == "application/pdf"
    assert api.client.get(f"{url}/{document['id']}").status_code == 401
    assert api.client.get(f"{url}/{document['id']}", headers=api.headers("mem")).status_code == 403
    assert api.client.get("/api/v1/endorsements/op-1-gda").json()["documents"] is None
