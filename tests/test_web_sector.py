"""The sector's footprint on the pages, in process (issue 14): the home page's world figure
(reported total, sample, coverage, like-for-like change, each with unit and method), the world,
region and country views of every quantity family by sub-sector with the total across
sub-sectors, the entities counted and those left out (listed), Scope 3 beside the totals and
never in them, the series over the years, and the figures as a download; in every language,
with no "NaN", no "undefined" and no English left on the Arabic page.

The world: the illustrative data with its footprint computed, plus an operator in Kenya that
reports Scope 1 only in 2023 (left out of Scope 1 + 2) and Operator B's Scope 3 for 2023.
"""

from __future__ import annotations

import csv
import html
import io
import re
import urllib.parse
from collections.abc import Iterator

import pytest

from api_world import World, build_world
from ictfootprint.collection.service import submit
from ictfootprint.footprint import compute_footprint
from ictfootprint.model import Entity, EntityKind
from ictfootprint.web.i18n import LANGUAGES
from web_text_check import english_left, visible_text

WORLD_2023_T = 108_569.518  # S1 + S2 location-based of the four illustrative operators
# (A, B, C 100,065.334 + D, who joins in 2022: 2,800 + 58,000 MWh x 98.348 g/kWh = 8,504.184)
S1_ONLY = "s1-only-op"
PAGES = ("/", "/world", "/world?year=2021", "/regions/ITU-AFR", "/regions/150", "/countries/KEN")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    world = build_world(f"sqlite:///{tmp_path_factory.mktemp('sector') / 'web.db'}")
    world.store.add_entity(
        Entity(
            id=S1_ONLY,
            name="Partial Operator D (fictitious)",
            kind=EntityKind.COMPANY,
            country="KEN",
            subsectors=["mobile_network"],
            illustrative=True,
        )
    )
    for entity_id, body in (
        (S1_ONLY, "ghg_scope1,2023,1000,tCO2e,KEN,sector page test\n"),
        ("illustrative-op-b", "ghg_scope3_total,2023,50000,tCO2e,KEN,sector page test\n"),
    ):
        data = f"indicator,year,value,unit,country,source\n{body}".encode()
        result = submit(world.store, data, f"{entity_id}.csv", entity_id)
        assert result.status == "validated", result.report
        world.store.accept_submission(result.submission_id)
    compute_footprint(world.store)
    yield world
    world.store.close()


def section(page: str, heading: str) -> str:
    start = page.index(f'id="{heading}"')
    return page[start : page.index("</section>", start)]


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sector_pages_answer_in_every_language_without_nan_or_undefined(
    world: World, lang: str
) -> None:
    for path in PAGES:
        answer = world.client.get(f"/{lang}{path}")
        assert answer.status_code == 200, (path, answer.text[:300])
        shown = visible_text(answer.text, lang)
        assert "NaN" not in shown and "undefined" not in shown and "None" not in shown, path


def test_unknown_region_and_quantity_are_404_pages(world: World) -> None:
    assert world.client.get("/en/regions/XYZ").status_code == 404
    assert world.client.get("/en/regions/FRA").status_code == 404
    assert world.client.get("/en/world?quantity=activity_revenue").status_code == 404
    assert world.client.get("/en/countries/FRA?quantity=nope").status_code == 404


def test_home_world_figure_says_total_sample_coverage_and_trend_with_units(
    world: World,
) -> None:
    page = world.client.get("/en/").text
    figures = text_of(section(page, "sector-heading"))
    assert "Reported total, 2023" in figures
    assert "109 ktCO2e" in figures.replace("\u00a0", " ")
    assert "calculated" in figures and "Scope 1+2 emissions (location-based)" in figures
    # four operators complete; the Scope-1-only operator is left out, and says so
    assert "4 entities" in figures and "1 left out, incomplete" in figures
    assert "Coverage" in figures and "Like-for-like change" in figures
    assert "Source:" in figures
    assert 'href="/en/world"' in section(page, "sector-heading")


def test_world_page_shows_every_family_by_subsector_with_the_total(world: World) -> None:
    page = world.client.get("/en/world?year=2023").text
    totals = section(page, "totals-heading")
    for family in ("Energy use", "Emissions"):
        assert f">{family}</h3>" in totals
    header = totals[totals.index('id="family-ghg"') :]
    header = header[: header.index("</thead>")]
    assert "All sub-sectors" in header and "Mobile networks" in header
    assert "Data centres" in header
    ghg = totals[totals.index('id="family-ghg"') :]
    ghg = ghg[: ghg.index("</table>")]
    row = ghg[ghg.index("/indicators/ghg_s1s2_location") :]
    row = text_of(row[: row.index("</tr>")])
    # the total across sub-sectors: 108,569.5 t from 4 entities, 1 left out
    assert "108,569.5 4 entities 1 left out" in row
    # Scope 3 is in its own group, beside the totals
    beside = ghg[ghg.index('<tbody class="beside">') :]
    assert "ghg_scope3_total" in beside and "never added into them" in beside
    assert "ghg_scope3_total" not in ghg[: ghg.index('<tbody class="beside">')]


def test_left_out_entities_are_listed_with_what_they_miss(world: World) -> None:
    page = world.client.get("/en/world?year=2023").text
    listed = text_of(section(page, "left-out-heading"))
    assert "Partial Operator D (fictitious)" in listed
    assert "Kenya" in listed and "Scope 2 emissions (location-based)" in listed
    # a year without the incomplete operator lists nobody
    quiet = text_of(section(world.client.get("/en/world?year=2021").text, "left-out-heading"))
    assert "Partial Operator D" not in quiet


def test_country_page_lists_its_own_left_out_and_not_other_countries(world: World) -> None:
    kenya = world.client.get("/en/countries/KEN?year=2023").text
    assert "Partial Operator D (fictitious)" in section(kenya, "subsectors-heading")
    france = section(world.client.get("/en/countries/FRA?year=2023").text, "subsectors-heading")
    assert "Partial Operator D (fictitious)" not in france
    # France's operators report no fuel and no market-based Scope 2: their totals of energy
    # and of market-based Scope 1 + 2 leave them out, and the list says why
    listed = text_of(france[france.index('id="left-out-heading"') :])
    assert "Illustrative Operator A (fictitious) France Mobile networks" in listed
    assert "Scope 1+2 emissions (market-based) Scope 2 emissions (market-based)" in listed


def test_series_over_the_years_has_its_table_and_chart(world: World) -> None:
    page = world.client.get("/en/world").text
    series = section(page, "series-heading")
    assert 'id="series-canvas"' in series
    rows = re.findall(r'<th scope="row">(\d{4})</th>', series)
    assert rows == ["2020", "2021", "2022", "2023"]
    assert "108,569.5" in series


def csv_links(page: str) -> dict[str, list[list[str]]]:
    found = {}
    for href, name in re.findall(r'<a href="(data:text/csv[^"]+)" download="([^"]+)"', page):
        body = urllib.parse.unquote(html.unescape(href).partition(",")[2])
        found[name] = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    return found


def test_totals_download_has_every_row_exact_with_unit_and_method(world: World) -> None:
    found = csv_links(world.client.get("/en/world?year=2023").text)
    rows = found["totals-001-2023.csv"]
    assert rows[0] == [
        "Area",
        "Sub-sector",
        "Indicator",
        "Year",
        "Value",
        "Unit",
        "Method",
        "Entities",
        "Left out",
    ]
    (total,) = [
        r
        for r in rows[1:]
        if r[1] == "All sub-sectors" and r[2] == "Scope 1+2 emissions (location-based)"
    ]
    expected = ["World", "All sub-sectors", total[2], "2023", "108569.518", "tCO2e"]
    assert total == [*expected, "calculated", "4", "1"]
    # the stored totals, every year, through the API's export
    page = world.client.get("/en/world").text
    stored = re.search(r'href="(/api/v1/exports/observations\?entity=WORLD[^"]*)"', page)
    assert stored is not None
    answer = world.client.get(html.unescape(stored.group(1)))
    assert answer.status_code == 200 and "WORLD" in answer.text


@pytest.mark.parametrize("path", ["/", "/world", "/countries/KEN", "/regions/ITU-AFR"])
def test_no_english_left_on_the_arabic_sector_pages(world: World, path: str) -> None:
    page = world.client.get(f"/ar{path}").text
    assert english_left(visible_text(page, "ar"), "ar") == []


def test_numbers_follow_the_language_in_the_totals(world: World) -> None:
    for lang, text in (("fr", "108\u202f569,5"), ("es", "108.569,5"), ("ru", "108\u00a0569,5")):
        assert text in section(world.client.get(f"/{lang}/world?year=2023").text, "totals-heading")
