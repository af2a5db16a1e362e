"""The world figure and the series over the years when the sector has national denominators
(issue 14): what share is reported and what is estimated, the sample's coverage, and a
like-for-like trend on which a company joining does not read as growth, on the home page and
the world page, against hand calculations.

Three mobile operators, 2019–2023: A (France) every year, B (France) joining in 2021, C (Kenya)
every year but only Scope 1 in 2022; each reports its mobile lines, and both countries their
national mobile lines (a statistic).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store

M = 1_000_000
YEARS = range(2019, 2024)
# Scope 1 and Scope 2 (location-based), tCO2e
SCOPES = {
    "op-a": {2019: (100, 900), 2020: (100, 850), 2021: (100, 800), 2022: (100, 750),
             2023: (100, 700)},
    "op-b": {2021: (60, 540), 2022: (60, 510), 2023: (60, 480)},
    "op-c": {2019: (50, 350), 2020: (50, 330), 2021: (50, 310), 2022: (50, None),
             2023: (40, 280)},
}  # fmt: skip
HOME = {"op-a": "FRA", "op-b": "FRA", "op-c": "KEN"}
LINES = {"op-a": 10 * M, "op-b": 6 * M, "op-c": 5 * M}
NATIONAL_LINES = {"FRA": 20 * M, "KEN": 10 * M}


def _obs(entity: str, indicator: str, year: int, value: float, method: Method) -> Observation:
    unit = "count" if indicator == "activity_mobile_lines" else "tCO2e"
    return Observation(
        entity_id=entity, indicator_id=indicator, year=year, value=value, unit=unit,
        method=method, source="web trends test",
    )  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('trends')) / 'web.db'}"
    store = Store.open(url, actor="test-setup")
    for entity, country in HOME.items():
        store.add_entity(
            Entity(id=entity, name=f"Operator {entity[-1].upper()} (fictitious)",
                   kind=EntityKind.COMPANY, country=country, subsectors=("mobile_network",))
        )  # fmt: skip
    for country in NATIONAL_LINES:
        store.add_entity(Entity(id=country, name=country, kind=EntityKind.COUNTRY, country=country))
    batch = []
    for entity, years in SCOPES.items():
        for year, (scope1, scope2) in years.items():
            batch.append(_obs(entity, "ghg_scope1", year, scope1, Method.REPORTED))
            if scope2 is not None:
                batch.append(_obs(entity, "ghg_scope2_location", year, scope2, Method.REPORTED))
            batch.append(
                _obs(entity, "activity_mobile_lines", year, LINES[entity], Method.REPORTED)
            )
    for country, lines in NATIONAL_LINES.items():
        batch.extend(
            _obs(country, "activity_mobile_lines", y, lines, Method.STATISTICAL) for y in YEARS
        )
    store.record_observations(batch)
    app = create_app(Settings.default(db=url, rate_limit_per_minute=0), store)
    yield TestClient(app)
    store.close()


def section(page: str, heading: str) -> str:
    start = page.index(f'id="{heading}"')
    return page[start : page.index("</section>", start)]


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).replace("\u00a0", " ")


def test_home_says_what_share_is_reported_and_what_is_estimated(client: TestClient) -> None:
    figures = text_of(section(client.get("/en/").text, "sector-heading"))
    # reported 2023: A 800 + B 540 + C 320 = 1,660 t from 3 operators
    assert "Reported total, 2023 1.66 ktCO2e calculated" in figures
    assert "3 entities none left out" in figures
    # unreported lines: France 20 M - 16 M, Kenya 10 M - 5 M; the three operators' intensity
    # 1,660 t / 21 M lines: 4 M x 1,660 / 21 M + 5 M x 1,660 / 21 M = 711.4 t
    assert "Estimated unreported part 711 tCO2e" in figures and "estimated" in figures
    # 1,660 / (1,660 + 711.4) = 70.0 %
    assert "Share reported 70.0%" in figures
    # coverage of the mobile networks' national lines: 21 M of 30 M
    assert "Coverage 70.0% Mobile networks: of Mobile lines (subscriptions)" in figures
    # like-for-like 2023: A and B complete in 2022 and 2023 (C had Scope 1 only in 2022):
    # (800 + 540) / (850 + 570) - 1 = -5.6 %
    assert "Like-for-like change -5.6% from 2022, same entities" in figures


def test_a_company_joining_is_not_like_for_like_growth(client: TestClient) -> None:
    series = section(client.get("/en/world").text, "series-heading")
    rows = {
        int(year): text_of(row).strip()
        for year, row in re.findall(r'<th scope="row">(\d{4})</th>(.*?)</tr>', series, re.S)
    }
    # 2021: B joins; reported 1,400 → 1,330 → 1,860 but like-for-like 1,400 → 1,330 → 1,260
    # (A and C: (900 + 360) / (950 + 380))
    assert rows[2020].split()[:2] == ["1,330.0", "2"]
    assert rows[2021].startswith("1,860.0 3 0 ")
    assert "1,260.0 -5.3%" in rows[2021]
    # 2022: C left out (Scope 1 only); chained 1,260 x 1,420 / 1,500 = 1,192.8
    assert rows[2022].startswith("1,420.0 2 1 ") and "1,192.8 -5.3%" in rows[2022]
    # 2023: chained 1,192.8 x 1,340 / 1,420 = 1,125.6; estimate 711.4 (interval beside)
    assert "1,125.6 -5.6% 711.4 (648.0–769.1)" in rows[2023]
    chart = re.search(r'class="chart-spec">(.*?)</script>', series, re.S)
    assert chart is not None
    assert '"Like-for-like (constant sample)"' in chart.group(1)
    assert '"Reported and estimated"' in chart.group(1)
