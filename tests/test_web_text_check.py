"""No English of ours left on pages in Arabic, Chinese, French, Russian and Spanish (the
check itself in web_text_check.py), and the check finds what it looks for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api_world import World, build_world
from ictfootprint.footprint import compute_footprint
from web_text_check import english_left, visible_text

PAGES = (
    "/",
    "/countries",
    "/countries/FRA",
    "/companies/illustrative-op-a",
    "/benchmark",
    "/indicators",
    "/indicators/ghg_scope2_location",
    "/indicators/dc_pue",
    "/explore",
    "/explore?country=KEN&indicator=ghg_scope1",
    "/signin",
    "/templates",
    "/countries/XYZ",
)
OTHER = ("ar", "zh", "fr", "ru", "es")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('text') / 'web.db'}"
    world = build_world(url)
    compute_footprint(world.store)
    yield world
    world.store.close()


def test_the_check_finds_english_left_and_spares_data_and_shared_words() -> None:
    page = (
        '<html lang="zh"><body><h1>国家</h1><p>Data coverage</p>'
        '<a lang="en" href="/en/">English</a><p>Illustrative Operator A</p>'
        "<script>var x = 'Data explorer';</script><p>ITU-T L.1470</p></body></html>"
    )
    text = visible_text(page, "zh")
    assert "English" not in text and "Data explorer" not in text
    assert english_left(text, "zh") == ["Data coverage"]
    assert english_left("Source : rapport annuel", "fr") == []  # French says Source too
    assert english_left("Scope 1 + 2 (location-based)", "ar") != []


@pytest.mark.parametrize("lang", OTHER)
def test_no_english_left_on_the_pages(world: World, lang: str) -> None:
    found = {}
    for path in PAGES:
        answer = world.client.get(f"/{lang}{path}")
        assert answer.status_code in (200, 404), path
        left = english_left(visible_text(answer.text, lang), lang)
        if left:
            found[path] = left
    assert found == {}


BAD_CSV = (
    "indicator,year,value,unit,country,source\n"
    "ghg_scope1,2024,abc,tCO2e,FRA,web test\n"
    "ghg_scope9,2024,5,tCO2e,FRA,web test\n"
    "energy_electricity,2024,-5,MWh,FRA,web test\n"
)


@pytest.mark.parametrize("lang", OTHER)
def test_no_english_left_on_the_signed_in_pages(world: World, lang: str) -> None:
    from fastapi.testclient import TestClient

    from ictfootprint.collection.service import submit

    client = TestClient(world.client.app)
    client.post("/en/signin", data={"token": world.tokens["rev-fra"]})
    bad = submit(world.store, BAD_CSV.encode(), f"bad-{lang}.csv", "illustrative-op-a")
    pending = world.new_pending("illustrative-op-a")
    found = {}
    for path in ("/submissions", f"/submissions/{bad.public_id}", f"/submissions/{pending}"):
        answer = client.get(f"/{lang}{path}")
        assert answer.status_code == 200, path
        left = english_left(visible_text(answer.text, lang), lang)
        if left:
            found[path] = left
    assert found == {}
