"""A total's lists on the pages and in the reports are cut at ``web.sector.LEFT_OUT_SHOWN``
rows each, the rest counted: the entity rows left out (incomplete) and the disagreements
resolved (conflicts). The conflicts were listed whole: 7,036 of them in the world's year at
4.4 M values made the world report 282 pages and its PDF 812 MB to lay out. The API pages
them (``/api/v1/aggregates/listed``), the download of the totals counts them all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.compute.sector import sector_totals
from ictfootprint.store import Store
from ictfootprint.web import i18n
from ictfootprint.web import sector as web_sector
from test_sector_parquet import build

YEAR = 2023
SHOWN = 3
MORE = "%(num)s more are not shown here; the download of the totals counts them all."


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, TestClient]]:
    store = build(f"sqlite:///{Path(tmp_path_factory.mktemp('lists')) / 'store.db'}")
    settings = Settings.default(db=store.url, rate_limit_per_minute=0)
    yield store, TestClient(create_app(settings, store))
    store.close()


@pytest.mark.parametrize(
    ("path", "lang", "listed"),
    [
        (f"/en/world?year={YEAR}", "en", '<ul class="entities">'),
        (f"/ar/world?year={YEAR}", "ar", '<ul class="entities">'),
        (f"/api/v1/reports/world?year={YEAR}&format=html", "en", '<ul class="compact">'),
        (f"/api/v1/reports/world?year={YEAR}&format=html&lang=zh", "zh", '<ul class="compact">'),
    ],
)
def test_the_conflicts_are_cut_at_the_rows_shown_and_the_rest_counted(
    world: tuple[Store, TestClient],
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    lang: str,
    listed: str,
) -> None:
    store, client = world
    totals = sector_totals(store, level="world", year=YEAR)
    assert len(totals.conflicts) > SHOWN and len(totals.incomplete) > SHOWN
    monkeypatch.setattr(web_sector, "LEFT_OUT_SHOWN", SHOWN)
    answer = client.get(path)
    assert answer.status_code == 200, answer.text[:300]
    page = answer.text
    items = re.search(re.escape(listed) + r"(.*?)</ul>", page, re.S)
    assert items is not None and items.group(1).count("<li>") == SHOWN
    more = i18n.translator(lang).ngettext(MORE, MORE, len(totals.conflicts) - SHOWN)
    assert more % {"num": len(totals.conflicts) - SHOWN} in page
    if "reports" in path:  # the report says so of the rows left out too
        left = i18n.translator(lang).ngettext(MORE, MORE, len(totals.incomplete) - SHOWN)
        assert left % {"num": len(totals.incomplete) - SHOWN} in page


@pytest.mark.parametrize(
    ("level", "key"),
    [
        ("world", "001"),
        ("country", "FRA"),
        ("country", "KEN"),
        ("region", "ITU-EUR"),
        ("region", "002"),
    ],
)
def test_a_pages_lists_are_the_first_rows_of_the_totals_lists(
    world: tuple[Store, TestClient], monkeypatch: pytest.MonkeyPatch, level: str, key: str
) -> None:
    """A page reads each list's count and its first rows in the database, not the lists
    whole: the same rows, in the same order, as the first of the roll-up's full lists of the
    area, with the full lists' lengths."""
    store, _client = world
    monkeypatch.setattr(web_sector, "LEFT_OUT_SHOWN", SHOWN)
    full = sector_totals(
        store,
        level=level,
        year=YEAR,
        region_kind=web_sector.region_kind(level, key),
        area=None if level == "world" else key,
    )
    page = web_sector.area_totals(store, level, key, YEAR)
    assert (page.incomplete_total, page.conflicts_total) == (
        len(full.incomplete),
        len(full.conflicts),
    )
    assert len(full.incomplete) + len(full.conflicts) > 0  # else nothing is tested
    for shown, whole in ((page.incomplete, full.incomplete), (page.conflicts, full.conflicts)):
        assert len(shown) == min(SHOWN, len(whole))
        for item, expected in zip(shown, whole, strict=False):
            assert item["name"]
            kept = {k: v for k, v in item.items() if k not in ("name", "missing")}
            assert kept == {k: v for k, v in expected.items() if k != "missing"}
            if "missing" in expected:  # listed, as the page shows them
                assert item["missing"] == [
                    m.strip() for m in str(expected["missing"]).split(",") if m.strip()
                ]
