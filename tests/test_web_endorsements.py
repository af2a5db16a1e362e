"""The register's public pages, in process: the list with its filters and counts per region
and objective, an endorser with its commitments' live progress, in English, Arabic and
Chinese, with the navigation entry; hostile names come out as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind, Role, Target
from ictfootprint.portal import endorsements as register
from ictfootprint.store import Store

HEADER = "indicator,year,value,unit,method,source,comment\n"


@pytest.fixture
def site(tmp_path: object) -> Iterator[tuple[Store, TestClient]]:
    url = f"sqlite:///{tmp_path}/web.db"
    store = Store.open(url, actor="editor")
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))
    result = submit(
        store,
        (
            HEADER + "ghg_s1s2_market,2020,1000,t CO2e,reported,R,\n"
            "ghg_s1s2_market,2024,800,t CO2e,reported,R,\n"
        ).encode(),
        "a.csv",
        "op-1",
    )
    store.accept_submission(result.submission_id, "ok")
    target = store.add_target(
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
    register.add_endorsement(
        store,
        endorsement_id="op-1-gda",
        kind="company",
        name="Operator One <script>alert(1)</script>",
        country="FRA",
        endorsed_on=date(2024, 11, 16),
        channel="letter",
        objectives=["gda-1", "gda-3"],
        entity_id="op-1",
    )
    register.add_endorsement(
        store,
        endorsement_id="gov-ken",
        kind="government",
        name="Kenya",
        country="KEN",
        endorsed_on=date(2024, 11, 15),
        channel="note verbale",
        objectives=["gda-2"],
    )
    register.add_commitment(
        store,
        "op-1-gda",
        objective_id="gda-3",
        description="−42 % by 2030",
        indicator_id="ghg_s1s2_market",
        target_id=target,
    )
    app = create_app(Settings.default(db=url, rate_limit_per_minute=0), store)
    yield store, TestClient(app)
    store.close()


def test_list_page_counts_and_filters(site: tuple[Store, TestClient]) -> None:
    _store, client = site
    page = client.get("/en/endorsements")
    assert page.status_code == 200
    html = page.text
    assert 'href="/en/endorsements" aria-current="page"' in html
    assert "2 endorsements" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "Objective 3" in html and "not yet recorded here" in html
    africa = client.get("/en/endorsements", params={"region": "ITU-AFR"}).text
    assert "Kenya" in africa and "Operator One" not in africa
    assert client.get("/en/endorsements", params={"objective": "gda-9"}).status_code == 404
    assert client.get("/en/endorsements", params={"kind": "person"}).status_code == 404


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_endorser_page_shows_live_progress(site: tuple[Store, TestClient], lang: str) -> None:
    store, client = site
    html = client.get(f"/{lang}/endorsements/op-1-gda").text
    assert "47.6" in html or "47٫6" in html  # 20 % achieved of 42 % promised
    if lang == "ar":
        assert 'dir="rtl"' in html
    result = submit(
        store, (HEADER + "ghg_s1s2_market,2025,900,t CO2e,reported,R,\n").encode(), "b.csv", "op-1"
    )
    store.accept_submission(result.submission_id, "ok")
    after = client.get(f"/{lang}/endorsements/op-1-gda").text
    assert "23.8" in after or "23٫8" in after
    assert client.get(f"/{lang}/endorsements/nobody").status_code == 404


def _signed_in(client: TestClient, store: Store, name: str, role: Role) -> tuple[TestClient, str]:
    store.add_user(name, role)
    token = store.create_token(name, label="browser").token
    browser = TestClient(client.app)
    answer = browser.post("/en/signin", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303
    page = browser.get("/en/endorsements/new")
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    return browser, found.group(1) if found else ""


def test_editors_desk_records_attaches_and_withdraws(site: tuple[Store, TestClient]) -> None:
    store, client = site
    assert client.get("/en/endorsements/new").status_code == 401
    member, _ = _signed_in(client, store, "mem", Role.MEMBER)
    assert member.get("/en/endorsements/new").status_code == 403
    editor, csrf = _signed_in(client, store, "ed", Role.EDITOR)
    form = {
        "id": "gov-jpn",
        "name": "Japan",
        "kind": "government",
        "country": "JPN",
        "endorsed_on": "2024-11-16",
        "channel": "letter",
        "objective": ["gda-1", "gda-2"],
    }
    no_csrf = editor.post("/en/endorsements/new", data=form)
    assert no_csrf.status_code == 403
    hostile = editor.post(
        "/en/endorsements/new",
        data={**form, "csrf": csrf},
        files={"file": ("letter.pdf", b"<svg onload=alert(1)>")},
    )
    assert hostile.status_code == 400 and "Nothing was stored" in hostile.text
    assert [r.id for r in register.list_endorsements(store, kind="government")] == ["gov-ken"]
    done = editor.post(
        "/en/endorsements/new",
        data={**form, "csrf": csrf},
        files={"file": ("letter.pdf", b"%PDF-1.7\n%%EOF")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    record = register.get_endorsement(store, "gov-jpn")
    assert record.revisions[-1].recorded_by == "web:ed"
    document = editor.get(f"/en/endorsements/gov-jpn/documents/{record.documents[0].id}")
    assert document.headers["x-content-type-options"] == "nosniff"
    assert document.headers["content-disposition"].startswith("attachment;")
    assert (
        member.get(f"/en/endorsements/gov-jpn/documents/{record.documents[0].id}").status_code
        == 403
    )
    gone = editor.post(
        "/en/endorsements/gov-jpn/withdraw",
        data={"reason": "letter of 2025-03-01", "csrf": csrf},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert register.get_endorsement(store, "gov-jpn").current.state == "withdrawn"
