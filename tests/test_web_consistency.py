"""What a country, company and benchmark page says agrees with itself: the entities counted are
the entities listed, every chart names its scope and method, the benchmark's criteria match
the country pages' figures and every column sorts, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api_world import World, build_world
from ictfootprint.footprint import compute_footprint


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('consistency') / 'web.db'}"
    world = build_world(url)
    compute_footprint(world.store)
    yield world
    world.store.close()


def company_links(page: str, lang: str = "en") -> list[str]:
    return re.findall(rf'<a href="/{lang}/companies/([^"]+)">', page)


def test_country_page_said_2_companies_while_summing_3_entities(world: World) -> None:
    """Regression: France's totals add op-a and dc-c (dc-c, based in India, runs data centres
    in France) but the page listed only the companies based in France."""
    page = world.client.get("/en/countries/FRA?year=2023").text
    listed = section(page, "entities-heading")
    assert set(company_links(listed)) == {"illustrative-op-a", "illustrative-dc-c"}
    assert "2 companies and facilities have published values" in listed
    # the country list counts the same set
    index = world.client.get("/en/countries").text
    row = index[index.index('href="/en/countries/FRA"') :]
    assert re.search(r'<td class="num">2</td>', row[: row.index("</tr>")])


def section(page: str, heading: str) -> str:
    start = page.index(f'id="{heading}"')
    return page[start : page.index("</section>", start)]


def test_company_chart_named_neither_scope_nor_method(world: World) -> None:
    """Regression: the company page plotted Scope 1+2 location-based without saying so."""
    page = world.client.get("/en/companies/illustrative-op-a").text
    trend = section(page, "trend-heading")
    assert "Scope 1 + 2 (location-based)" in trend or "Scope 1 + 2 (market-based)" in trend
    country = section(world.client.get("/en/countries/FRA").text, "trend-heading")
    assert "Scope 1 + 2 (location-based)" in country


def benchmark_names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/[a-z]+/companies/[^"]+">([^<]+)</a></th>', page)


def test_benchmark_renewable_criterion_is_no_longer_zero(world: World) -> None:
    page = world.client.get("/en/benchmark?year=2023").text
    # op-a 2023: 70,000 / (105,000 + 33,500) MWh = 50.54 % of 15 points = 7.6
    row = page[page.index("illustrative-op-a") :]
    row = row[: row.index("</tr>")]
    assert "7.6" in row


def test_every_benchmark_column_sorts(world: World) -> None:
    page = world.client.get("/en/benchmark").text
    headers = re.findall(r'<th scope="col"[^>]*aria-sort="[a-z]+"', page)
    assert len(headers) == 10
    for column in ("rank", "name", "country", "score", "renewable_electricity", "disclosure"):
        for order in ("asc", "desc"):
            answer = world.client.get(f"/en/benchmark?sort={column}&order={order}")
            assert answer.status_code == 200, (column, order)


def test_first_click_on_score_sorted_worst_first(world: World) -> None:
    page = world.client.get("/en/benchmark").text
    link = re.search(r'href="(/en/benchmark\?[^"]*sort=score[^"]*)"', page)
    assert link is not None and "order=desc" in link.group(1)
    best_first = world.client.get(link.group(1).replace("&amp;", "&")).text
    ranks = [int(r) for r in re.findall(r'<tr>\s*<td class="num">(\d+)</td>', best_first)]
    assert ranks == sorted(ranks)


def test_based_in_sorted_by_iso_code_not_the_readers_name(world: World) -> None:
    """Regression: FRA, IND, KEN is France, India, Kenya in English but Индия, Кения, Франция
    in Russian and الهند, فرنسا, كينيا in Arabic: sort by the name the reader sees."""
    expected = {
        # operator D is based in Brazil
        "en": ["Brazil", "France", "India", "Kenya"],
        "ru": ["Бразилия", "Индия", "Кения", "Франция"],
        "ar": ["البرازيل", "الهند", "فرنسا", "كينيا"],
    }
    for lang, names in expected.items():
        page = world.client.get(f"/{lang}/benchmark?sort=country&order=asc").text
        assert re.findall(r"</th>\s*<td>([^<]+)</td>", page) == names, lang


def test_unit_words_and_scope_codes_were_english_on_other_pages(world: World) -> None:
    """Regression: "percent", "dimensionless", "m^3" and "1+2-market" as such."""
    pue = world.client.get("/zh/indicators/dc_pue").text
    assert "dimensionless" not in pue and "无单位" in pue
    share = world.client.get("/ar/indicators/energy_electricity_renewable_share").text
    assert "percent" not in share
    water = world.client.get("/fr/indicators/resource_water_withdrawal").text
    assert "m^3" not in water and "m³" in water
    market = world.client.get("/ru/indicators/ghg_s1s2_market").text
    assert "1+2-market" not in market and "Охват 1 + 2 (рыночный метод)" in market


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_headings_used_latin_commas_in_arabic_and_chinese(world: World, lang: str) -> None:
    """Regression: "By sub-sector and scope, 2023" kept its ", " in Arabic and Chinese."""
    for path in ("/", "/countries/FRA", "/benchmark", "/companies/illustrative-op-a"):
        page = world.client.get(f"/{lang}{path}").text
        headings = re.findall(r"<(h1|h2|h3|caption|figcaption)[^>]*>(.*?)</\1>", page, re.S)
        latin = [
            text for _tag, text in headings if re.search(r"\S, \S", re.sub("<[^>]+>", "", text))
        ]
        assert latin == [], (path, latin)
