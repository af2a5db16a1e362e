"""Pages and reports read what they show, not every published value (issue 15).

At 4 million values the country list, the world map and the world report each read every
value of the store (or of a year) into Python to show a count, a list of years or a table of
sources; the sector pages read every entity to name the few left out. Each test builds a
store several times bigger than what the page shows, counts the rows the database returns
to the program (every SELECT is counted again by the database itself, ``SELECT count(*) FROM
(statement)``, with the same parameters) and checks the page's content beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import pytest
from sqlalchemy import event

from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store

COUNTRIES: Final = ("FRA", "KEN", "BRA", "DEU")
YEARS: Final = (2020, 2021, 2022, 2023)
INDICATORS: Final = (
    ("ghg_scope1", "tCO2e"),
    ("ghg_scope2_location", "tCO2e"),
    ("energy_electricity", "MWh"),
    ("energy_electricity_renewable", "MWh"),
    ("energy_total", "MWh"),
)
COMPANIES: Final = 24  # 24 x 5 x 4 = 480 company values, far more than any page shows
SOURCE: Final = "tests/test_pages_read_what_they_show.py (fictitious)"


@dataclass
class Fetched:
    """Rows returned by the store's SELECTs while it listens: in all, and of statements that
    read whole observations or whole entities (their every column)."""

    rows: int = 0
    observations: int = 0
    entities: int = 0
    statements: list[str] = field(default_factory=list)

    def count(self, _conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        counter = cursor.connection.cursor()
        try:
            counter.execute(f"SELECT count(*) FROM ({statement}) AS counted", parameters)
            found = int(counter.fetchone()[0])
        finally:
            counter.close()
        self.rows += found
        self.statements.append(statement)
        if all(f"observations.{c}" in statement for c in ("quality_flags", "unit", "source")):
            self.observations += found
        if all(f"entities.{c}" in statement for c in ("subsectors", "lei", "isin")):
            self.entities += found


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url, actor="test")
    store.add_entities(
        [Entity(id=c, name=f"Country {c}", kind=EntityKind.COUNTRY, country=c) for c in COUNTRIES]
        + [
            Entity(
                id=f"op{n:02d}",
                name=f"Operator {n:02d} (fictitious)",
                kind=EntityKind.COMPANY,
                country=COUNTRIES[n % len(COUNTRIES)],
                subsectors=("mobile_network",),
                illustrative=n == 0,
            )
            for n in range(COMPANIES)
        ]
        + [
            Entity(
                id="op-quiet",
                name="Quiet operator",
                kind=EntityKind.COMPANY,
                country="FRA",
                subsectors=("mobile_network",),
            )
        ],
        file_name="entities.csv",
    )
    values = [
        Observation(
            entity_id=f"op{n:02d}",
            indicator_id=indicator,
            year=year,
            value=100.0 + n + position + (year - YEARS[0]) * 3,
            unit=unit,
            method=Method.REPORTED,
            source=SOURCE,
            # op00 reports a site in Kenya too: it counts there as well as in France
            country="KEN" if n == 0 and indicator == "energy_total" else None,
            subsector="mobile_network",
            quality_flags=("estimated_share",) if n == 1 and year == YEARS[-1] else (),
        )
        for n in range(COMPANIES)
        for position, (indicator, unit) in enumerate(INDICATORS)
        for year in YEARS
    ]
    # national values of two countries (not every year), and a restatement
    values += [
        Observation(
            entity_id=c,
            indicator_id="economy_electricity",
            year=year,
            value=1000.0 * (i + 1) + year - YEARS[0],
            unit="GWh",
            method=Method.STATISTICAL,
            source=SOURCE,
        )
        for i, c in enumerate(("FRA", "KEN"))
        for year in YEARS[:3]
    ]
    store.record_observations(values)
    store.record_observations(
        [values[0].model_copy(update={"value": 1.0, "reason": "restated"})], action="restate"
    )
    yield store
    store.close()


def fetched(store: Store) -> Fetched:
    found = Fetched()
    event.listen(store.engine, "after_cursor_execute", found.count)
    return found


def stop(store: Store, found: Fetched) -> None:
    event.remove(store.engine, "after_cursor_execute", found.count)


def published(store: Store) -> int:
    total, _rows = store.published_page(limit=1)
    return total


def test_country_list_counts_entities_in_the_database_not_every_value(store: Store) -> None:
    from ictfootprint.compute.sector_rows import refreshed
    from ictfootprint.web.profiles import entities_by_country

    assert published(store) > 480
    refreshed(store)  # the entities' rows and the countries' areas, as any page finds them
    found = fetched(store)
    counts = entities_by_country(store)
    stop(store, found)
    assert found.observations == 0, found.statements
    assert found.rows <= 20, found.statements
    # then kept: the next list reads one row, and no value
    found = fetched(store)
    assert entities_by_country(store) == counts
    stop(store, found)
    assert found.rows <= 5 and "current_observations" not in " ".join(found.statements)
    # six in-sector entities based in each country, op00 in Kenya as well; Germany and Brazil
    # have no national value, France and Kenya do (their own entity is not counted)
    assert counts == {"FRA": 6, "KEN": 7, "BRA": 6, "DEU": 6}


def test_world_map_reads_the_countries_values_of_one_year_not_every_value(store: Store) -> None:
    from ictfootprint.compute.sector_rows import refreshed
    from ictfootprint.web import worldmap

    refreshed(store)  # the entities' rows and the countries' areas, as any page finds them
    found = fetched(store)
    with_data, _without = worldmap.map_indicators(store)
    values = worldmap.country_values(store, "economy_electricity", None)
    coverage = worldmap.world_coverage(store, values)
    stop(store, found)
    # a national indicator counts with a country's own value, not with its companies'
    assert "economy_electricity" in with_data and "energy_total" not in with_data
    assert worldmap.SECTOR_INDICATOR in with_data
    assert values.years == [2020, 2021, 2022] and values.year == 2022
    assert [(r["iso3"], r["value"], r["unit"]) for r in values.rows] == [
        ("KEN", pytest.approx(2.002), "TWh"),
        ("FRA", pytest.approx(1.002), "TWh"),
    ]
    assert (coverage.entities, coverage.illustrative) == (COMPANIES, True)
    assert found.observations <= 2, found.statements  # the chosen year's national values
    assert found.entities == 0, found.statements
    assert found.rows <= 60, found.statements


def test_world_report_counts_sources_and_restatements_without_reading_the_year(
    store: Store,
) -> None:
    from ictfootprint.reports.content import area_report

    found = fetched(store)
    data = area_report(store, "world", "001", 2023)
    stop(store, found)
    assert data["sources"] == [
        {"source": SOURCE, "method": Method.REPORTED, "count": COMPANIES * 5, "years": [2023]}
    ]
    assert data["quality"]["flags"] == {"estimated_share": len(INDICATORS)}
    assert data["quality"]["restatements"] == 0
    previous = area_report(store, "world", "001", 2020)["quality"]
    assert previous["restatements"] == 1
    assert [(r["entity_id"], r["name"], r["value"]) for r in previous["restated"]] == [
        ("op00", "Operator 00 (fictitious)", 1.0)
    ]
    # the sector totals read their own inputs (compute.sector_read: chosen columns); the
    # report's own look at the year's values reads no whole observation
    assert found.observations == 0, found.statements


def test_a_reports_facts_are_one_pass_equal_to_each_question_asked_alone(store: Store) -> None:
    """``facts`` groups the selection once (entity, source, method, year, flags); what it says
    is what the separate queries and a count by hand of the values say."""
    from ictfootprint.store import published_summary

    store.record_observations(
        [
            Observation(
                entity_id="op02",
                indicator_id="ghg_scope1",
                year=2021,
                value=7.0,
                unit="tCO2e",
                method=Method.CALCULATED,
                source="another source",
                quality_flags=("estimated_share", "gap_filled"),
            ),
            Observation(
                entity_id="op03",
                indicator_id="ghg_scope1",
                year=2021,
                value=9.0,
                unit="tCO2e",
                method=Method.REPORTED,
                source=SOURCE,
                subsector="mobile_network",  # the series of the fixture's value: restated
                quality_flags=("gap_filled",),
                reason="restated",
            ),
        ],
        action="restate",
    )
    for where in ({"years": [2021]}, {"years": [2020, 2021], "countries": ["FRA"]}, {}):
        with store.engine.connect() as connection:
            found = published_summary.facts(connection, shown=50, **where)
            assert found.entity_ids == published_summary.contributors(connection, **where)
            assert found.sources == published_summary.sources(connection, **where)
            assert found.newest == published_summary.newest(connection, **where)
        _total, rows = store.published_page(limit=100_000, **where)
        values = [obs for obs, _area in rows]
        flags: dict[str, int] = {}
        for obs in values:
            for flag in obs.quality_flags:
                flags[flag] = flags.get(flag, 0) + 1
        assert found.flags == dict(sorted(flags.items())), where
        restated = sorted(
            (obs for obs in values if obs.revision > 1),
            key=lambda o: (o.entity_id, o.indicator_id, o.country or "", o.id),
        )
        assert found.restatements == len(restated)
        assert [o.id for o in found.restated] == [o.id for o in restated]
    assert found.flags["gap_filled"] == 2  # one value of each of two flag lists
    assert "op03" in [o.entity_id for o in found.restated]


def test_left_out_entities_are_named_without_reading_every_entity(store: Store) -> None:
    from ictfootprint.web.sector import area_totals

    store.record_observations(
        [
            Observation(
                entity_id="op-quiet",
                indicator_id="ghg_scope1",
                year=2023,
                value=5.0,
                unit="tCO2e",
                method=Method.REPORTED,
                source=SOURCE,
            )
        ]
    )
    found = fetched(store)
    totals = area_totals(store, "country", "FRA", 2023)
    stop(store, found)
    assert [(i["entity_id"], i["name"]) for i in totals.incomplete][:1] == [
        ("op-quiet", "Quiet operator")
    ]
    assert found.entities == 0, found.statements


def test_country_profile_groups_its_values_in_the_database(store: Store) -> None:
    from fastapi.testclient import TestClient

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings

    app = create_app(Settings.default(db=str(store.engine.url)), store=store)
    found = fetched(store)
    with TestClient(app) as client:
        page = client.get("/en/countries/FRA")
    stop(store, found)
    assert page.status_code == 200
    # whole observations: none of the country's 123 (no published ratio); whole entities:
    # the seven behind its figures and the four countries (the national denominators of the
    # series, read twice), not all 29 entities (65 entity rows were read before)
    assert found.observations == 0, found.statements
    assert found.entities <= 7 + 2 * len(COUNTRIES), found.statements
    for name in (f"Operator {n:02d} (fictitious)" for n in range(0, COMPANIES, 4)):
        assert name in page.text


def test_country_data_is_what_the_values_say(store: Store) -> None:
    from ictfootprint.web.profiles import country_data

    data = country_data(store, "FRA")
    assert data.years == list(YEARS)
    assert [row["indicator"] for row in data.matrix] == [
        "energy_total",
        "energy_electricity",
        "energy_electricity_renewable",
        "ghg_scope1",
        "ghg_scope2_location",
        "economy_electricity",
    ]
    assert all(cell == [Method.REPORTED] for cell in data.matrix[0]["cells"])
    assert data.matrix[-1]["cells"] == [[Method.STATISTICAL]] * 3 + [[]]
    assert data.sources == [
        {"source": SOURCE, "method": Method.REPORTED, "count": 6 * 5 * 4 - 4, "years": [*YEARS]},
        {"source": SOURCE, "method": Method.STATISTICAL, "count": 3, "years": [2020, 2021, 2022]},
    ]
    assert data.entity_ids == ["FRA"] + [f"op{n:02d}" for n in range(0, COMPANIES, 4)]
    share = [f for f in data.intensities if f["indicator"] == "energy_electricity_renewable_share"]
    # electricity 6 × (100 + 2) + (0 + 4 + ... + 20) = 672 MWh, renewable 6 × 103 + 60 = 678
    assert share[0]["year"] == 2020 and share[0]["value"] == pytest.approx(678 / 672 * 100)
    assert share[0]["derived"] == ("energy_electricity_renewable", "energy_electricity")


def test_a_countrys_company_ratios_are_one_median_a_year_with_its_spread(store: Store) -> None:
    """A country's own published ratios are shown as they are; its companies' are one figure
    an indicator and year: the median of each one's best available value, with how many, the
    lowest and the highest (50 operators over ten years listed one by one, unnamed, made the
    page 600 kB at the scale of issue 15). One company alone keeps its method and source."""
    from fastapi.testclient import TestClient

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings
    from ictfootprint.web.profiles import country_data

    def pue(entity: str, year: int, value: float, method: Method = Method.REPORTED) -> Observation:
        return Observation(
            entity_id=entity,
            indicator_id="dc_pue",
            year=year,
            value=value,
            unit="dimensionless",
            method=method,
            source=f"{SOURCE} {entity}",
        )

    store.record_observations(
        [
            pue("op00", 2022, 1.2),
            pue("op04", 2022, 1.9),
            pue("op08", 2022, 1.5),
            pue("op12", 2022, 1.4),  # its reported value stands, not the calculated one
            pue("op12", 2022, 9.9, Method.CALCULATED),
            pue("op16", 2023, 1.3, Method.CALCULATED),  # alone that year
            pue("op01", 2022, 7.0),  # in Kenya
            Observation(
                entity_id="FRA",
                indicator_id="sector_ghg_share",
                year=2022,
                value=2.5,
                unit="percent",
                method=Method.STATISTICAL,
                source=SOURCE,
            ),
        ]
    )
    shown = {(f["indicator"], f["year"]): f for f in country_data(store, "FRA").intensities}
    median = shown[("dc_pue", 2022)]
    # 1.2, 1.4, 1.5, 1.9: the median of four is the mean of the middle two
    assert median["value"] == pytest.approx(1.45) and median["unit"] == "dimensionless"
    assert median["method"] == "calculated" and median["spread"] == (4, 1.2, 1.9)
    alone = shown[("dc_pue", 2023)]
    assert (alone["value"], alone["method"], alone["source"], alone["spread"]) == (
        1.3,
        Method.CALCULATED,
        f"{SOURCE} op16",
        (1, 1.3, 1.3),
    )
    own = shown[("sector_ghg_share", 2022)]
    assert (own["value"], own["method"], own["spread"]) == (2.5, Method.STATISTICAL, None)

    app = create_app(Settings.default(db=str(store.engine.url)), store=store)
    with TestClient(app) as client:
        english = client.get("/en/countries/FRA").text
        french = client.get("/fr/countries/FRA").text
    assert "The median of the values of 4 companies and facilities in the country" in english
    assert "from 1.20 to 1.90" in english  # three significant digits, as the value's cell
    assert "/en/explore?country=FRA&amp;indicator=dc_pue&amp;year=2022" in english
    assert "The value of one company or facility in the country:" in english
    assert "Médiane des valeurs de 4 entreprises et installations du pays" in french


def test_the_api_entity_list_reads_only_its_page(store: Store) -> None:
    """``/api/v1/entities`` counts the published entities in the database and loads only the
    page's rows (it loaded every entity, 10,200 at the scale of issue 15, for each page)."""
    from fastapi.testclient import TestClient

    from ictfootprint.api.app import create_app
    from ictfootprint.api.settings import Settings

    app = create_app(Settings.default(db=str(store.engine.url)), store=store)
    with TestClient(app) as client:
        found = fetched(store)
        first = client.get("/api/v1/entities?limit=5").json()
        stop(store, found)
        pages = [first]
        while pages[-1]["next"]:
            pages.append(client.get(pages[-1]["next"]).json())
    assert found.entities == 5, found.statements
    # the 24 operators and the two countries with national values; not the quiet operator
    # nor the two countries without a value
    listed = [item["id"] for page in pages for item in page["items"]]
    assert listed == sorted([f"op{n:02d}" for n in range(COMPANIES)] + ["FRA", "KEN"])
    assert {page["total"] for page in pages} == {len(listed)}
    assert len(pages) == 6


def test_a_countrys_data_kept_is_the_computed_one_to_the_type(store: Store) -> None:
    """The profile's data read back from ``kept_answers`` is what its queries give, to the
    type of every value (methods, a ratio's spread and derivation as tuples), and a value
    written is in the next one."""
    from ictfootprint.compute.kept_answers import kept_count
    from ictfootprint.web.profiles import _country_data, country_data
    from test_kept_answers import typed

    store.record_observations(
        [
            Observation(
                entity_id=f"op{n:02d}",
                indicator_id="dc_pue",
                year=2022,
                value=value,
                unit="dimensionless",
                method=Method.REPORTED,
                source=SOURCE,
            )
            for n, value in ((0, 1.2), (4, 1.9))
        ]
    )
    first = country_data(store, "FRA")
    again = country_data(store, "FRA")
    assert kept_count(store, "country_data") == 1
    computed = _country_data(store, "FRA")
    assert typed(vars(again)) == typed(vars(first)) == typed(vars(computed))
    assert any(f["spread"] for f in again.intensities)
    assert any(f["derived"] for f in again.intensities)
    store.record_observations(
        [
            Observation(
                entity_id="op08",
                indicator_id="dc_pue",
                year=2022,
                value=1.5,
                unit="dimensionless",
                method=Method.REPORTED,
                source=SOURCE,
            )
        ]
    )
    after = country_data(store, "FRA")
    assert typed(vars(after)) == typed(vars(_country_data(store, "FRA"))) != typed(vars(again))


def test_a_reports_submissions_are_counted_as_their_records_say(db_url: str) -> None:
    """The report's quality counts the submissions of its reporters in the database: the
    same count, statuses (a submission's last event's, "received" without one), errors and
    warnings as the records give, and nothing of other entities."""
    import hashlib
    import json

    from ictfootprint.store.submissions import tally
    from test_sector_trends import _store

    store = _store(db_url)

    def submit(entity: str, n: int, errors: int, warnings: int, status: str) -> int:
        payload = [
            {
                "entity_id": entity,
                "indicator_id": "ghg_scope1",
                "year": 2015 + n,
                "value": float(n),
                "unit": "tCO2e",
                "method": "reported",
                "source": "operator file",
            }
        ]
        body = json.dumps(payload).encode()
        return store.create_submission(
            entity_id=entity,
            file_name=f"{entity}-{n}.json",
            fmt="json",
            sha256=hashlib.sha256(body).hexdigest(),
            content=body,
            report={"values": 1, "errors": errors, "warnings": warnings},
            payload=payload,
            respondent=None,
            encoding="utf-8",
            locale=None,
            status=status,
        )

    store.accept_submission(submit("op-a", 1, 0, 2, "validated"), "ok")
    store.reject_submission(submit("op-a", 2, 0, 1, "validated"), "no")
    submit("op-b", 3, 4, 0, "invalid")
    submit("op-b", 4, 0, 0, "validated")
    submit("op-c", 5, 1, 1, "invalid")  # not asked
    asked = ["op-a", "op-b", "nobody"]
    records = store.submissions(entity_ids=asked)
    with store.engine.connect() as connection:
        counted = tally(connection, asked)
        assert tally(connection, []).submissions == 0
    assert counted.submissions == len(records) == 4
    assert counted.statuses == dict(sorted(Counter(r.status for r in records).items()))
    assert set(counted.statuses) == {"accepted", "rejected", "invalid", "validated"}
    assert counted.errors == sum(r.errors or 0 for r in records) == 4
    assert counted.warnings == sum(r.warnings or 0 for r in records) == 3
