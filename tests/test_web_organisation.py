"""An organisation's page and its API (issue 19, item 3), in process on a real store holding
an organisation's inventory as travel19 stores it (tests/organisation_fixture.py): totals
1,969 t in 2022 and 2,582 t in 2023 (+31 %), flights by haul and cabin, the change's causes,
and the UN system's pathway from 2010; without 2010, the data that would fix it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store
from organisation_fixture import ORG, add_organisation
from web_text_check import english_left, visible_text


def _client(db_url: str, years: tuple[int, ...] = (2010, 2022, 2023)) -> TestClient:
    store = Store.open(db_url)
    add_organisation(store, years=years)
    return TestClient(create_app(Settings.default(db=db_url, rate_limit_per_minute=0), store))


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'o.db'}"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", "\u00a0")


def test_the_page_prints_the_reports_totals_and_change(db_url: str) -> None:
    page = _client(db_url).get(f"/en/organisations/{ORG}")
    assert page.status_code == 200, page.text
    text = _text(page.text)
    assert "Total emissions, 2022 1,969\u00a0tCO2e" in text
    assert "Total emissions, 2023 2,582\u00a0tCO2e" in text
    assert re.search(r"Change 2022–2023 \+31\s?%", text)
    assert "2023 against 2022: +31% (1,969 → 2,582 tCO2e)" in text
    assert "Illustrative data" in text  # the entity is flagged illustrative
    # the causes: business travel up 620 t; more flight legs and passenger-km
    assert "Scope 3.6: Business travel: 1,600.0 → 2,220.0 tCO2e (+38." in text  # 38.75 %
    assert "Air, flight legs: 850 → 1,120 (+31.8%)" in text
    assert "Air, passenger-km: 3,900,000 → 5,280,000 (+35.4%)" in text
    assert "Hotel, nights: 800 → 1,000 (+25.0%)" in text
    # flights by haul and cabin, with the factors' source, radiative forcing and uplift
    assert "Long haul Business 950.0 1,300.0" in text
    assert "Factors: desnz-2024." in text and "Flights include radiative forcing." in text
    assert "Open Government Licence v3.0" in text and "increased by 8.0%" in text
    # the UN system's pathway: 2030 = 55 % of 2010's 3,500 t
    assert "Against the UN system's pathway (-45.0% from 2010 by 2030)" in text
    assert "2030 1,925.0" in text and "Strategy for Sustainability Management" in text
    # every inventory figure with its unit, method and source
    assert text.count("calculated ictfootprint business-travel calculation (fixture)") == 9


def test_without_2010_the_page_says_which_data_would_fix_it(tmp_path: Path) -> None:
    client = _client(_sqlite(tmp_path), years=(2022, 2023))
    text = _text(client.get(f"/en/organisations/{ORG}").text)
    assert "needs the organisation's 2010 inventory" in text
    assert "submit or import the 2010 total" in text
    assert (
        "Scope 1 emissions" in text
        and "Scope 3.6: Business travel" not in text.split("submit or import")[1][:40]
    )
    data = client.get(f"/api/v1/organisations/{ORG}").json()
    assert data["trajectory"] is None and data["missing"]["base_year"] == 2010
    assert "submit or import the 2010 inventory of org-fixture" in data["missing"]["message"]


def test_the_api_gives_the_same_figures(db_url: str) -> None:
    client = _client(db_url)
    answer = client.get(f"/api/v1/organisations/{ORG}")
    assert answer.status_code == 200, answer.text
    assert answer.headers.get("etag")
    data = answer.json()
    assert data["illustrative"] is True and data["pathway_id"] == "un-system-2030"
    assert data["inventory"]["totals"] == {"2010": 3500.0, "2022": 1969.0, "2023": 2582.0}
    (change,) = data["inventory"]["changes"]
    assert round(change["ratio"], 2) == 0.31
    points = {p["year"]: p["pathway"] for p in data["trajectory"]["points"]}
    assert points[2030] == 1925.0
    line = data["inventory"]["lines"][0]
    assert {"unit", "method", "source"} <= set(line) and line["unit"] == "tCO2e"
    assert client.get(f"/api/v1/organisations/{ORG}?basis=market").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/organisations/nobody", "/api/v1/organisations/co"])
def test_unknown_or_not_an_organisation_is_a_404(tmp_path: Path, path: str) -> None:
    from ictfootprint.model import Entity, EntityKind, Method, Observation

    client = _client(_sqlite(tmp_path))
    store = client.app.state.store  # type: ignore[attr-defined]
    store.add_entity(Entity(id="co", name="Co", kind=EntityKind.COMPANY, country="FRA"))
    store.record_observations(
        [
            Observation(
                entity_id="co",
                indicator_id="ghg_scope1",
                year=2022,
                value=1.0,
                unit="tCO2e",
                method=Method.REPORTED,
                source="fixture",
            )
        ]
    )
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.json()["error"]["status"] == 404  # the API's one error shape
    page = client.get(path.replace("/api/v1", "/en"))
    assert page.status_code == 404 and "<html" in page.text


def test_the_country_page_links_to_the_organisation(tmp_path: Path) -> None:
    page = _client(_sqlite(tmp_path)).get("/en/countries/CHE").text
    assert f'href="/en/organisations/{ORG}"' in page


@pytest.mark.parametrize("lang", ["ar", "zh", "fr", "ru", "es"])
def test_no_english_left_on_the_page_in_other_languages(tmp_path: Path, lang: str) -> None:
    html = _client(_sqlite(tmp_path)).get(f"/{lang}/organisations/{ORG}").text
    flagged = english_left(visible_text(html, lang), lang)
    assert flagged == [], flagged
    assert "undefined" not in html


def test_the_page_is_rtl_in_arabic(tmp_path: Path) -> None:
    html = _client(_sqlite(tmp_path)).get(f"/ar/organisations/{ORG}").text
    assert 'dir="rtl"' in html and "مسار منظومة الأمم المتحدة" in html
