"""Pathways with any base year (issue 19, item 2): the UN system's -45 % from 2010 by 2030,
a user's pathway from 2010, and a missing base year that says which data would fix it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.assess.inventory import read_inventory
from ictfootprint.assess.trajectories import assess_trajectory, load_pathway
from ictfootprint.assess.trajectory import trajectory
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.reference.pathways import applicability, pathway
from ictfootprint.store import Store
from organisation_fixture import ORG, add_organisation


def test_un_system_pathway_is_minus_45_percent_from_2010() -> None:
    un = pathway("un-system-2030")
    assert (un.base_year, un.share(2010), un.share(2030), un.share(2040)) == (2010, 1.0, 0.55, 0.55)
    assert un.share(2020) == pytest.approx(0.775)  # straight line: 1 − 0.45 × 10/20
    assert "Strategy for Sustainability Management" in un.source and "2010" in un.name
    assert un.entity_kinds == ("organisation",) and un.scopes[0] == "1+2+3-location"


def test_the_2030_value_is_exactly_55_percent_of_the_2010_value(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "o.db"))
    add_organisation(store)
    result = assess_trajectory(
        store,
        level="entity",
        key=ORG,
        scope="1+2+3-location",
        pathway=pathway("un-system-2030"),
    )
    t = result.trajectory
    points = {p.year: p for p in t.points}
    assert (t.base_year, t.base_value) == (2010, 3500.0)  # 400 + 900 + 2,200
    assert points[2030].pathway == 3500.0 * 55 / 100 == 1925.0  # 55 % of 2010, exactly
    # 2023: 3,500 × (1 − 0.45 × 13/20) = 2,476.25 t on the path; 2,582 t actual: above it
    assert (points[2023].actual, points[2023].pathway) == (2582.0, 2476.25)
    assert points[2023].on_track is False
    assert (points[2022].actual, points[2022].on_track) == (1969.0, True)
    assert result.applicability is not None and result.applicability.indicative is False


def test_a_missing_2010_names_the_entity_indicators_and_year(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "o.db"))
    add_organisation(store, years=(2022, 2023))
    with pytest.raises(InputError) as raised:
        assess_trajectory(
            store,
            level="entity",
            key=ORG,
            scope="1+2+3-location",
            pathway=pathway("un-system-2030"),
        )
    message = raised.value.one_line()
    assert "base year 2010 of un-system-2030" in message and ORG in message
    assert "submit or import the 2010 inventory" in message
    assert "ghg_scope1" in message and "ghg_scope2_location" in message
    assert "ghg_scope3_c06" in message and "2022, 2023" in message


def test_regression_no_actual_value_in_the_base_year_says_what_to_add() -> None:
    """The pure comparison said only "no actual value in the base year 2010"."""
    with pytest.raises(InputError) as raised:
        trajectory({2022: 1969.0}, pathway("un-system-2030"), scope="1+2+3-location", unit="t")
    assert "submit or import the 2010 total" in raised.value.one_line()


def test_cli_on_a_missing_base_year_is_one_line_and_with_it_works(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    store = Store.open(str(db))
    add_organisation(store, years=(2022, 2023))
    command = [
        sys.executable, "-m", "ictfootprint", "assess", "trajectory", "--level", "entity",
        "--id", ORG, "--pathway", "un-system-2030", "--db", str(db),  # scope: the pathway's
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "submit or import the 2010 inventory of org-fixture" in done.stderr
    store.record_observations([o for o in _org_2010()])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "base 2010" in done.stdout and "1,925" in done.stdout


def _org_2010() -> list[Observation]:
    from organisation_fixture import observations

    return observations(ORG, (2010,))


def _company_store(tmp_path: Path, years: dict[int, float]) -> Store:
    store = Store.open(str(tmp_path / "c.db"))
    store.add_entity(
        Entity(
            id="co",
            name="Co",
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("mobile_network",),
        )
    )
    store.record_observations(
        [
            Observation(
                entity_id="co",
                indicator_id=indicator,
                year=year,
                value=value * share,
                unit="tCO2e",
                method=Method.REPORTED,
                source="fixture",
                country="FRA",
            )
            for year, value in years.items()
            for indicator, share in (("ghg_scope1", 0.25), ("ghg_scope2_location", 0.75))
        ]
    )
    return store


def test_regression_an_area_against_a_2010_pathway_reads_2010(tmp_path: Path) -> None:
    """A country's series was read from 2015 on only, so a pathway from 2010 never found its
    base year although the store had it."""
    store = _company_store(tmp_path, {2010: 2000.0, 2020: 1500.0, 2022: 1400.0})
    own = tmp_path / "national.toml"
    own.write_text(
        "[target]\nbase_year = 2010\ntarget_year = 2030\nreduction_percent = 45\n"
        'source = "fixture, not a real policy"\n'
    )
    result = assess_trajectory(
        store, level="country", key="FRA", scope="1+2-location", pathway=load_pathway(None, own)
    )
    points = {p.year: p.pathway for p in result.trajectory.points}
    assert result.trajectory.base_year == 2010 and points[2030] == 2000.0 * 55 / 100


def test_a_users_pathway_from_a_year_that_is_not_the_first(tmp_path: Path) -> None:
    store = _company_store(tmp_path, {2018: 1200.0, 2020: 1000.0, 2022: 900.0})
    own = tmp_path / "own.toml"
    own.write_text(
        '[[pathway]]\nid = "own-2020"\nname = "Own: -30 % 2020-2030"\nsource = "fixture"\n'
        'applies_to = ["entity"]\nkind = "points"\nbase_year = 2020\n'
        "points = [[2020, 1.0], [2030, 0.7]]\n"
    )
    result = assess_trajectory(
        store, level="entity", key="co", scope="1+2-location", pathway=load_pathway(None, own)
    )
    t = result.trajectory
    assert (t.base_year, t.base_value, t.points[0].year) == (2020, 1000.0, 2020)
    assert {p.year: p.pathway for p in t.points}[2030] == 700.0


def test_un_system_pathway_on_a_company_is_indicative_and_l1470_on_an_organisation(
    tmp_path: Path,
) -> None:
    un, l1470 = pathway("un-system-2030"), pathway("l1470-sector")
    on_company = applicability(un, "entity", "co", ("mobile_network",), "company")
    assert on_company.indicative and on_company.reason == "another-kind"
    assert "organisation" in (on_company.note or "")
    assert "un-system-2030" not in [a["id"] for a in on_company.alternatives]
    on_org = applicability(l1470, "entity", ORG, (), "organisation")
    assert on_org.indicative
    assert next(a["id"] for a in on_org.alternatives) == "un-system-2030"
    # a company's comparison still lists only the company's own pathways
    plain = applicability(l1470, "entity", "co", ("mobile_network",), "company")
    assert [a["id"] for a in plain.alternatives] == [
        "l1470-mobile-operators",
        "sbti-aca-1.5c",
        "sbti-aca-wb2c",
        "file",
    ]
    store = _company_store(tmp_path, {2010: 2000.0, 2020: 1500.0})
    # a company's Scope 3 is its own (ghg_scope3_total), not an organisation's categories
    with pytest.raises(InputError, match="no 1\\+2\\+3-location values"):
        assess_trajectory(store, level="entity", key="co", scope="1+2+3-location", pathway=un)


def test_inventory_totals_and_change_causes(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "o.db"))
    add_organisation(store)
    inventory = read_inventory(store, ORG)
    assert dict(inventory.totals) == {2010: 3500.0, 2022: 1969.0, 2023: 2582.0}
    (change,) = inventory.changes  # 2010 → 2022 is not year on year
    assert (change.from_year, change.year) == (2022, 2023)
    assert change.ratio == pytest.approx(2582 / 1969 - 1)  # +31.1 %
    first = change.causes[0]
    assert (first.kind, first.indicator, first.delta) == ("emissions", "ghg_scope3_c06", 620.0)
    by = {(c.kind, c.mode): c for c in change.causes}
    assert (by[("legs", "air")].before, by[("legs", "air")].after) == (850.0, 1120.0)
    assert by[("passenger_km", "air")].delta == pytest.approx(1_380_000.0)
    assert by[("nights", "hotel")].delta == 200.0
    travel = {t.year: t for t in inventory.travel}
    assert sum(r.tco2e for r in travel[2023].rows) == 2220.0
    assert travel[2023].factor_set == "desnz-2024" and travel[2023].radiative_forcing is True
