"""The REST API's behaviour: reads, paging, caching, submissions and review, targets, audit,
errors and limits. Authorisation has its own matrix (test_api_access.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api_world import SECRET, World, build_world, pending_file
from ictfootprint.api.app import create_app
from ictfootprint.api.guard import RateLimiter
from ictfootprint.api.settings import Settings
from ictfootprint.model import Entity, EntityKind

OP_A = "illustrative-op-a"


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    world = build_world(db_url)
    yield world
    world.store.close()


def error_of(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    return body["error"]  # type: ignore[no-any-return]


def test_observations_page_through_every_value_once(world: World) -> None:
    first = world.client.get("/api/v1/observations", params={"limit": 7}).json()
    total, seen, page = first["total"], [], first
    assert total == len(world.store.current_observations())
    while True:
        seen += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        page = world.client.get(page["next"]).json()
    assert len(seen) == len(set(seen)) == total


def test_filters(world: World) -> None:
    get = world.client.get
    fra = get("/api/v1/observations", params={"country": "FRA", "limit": 1000}).json()["items"]
    assert fra and {o["country"] for o in fra} == {"FRA"}
    # alpha-2 and numeric codes name the same country
    assert (
        get("/api/v1/observations", params={"country": "250", "limit": 1000}).json()["items"] == fra
    )
    africa = get("/api/v1/observations", params={"region": "ITU-AFR", "limit": 1000}).json()
    assert {o["country"] for o in africa["items"]} == {"KEN"}
    one = get(
        "/api/v1/observations",
        params={"entity": OP_A, "indicator": "energy_electricity", "year": 2021, "country": "FRA"},
    ).json()["items"]
    assert [(o["value"], o["unit"], o["method"]) for o in one] == [(118000.0, "MWh", "reported")]
    assert "illustrative" in one[0]["quality_flags"] and one[0]["source"].startswith("Illustrative")
    calculated = get("/api/v1/observations", params={"method": "calculated"}).json()
    assert calculated["total"] == 0  # nothing computed in this world yet


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"indicator": "ghg_scope9"}, 400, "indicator"),
        ({"country": "XYZ"}, 400, "country"),
        ({"region": "EU27"}, 400, "region"),
        ({"limit": 100_000}, 400, "limit"),
        ({"year": "twenty"}, 422, "year.0"),
        ({"method": "guessed"}, 422, "method.0"),
        ({"offset": -1}, 422, "offset"),
    ],
)
def test_bad_filters_say_which(
    world: World, query: dict[str, object], status: int, field: str
) -> None:
    response = world.client.get("/api/v1/observations", params=query)
    assert response.status_code == status
    assert error_of(response)["location"] == {"field": field}


def test_reads_carry_cache_headers_and_revalidate(world: World) -> None:
    client = world.client
    first = client.get("/api/v1/observations", params={"entity": OP_A, "year": 2024})
    tag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert first.json()["total"] == 0
    again = client.get(
        "/api/v1/observations",
        params={"year": 2024, "entity": OP_A},
        headers={"If-None-Match": tag},
    )
    assert again.status_code == 304 and again.content == b""
    # a reviewer accepts op-a's 2024 file: the cached answer is stale and is recomputed
    accept = client.post(
        f"/api/v1/submissions/{world.pending[OP_A]}/accept", headers=world.headers("rev-fra")
    )
    assert accept.status_code == 200 and accept.json()["written"] == 1
    after = client.get(
        "/api/v1/observations",
        params={"entity": OP_A, "year": 2024},
        headers={"If-None-Match": tag},
    )
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert [o["value"] for o in after.json()["items"]] == [SECRET]
    assert after.headers["cache-control"].startswith("public")
    private = client.get("/api/v1/me", headers=world.headers("sub-a"))
    assert private.headers["cache-control"] == "private, no-store"


def test_submit_review_and_audit(world: World) -> None:
    client, sub_a = world.client, world.headers("sub-a")
    bad = b"indicator,year,value,unit,country,source\nenergy_electricity,2024,-5,MWh,FRA,x\n"
    response = client.post(
        "/api/v1/submissions",
        headers=sub_a,
        data={"entity": OP_A},
        files={"file": ("bad.csv", bad)},
    )
    assert response.status_code == 201
    rejected = response.json()
    assert rejected["status"] == "rejected"
    finding = rejected["report"]["findings"][0]
    assert (finding["row"], finding["column"], finding["severity"]) == (2, "value", "error")

    good = pending_file(4321.5, 2025)
    response = client.post(
        "/api/v1/submissions",
        headers=sub_a,
        data={"entity": OP_A},
        files={"file": ("ok.csv", good)},
    )
    assert response.status_code == 201 and response.json()["status"] == "validated"
    submission = response.json()["submission"]
    assert response.headers["location"] == f"/api/v1/submissions/{submission}"
    again = client.post(
        "/api/v1/submissions",
        headers=sub_a,
        data={"entity": OP_A},
        files={"file": ("ok.csv", good)},
    )
    assert again.status_code == 200 and again.json()["identical_to"] == submission
    report = client.get(f"/api/v1/submissions/{submission}", headers=sub_a).json()
    assert report["status"] == "validated" and report["report"]["values"] == 1
    assert client.get(f"/api/v1/submissions/{submission}/file", headers=sub_a).content == good

    # not public until accepted
    assert "4321.5" not in client.get("/api/v1/observations?limit=1000").text
    review = client.post(
        f"/api/v1/submissions/{submission}/accept",
        headers=world.headers("rev-fra"),
        json={"comment": "matches the annual report"},
    )
    assert review.status_code == 200
    assert review.json()["submission"]["status"] == "accepted"
    public = client.get("/api/v1/observations", params={"entity": OP_A, "year": 2025}).json()
    assert [o["value"] for o in public["items"]] == [4321.5]
    twice = client.post(f"/api/v1/submissions/{submission}/accept", headers=world.headers("admin"))
    assert twice.status_code == 409

    audit = client.get("/api/v1/audit", headers=world.headers("admin"), params={"limit": 1000})
    rows = audit.json()["items"]
    # the audit names the local id (the store's) and the public one (the API's)
    submitted = next(
        r for r in rows if r["action"] == "submit" and r["detail"]["public_id"] == submission
    )
    accepted = next(
        r
        for r in rows
        if r["action"] == "accept"
        and r["object_id"] == submitted["object_id"]
        and r["detail"]["public_id"] == submission
    )
    assert submitted["actor"] == "api:sub-a" and accepted["actor"] == "api:rev-fra"
    assert submitted["origin"].startswith("testclient:")
    assert accepted["detail"]["comment"] == "matches the annual report"
    assert datetime.fromisoformat(accepted["at"]).tzinfo is not None
    only = client.get(
        "/api/v1/audit", headers=world.headers("admin"), params={"actor": "api:rev-fra"}
    ).json()
    assert only["items"] and {r["actor"] for r in only["items"]} == {"api:rev-fra"}


def test_reject_needs_a_reason(world: World) -> None:
    url = f"/api/v1/submissions/{world.pending[OP_A]}/reject"
    response = world.client.post(url, headers=world.headers("rev-fra"), json={})
    assert response.status_code == 422 and error_of(response)["location"] == {"field": "comment"}
    response = world.client.post(url, headers=world.headers("rev-fra"), json={"comment": "units"})
    assert response.json()["submission"]["status"] == "rejected"
    events = response.json()["submission"]["events"]
    assert events[-1]["comment"] == "units" and events[-1]["by"] == "api:rev-fra"


def test_targets(world: World) -> None:
    body = {
        "scope": "1+2-market",
        "base_year": 2020,
        "base_value": 15000,
        "target_year": 2030,
        "reduction_percent": 42,
        "status": "validated",
        "source": "SBTi target dashboard",
    }
    url = f"/api/v1/entities/{OP_A}/targets"
    created = world.client.post(url, headers=world.headers("sub-a"), json=body)
    assert created.status_code == 201
    assert created.json()["unit"] == "tCO2e"
    listed = world.client.get(url).json()
    assert [(t["scope"], t["reduction_percent"]) for t in listed] == [("1+2-market", 42.0)]
    for change, field in (
        ({"scope": "1+4"}, "scope"),
        ({"status": "promised"}, "status"),
        ({"target_year": 2019}, "target_year"),
        ({"reduction_percent": 140}, "reduction_percent"),
    ):
        response = world.client.post(url, headers=world.headers("sub-a"), json={**body, **change})
        assert response.status_code in (400, 422), change
        assert error_of(response)["location"] == {"field": field}


def test_tokens_that_do_not_work(world: World) -> None:
    get = world.client.get
    for header in ("Bearer ifp_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer "):
        response = get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"].startswith("Bearer")
    token = world.store.tokens("sub-b")[0]
    world.store.revoke_token(token.id)
    assert get("/api/v1/me", headers=world.headers("sub-b")).status_code == 401
    # a public read with a revoked token is refused too, not silently served as public
    assert get("/api/v1/indicators", headers=world.headers("sub-b")).status_code == 401
    issued = world.store.create_token("rev-ken", days=1)
    assert world.store.authenticate(issued.token) is not None
    assert world.store.authenticate(issued.token, at=datetime.now(UTC) + timedelta(days=2)) is None
    world.store.disable_user("rev-ken")
    assert get("/api/v1/me", headers={"Authorization": f"Bearer {issued.token}"}).status_code == 401


def test_openapi_documents_every_operation(world: World) -> None:
    schema = world.client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    operations = [(p, m) for p, ops in schema["paths"].items() for m in ops]
    assert len(operations) >= 20
    for path, method in operations:
        op = schema["paths"][path][method]
        assert op.get("summary") and op.get("description"), (path, method)
        assert "422" in op["responses"] and "429" in op["responses"], (path, method)


# limits -----------------------------------------------------------------------------------


def limited_client(world: World, **settings: object) -> TestClient:
    app = create_app(Settings.default(db=world.store.url, **settings), world.store)

    @app.get("/slow", include_in_schema=False)
    async def slow() -> dict[str, str]:
        await asyncio.sleep(5)
        return {"done": "late"}

    return TestClient(app)


def test_upload_size_limit(world: World) -> None:
    client = limited_client(world, max_upload_bytes=1024, rate_limit_per_minute=0)
    big = pending_file() + b"#" * 200_000
    before = len(world.store.submissions())
    response = client.post(
        "/api/v1/submissions",
        headers=world.headers("sub-a"),
        data={"entity": OP_A},
        files={"file": ("big.csv", big)},
    )
    assert response.status_code == 413 and "limit" in error_of(response)["message"]
    assert len(world.store.submissions()) == before
    large_json = client.post(
        f"/api/v1/entities/{OP_A}/targets",
        headers={**world.headers("sub-a"), "Content-Type": "application/json"},
        content=b'{"source": "' + b"x" * (2**20 + 10) + b'"}',
    )
    assert large_json.status_code == 413


def test_rate_limit_per_token(world: World) -> None:
    client = limited_client(world, rate_limit_per_minute=3)
    codes = [client.get("/api/v1/me", headers=world.headers("sub-a")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/me", headers=world.headers("sub-a"))
    assert int(refused.headers["retry-after"]) >= 1
    # another token has its own allowance
    assert client.get("/api/v1/me", headers=world.headers("admin")).status_code == 200


def test_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    assert all(limiter.take("k")[0] for _ in range(60))
    assert limiter.take("k")[0] is False
    now[0] += 1.0  # one request a second comes back
    assert limiter.take("k")[0] is True and limiter.take("k")[0] is False


def test_request_timeout(world: World) -> None:
    client = limited_client(world, request_timeout_seconds=0.2, rate_limit_per_minute=0)
    response = client.get("/slow")
    assert response.status_code == 503 and "time limit" in error_of(response)["message"]


def test_errors_never_show_a_traceback(world: World) -> None:
    for url in ("/api/v1/nothing", "/api/v1/observations?limit=abc", "/api/v1/entities/%00"):
        response = world.client.get(url)
        assert 400 <= response.status_code < 500
        assert "Traceback" not in response.text and set(response.json()) == {"error"}


def test_data_version_is_reread_after_a_while_or_a_local_write(world: World) -> None:
    from ictfootprint.api.cache import DataVersion

    now = [100.0]
    version = DataVersion(world.store, 1.0, clock=lambda: now[0])
    first = version.read()
    assert not version.stale()
    world.new_pending(OP_A)  # a write by this process: stale at once
    assert version.stale() and version.read() > first
    world.store.acting("api:x", "test").add_entity(  # a request's copy shares the counter
        Entity(id="another", name="Another", kind=EntityKind.COMPANY, country="KEN")
    )
    assert version.stale() and version.read() > first + 1
    now[0] += 0.5
    assert not version.stale()
    now[0] += 0.5  # another worker's write shows within the interval
    assert version.stale()
