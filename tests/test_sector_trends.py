"""Acceptance (issue 14): three operators in two countries over 2019–2023, one joining in 2021,
one reporting only Scope 1 in 2022, national mobile lines for both countries. Totals,
coverage, the like-for-like series and the estimate with its interval, all against hand
calculations, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, event

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.compute import trends as trends_module
from ictfootprint.compute.sector import sector_totals
from ictfootprint.compute.sector_store import WORLD_ENTITY
from ictfootprint.compute.trends import sector_trends, store_estimates
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.store.schema import kept_answers
from ictfootprint.web import profiles
from ictfootprint.web.sector import area_series, area_trends

S1S2 = "ghg_s1s2_location"
M = 1_000_000
YEARS = range(2019, 2024)
# Scope 1 and Scope 2 (location-based), tCO2e. A (France) every year; B (France) from 2021;
# C (Kenya) every year, but only Scope 1 in 2022.
SCOPES = {
    "op-a": {
        y: (100, total - 100) for y, total in zip(YEARS, (1000, 950, 900, 850, 800), strict=True)
    },
    "op-b": {2021: (60, 540), 2022: (60, 510), 2023: (60, 480)},
    "op-c": {2019: (50, 350), 2020: (50, 330), 2021: (50, 310), 2022: (50, None), 2023: (40, 280)},
}
HOME = {"op-a": "FRA", "op-b": "FRA", "op-c": "KEN"}
LINES = {"op-a": 10 * M, "op-b": 6 * M, "op-c": 5 * M}
NATIONAL_LINES = {"FRA": 20 * M, "KEN": 10 * M}


def _obs(entity: str, indicator: str, year: int, value: float, method: Method) -> Observation:
    unit = "count" if indicator == "activity_mobile_lines" else "tCO2e"
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=year,
        value=value,
        unit=unit,
        method=method,
        source="acceptance test",
    )


def _store(url: str) -> Store:
    store = Store.open(url)
    for entity, country in HOME.items():
        store.add_entity(
            Entity(
                id=entity,
                name=entity,
                kind=EntityKind.COMPANY,
                country=country,
                subsectors=("mobile_network",),
            )
        )
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
        for year in YEARS:
            batch.append(_obs(country, "activity_mobile_lines", year, lines, Method.STATISTICAL))
    store.record_observations(batch)
    return store


def _one(rows: list[dict[str, object]], **match: object) -> dict[str, object]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def test_sector_trends_by_hand(db_url: str) -> None:
    store = _store(db_url)
    # totals, world, Scope 1 + 2 location-based (complete entity-years only):
    # 2019 A 1000 + C 400 = 1400; 2020 950 + 380 = 1330; 2021 900 + B 600 + 360 = 1860;
    # 2022 850 + 570 = 1420 (C has Scope 1 only: incomplete, left out, listed);
    # 2023 800 + 540 + C (40 + 280) 320 = 1660
    totals = {}
    for year in YEARS:
        result = sector_totals(store, level="world", year=year, quantities=[S1S2])
        totals[year] = _one(result.rows, subsector="_T")["value"]
        if year == 2022:
            assert [r["entity_id"] for r in result.incomplete] == ["op-c"]
    assert totals == {2019: 1400, 2020: 1330, 2021: 1860, 2022: 1420, 2023: 1660}

    trends = sector_trends(store, level="world", quantities=[S1S2])
    lfl = {r["year"]: r for r in trends.like_for_like if r["subsector"] == "_T"}
    assert {y: r["reported"] for y, r in lfl.items()} == totals
    # like-for-like: constant samples 2020 {A, C} 1330 / 1400 = 0.95; 2021 {A, C} (B joins)
    # 1260 / 1330; 2022 {A, B} (C incomplete) 1420 / 1500; 2023 {A, B} 1340 / 1420.
    # Chained from 1400: 1400 × 0.95 = 1330; 1330 × 1260 / 1330 = 1260;
    # 1260 × 1420 / 1500 = 1192.8; 1192.8 × 1340 / 1420 = 1125.6
    assert [lfl[y]["like_for_like"] for y in YEARS] == pytest.approx(
        [1400, 1330, 1260, 1192.8, 1125.6]
    )
    assert [lfl[y]["sample"] for y in YEARS] == [0, 2, 2, 2, 2]
    # the reported total grows 39.8 % in 2021 (B joins); the like-for-like one falls 5.26 %
    assert lfl[2021]["change_percent"] == pytest.approx(100 * (1260 / 1330 - 1))

    # coverage, world, mobile lines: 2019 A 10 M + C 5 M of 20 M + 10 M = 50 %;
    # 2021 A + B + C 21 M of 30 M = 70 %; 2022 A + B 16 M of 30 M = 53.33 %
    cover = {r["year"]: r for r in trends.coverage if r["subsector"] == "mobile_network"}
    assert cover[2019]["entities"] == ["op-a", "op-c"] and cover[2019]["coverage_percent"] == 50.0
    assert cover[2021]["coverage_percent"] == 70.0
    assert cover[2022]["entities"] == ["op-a", "op-b"]
    assert cover[2022]["coverage_percent"] == pytest.approx(53.33)

    # estimate 2023: peers A 800 t / 10 M, B 540 / 6 M, C 320 / 5 M (each country has fewer
    # than 3 reporters: world peers), intensity 1660 / 21 M; unreported lines France
    # 20 M − 16 M = 4 M, Kenya 10 M − 5 M = 5 M: 1660 × 9 / 21 = 711.428571 t
    estimate = _one(trends.estimates, subsector="_T", year=2023)
    assert estimate["reported"] == 1660
    assert estimate["estimated"] == pytest.approx(711.428571, abs=1e-6)
    assert estimate["total"] == pytest.approx(2371.428571, abs=1e-6)
    assert estimate["reported_share_percent"] == 70.0  # 1660 / (1660 × 30 / 21) = 21 / 30
    # 90 % interval, exact bootstrap over 3 peers (10 distinct resamples of 27): per M lines
    # the 5 % point is A+C+C 1440 / 20 = 72 (cumulative 4/27), the 95 % point A+B+B
    # 1880 / 22 (cumulative 26/27): 72 × 9 = 648 and 1880 / 22 × 9 = 769.090909
    assert estimate["interval"] == 0.9 and estimate["bootstrap"] == "exact"
    assert estimate["estimated_low"] == pytest.approx(648, abs=1e-6)
    assert estimate["estimated_high"] == pytest.approx(769.090909, abs=1e-6)
    assert estimate["total_low"] == pytest.approx(2308, abs=1e-6)
    assert estimate["total_high"] == pytest.approx(2429.090909, abs=1e-6)
    # 2022: C's Scope 1 + 2 is incomplete, so all 10 M Kenyan lines are unreported; peers A
    # (850 / 10 M) and B (570 / 6 M): 1420 / 16 M × (4 M + 10 M) = 1242.5
    assert _one(trends.estimates, subsector="_T", year=2022)["estimated"] == pytest.approx(1242.5)

    # countries: France 2023 peers (world) × 4 M = 316.190476, Kenya × 5 M = 395.238095
    by_country = sector_trends(store, level="country", years=[2023], quantities=[S1S2])
    assert _one(by_country.estimates, area="FRA", subsector="_T")["estimated"] == pytest.approx(
        1660 * 4 / 21, abs=1e-6
    )
    assert (
        _one(by_country.coverage, area="KEN", subsector="mobile_network")["coverage_percent"]
        == 50.0
    )

    # stored beside, never in: the estimate is an `estimated` observation on WORLD, and the
    # reported total does not move
    written, _ = store_estimates(store, trends)
    assert written == len(trends.estimates)
    stored = [
        o
        for o in store.current_observations(entity_ids=[WORLD_ENTITY], indicator_ids=[S1S2])
        if o.year == 2023 and o.subsector is None
    ]
    assert [o.method for o in stored] == [Method.ESTIMATED]
    assert stored[0].value == pytest.approx(2371.428571, abs=1e-6)
    assert stored[0].lineage["interval"]["low"] == pytest.approx(2308, abs=1e-6)
    assert stored[0].lineage["peers"] == ["op-a", "op-b", "op-c"]
    again = sector_totals(store, level="world", year=2023, quantities=[S1S2])
    assert _one(again.rows, subsector="_T")["value"] == 1660
    assert store_estimates(store, trends)[0] == 0  # the same inputs: nothing new


def test_sector_trends_through_the_api_and_the_cli(db_url: str) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings
    from ictfootprint.cli import app as cli

    store = _store(db_url)
    client = TestClient(create_app(Settings.default(db=db_url), store))
    answer = client.get(
        "/api/v1/aggregates/trends", params={"level": "world", "quantity": S1S2, "year": 2023}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    estimate = _one(body["estimates"], subsector="_T")
    assert estimate["estimated"] == pytest.approx(711.428571, abs=1e-6)
    assert estimate["reported_share_percent"] == 70.0
    # the like-for-like chain starts at 2019 even when only 2023 is asked for
    assert _one(body["like_for_like"], subsector="_T")["like_for_like"] == pytest.approx(1125.6)
    unknown = client.get("/api/v1/aggregates/trends", params={"quantity": "ghg_nothing"})
    assert unknown.status_code == 400 and unknown.json()["error"]["found"] == "ghg_nothing"

    runner = CliRunner()
    table = runner.invoke(cli, ["sector", "trends", "--db", db_url, "--quantity", S1S2])
    assert table.exit_code == 0, table.output
    # four significant digits in a table: like-for-like 1,125.6 → 1,126; estimate 711.4
    assert "1,126" in table.output and "711.4" in table.output
    stored = runner.invoke(
        cli, ["sector", "trends", "--db", db_url, "--quantity", S1S2, "--store", "-f", "json"]
    )
    assert stored.exit_code == 0, stored.output
    assert '"written": 10' in stored.output  # 5 years × (mobile_network, _T) on WORLD


def test_the_world_trajectory_is_judged_on_the_like_for_like_series(db_url: str) -> None:
    from typer.testing import CliRunner

    from ictfootprint.assess.trajectories import assess_trajectory, load_pathway
    from ictfootprint.cli import app as cli

    store = _store(db_url)
    result = assess_trajectory(
        store, level="world", key="001", scope="1+2-location", pathway=load_pathway(None, None)
    )
    points = {p.year: p for p in result.trajectory.points}
    # L.1470 from 2020: −45 % by 2030, linear: 2021 = 1330 × (1 − 0.045) = 1270.15. The
    # like-for-like 2021 is 1260 (on track); the reported 1860 (B joining) would not be.
    assert points[2021].actual == pytest.approx(1260)
    assert points[2021].pathway == pytest.approx(1330 * (1 - 0.045))
    assert points[2021].on_track is True
    assert result.trend is not None
    assert result.trend.reported[2021] == 1860
    assert result.trend.reported_share_percent[2023] == 70.0
    assert result.trend.coverage_percent == {
        2019: None,
        2020: None,
        2021: None,
        2022: None,
        2023: None,
    }
    years = {row["year"]: row for row in result.as_dict()["trend"]["years"]}
    assert years[2022]["like_for_like"] == pytest.approx(1192.8)
    # the world's mobile networks: coverage of national mobile lines per year
    mobile = assess_trajectory(
        store,
        level="subsector",
        key="mobile_network",
        scope="1+2-location",
        pathway=load_pathway(None, None),
    )
    assert mobile.trend is not None and mobile.trend.coverage_percent[2021] == 70.0

    shown = CliRunner().invoke(cli, ["assess", "trajectory", "--level", "world", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    assert "actual = like-for-like" in shown.output and "reported share (%)" in shown.output


@pytest.mark.parametrize("level", ["country", "region", "world"])
def test_one_areas_trends_are_its_rows_of_every_areas(db_url: str, level: str) -> None:
    """``area=`` computes the coverage and the chain from that area's countries alone, and
    keeps its estimates, whose peers still come from everywhere: the rows of that area in the
    trends of every area, exactly."""
    store = _store(db_url)
    whole = sector_trends(store, level=level, years=list(YEARS), quantities=[S1S2])
    areas = {r["area"] for r in whole.like_for_like}
    assert areas and whole.coverage and whole.estimates
    for area in sorted(areas):
        one = sector_trends(store, level=level, years=list(YEARS), quantities=[S1S2], area=area)
        for part in ("coverage", "like_for_like", "estimates"):
            assert getattr(one, part) == [r for r in getattr(whole, part) if r["area"] == area]
        assert one.years == whole.years
    assert sector_trends(store, level=level, years=list(YEARS), area="nowhere").coverage == []


@pytest.mark.parametrize("area", [None, "FRA", "KEN"])
def test_a_years_trends_are_the_same_whichever_years_are_asked_with_it(
    db_url: str, area: str | None
) -> None:
    """A page asks for its years, the trajectory for 2015-2030: one computation serves both
    only if a year's figures do not depend on the others asked. National lines for 2024,
    when nobody reports, give no 0 % row that year, and the same rows of each year either
    way, for every country and for one."""
    store = _store(db_url)
    store.record_observations(
        [
            _obs(c, "activity_mobile_lines", 2024, lines, Method.STATISTICAL)
            for c, lines in NATIONAL_LINES.items()
        ]
    )
    asked = [*YEARS, 2024]
    every = sector_trends(store, level="country", years=asked, quantities=[S1S2], area=area)
    assert every.coverage and every.like_for_like and every.estimates
    assert not [r for r in every.coverage if r["year"] == 2024]
    for year in asked:
        alone = sector_trends(store, level="country", years=[year], quantities=[S1S2], area=area)
        for part in ("coverage", "like_for_like", "estimates"):
            mine = [r for r in getattr(every, part) if r["year"] == year]
            assert getattr(alone, part) == mine, (year, part)


# Peers from everywhere: France has three operators (its own peers), Germany and Italy one
# each (Europe's five), Kenya and Nigeria one each (Africa's two: the world's), Brazil none.
PEERS_HOME: Final = {
    "fr-1": "FRA",
    "fr-2": "FRA",
    "fr-3": "FRA",
    "de-1": "DEU",
    "it-1": "ITA",
    "ke-1": "KEN",
    "ng-1": "NGA",
}
PEERS_COUNTRIES: Final = ("FRA", "DEU", "ITA", "KEN", "NGA", "BRA")


def _peers_store(url: str) -> Store:
    store = Store.open(url)
    store.add_entities(
        [
            Entity(id=e, name=e, kind=EntityKind.COMPANY, country=c, subsectors=("mobile_network",))
            for e, c in PEERS_HOME.items()
        ]
        + [Entity(id=c, name=c, kind=EntityKind.COUNTRY, country=c) for c in PEERS_COUNTRIES],
        file_name="entities.csv",
    )
    batch = []
    for n, entity in enumerate(PEERS_HOME):
        for year in YEARS:
            scope1 = 100.0 + 10 * n + year - YEARS[0]
            batch.append(_obs(entity, "ghg_scope1", year, scope1, Method.REPORTED))
            batch.append(_obs(entity, "ghg_scope2_location", year, 3 * scope1, Method.REPORTED))
            batch.append(_obs(entity, "activity_mobile_lines", year, (n + 1) * M, Method.REPORTED))
    for n, country in enumerate(PEERS_COUNTRIES):
        for year in YEARS:
            batch.append(
                _obs(country, "activity_mobile_lines", year, (20 + n) * M, Method.STATISTICAL)
            )
    store.record_observations(batch)
    return store


@pytest.mark.parametrize(
    ("level", "region_kind"), [("country", "itu"), ("region", "itu"), ("region", "m49")]
)
def test_an_areas_estimates_read_its_itu_regions_rows_unless_it_needs_the_worlds(
    db_url: str, level: str, region_kind: str
) -> None:
    """``area=`` with years reads the rows of its countries' ITU regions when its estimates
    need no wider peers, and every row only when a country's estimate takes the world's
    peers: the figures are the area's rows of every area's trends all the same."""
    store = _peers_store(db_url)
    statements: list[str] = []

    def listen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().startswith("SELECT sector_rows.entity_id"):  # a frame's read
            statements.append(statement)

    event.listen(store.engine, "after_cursor_execute", listen)
    asked = {"level": level, "years": list(YEARS), "quantities": [S1S2], "region_kind": region_kind}
    whole = sector_trends(store, **asked)  # type: ignore[arg-type]
    scopes = {c["peers_from"] for r in whole.estimates for c in r["countries"]}
    assert scopes == {"country", "region ITU-EUR", "world"}
    narrowed = 0
    for area in sorted({r["area"] for r in whole.estimates}):
        statements.clear()
        one = sector_trends(store, area=area, **asked)  # type: ignore[arg-type]
        for part in ("coverage", "like_for_like", "estimates"):
            assert getattr(one, part) == [r for r in getattr(whole, part) if r["area"] == area]
        assert one.years == whole.years and one.estimates
        world = any(c["peers_from"] == "world" for r in one.estimates for c in r["countries"])
        # the last read is every row when the world's peers are needed, else one filtered
        assert ("sector_rows.country IN" in statements[-1]) is not world, (area, statements)
        narrowed += not world
    assert narrowed  # some area was read from its region's rows alone


def test_a_countrys_trends_read_its_own_rows_when_its_own_peers_are_enough(db_url: str) -> None:
    """A country's trends read its own rows first, its ITU region's next only when one of its
    estimates takes a region's peers, every row last only when one takes the world's: France
    (three operators, its own peers) reads once, Germany and Italy (Europe's) twice, Kenya,
    Nigeria and Brazil (the world's) three times; the figures are its rows of every
    country's trends, exactly."""
    store = _peers_store(db_url)
    reads: list[str] = []
    countries: list[set[str]] = []  # the countries each read names

    def listen(_conn: object, _cursor: object, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT sector_rows.entity_id"):  # a frame's read
            reads.append(statement)
            bound = parameters.values() if isinstance(parameters, dict) else parameters
            countries.append({v for v in bound if isinstance(v, str) and len(v) == 3})

    event.listen(store.engine, "after_cursor_execute", listen)
    whole = sector_trends(store, level="country", years=list(YEARS), quantities=[S1S2])
    expected = {"FRA": 1, "DEU": 2, "ITA": 2, "KEN": 3, "NGA": 3, "BRA": 3}
    for country, count in expected.items():
        reads.clear()
        countries.clear()
        one = sector_trends(
            store, level="country", years=list(YEARS), quantities=[S1S2], area=country
        )
        for part in ("coverage", "like_for_like", "estimates"):
            mine = [r for r in getattr(whole, part) if r["area"] == country]
            assert getattr(one, part) == mine, (country, part)
        assert one.estimates and len(reads) == count, (country, reads)
        assert ("sector_rows.country IN" in reads[-1]) is (count < 3)
        assert country in countries[0] and len(countries[0]) == 1  # its own rows first


@pytest.mark.parametrize(
    ("level", "key"), [("country", "FRA"), ("country", "KEN"), ("country", "BRA"), ("world", "001")]
)
def test_a_pages_series_and_trajectory_share_one_computation_of_its_trends(
    db_url: str, level: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The country page (and the home page, a report) asks for its series over its years
    and its trajectory over L.1470's: ``area_trends`` computes both at once, and each gives
    what it gives computed alone, for the headline and another quantity. France has its own
    peers, Kenya the world's, Brazil no reporter; the world's trajectory reads M49's kind."""
    store = _peers_store(db_url)
    years = list(YEARS)
    for quantity in (S1S2, "ghg_scope1"):
        shared = area_trends(store, level, key, years, quantity)
        alone = area_series(store, level, key, years, quantity)
        assert area_series(store, level, key, years, quantity, trends=shared) == alone
        assert profiles.trajectory(store, level, key, trends=shared) == profiles.trajectory(
            store, level, key
        )
    assert bool(alone.points) is (key != "BRA")  # no reporter in Brazil: no series
    computed: list[object] = []
    real = trends_module.sector_trends

    def counted(*args: Any, **kwargs: Any) -> Any:
        computed.append(kwargs.get("area"))
        return real(*args, **kwargs)

    monkeypatch.setattr(trends_module, "sector_trends", counted)
    with store.engine.begin() as connection:  # what the calls above kept
        connection.execute(delete(kept_answers))
    app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0), store)
    page = "/en/" if level == "world" else f"/en/countries/{key}"
    with TestClient(app) as client:
        assert client.get(page).status_code == 200
        assert computed == [key]
        # another request, past the read cache: the trends kept in the store
        assert client.get(page, params={"year": 2021}).status_code == 200
    assert computed == [key]
