"""The API under abuse, in process (issue 13): names that break headers, targets that point
at other entities' targets, floods of invalid tokens, login CSRF, foreign Host headers, and
requests that the schema documents but the server refused (empty filters, unpaged lists).
Each test is named after the defect it found.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api_world import World, build_world, pending_file
from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.collection.service import submit

OP_A = "illustrative-op-a"
OP_B = "illustrative-op-b"
TARGET = {
    "scope": "1+2-market",
    "base_year": 2020,
    "base_value": 15000,
    "target_year": 2030,
    "reduction_percent": 42,
    "status": "validated",
    "source": "SBTi target dashboard",
}


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    world = build_world(db_url)
    yield world
    world.store.close()


def error_of(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    return body["error"]  # type: ignore[no-any-return]


class Clock:
    """The limiter's clock, moved by the test: no sleeps, no timing."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limited_world(db_url: str, per_minute: int = 600) -> tuple[World, Clock]:
    world = build_world(db_url)
    app = create_app(Settings.default(db=db_url, rate_limit_per_minute=per_minute), world.store)
    clock = Clock()
    app.state.limiter.clock = clock
    world.client = TestClient(app)
    return world, clock


# item 6 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "ascii_name"),
    [
        ("données—😀.csv", "donnees__.csv"),
        ('say "hi".csv', "say _hi_.csv"),
        ("evil\r\nSet-Cookie: x=1.csv", "evilSet-Cookie_ x_1.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("a/b\\c.csv", "c.csv"),
        ("..", None),
    ],
)
def test_a_file_name_outside_ascii_or_with_quotes_downloads_instead_of_500(
    world: World, name: str, ascii_name: str | None
) -> None:
    result = submit(world.store, pending_file(), name, OP_A)
    response = world.client.get(
        f"/api/v1/submissions/{result.public_id}/file", headers=world.headers("sub-a")
    )
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "set-cookie" not in response.headers
    assert disposition.startswith("attachment; filename=")
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and "/" not in fallback and "\\" not in fallback
    assert not fallback.startswith(".")
    if ascii_name is not None:
        assert fallback == ascii_name
    if not name.isascii():
        assert f"filename*=UTF-8''{quote('données—😀.csv', safe='')}" in disposition


def test_an_upload_named_in_unicode_is_stored_and_downloaded(world: World) -> None:
    name = "données—😀.csv"
    content = pending_file()
    created = world.client.post(
        "/api/v1/submissions",
        headers=world.headers("sub-a"),
        data={"entity": OP_A},
        files={"file": (name, content, "text/csv")},
    )
    assert created.status_code == 201, created.text
    response = world.client.get(
        f"/api/v1/submissions/{created.json()['submission']}/file", headers=world.headers("sub-a")
    )
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-disposition"].endswith("filename*=UTF-8''" + quote(name))


# item 7 -------------------------------------------------------------------------------------
def test_a_target_superseding_one_that_does_not_exist_is_404_not_500(world: World) -> None:
    url = f"/api/v1/entities/{OP_A}/targets"
    response = world.client.post(
        url, headers=world.headers("sub-a"), json={**TARGET, "supersedes": 999999}
    )
    assert response.status_code == 404, response.text
    error = error_of(response)
    assert error["message"] == "no target 999999 to supersede (field supersedes)"
    assert all(t["source"] != TARGET["source"] for t in world.client.get(url).json())


def test_a_target_cannot_supersede_another_entitys_target(world: World) -> None:
    other = world.client.post(
        f"/api/v1/entities/{OP_B}/targets", headers=world.headers("sub-b"), json=TARGET
    )
    assert other.status_code == 201
    before = world.client.get(f"/api/v1/entities/{OP_B}/targets").json()
    response = world.client.post(
        f"/api/v1/entities/{OP_A}/targets",
        headers=world.headers("sub-a"),
        json={**TARGET, "supersedes": other.json()["id"]},
    )
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["location"] == {"field": "supersedes"}
    assert OP_B in str(error["found"])
    # the other entity's target is still current
    assert world.client.get(f"/api/v1/entities/{OP_B}/targets").json() == before
    # one of its own is fine
    own = world.client.post(
        f"/api/v1/entities/{OP_A}/targets", headers=world.headers("sub-a"), json=TARGET
    )
    revised = world.client.post(
        f"/api/v1/entities/{OP_A}/targets",
        headers=world.headers("sub-a"),
        json={**TARGET, "reduction_percent": 50, "supersedes": own.json()["id"]},
    )
    assert revised.status_code == 201


# item 8 (in process; the keep-alive part runs against a real server in test_api_errors.py) ---
def test_an_unexpected_exception_is_answered_in_the_error_shape_with_security_headers(
    world: World,
) -> None:
    app = create_app(Settings.default(db="sqlite://", rate_limit_per_minute=0), world.store)

    @app.get("/boom")
    def boom() -> None:
        raise ZeroDivisionError("secret detail")

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert error_of(response) == {
        "status": 500,
        "message": "the server could not complete this request",
    }
    assert "secret detail" not in response.text and "Traceback" not in response.text


# item 16 ------------------------------------------------------------------------------------
def test_2000_invalid_tokens_are_rate_limited_on_the_address(db_url: str) -> None:
    world, _clock = limited_world(db_url, per_minute=600)
    lookups = Counter[str]()
    authenticate = world.store.authenticate

    def counted(token: str, **kwargs: object) -> object:
        lookups["db"] += 1
        return authenticate(token, **kwargs)  # type: ignore[arg-type]

    world.store.authenticate = counted  # type: ignore[method-assign]
    statuses = Counter[int]()
    for _ in range(2000):
        garbage = "ifp_" + secrets.token_urlsafe(32)
        response = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {garbage}"})
        statuses[response.status_code] += 1
    world.store.close()
    assert statuses[429] >= 1000, statuses
    assert statuses[401] <= 600, statuses
    assert lookups["db"] <= 600, lookups
    assert set(statuses) == {401, 429}


def test_junk_authorization_headers_count_on_the_address(db_url: str) -> None:
    world, clock = limited_world(db_url, per_minute=600)
    statuses = Counter[int]()
    for number in range(1000):
        response = world.client.get("/en/explore", headers={"Authorization": f"X {number}"})
        statuses[response.status_code] += 1
    assert statuses[429] >= 300, statuses
    # a minute later the address may read again
    clock.now += 60
    assert world.client.get("/api/v1/indicators").status_code == 200
    world.store.close()


def test_a_valid_token_has_its_own_bucket(db_url: str) -> None:
    world, _clock = limited_world(db_url, per_minute=10)
    for _ in range(10):
        assert world.client.get("/api/v1/indicators").status_code == 200
    assert world.client.get("/api/v1/indicators").status_code == 429
    # the address is spent, the token is not
    response = world.client.get("/api/v1/me", headers=world.headers("sub-a"))
    assert response.status_code == 200, response.text
    world.store.close()


# item 18 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/login-csrf.html"},
    ],
)
def test_a_cross_origin_sign_in_sets_no_cookie(world: World, headers: dict[str, str]) -> None:
    response = world.client.post(
        "/en/signin",
        data={"token": world.tokens["sub-a"]},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 403, response.text
    assert "set-cookie" not in response.headers
    assert "ifp_session" not in world.client.cookies


def test_a_same_origin_sign_in_works(world: World) -> None:
    response = world.client.post(
        "/en/signin",
        data={"token": world.tokens["sub-a"]},
        headers={"Origin": "http://testserver", "Referer": "http://testserver/en/signin"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "ifp_session" in response.headers["set-cookie"]


# item 19 ------------------------------------------------------------------------------------
def test_a_foreign_host_header_is_refused_in_the_error_shape(world: World) -> None:
    settings = Settings.default(db="sqlite://", rate_limit_per_minute=0)
    app = create_app(settings.replace(allowed_hosts="ictfootprint.example,localhost"), world.store)
    client = TestClient(app, base_url="http://ictfootprint.example")
    assert client.get("/api/v1/indicators").status_code == 200
    assert client.get("/api/v1/indicators", headers={"Host": "localhost:8000"}).status_code == 200
    for host in ("evil.example", "ictfootprint.example.evil.example", ""):
        response = client.get("/api/v1/indicators", headers={"Host": host})
        assert response.status_code == 400, host
        assert error_of(response)["message"] == "this server does not answer for this host name"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_default_allowed_hosts_are_the_bind_address_and_loopback() -> None:
    from ictfootprint.cli.serve import default_allowed_hosts as hosts

    assert hosts(Settings.default(), "127.0.0.1") == "127.0.0.1,localhost,[::1]"
    assert hosts(Settings.default(), "10.0.0.5") == "10.0.0.5,localhost,127.0.0.1,[::1]"
    assert hosts(Settings.default(), "::1") == "[::1],localhost,127.0.0.1"
    configured = Settings.default(allowed_hosts="data.example.org")
    assert hosts(configured, "10.0.0.5") == "data.example.org"


# item 20 and issue 12 -----------------------------------------------------------------------
def test_empty_query_parameters_mean_no_filter(world: World) -> None:
    everything = world.client.get("/api/v1/observations", params={"limit": 1000}).json()
    empty = world.client.get(
        "/api/v1/observations?year=&method=&country=&entity=&indicator=&region=&limit=1000"
    )
    assert empty.status_code == 200, empty.text
    assert empty.json()["total"] == everything["total"]
    export = world.client.get("/api/v1/exports/observations?year=&method=&format=csv")
    assert export.status_code == 200, export.text
    assert export.text == world.client.get("/api/v1/exports/observations").text
    # an empty one beside a real one: the real one filters
    one = world.client.get("/api/v1/observations?year=&year=2021&limit=1000").json()
    assert {o["year"] for o in one["items"]} == {2021}


def test_indicators_are_paged_like_every_list(world: World) -> None:
    first = world.client.get("/api/v1/indicators", params={"limit": 2}).json()
    assert set(first) == {"total", "limit", "offset", "next", "items"}
    assert len(first["items"]) == 2 and first["total"] > 2
    assert first["next"] == "/api/v1/indicators?limit=2&offset=2"
    seen, page = [], first
    while True:
        seen += [i["id"] for i in page["items"]]
        if page["next"] is None:
            break
        page = world.client.get(page["next"]).json()
    assert len(seen) == len(set(seen)) == first["total"]


def test_a_page_larger_than_the_limit_is_refused_by_the_schema_too(world: World) -> None:
    schema = world.client.get("/openapi.json").json()
    for path in ("/api/v1/observations", "/api/v1/entities", "/api/v1/indicators"):
        limit = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "limit")
        assert limit["schema"]["anyOf"][0]["maximum"] == 1000, path
        response = world.client.get(path, params={"limit": 1001})
        assert response.status_code == 422, path
        assert error_of(response)["location"] == {"field": "limit"}


def test_empty_filters_are_documented(world: World) -> None:
    schema = world.client.get("/openapi.json").json()
    parameters = schema["paths"]["/api/v1/observations"]["get"]["parameters"]
    year = next(p for p in parameters if p["name"] == "year")
    assert {"const": "", "type": "string"} in year["schema"]["anyOf"][0]["items"]["anyOf"]
    assert "empty value" in year["description"]
