"""The authorisation matrix: every endpoint × role × own/other entity, asserted.

Two invariants run through every case: a refused write changes nothing (the audit trail, the
published values, the targets and the submissions' statuses stay as they were), and nothing
under review ever reaches a public endpoint, whoever asks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from api_world import SECRET, World, build_world, pending_file
from ictfootprint.footprint import compute_footprint

ROLES = ("public", "sub-a", "sub-b", "rev-fra", "rev-ken", "admin")
OP_A, OP_B = "illustrative-op-a", "illustrative-op-b"  # based in FRA and in KEN
OWNS = {"sub-a": OP_A, "sub-b": OP_B}
REVIEWS = {"rev-fra": OP_A, "rev-ken": OP_B}
CASES = [(role, entity) for role in ROLES for entity in (OP_A, OP_B)]


def expected(action: str, role: str, entity: str) -> int:
    """The rule, written once: what ``role`` gets doing ``action`` on ``entity``'s data."""
    if role == "public":
        return 401
    if role == "admin":
        return 201 if action in ("submit", "target") else 200
    own = OWNS.get(role) == entity
    reviews = REVIEWS.get(role) == entity
    return {
        "submit": 201 if own else 403,
        "target": 201 if own else 403,
        "see": 200 if own or reviews else 404,
        "review": 200 if reviews else 403 if own else 404,
    }[action]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("access")
    world = build_world(f"sqlite:///{folder / 'api.db'}")
    # Scope 2 calculated from the published electricity, as the footprint run does: without it
    # no entity-year is complete, and the sector's trajectories have nothing to show
    compute_footprint(world.store)
    yield world
    world.store.close()


def state(world: World) -> tuple[int, int, int, list[str]]:
    """What a refused request must leave as it was."""
    store = world.store
    audit = store.audit_page(limit=1)[0]
    published = store.published_page(limit=1)[0]
    targets = len(store.targets(OP_A)) + len(store.targets(OP_B))
    return audit, published, targets, [s.status for s in store.submissions()]


def call(world: World, role: str, method: str, url: str, **kwargs: object) -> int:
    before = state(world)
    response = world.client.request(method, url, headers=world.headers(role), **kwargs)  # type: ignore[arg-type]
    if response.status_code >= 400:
        assert state(world) == before, f"{role} {method} {url} was refused but wrote"
        assert set(response.json()) == {"error"}
    return response.status_code


@pytest.mark.parametrize(("role", "entity"), CASES)
def test_submit(world: World, role: str, entity: str) -> None:
    files = {"file": ("file.csv", pending_file(1.5), "text/csv")}
    status = call(world, role, "POST", "/api/v1/submissions", data={"entity": entity}, files=files)
    assert status == expected("submit", role, entity)


@pytest.mark.parametrize(("role", "entity"), CASES)
@pytest.mark.parametrize("path", ["", "/file"])
def test_see_a_submission(world: World, role: str, entity: str, path: str) -> None:
    url = f"/api/v1/submissions/{world.pending[entity]}{path}"
    assert call(world, role, "GET", url) == expected("see", role, entity)


@pytest.mark.parametrize(("role", "entity"), CASES)
@pytest.mark.parametrize("action", ["accept", "reject"])
def test_review(world: World, role: str, entity: str, action: str) -> None:
    submission = world.new_pending(entity)
    url = f"/api/v1/submissions/{submission}/{action}"
    status = call(world, role, "POST", url, json={"comment": "checked against the annual report"})
    assert status == expected("review", role, entity)
    final = world.store.submission(submission).status
    assert final == (
        {"accept": "accepted", "reject": "rejected"}[action] if status == 200 else "validated"
    )


@pytest.mark.parametrize(("role", "entity"), CASES)
def test_record_a_target(world: World, role: str, entity: str) -> None:
    body = {
        "scope": "1+2-market",
        "base_year": 2020,
        "target_year": 2030,
        "reduction_percent": 45,
        "source": "annual report 2023, p. 12",
    }
    status = call(world, role, "POST", f"/api/v1/entities/{entity}/targets", json=body)
    assert status == expected("target", role, entity)


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_what_the_role_may_see(world: World, role: str) -> None:
    response = world.client.get("/api/v1/submissions?limit=1000", headers=world.headers(role))
    if role == "public":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    shown = {item["entity"] for item in response.json()["items"]}
    # the demo's national statistics come from the statistics offices of FRA, KEN, IND and
    # BRA, as submissions of the country entities: a country's reviewer sees its own
    allowed = {
        "admin": {OP_A, OP_B, "pending-op", "illustrative-dc-c", "illustrative-op-d"}
        | {"FRA", "KEN", "IND", "BRA"},
        "sub-a": {OP_A},
        "sub-b": {OP_B},
        "rev-fra": {OP_A, "pending-op", "FRA"},  # the entities based in France
        "rev-ken": {OP_B, "KEN"},
    }[role]
    assert shown and shown <= allowed
    assert all(item["report"] is None for item in response.json()["items"])  # not in lists


@pytest.mark.parametrize("role", ROLES)
def test_audit_is_for_admins(world: World, role: str) -> None:
    expected_status = {"public": 401, "admin": 200}.get(role, 403)
    assert call(world, role, "GET", "/api/v1/audit") == expected_status


@pytest.mark.parametrize("role", ROLES)
def test_me(world: World, role: str) -> None:
    assert call(world, role, "GET", "/api/v1/me") == (401 if role == "public" else 200)


PUBLIC_READS = [
    "/api/v1/indicators",
    "/api/v1/indicators/ghg_scope1",
    "/api/v1/entities?limit=1000",
    f"/api/v1/entities/{OP_A}",
    f"/api/v1/entities/{OP_A}/targets",
    "/api/v1/observations?limit=1000",
    f"/api/v1/observations?entity={OP_A}&year=2024",
    "/api/v1/observations?indicator=activity_revenue",
    "/api/v1/observations?region=ITU-EUR",
    "/api/v1/aggregates?year=2024&level=country",
    "/api/v1/aggregates?year=2023",
    "/api/v1/aggregates/trends?year=2023",
    "/api/v1/trajectories",
    "/api/v1/trajectories?level=country&id=FRA",
    f"/api/v1/coverage?entity={OP_A}&year=2024&year=2023",
    "/api/v1/benchmark?year=2024",
    "/api/v1/exports/observations?format=csv",
    "/api/v1/exports/observations?format=json",
    "/api/v1/exports/observations?format=sdmx-csv",
    "/api/v1/exports/structure",
]


@pytest.mark.parametrize("role", ROLES)
def test_public_reads_are_the_same_for_all_and_never_show_what_is_under_review(
    world: World, role: str
) -> None:
    secret = f"{SECRET}"
    for url in PUBLIC_READS:
        response = world.client.get(url, headers=world.headers(role))
        assert response.status_code == 200, (url, response.text)
        anonymous = world.client.get(url)
        assert response.content == anonymous.content, url
        assert secret not in response.text, url
        assert "pending-op" not in response.text, url
    for fmt, reader in (("xlsx", pd.read_excel), ("parquet", pd.read_parquet)):
        response = world.client.get(
            f"/api/v1/exports/observations?format={fmt}", headers=world.headers(role)
        )
        frame = reader(io.BytesIO(response.content))
        assert len(frame) > 0
        assert SECRET not in set(frame["value"].dropna()), fmt
        assert "pending-op" not in set(frame["entity"]), fmt


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/entities/pending-op",
        "/api/v1/coverage?entity=pending-op&year=2024",
        "/api/v1/trajectories?level=entity&id=pending-op",
    ],
)
def test_an_entity_with_nothing_published_is_not_there(world: World, url: str) -> None:
    for role in ROLES:
        assert world.client.get(url, headers=world.headers(role)).status_code == 404, (url, role)
