"""The knowledge exchange's pages (in process): live figures, forms with CSRF, own edits only,
the workflow from the browser's side, the portal's links."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Entity, EntityKind, Method, Observation, Role
from ictfootprint.store import Store

ORIGIN = {"origin": "http://testserver"}


class Site:
    def __init__(self, store: Store, client: TestClient, tokens: dict[str, str]) -> None:
        self.store, self.client, self.tokens = store, client, tokens

    def sign_in(self, who: str | None) -> None:
        self.client.cookies.clear()
        if who:
            self.client.cookies.set("ifp_session", self.tokens[who])

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(path).text)
        assert found, path
        return found.group(1)

    def post(self, path: str, form: dict[str, str], csrf_from: str) -> int:
        data = {"csrf": self.csrf(csrf_from), **form}
        answer = self.client.post(path, data=data, headers=ORIGIN, follow_redirects=False)
        return answer.status_code

    def accept(self, value: float) -> None:
        self.store.record_observations(
            [
                Observation(
                    entity_id="op-1", indicator_id="energy_electricity", year=2023, value=value,
                    unit="MWh", method=Method.REPORTED, source="annual report", country="FRA",
                )
            ]
        )  # fmt: skip


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    store = Store.open(db_url, actor="test")
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))
    tokens = {}
    for name, role in (("alice", Role.MEMBER), ("bob", Role.MEMBER), ("eve", Role.EDITOR)):
        store.add_user(name, role)
        tokens[name] = store.create_token(name, label="tests").token
    app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0), store)
    with TestClient(app) as client:
        yield Site(store, client, tokens)
    store.close()


def _write_and_publish(site: Site) -> str:
    site.sign_in("alice")
    form = {
        "text_lang": "fr",
        "title": "Sobriété énergétique",
        "body": "Les sites consomment moins.",
        "country": "fra",
        "figures": "op-1:FRA, energy_electricity, 2023, après travaux",
    }
    answer = site.client.post(
        "/fr/cases/new",
        data={"csrf": site.csrf("/fr/cases/new"), **form},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    case_path = answer.headers["location"]
    assert site.post(f"{case_path}/submit", {}, case_path) == 303
    site.sign_in("eve")
    assert site.post(f"{case_path}/publish", {}, case_path) == 303
    site.sign_in(None)
    return case_path


def test_a_case_study_shows_the_stores_live_figure(site: Site) -> None:
    site.accept(1200.0)
    case_path = _write_and_publish(site)
    assert "1\u202f200,00" in site.client.get(case_path).text
    site.accept(900.0)  # a new accepted revision: the page reads it, not a copy
    page = site.client.get(case_path).text
    assert "900,00" in page and "1\u202f200,00" not in page


def test_a_member_cannot_edit_another_members_case_study(site: Site) -> None:
    case_path = _write_and_publish(site)
    site.sign_in("bob")
    assert site.client.get(f"{case_path}/edit").status_code == 403
    form = {"text_lang": "fr", "title": "Volé"}
    assert site.post(f"{case_path}/edit", form, "/fr/cases/new") == 403
    assert "Sobriété énergétique" in site.client.get(case_path).text


def test_forms_refuse_a_missing_csrf_value(site: Site) -> None:
    site.sign_in("alice")
    answer = site.client.post(
        "/en/cases/new", data={"text_lang": "en", "title": "x"}, headers=ORIGIN
    )
    assert answer.status_code == 403
    assert site.client.get("/api/v1/cases/mine", headers={
        "Authorization": f"Bearer {site.tokens['alice']}"}).json()["total"] == 0  # fmt: skip


def test_a_bad_linked_figure_is_one_line_naming_the_row(site: Site) -> None:
    site.sign_in("alice")
    form = {"text_lang": "en", "title": "x", "figures": "op-1, energy_electricity, soon"}
    answer = site.client.post(
        "/en/cases/new",
        data={"csrf": site.csrf("/en/cases/new"), **form},
        headers=ORIGIN,
    )
    assert answer.status_code == 400
    assert "a linked figure is not" in answer.text and "figures" in answer.text


def test_the_editor_returns_with_comments_the_author_reads_them(site: Site) -> None:
    site.sign_in("alice")
    answer = site.client.post(
        "/en/cases/new",
        data={"csrf": site.csrf("/en/cases/new"), "text_lang": "en", "title": "Draft"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    case_path = answer.headers["location"]
    assert site.client.get(case_path.replace("/en/", "/fr/")).status_code == 200  # author
    site.sign_in(None)
    assert site.client.get(case_path).status_code == 404  # never published
    site.sign_in("alice")
    assert site.post(f"{case_path}/submit", {}, case_path) == 303
    site.sign_in("bob")
    assert site.post(f"{case_path}/publish", {}, "/en/cases/new") == 404  # not his, not public
    site.sign_in("eve")
    assert site.post(f"{case_path}/return", {"comment": "Add figures."}, case_path) == 303
    site.sign_in("alice")
    assert "Add figures." in site.client.get(case_path).text
    actions = [r["action"] for r in site.store.audit_page(limit=10, object_type="case_study")[1]]
    assert actions[:3] == ["case-returned", "case-review", "case-create"]


def test_the_portal_links_cases_forum_search_and_feed(site: Site) -> None:
    page = site.client.get("/ar/portal").text
    for link in (
        'href="/ar/cases"',
        'href="/ar/forum"',
        'href="/ar/search"',
        "/feeds/cases.atom?lang=ar",
    ):
        assert link in page
    assert 'href="/ar/portal" aria-current="page"' in page  # the main navigation's entry
