"""Schemathesis against the API's own OpenAPI schema: every operation, as the public, a
submitter, a reviewer and an admin, with requests that match the schema and requests that do
not, at least 1,000 of them in all, under every check schemathesis has. No answer may be a
server error, and every answer must be one the schema documents: its status code, its content
type, its headers, its body; what the schema refuses the server refuses, and the reverse.

The schema is read at collection from an app on an empty in-memory database (it does not
depend on data); the requests go to the app of a populated world built once for the module.
Generation is derandomized with a fixed seed, so every run sends the same requests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import schemathesis
from schemathesis.checks import CHECKS
from sqlalchemy import update

from api_world import World, build_world
from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store, submissions
from ictfootprint.store.schema import api_tokens
from ictfootprint.store.users import token_hash

ROLES: Final = ("public", "sub-a", "rev-fra", "admin")
MIN_REQUESTS: Final = 1000
REQUIRED_CHECKS: Final = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "unsupported_method",
    "allow_header_conformance",
    "missing_required_header",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)

# the world's submissions get these public ids, in order (random ones elsewhere)
FUZZ_IDS = tuple(f"fuzz{n:08d}" for n in range(1, 31))

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 1472,
        # two cores shared with other jobs: a slow answer is not a wrong one (the app's own
        # time limit is raised to match in the world below, else its 503 reads as a failure)
        "request-timeout": 300,
        "generation": {"deterministic": True, "database": "none", "max-examples": 25},
        # half the time, ids that exist in the world, so that operations get past their 404s
        "dictionaries": {
            "entities": {"values": ["illustrative-op-a", "illustrative-op-b", "pending-op"]},
            "submissions": {"values": list(FUZZ_IDS)},
            "indicators": {"values": ["ghg_scope1", "energy_electricity"]},
        },
        "parameters": {
            "entity_id": {"dictionary": "entities", "probability": 0.5},
            "entity": {"dictionary": "entities", "probability": 0.5},
            "submission_id": {"dictionary": "submissions", "probability": 0.5},
            "indicator_id": {"dictionary": "indicators", "probability": 0.5},
        },
        "checks": {
            # The API checks some values against data the schema cannot list (catalogue
            # indicators, ISO country codes, pathways, a page size the server sets), and
            # refuses them with a documented 400. A 422 for a schema-valid request is still a
            # failure: 422 says "does not match the schema", so there the schema would be wrong.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
            },
        },
    }
)


def _schema() -> schemathesis.BaseSchema:
    store = Store.open("sqlite://", actor="test-setup")
    try:
        app = create_app(Settings.default(db="sqlite://"), store)
        return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    finally:
        store.close()


SCHEMA = _schema()
ANSWERS: Counter[tuple[str, str, int]] = Counter()  # (role, operation, status) -> requests


class CountingApp:
    """The world's app, counting the HTTP requests that reach it, the checks' own included."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    known = iter(FUZZ_IDS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(submissions, "new_public_id", lambda: next(known))
        world = build_world(f"sqlite:///{folder / 'api.db'}", request_timeout_seconds=300)
    assert set(world.pending.values()) <= set(FUZZ_IDS)
    # a thousand requests in seconds from one address: the rate limit must be off
    assert world.client.app.state.settings.rate_limit_per_minute == 0
    yield world
    world.store.close()


@pytest.fixture(scope="module")
def counted(world: World) -> CountingApp:
    return CountingApp(world.client.app)


@pytest.mark.parametrize("role", ROLES)
@SCHEMA.parametrize()
def test_answers_conform_to_the_schema(
    case: schemathesis.Case, role: str, world: World, counted: CountingApp
) -> None:
    response = case.call_and_validate(headers=world.headers(role), app=counted)
    ANSWERS[(role, case.operation.label, response.status_code)] += 1
    if case.path.startswith("/api/v1/me/tokens/") and case.path.endswith("/revoke"):
        _unrevoke(world)


def _unrevoke(world: World) -> None:
    """A user may revoke its own token, the one it calls with (the fuzzer does, with a small
    id): put the roles' tokens back, or every later operation would only be answered 401."""
    hashes = [token_hash(token) for token in world.tokens.values()]
    with world.store.engine.begin() as connection:
        connection.execute(
            update(api_tokens)
            .where(api_tokens.c.token_hash.in_(hashes))
            .values(revoked_at=None, revoked_by=None)
        )


def test_enough_requests_reached_every_operation(
    request: pytest.FixtureRequest, counted: CountingApp
) -> None:
    fuzzed = [i for i in request.session.items if "test_answers_conform" in i.name]
    if not fuzzed:
        pytest.skip("the schemathesis tests were deselected")
    assert counted.requests >= MIN_REQUESTS, counted.requests
    checks = CONFIG.projects.default.checks
    assert [name for name in REQUIRED_CHECKS if not getattr(checks, name).enabled] == []
    # every check schemathesis knows, a new one included
    assert {check.__name__ for check in CHECKS.get_all()} <= set(REQUIRED_CHECKS)
    operations = {r.ok().label for r in SCHEMA.get_all_operations()}
    for role in ROLES:
        assert {op for r, op, _ in ANSWERS if r == role} == operations, role
    # a token gets past authentication everywhere: no operation answered the admin only 401
    for operation in operations:
        statuses = {s for r, op, s in ANSWERS if r == "admin" and op == operation}
        assert statuses - {401}, operation
