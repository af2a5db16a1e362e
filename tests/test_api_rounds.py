"""``/api/v1/custodians…`` and ``/api/v1/rounds…``: the acceptance round through the API, who
may see and do what (an obliged entity sees its own status only, never an address), and bad
input in the one error shape with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from ictfootprint.mail import outbox
from ictfootprint.rounds import service
from rounds_world import (
    OPERATORS,
    YEAR,
    Api,
    contacts,
    day,
    smtp_server,
    submit_answers,
)

ROUND = {
    "custodian": "arcep",
    "name": "Enquête 2026",
    "year": YEAR,
    "opens_on": day(0).isoformat(),
    "deadline": day(30).isoformat(),
    "entities": list(OPERATORS),
    "lang": "fr",
    "contacts": contacts(),
}


@pytest.fixture
def api(db_url: str) -> Api:
    return Api(db_url)


def test_the_acceptance_round_through_the_api(api: Api) -> None:
    created = api.call("POST", "/api/v1/rounds", "arcep-reviewer", json=ROUND)
    assert created.status_code == 201, created.text
    assert created.headers["Cache-Control"] == "private, no-store"
    path = created.headers["Location"]
    with smtp_server() as (inbox, smtp_url):
        invited = api.call("POST", f"{path}/invite", "arcep-reviewer")
        assert invited.json()["queued"] == 4
        assert api.call("POST", f"{path}/invite", "arcep-reviewer").json()["queued"] == 0
        submit_answers(api.store)
        extended = api.call(
            "POST",
            f"{path}/respondents/op-c/extension",
            "arcep-reviewer",
            json={"until": day(45).isoformat(), "reason": "new billing system"},
        )
        assert extended.status_code == 201, extended.text
        reminded = api.call(
            "POST", f"{path}/remind", "arcep-reviewer", json={"at": day(33).isoformat()}
        )
        assert [i["entity"] for i in reminded.json()["items"]] == ["op-d"]
        outbox.deliver(api.store, smtp_url)
    assert len(inbox.received) == 5
    assert "http://testserver/fr/r/ifl_" in inbox.received[0].get_content()
    report = api.call("GET", f"{path}/report", "arcep-reviewer", params={"at": day(33).isoformat()})
    assert report.status_code == 200, report.text
    assert report.json()["counts"] == {"accepted": 2, "overdue": 1, "extended": 1}
    assert report.json()["feasibility"]["matrix"][0]["never_reported_required"] is True
    assert "@" not in report.text

    # op-d sees its own status, and no other's, no address, not how many are obliged
    own = api.call("GET", path, "sub-d", params={"at": day(33).isoformat()})
    assert own.status_code == 200
    assert [r["entity"] for r in own.json()["respondents"]] == ["op-d"]
    assert own.json()["respondents"][0]["status"] == "overdue"
    assert own.json()["round"]["obliged"] is None
    assert "op-a" not in own.text and "@" not in own.text
    assert api.call("GET", f"{path}/report", "sub-d").status_code == 403
    listed = api.call("GET", "/api/v1/rounds", "sub-d").json()
    assert [r["id"] for r in listed["items"]] == [int(path.rsplit("/", 1)[1])]
    # its first look is recorded as "opened"
    timeline = [t["status"] for t in own.json()["respondents"][0]["timeline"]]
    assert "opened" in timeline


def test_who_may_see_and_run_a_round(api: Api) -> None:
    path = api.call("POST", "/api/v1/rounds", "admin", json=ROUND).headers["Location"]
    # a reviewer of another country does not see it: 404, as if it did not exist
    assert api.call("GET", path, "rev-deu").status_code == 404
    assert api.call("GET", "/api/v1/rounds/999", "admin").status_code == 404
    assert api.call("GET", "/api/v1/rounds", "rev-deu").json()["total"] == 0
    forbidden = api.call("POST", "/api/v1/rounds", "rev-deu", json=ROUND)
    assert forbidden.status_code == 403
    assert api.call("POST", f"{path}/close", "sub-d", json={}).status_code == 403
    # addresses: the focal point's for those who run the custodian's rounds only
    mine = api.call("GET", "/api/v1/custodians/arcep", "arcep-reviewer").json()
    assert mine["focal_points"][0]["email"] == "focal@arcep.example"
    other = api.call("GET", "/api/v1/custodians/arcep", "rev-deu").json()
    assert "email" not in other["focal_points"][0]
    assert api.client.get("/api/v1/rounds").status_code == 401
    # the remit widens the focal point's review: op-a is in FRA, the reviewer's country is BEL
    me = api.store.user("arcep-reviewer")
    assert "op-a" in me.remit


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"custodian": "nobody"}, 403, "may not run"),
        ({"entities": ["op-a", "op-zz"]}, 400, "unknown entity"),
        ({"deadline": day(-5).isoformat()}, 400, "deadline is not after"),
        ({"year": 1200}, 422, "year"),
        ({"rule": "turnover is big", "entities": []}, 400, "unreadable condition"),
    ],
)
def test_bad_rounds_are_refused_and_nothing_is_stored(
    api: Api, change: dict[str, Any], status: int, message: str
) -> None:
    answer = api.call(
        "POST",
        "/api/v1/rounds",
        "admin" if status != 403 else "arcep-reviewer",
        json={**ROUND, **change},
    )
    assert answer.status_code == status, answer.text
    assert message in answer.json()["error"]["message"] + str(
        answer.json()["error"].get("location")
    )
    assert service.list_rounds(api.store) == []


def test_bad_exemption_and_extension(api: Api) -> None:
    path = api.call("POST", "/api/v1/rounds", "admin", json=ROUND).headers["Location"]
    no_reason = api.call(
        "POST", f"{path}/respondents/op-a/exemption", "admin", json={"reason": " "}
    )
    assert no_reason.status_code == 400 and "needs a reason" in no_reason.json()["error"]["message"]
    early = api.call(
        "POST", f"{path}/respondents/op-a/extension", "admin", json={"until": day(10).isoformat()}
    )
    assert early.status_code == 400
    assert early.json()["error"]["location"]["field"] == "until"
    assert api.call("POST", f"{path}/close", "admin", json={}).status_code == 201
    closed = api.call("POST", f"{path}/respondents/op-a/exemption", "admin", json={"reason": "x"})
    assert closed.status_code == 409
    assert [e.status for e in service.get_round(api.store, 1).events] == ["closed"]


def test_a_focal_point_reviews_its_custodians_remit(api: Api) -> None:
    """The reviewer's country is BEL; ARCEP's remit (the round's operators, in FRA) is its to
    review through the custodian, and no one else's."""
    from ictfootprint.collection.service import submit
    from rounds_world import GOOD

    before = submit(api.store, GOOD.encode(), "a.csv", "op-a")
    assert (
        api.call("GET", f"/api/v1/submissions/{before.public_id}", "arcep-reviewer").status_code
        == 404
    )
    api.call("POST", "/api/v1/rounds", "admin", json=ROUND)
    seen = api.call("GET", f"/api/v1/submissions/{before.public_id}", "arcep-reviewer")
    assert seen.status_code == 200, seen.text
    assert api.call("GET", f"/api/v1/submissions/{before.public_id}", "rev-deu").status_code == 404
