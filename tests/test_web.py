"""The dashboard's pages, in process: every page in every language, the figures they show
against hand calculations, language switching, errors as pages, and the signed-in flow
(upload, report with offending cells, review, publication) with its CSRF and role checks.
The same pages in a real browser are in test_web_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api_world import SECRET, World, build_world
from ictfootprint.footprint import compute_footprint
from ictfootprint.web.i18n import LANGUAGES

PAGES = (
    "/",
    "/countries",
    "/countries/FRA",
    "/countries/KEN?year=2021",
    "/countries/FRA?year=2022&quantity=energy_electricity",
    "/world",
    "/world?year=2021&quantity=ghg_scope1",
    "/regions/ITU-EUR",
    "/regions/150",
    "/companies/illustrative-op-a",
    "/benchmark",
    "/benchmark?sort=name&order=desc&q=illustrative",
    "/indicators",
    "/indicators?q=scope&level=national",
    "/indicators/ghg_scope2_location",
    "/explore",
    "/explore?country=KEN&indicator=ghg_scope1",
    "/signin",
    "/submissions",
    "/portal",
    "/cases",
    "/search?q=electricite&kind=case",
)
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    world = build_world(url)
    compute_footprint(world.store)
    yield world
    world.store.close()


def signed_in(world: World, who: str) -> TestClient:
    client = TestClient(world.client.app)
    answer = client.post("/en/signin", data={"token": world.tokens[who]}, follow_redirects=False)
    assert answer.status_code == 303
    return client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_answers_in_every_language(world: World, lang: str) -> None:
    for path in PAGES:
        page = world.client.get(f"/{lang}{path}")
        assert page.status_code == 200, (path, page.text[:500])
        assert page.headers["content-type"].startswith("text/html")
        direction = "rtl" if lang == "ar" else "ltr"
        assert f'<html lang="{lang}" dir="{direction}">' in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        # every language's link points at this very page (switching keeps the page)
        for other in LANGUAGES:
            assert f'href="/{other}{path.replace("&", "&amp;")}"' in page.text, (path, other)
        # nothing on any page names another host
        assert not re.search(r'(src|href|action)="(https?:)?//', page.text), path


def test_the_home_page_redirects_to_the_visitors_language(world: World) -> None:
    for header, lang in [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9", "en"),
        ("ar", "ar"),
        ("zh-CN,zh;q=0.9", "zh"),
        ("ru;q=0.2,es;q=0.8", "es"),
        ("", "en"),
    ]:
        answer = world.client.get("/", headers={"Accept-Language": header}, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/{lang}/", header


def test_numbers_follow_the_language(world: World) -> None:
    # world S1+2 2023 of the illustrative data, like-for-like (operator D joins in 2022):
    # 97,374.1875 x 108,569.518 / 106,275.0675 = 99,476.470 tCO2e (the demo's figure)
    expected = {
        "en": "99,476.5",
        "fr": f"99{NNBSP}476,5",
        "es": "99.476,5",
        "ru": "99\u00a0476,5",
        "zh": "99,476.5",
        "ar": "99,476.5",
    }
    for lang, text in expected.items():
        assert text in world.client.get(f"/{lang}/").text, lang


def test_country_profile_figures_match_hand_calculations(world: World) -> None:
    page = world.client.get("/en/countries/FRA?year=2023").text
    # Scope 1 + 2 by sub-sector, 2023 (illustrative files): op-a mobile 1,700 + 105,000 MWh at
    # 56.039 g/kWh = 7,584.1; dc-c data centres 330 + 28,000 MWh x 56.039 g/kWh = 1,899.1
    assert "7,584.1" in page and "1,899.1" in page
    # renewable share 2023: 70,000 / (105,000 + 28,000) MWh = 52.63 %
    assert "52.63" in page
    # Scope 2 per kWh of the sector's electricity: the grid factor itself, 56.04 g/kWh
    assert "56.04" in page and "gCO2e/kWh" in page
    # trajectory: 2020 France 10,525.7 tCO2e is the base, the pathway in 2030 is 55 % of it
    assert "10,525.7" in page and "5,789.1" in page
    # the coverage matrix and sources name methods
    assert "method-reported" in page and "method-calculated" in page
    assert "Illustrative Operator A (fictitious)" in page


def test_the_map_carries_each_countrys_value_and_link(world: World) -> None:
    page = world.client.get("/en/?indicator=national_ict_ghg&year=2022").text
    spec = re.search(
        r'<script type="application/json" class="chart-spec">(.*?)</script>',
        page.split('id="world-map-canvas"')[1],
        re.S,
    )
    assert spec is not None
    data = spec.group(1)
    # India 2022: 69,876.9 tCO2e = 69.8769 ktCO2e (the unit that puts the largest value
    # between 1 and 999); ISO numeric 356
    assert '"356"' in data and "69.876" in data and "/en/countries/IND" in data
    assert '"unit":"ktCO2e"' in data and '"69.9\u00a0ktCO2e"' in data  # the tooltip's figure
    assert "69.88" in page  # the table behind the map, in the map's unit


def test_errors_are_pages_in_the_pages_language(world: World) -> None:
    missing = world.client.get("/fr/countries/XYZ")
    assert missing.status_code == 404 and 'lang="fr"' in missing.text
    wrong = world.client.get("/es/explore?indicator=no_such_indicator")
    # in the page's language, with the value at fault as data (the API's English stays out)
    assert wrong.status_code == 400 and "no_such_indicator" in wrong.text
    assert "unknown indicator" not in wrong.text
    assert "unknown indicator" in world.client.get("/en/explore?indicator=no_such_indicator").text
    assert world.client.get("/de/").status_code == 404  # not one of our languages
    assert world.client.get("/en/?year=abc").status_code == 422
    # values under review are never on a public page
    assert str(SECRET) not in world.client.get("/en/explore?entity=illustrative-op-a").text
    assert world.client.get("/en/companies/pending-op").status_code == 404


def test_benchmark_sorts_and_filters(world: World) -> None:
    page = world.client.get("/en/benchmark?sort=name&order=asc").text
    names = re.findall(r'<a href="/en/companies/[^"]+">([^<]+)</a></th>', page)
    assert names == sorted(names) and len(names) == 4  # A, B, C and D (joins in 2022)
    assert 'aria-sort="ascending"' in page
    page = world.client.get("/en/benchmark?sort=name&order=desc").text
    assert re.findall(r'<a href="/en/companies/[^"]+">([^<]+)</a></th>', page) == names[::-1]
    only = world.client.get("/en/benchmark?country=KEN").text
    assert "Illustrative Operator B" in only and "Illustrative Operator A" not in only


def test_explorer_filters_and_download_links_agree_with_the_api(world: World) -> None:
    query = "country=KEN&indicator=ghg_scope1"
    page = world.client.get(f"/en/explore?{query}").text
    total = world.client.get(f"/api/v1/observations?{query}").json()["total"]
    assert f"of {total} values" in page
    link = re.search(r'href="(/api/v1/exports/observations\?[^"]*format=sdmx-csv)"', page)
    assert link is not None
    export = world.client.get(link.group(1).replace("&amp;", "&"))
    assert export.status_code == 200
    assert export.text.count("\n") - 1 == total  # one line per value under the header


def test_a_browser_signs_in_with_a_token_in_a_strict_cookie(world: World) -> None:
    client = TestClient(world.client.app)
    refused = client.post("/en/signin", data={"token": "ifp_wrong"}, follow_redirects=False)
    assert refused.status_code == 401 and "not accepted" in refused.text
    answer = client.post(
        "/en/signin", data={"token": world.tokens["sub-a"]}, follow_redirects=False
    )
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    page = client.get("/en/submissions")
    assert "Signed in as sub-a" in page.text
    assert page.headers["cache-control"] == "private, no-store"


BAD_CSV = (
    "indicator,year,value,unit,country,source\n"
    "ghg_scope1,2024,abc,tCO2e,FRA,web test\n"
    "ghg_scope9,2024,5,tCO2e,FRA,web test\n"
    "energy_electricity,2024,-5,MWh,FRA,web test\n"
)


def test_a_bad_file_shows_its_report_with_the_offending_cells(world: World) -> None:
    client = signed_in(world, "sub-a")
    form = client.get("/en/submissions").text
    before = len(world.store.submissions())
    answer = client.post(
        "/en/submissions",
        data={"entity": "illustrative-op-a", "csrf": csrf_of(form)},
        files={"file": ("bad.csv", BAD_CSV.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    report = client.get(answer.headers["location"]).text
    assert "3 errors" in report
    # the offending cells, in place: row 2's value, row 3's indicator, row 4's value
    offending = re.findall(
        r'<td class="offending"><span class="visually-hidden">error: </span>'
        r"([^<]*)</td>",
        report,
    )
    assert offending == ["abc", "ghg_scope9", "-5"]
    assert "not a number" in report and "unknown indicator" in report
    assert len(world.store.submissions()) == before + 1  # kept, with its report, as rejected


def test_an_unreadable_file_is_refused_on_the_form_and_nothing_is_stored(world: World) -> None:
    client = signed_in(world, "sub-a")
    form = client.get("/en/submissions").text
    before = len(world.store.submissions())
    answer = client.post(
        "/fr/submissions",
        data={"entity": "illustrative-op-a", "csrf": csrf_of(form)},
        files={"file": ("empty.csv", b"", "text/csv")},
    )
    assert answer.status_code == 400 and 'role="alert"' in answer.text
    assert len(world.store.submissions()) == before


def test_forms_without_the_sessions_csrf_value_change_nothing(world: World) -> None:
    client = signed_in(world, "rev-fra")
    submission = world.new_pending("illustrative-op-a")
    for data in ({}, {"csrf": "0" * 64}):
        answer = client.post(f"/en/submissions/{submission}/accept", data=data)
        assert answer.status_code == 403
    foreign = client.post(
        f"/en/submissions/{submission}/accept",
        data={"csrf": csrf_of(client.get("/en/submissions").text)},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert foreign.status_code == 403
    assert world.store.submission(submission).status == "validated"


def test_a_reviewer_accepts_and_the_public_page_changes(world: World) -> None:
    submission = world.new_pending("illustrative-op-a", 4242.5)
    public = "/en/companies/illustrative-op-a"
    assert "4,242.5" not in world.client.get(public).text
    submitter = signed_in(world, "sub-a")
    page = submitter.get(f"/en/submissions/{submission}").text
    assert 'id="accept"' not in page  # a submitter does not review
    reviewer = signed_in(world, "rev-fra")
    page = reviewer.get("/en/submissions").text
    assert f'href="/en/submissions/{submission}"' in page  # in the queue
    detail = reviewer.get(f"/en/submissions/{submission}").text
    # rejecting needs a reason
    refused = reviewer.post(
        f"/en/submissions/{submission}/reject", data={"csrf": csrf_of(detail), "comment": "  "}
    )
    assert refused.status_code == 400
    accepted = reviewer.post(
        f"/en/submissions/{submission}/accept",
        data={"csrf": csrf_of(detail)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert world.store.submission(submission).status == "accepted"
    assert "4,242.5" in world.client.get(public).text
    actors = {row["actor"] for row in world.store.audit_trail(20)}
    assert "web:rev-fra" in actors
    again = reviewer.post(f"/en/submissions/{submission}/accept", data={"csrf": csrf_of(detail)})
    assert again.status_code == 409


def test_a_reviewer_of_another_country_cannot_see_the_submission(world: World) -> None:
    submission = world.new_pending("illustrative-op-a")
    reviewer = signed_in(world, "rev-ken")
    assert reviewer.get(f"/en/submissions/{submission}").status_code == 404
    detail = reviewer.get("/en/submissions").text
    answer = reviewer.post(f"/en/submissions/{submission}/accept", data={"csrf": csrf_of(detail)})
    assert answer.status_code == 404
    assert world.store.submission(submission).status == "validated"


def test_signed_out_pages_ask_to_sign_in(world: World) -> None:
    assert "API token" in world.client.get("/en/submissions").text
    assert world.client.get("/en/submissions/AAAAAAAAAAAA").status_code == 401
