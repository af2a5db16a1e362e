"""Case studies and search through the API: roles, workflow, errors' shape, files, feed."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Role
from ictfootprint.store import Store

USERS = {"alice": Role.MEMBER, "bob": Role.MEMBER, "eve": Role.EDITOR}
CASE = {
    "lang": "fr",
    "title": "Électricité renouvelable <script>alert(1)</script>",
    "summary": "Un opérateur achète de l'électricité verte.",
    "body": "Contrat d'achat d'électricité. <img src=x onerror=alert(1)>",
    "country": "FRA",
    "subsector": "telecom",
}


class Api:
    def __init__(self, store: Store, client: TestClient, tokens: dict[str, str]) -> None:
        self.store, self.client, self.tokens = store, client, tokens

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    store = Store.open(db_url, actor="test")
    tokens = {}
    for name, role in USERS.items():
        store.add_user(name, role)
        tokens[name] = store.create_token(name, label="tests").token
    app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0), store)
    with TestClient(app) as client:
        yield Api(store, client, tokens)
    store.close()


def _published(api: Api, body: dict[str, object] = CASE) -> str:
    created = api.client.post("/api/v1/cases", json=body, headers=api.as_("alice"))
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    assert (
        api.client.post(f"/api/v1/cases/{case_id}/submit", headers=api.as_("alice")).status_code
        == 200
    )
    assert (
        api.client.post(f"/api/v1/cases/{case_id}/publish", headers=api.as_("eve")).status_code
        == 200
    )
    return str(case_id)


def test_the_public_reads_only_published_case_studies(api: Api) -> None:
    draft = api.client.post("/api/v1/cases", json=CASE, headers=api.as_("alice")).json()["id"]
    assert api.client.get(f"/api/v1/cases/{draft}").status_code == 404
    assert api.client.get(f"/api/v1/cases/{draft}", headers=api.as_("bob")).status_code == 404
    assert (
        api.client.get(f"/api/v1/cases/{draft}", headers=api.as_("eve")).json()["status"] == "draft"
    )
    case_id = _published(api)
    listed = api.client.get("/api/v1/cases").json()
    assert [c["id"] for c in listed["items"]] == [case_id]
    assert listed["items"][0]["status"] is None and listed["items"][0]["latest"] is None


def test_roles_write_what_they_may(api: Api) -> None:
    assert api.client.post("/api/v1/cases", json=CASE).status_code == 401
    case_id = api.client.post("/api/v1/cases", json=CASE, headers=api.as_("alice")).json()["id"]
    api.client.post(f"/api/v1/cases/{case_id}/submit", headers=api.as_("alice"))
    refused = api.client.post(f"/api/v1/cases/{case_id}/publish", headers=api.as_("alice"))
    assert refused.status_code == 403 and set(refused.json()) == {"error"}
    assert api.client.get("/api/v1/cases/queue", headers=api.as_("bob")).status_code == 403
    queue = api.client.get("/api/v1/cases/queue", headers=api.as_("eve")).json()
    assert [c["id"] for c in queue["items"]] == [case_id]
    returned = api.client.post(
        f"/api/v1/cases/{case_id}/return", json={"comment": "Sources?"}, headers=api.as_("eve")
    )
    assert returned.json()["status"] == "returned" and returned.json()["comment"] == "Sources?"


def test_a_member_cannot_edit_another_members_published_case(api: Api) -> None:
    case_id = _published(api)
    answer = api.client.post(f"/api/v1/cases/{case_id}/versions", json=CASE, headers=api.as_("bob"))
    assert answer.status_code == 403
    assert answer.json()["error"]["message"].startswith(f"case study {case_id} is another")
    again = api.client.post(
        f"/api/v1/cases/{case_id}/versions", json={**CASE, "lang": "ar", "title": "الطاقة"},
        headers=api.as_("alice"),
    )  # fmt: skip
    assert again.status_code == 201 and set(again.json()["latest"]) == {"fr", "ar"}


def test_bad_input_is_a_422_naming_the_field(api: Api) -> None:
    answer = api.client.post(
        "/api/v1/cases", json={**CASE, "country": "France"}, headers=api.as_("alice")
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["location"] == {"field": "country"}
    assert api.client.get("/api/v1/cases/short").status_code == 422


def test_search_finds_published_cases_with_or_without_accents(api: Api) -> None:
    case_id = _published(api)
    for query in ("électricité", "electricite", "ÉLECTRICITÉ verte"):
        found = api.client.get("/api/v1/search", params={"q": query}).json()
        assert [h["ref"] for h in found["items"]] == [case_id], query
    hit = api.client.get("/api/v1/search", params={"q": "onerror"}).json()["items"][0]
    assert "<img" not in hit["snippet"] and "&lt;img src=x <mark>onerror</mark>" in hit["snippet"]
    assert (
        api.client.get("/api/v1/search", params={"q": "verte", "country": "KEN"}).json()["total"]
        == 0
    )


def test_attachments_are_typed_served_as_downloads_and_hostile_ones_refused(api: Api) -> None:
    case_id = _published(api)
    url = f"/api/v1/cases/{case_id}/attachments"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    refused = api.client.post(url, files={"file": ("chart.svg", svg)}, headers=api.as_("alice"))
    assert refused.status_code == 400
    assert refused.json()["error"]["location"] == {"file": "chart.svg", "field": "file"}
    wrong = api.client.post(
        url, files={"file": ("data.pdf", b"a,b\n1,2\n")}, headers=api.as_("alice")
    )
    assert wrong.status_code == 400
    big = api.client.post(
        url, files={"file": ("big.txt", b"a" * (5 * 1024 * 1024 + 1))}, headers=api.as_("alice")
    )
    assert big.status_code == 413
    added = api.client.post(
        url, files={"file": ("données.csv", b"a,b\n1,2\n")}, headers=api.as_("alice")
    )
    assert added.status_code == 201, added.text
    served = api.client.get(added.json()["url"])
    assert served.content == b"a,b\n1,2\n"
    assert served.headers["content-type"].startswith("text/csv")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("attachment;")


def test_posting_too_often_is_429(api: Api) -> None:
    from ictfootprint.portal.cases import POSTS_PER_HOUR

    for _ in range(POSTS_PER_HOUR):
        api.client.post("/api/v1/cases", json=CASE, headers=api.as_("bob"))
    answer = api.client.post("/api/v1/cases", json=CASE, headers=api.as_("bob"))
    assert answer.status_code == 429 and answer.headers["retry-after"] == "3600"


def test_the_feed_is_valid_atom_and_escapes_what_members_wrote(api: Api) -> None:
    case_id = _published(api)
    answer = api.client.get("/feeds/cases.atom", params={"lang": "fr"})
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(answer.content)
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = feed.findall(f"{atom}entry")
    assert entry.findtext(f"{atom}title") == CASE["title"]
    assert entry.find(f"{atom}link").get("href") == f"/fr/cases/{case_id}"  # type: ignore[union-attr]
    assert feed.findtext(f"{atom}updated") and feed.findtext(f"{atom}id")
    empty = ElementTree.fromstring(api.client.get("/feeds/cases.atom?lang=zh").content)
    assert empty.findall(f"{atom}entry") == []
