"""An operator downloads a data-collection template from the API or the web page, for a
respondent type, language and years; bad parameters are one clear 4xx, never a 500."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store
from ictfootprint.web.i18n import LANGUAGES


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('templates') / 'web.db'}"
    store = Store.open(url, actor="test")
    app = create_app(Settings.default(db=url, rate_limit_per_minute=0), store)
    yield TestClient(app)
    store.close()


def test_an_operator_could_not_download_a_template_from_the_api(client: TestClient) -> None:
    answer = client.get(
        "/api/v1/templates?respondent=telecom-operator&lang=fr&years=2021-2023&format=xlsx"
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = answer.headers["content-disposition"]
    assert "attachment" in disposition and "telecom-operator-fr-2021-2023.xlsx" in disposition
    assert answer.headers["cache-control"].startswith("public")
    book = load_workbook(io.BytesIO(answer.content))
    text = " ".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    )
    assert "2021" in text and "2023" in text and "ghg_scope1" in text
    again = client.get(
        "/api/v1/templates?respondent=telecom-operator&lang=fr&years=2021-2023&format=xlsx",
        headers={"If-None-Match": answer.headers["etag"]},
    )
    assert again.status_code == 304


def test_the_csv_template_is_the_long_format(client: TestClient) -> None:
    answer = client.get(
        "/api/v1/templates?respondent=telecom-operator&lang=en&years=2022&format=csv"
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert "indicator" in rows[0][0].lower() or "indicator" in ",".join(rows[0]).lower()
    assert any("ghg_scope1" in r for r in rows) and all("2022" in r for r in rows[1:] if r)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("respondent=nobody&lang=en&years=2022&format=xlsx", "respondent"),
        ("respondent=telecom-operator&lang=de&years=2022&format=xlsx", "lang"),
        ("respondent=telecom-operator&lang=en&years=20x2&format=xlsx", "years"),
        ("respondent=telecom-operator&lang=en&years=1800-1802&format=xlsx", "years"),
        ("respondent=telecom-operator&lang=en&years=2000-2100&format=xlsx", "years"),
        ("respondent=telecom-operator&lang=en&years=2022&format=pdf", "format"),
        ("lang=en&years=2022&format=xlsx", "respondent"),
    ],
)
def test_bad_template_parameters_are_one_clear_4xx(
    client: TestClient, query: str, field: str
) -> None:
    answer = client.get(f"/api/v1/templates?{query}")
    assert 400 <= answer.status_code < 500, answer.text
    error = answer.json()["error"]
    assert field in str(error.get("location")) or field in error["message"], error


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_templates_page_offers_every_respondent_type(client: TestClient, lang: str) -> None:
    page = client.get(f"/{lang}/templates")
    assert page.status_code == 200
    assert 'action="/api/v1/templates"' in page.text
    assert 'value="telecom-operator"' in page.text
    assert f'href="/{lang}/templates"' in page.text  # in the navigation
