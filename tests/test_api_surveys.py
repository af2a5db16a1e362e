"""``/api/v1/surveys/{survey}/comparison`` and ``/api/v1/arrangements`` (SQLite and
PostgreSQL): the figures hand-checked in survey_world; only shipped surveys, never a path."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store
from ictfootprint.surveys.published import import_published
from survey_world import CITATION, YEAR, country_with_answers, published_file


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> TestClient:
    store = Store.open(db_url, actor="setup")
    country_with_answers(store)
    import_published(store, published_file(tmp_path), "arcep", citation=CITATION)
    app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0), store)
    return TestClient(app)


def test_comparison_gives_the_difference_and_its_causes(client: TestClient) -> None:
    answer = client.get(f"/api/v1/surveys/arcep/comparison?year={YEAR}")
    assert answer.status_code == 200, answer.text
    lines = {line["line"]: line for line in answer.json()["lines"]}
    assert lines["op-ghg-s1s2"]["difference"] == -112000.0
    assert lines["op-ghg-s1s2"]["difference_percent"] == -30.94
    assert lines["op-energy"]["difference_percent"] == -44.74
    assert {c["kind"] for c in lines["op-energy"]["causes"]} == {"coverage", "scope", "method"}


@pytest.mark.parametrize("survey", ["nosuch", "..%2F..%2Fetc%2Fpasswd", "ARCEP"])
def test_unknown_survey_or_a_path_is_refused(client: TestClient, survey: str) -> None:
    answer = client.get(f"/api/v1/surveys/{survey}/comparison")
    assert answer.status_code in (404, 422)
    assert "root:" not in answer.text


def test_arrangements_view_is_public(client: TestClient) -> None:
    answer = client.get("/api/v1/arrangements?region=ITU-EUR")
    assert answer.status_code == 200, answer.text
    assert answer.json()["countries_answered"] == 0
    assert client.get("/api/v1/arrangements?region=<script>").status_code in (400, 422)
