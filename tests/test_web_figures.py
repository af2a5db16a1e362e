"""What the home page, the map and the explorer say, in process: links without empty
parameters, regions told apart, entities by name, the map's classes and its "no data", one
computation for the headline, the map and its count, figures to meaningful digits, every
chart's data as a download, tables open without script, and static files compressed.
Each test is named after the defect it keeps fixed (issue 12)."""

from __future__ import annotations

import gzip
import html
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_world import World, build_world
from ictfootprint.collection.service import submit
from ictfootprint.footprint import compute_footprint
from ictfootprint.model import Entity, EntityKind
from ictfootprint.web import worldmap
from ictfootprint.web.render import figure, rounded

# the illustrative world S1+2 2023, tCO2e: A, B and C 100,065.334 + D (Brazil, joins in 2022)
# 2,800 + 58,000 MWh x 98.348 g/kWh = 8,504.184
WORLD_2023_T = 108_569.518
# its like-for-like value (test_web.py): 97,374.1875 x 108,569.518 / 106,275.0675
WORLD_2023_LFL = 99_476.470363


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    world = build_world(f"sqlite:///{tmp_path_factory.mktemp('figures') / 'web.db'}")
    compute_footprint(world.store)
    yield world
    world.store.close()


def links(page: str, pattern: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({pattern}[^"]*)"', page)]


def test_download_links_after_filter_carry_no_empty_parameters(world: World) -> None:
    # what the form sends when only a country is chosen
    page = world.client.get("/en/explore?country=KEN&region=&entity=&indicator=&year=&method=")
    assert page.status_code == 200
    found = links(page.text, "/api/v1/exports/observations")
    assert len(found) == 3
    for link in found:
        query = urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query, keep_blank_values=True)
        assert all(value for _key, value in query), link
        assert ("country", "KEN") in query
        assert world.client.get(link).status_code == 200, link


def test_pages_accept_empty_parameters(world: World) -> None:
    for path in (
        "/en/?indicator=&year=",
        "/en/explore?offset=&year=",
        "/ar/explore?offset=",
        "/en/countries/FRA?year=",
        "/en/benchmark?year=&q=&country=",
    ):
        assert world.client.get(path).status_code == 200, path
    assert world.client.get("/en/?year=abc").status_code == 422
    assert world.client.get("/en/?year=1800").status_code == 422


def test_regions_of_m49_and_itu_are_told_apart(world: World) -> None:
    page = world.client.get("/en/explore").text
    region_select = page.split('id="f-region"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', region_select, re.S)
    labels = [label for label, _ in groups]
    assert labels[:2] == ["UN M49 regions", "ITU regions"]
    by_group = {label: re.findall(r'value="([^"]+)"', body) for label, body in groups}
    assert "002" in by_group["UN M49 regions"] and "ITU-AFR" in by_group["ITU regions"]
    assert "ITU-AFR" not in by_group["UN M49 regions"]


def test_explorer_entity_column_shows_names_not_ids(world: World) -> None:
    page = world.client.get("/en/explore?entity=illustrative-op-a").text
    rows = page.split("<tbody>")[1]
    assert "<td>Illustrative Operator A (fictitious) " in rows
    assert "<td>illustrative-op-a</td>" not in rows
    regional = world.client.get("/fr/explore?entity=ITU-AFR").text.split("<tbody>")[1]
    assert "<td>Afrique " in regional and '<span class="id">ITU-AFR</span>' in regional


def map_spec(page: str) -> str:
    found = re.search(
        r'<script type="application/json" class="chart-spec">(.*?)</script>',
        page.split('id="world-map-canvas"')[1],
        re.S,
    )
    assert found is not None
    return found.group(1)


def test_hovering_a_country_without_data_says_no_data(world: World) -> None:
    spec = map_spec(world.client.get("/fr/").text)
    # the script names a country without a value and says "pas de données", never NaN
    assert '"nodata":"pas de données"' in spec
    assert '"076":"Brésil"' in spec  # every country's name, by its map id
    script = (Path(worldmap.__file__).parent / "static" / "site.js").read_text()
    assert "spec.countries[p.name]" in script and "spec.nodata" in script


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_map_is_banded_and_no_data_stands_apart_from_the_lightest_class(world: World) -> None:
    assert _contrast(worldmap.NO_DATA, worldmap.PALETTE[0]) >= 1.5
    for lighter, darker in zip(worldmap.PALETTE, worldmap.PALETTE[1:], strict=False):
        assert _contrast(lighter, darker) >= 1.3, (lighter, darker)
    page = world.client.get("/en/?indicator=national_ict_ghg&year=2023").text
    legend = page.split('class="map-legend"')[1].split("</div>")[0]
    # India 74.1, Kenya 16.5, France 9.48, Brazil 8.50 ktCO2e: four quantile classes from 0,
    # and no data
    assert "ktCO2e" in legend
    assert re.findall(r"</span>([^<]+)</li>", legend) == [
        "0–9.2",
        "9.2–13",
        "13–31",
        "31–75",
        "no data",
    ]
    spec = map_spec(page)
    assert '"colours":["#08306b","#0b559f","#5da2d0","#9ecae1"]' in spec
    assert "visualMap" not in (Path(worldmap.__file__).parent / "static" / "site.js").read_text()


def test_bands_of_one_value_and_of_many() -> None:
    assert [(b.low, b.high) for b in worldmap.bands([5.0])] == [(0.0, 5.0)]
    many = worldmap.bands([float(v) for v in range(1, 101)])
    assert len(many) == 5 and many[0].low == 0 and many[-1].high == 100
    assert [b.colour for b in many] == list(worldmap.PALETTE)
    assert worldmap.bands([]) == []


def test_map_indicator_list_offers_those_with_data_first(world: World) -> None:
    page = world.client.get("/en/").text
    select = page.split('<select id="indicator" name="indicator">')[1].split("</select>")[0]
    offered, empty = select.split('<optgroup label="No data yet">')
    # the illustrative national statistics give mobile lines
    assert re.findall(r'value="([^"]+)"', offered) == ["activity_mobile_lines", "national_ict_ghg"]
    assert len(re.findall(r'value="([^"]+)"', empty)) >= 50


def test_accepting_a_company_in_a_new_country_changes_headline_map_and_count(
    tmp_path: Path,
) -> None:
    world = build_world(f"sqlite:///{tmp_path / 'new-country.db'}")
    compute_footprint(world.store)
    world.store.add_entity(
        Entity(
            id="new-ma-op",
            name="Nouvel Opérateur (fictitious)",
            kind=EntityKind.COMPANY,
            country="MAR",
            subsectors=["mobile_network"],
            illustrative=True,
        )
    )
    file = (
        b"indicator,year,value,unit,country,source\n"
        b"ghg_scope1,2023,5000,tCO2e,MAR,new country test\n"
        b"ghg_scope2_location,2023,20000,tCO2e,MAR,new country test\n"
    )
    result = submit(world.store, file, "ma.csv", "new-ma-op")
    assert result.status == "validated", result.report
    world.store.accept_submission(result.submission_id)
    client = TestClient(world.client.app)  # nothing cached from before
    page = client.get("/en/?year=2023").text
    # the headline: the world total with Morocco's 25,000 t (Brazil is in the demo)
    assert f">{figure(WORLD_2023_T + 25_000, 'tCO2e', 'en', 'ktCO2e')}<" in page
    # the map, its table and the count name Morocco
    spec = map_spec(page)
    assert '"MAR"' in spec and "/en/countries/MAR" in spec
    assert '<a href="/en/countries/MAR">Morocco</a>' in page
    assert "5 of 193 ITU Member States" in page
    world.store.close()


def test_map_values_add_up_to_the_world_headline(world: World) -> None:
    values = worldmap.country_values(world.store, worldmap.SECTOR_INDICATOR, 2023)
    assert values.unit == "ktCO2e"
    assert sum(r["value"] for r in values.rows) == pytest.approx(WORLD_2023_T / 1000)


def test_headline_figures_have_meaningful_digits_and_a_scaled_unit(world: World) -> None:
    assert figure(14_531_185.5, "tCO2e", "en") == "14.5\u00a0MtCO2e"
    assert figure(2_400_000.0, "MWh", "en") == "2.4\u00a0TWh"
    assert figure(2_400.0, "MWh", "fr") == "2,4\u00a0GWh"
    assert figure(0.0, "tCO2e", "en") == "0\u00a0tCO2e"
    assert rounded(-0.00001, "en", 1) == "-0.00001" and rounded(-0.0, "en") == "0"
    page = world.client.get("/en/").text
    headline = page.split('<dl class="figures">')[1].split("</dl>")[0]
    # the reported total, 108,569.518 t (the like-for-like 99,476.5 is in the trajectory's table)
    assert "109\u00a0ktCO2e" in headline and "108,569" not in headline
    # the chart beside it is drawn in the same unit; its table keeps the exact tonnes
    assert "(ktCO2e)</figcaption>" in page
    assert "99,476.5" in page


def test_the_base_year_is_on_track_with_no_negative_zero(world: World) -> None:
    from ictfootprint.assess.trajectory import trajectory
    from ictfootprint.reference.pathways import pathway

    # a base year summed from parts carries binary noise past the stored resolution
    t = trajectory(
        {2020: 13134464.666000001, 2021: 13134464.6659999},
        pathway("l1470-sector"),
        scope="1+2-location",
        unit="tCO2e",
    )
    base = t.points[0]
    assert base.gap == 0.0 and str(base.gap_percent) == "0.0" and base.on_track is True
    page = world.client.get("/en/").text
    assert "-0.0" not in page and "-0,0" not in page


def chart_csvs(page: str) -> dict[str, str]:
    found = {}
    for href, name in re.findall(r'<a href="(data:text/csv[^"]+)" download="([^"]+)"', page):
        head, _, body = html.unescape(href).partition(",")
        assert head == "data:text/csv;charset=utf-8"
        found[name] = urllib.parse.unquote(body)
    return found


def test_every_chart_downloads_its_data_with_units(world: World) -> None:
    for path, expected in (
        ("/en/", {"world-trajectory.csv", "world-map.csv"}),
        ("/en/countries/FRA", {"subsectors.csv", "series.csv", "trend.csv", "totals-FRA-2023.csv"}),
        ("/en/companies/illustrative-op-a", {"trend.csv"}),
    ):
        page = world.client.get(path).text
        assert set(chart_csvs(page)) == expected, path
        assert page.count('class="chart"') == len({e for e in expected if "totals" not in e})
    found = chart_csvs(world.client.get("/en/?year=2023").text)
    trend = found["world-trajectory.csv"].splitlines()
    # an area's trend is judged on its like-for-like series (issue 14)
    assert trend[0] == "\ufeffYear,Like-for-like (constant sample) (ktCO2e),L.1470 pathway (ktCO2e)"
    assert trend[4] == "2023,99.476470363,75.936477275"  # WORLD_2023_LFL in kt
    countries = found["world-map.csv"].splitlines()
    assert countries[1] == "India,IND,74.107541"
    arabic = chart_csvs(world.client.get("/ar/").text)["world-map.csv"]
    assert "الهند" in arabic


def test_without_script_chart_tables_are_open_and_boxes_hidden(world: World) -> None:
    page = world.client.get("/en/").text
    assert page.count('<details class="chart-table" open>') == 2
    assert len(re.findall(r'class="chart-canvas"[^>]*hidden', page)) == 2


def test_pages_load_the_chart_library_only_through_the_script(world: World) -> None:
    for path in ("/en/", "/en/indicators", "/en/explore"):
        page = world.client.get(path).text
        assert "echarts.min.js" not in page and "topojson-client" not in page, path


@pytest.mark.parametrize(
    "name", ["vendor/echarts.min.js", "vendor/countries-110m.json", "site.js", "site.css"]
)
def test_static_files_are_sent_gzipped_to_who_accepts_it(world: World, name: str) -> None:
    plain = world.client.get(f"/static/{name}", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    # httpx would decode it: read the bytes as they travel
    with world.client.stream(
        "GET", f"/static/{name}", headers={"Accept-Encoding": "gzip, deflate, br"}
    ) as packed:
        raw = b"".join(packed.iter_raw())
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["vary"] == "Accept-Encoding"
        assert int(packed.headers["content-length"]) == len(raw)
        assert packed.headers["etag"] != plain.headers["etag"]
        assert packed.headers["cache-control"].startswith("public, max-age=")
    assert gzip.decompress(raw) == plain.content
    if name.endswith("echarts.min.js"):
        assert len(raw) < len(plain.content) / 2.5
    refused = world.client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_map_heading_has_no_latin_punctuation_in_chinese_and_arabic(world: World) -> None:
    for lang, separator in (("zh", "："), ("ar", "،")):
        page = world.client.get(f"/{lang}/?year=2023").text
        heading = re.search(r'<h2 id="map-heading">([^<]+)</h2>', page)
        assert heading is not None
        assert ", " not in heading.group(1) and separator in heading.group(1), heading.group(1)


def test_home_still_says_the_data_is_illustrative(world: World) -> None:
    # the notice read the map's first row's flags, which the sector totals do not carry
    assert "Illustrative data:" in world.client.get("/en/").text


def test_explorer_of_a_large_store_does_not_list_every_entity(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 10,000 reporters the entity list was 10,000 options (700 kB of page): beyond
    ENTITY_CHOICES_MAX it lists the chosen countries' entities, or offers an id to type."""
    from ictfootprint.web import explorer

    every = re.findall(r'<option value="([^"]+)"', world.client.get("/en/explore").text)
    assert "illustrative-op-a" in every  # the small store lists them all
    monkeypatch.setattr(explorer, "ENTITY_CHOICES_MAX", 2)
    page = world.client.get("/en/explore?year=2023").text
    entity_field = page.split('for="f-entity"')[1].split("</div>")[0]
    assert "<select" not in entity_field and 'name="entity" type="text"' in entity_field
    assert "choose a country to list its entities" in entity_field
    kenya = world.client.get("/en/explore?country=KEN").text.split('for="f-entity"')[1]
    listed = re.findall(r'<option value="([^"]+)"', kenya.split("</select>")[0])
    assert listed and all(world.store.entity(e).country == "KEN" for e in listed), listed
    typed = world.client.get("/en/explore?entity=illustrative-op-a")
    assert typed.status_code == 200 and "Illustrative Operator A" in typed.text
