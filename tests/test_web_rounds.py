"""The regulator's round page (in process): the acceptance round's statuses, counts, matrix
and gaps in six languages with no English left; the actions through the forms (CSRF); an
obliged operator sees its own row only; anyone else a 404."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ictfootprint.rounds import service
from rounds_world import OPERATORS, YEAR, Api, contacts, day, submit_answers
from web_text_check import english_left, visible_text

LANGS = ("en", "fr", "es", "ru", "zh", "ar")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    api = Api(f"sqlite:///{tmp_path_factory.mktemp('rounds') / 'web.db'}")
    record = service.create_round(
        api.store,
        custodian_id="arcep",
        name="Enquête annuelle 2026",
        year=YEAR,
        entity_ids=OPERATORS,
        opens_on=day(0),
        deadline=day(30),
        lang="fr",
        contacts=contacts(),
    )
    submit_answers(api.store)
    service.extend(api.store, record.id, "op-c", day(45), "new billing system")
    return api


def signed_in(api: Api, who: str) -> TestClient:
    client = TestClient(api.client.app)
    answer = client.post("/en/signin", data={"token": api.tokens[who]}, follow_redirects=False)
    assert answer.status_code == 303
    return client


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("lang", LANGS)
def test_the_round_page_in_six_languages(api: Api, lang: str) -> None:
    client = signed_in(api, "arcep-reviewer")
    answer = client.get(f"/{lang}/rounds/1", params={"at": day(33).isoformat()})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "private, no-store"
    page = answer.text
    assert 'id="feasibility-heading"' in page and 'id="gaps-heading"' in page
    assert page.count('class="status-accepted"') == 2
    assert page.count('class="status-overdue"') == 1
    assert page.count('class="status-extended"') == 1
    assert 'class="gap"' in page  # required indicators that no one reported come first
    assert "@" not in visible_text(page, lang)
    if lang != "en":
        assert english_left(visible_text(page, lang), lang) == []
    listing = client.get(f"/{lang}/rounds")
    assert listing.status_code == 200 and "/rounds/1" in listing.text


def test_an_obliged_operator_sees_its_own_row_only(api: Api) -> None:
    page = signed_in(api, "sub-d").get("/en/rounds/1").text
    assert "Operator D (test)" in page
    for other in ("Operator A", "Operator B", "Operator C"):
        assert other not in page
    assert 'id="feasibility-heading"' not in page
    assert signed_in(api, "rev-deu").get("/en/rounds/1").status_code == 404


def test_the_forms_run_the_round(api: Api) -> None:
    client = signed_in(api, "arcep-reviewer")
    token = csrf(client.get("/en/rounds/1").text)
    origin = {"Origin": "http://testserver"}
    early = client.post(
        "/en/rounds/1/extend",
        data={"csrf": token, "entity": "op-d", "until": day(5).isoformat()},
        headers=origin,
        follow_redirects=False,
    )
    assert early.status_code == 400
    assert "after the deadline" in early.text
    invited = client.post(
        "/en/rounds/1/invite", data={"csrf": token}, headers=origin, follow_redirects=False
    )
    assert invited.status_code == 303, invited.text
    invited_again = client.post(
        "/en/rounds/1/invite", data={"csrf": token}, headers=origin, follow_redirects=False
    )
    assert invited_again.status_code == 303
    events = service.get_round(api.store, 1).events
    assert sum(1 for e in events if e.status == "invited") == 4  # once each, pressed twice
    forged = client.post("/en/rounds/1/close", data={"csrf": "x"}, headers=origin)
    assert forged.status_code == 403
    report = client.get("/en/rounds/1/report.json", params={"at": day(33).isoformat()})
    assert report.json()["counts"] == {"accepted": 2, "overdue": 1, "extended": 1}
