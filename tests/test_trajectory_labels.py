"""Pathways that say what they are: L.1470 on a part of the sector is indicative and names the
alternatives; a national target from a file; a CO2-only variant beside CO2e; projections never
below zero (issue 14, item 6)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.assess.alignment import project
from ictfootprint.assess.trajectories import assess_trajectory, load_pathway
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.reference.pathways import pathway, pathways
from ictfootprint.store import Store

# falls 200 t a year: the least-squares line reaches zero in 2025 and is -1,000 t in 2030
FALLING = {2020: 1000.0, 2021: 800.0, 2022: 600.0, 2023: 400.0}


def _store(tmp_path: Path, unit: str = "tCO2e") -> Store:
    store = Store.open(str(tmp_path / "t.db"))
    store.add_entity(
        Entity(
            id="co",
            name="Falling Co (fictitious)",
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
                value_received=str(value * share),
                unit_received=unit,
                method=Method.REPORTED,
                source="fixture",
                country="FRA",
            )
            for year, value in FALLING.items()
            for indicator, share in (("ghg_scope1", 0.25), ("ghg_scope2_location", 0.75))
        ]
    )
    return store


def test_projection_below_zero_is_clamped_with_a_note() -> None:
    # issue 14: "projections go below zero (-243,120 t in 2030) without a clamp or a note"
    result = project(FALLING, 2030)
    assert result.slope_per_year == pytest.approx(-200.0)
    assert result.projected == 0.0  # the line is at -1,000 t in 2030
    assert result.clamped is True and result.zero_year == 2025
    assert result.note == "the trend reaches zero in 2025; projection clamped at zero"
    above = project({2020: 1000.0, 2021: 950.0}, 2030)
    assert (above.projected, above.clamped, above.zero_year, above.note) == (
        pytest.approx(500.0),
        False,
        None,
        None,
    )


def test_l1470_on_a_part_of_the_sector_is_indicative_and_names_the_alternatives(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    l1470 = pathway("l1470-sector")
    assert l1470.applies_to == ("world",)  # data: the label comes from the TOML
    world = assess_trajectory(
        store, level="world", key="001", scope="1+2-location", pathway=l1470
    ).as_dict()
    assert world["applicability"]["indicative"] is False
    assert world["applicability"]["alternatives"] == []
    country = assess_trajectory(
        store, level="country", key="FRA", scope="1+2-location", pathway=l1470
    ).as_dict()
    label = country["applicability"]
    assert label["indicative"] is True and label["reason"] == "sector-pathway-on-a-part"
    assert "global ICT sector" in label["note"] and "country FRA" in label["note"]
    # no shipped pathway is a country's own: the alternative is a national target from a file
    assert [a["id"] for a in label["alternatives"]] == ["file"]
    company = assess_trajectory(
        store, level="entity", key="co", scope="1+2-location", pathway=l1470
    ).as_dict()
    offered = [a["id"] for a in company["applicability"]["alternatives"]]
    assert company["applicability"]["indicative"] is True
    # a mobile operator: the SBTi ICT guidance for mobile operators, SBTi ACA, a file
    assert offered == ["l1470-mobile-operators", "sbti-aca-1.5c", "sbti-aca-wb2c", "file"]
    own = assess_trajectory(
        store,
        level="entity",
        key="co",
        scope="1+2-location",
        pathway=pathway("l1470-mobile-operators"),
    ).as_dict()
    assert own["applicability"]["indicative"] is False
    for path in pathways().values():
        assert path.applies_to and path.gas in ("co2e", "co2"), path.id


def test_a_national_target_from_a_file(tmp_path: Path) -> None:
    store = _store(tmp_path)
    toml = tmp_path / "target.toml"
    toml.write_text(
        "[target]\n"
        'name = "Fictitious national ICT target"\n'
        "base_year = 2020\ntarget_year = 2030\nreduction_percent = 30\n"
        'source = "fixture, not a real policy"\n'
    )
    csv = tmp_path / "target.csv"
    csv.write_text(
        "name,base_year,target_year,reduction_percent,source\n"
        'Fictitious national ICT target,2020,2030,30,"fixture, not a real policy"\n'
    )
    for path in (toml, csv):
        target = load_pathway(None, path)
        assert target.applies_to == ("country",) and target.source == "fixture, not a real policy"
        result = assess_trajectory(
            store, level="country", key="FRA", scope="1+2-location", pathway=target
        )
        points = {p.year: p.pathway for p in result.trajectory.points}
        assert points[2030] == 700.0 and points[2025] == 850.0  # 1,000 × (1 − 0.3 × 5/10)
        assert result.as_dict()["applicability"]["indicative"] is False


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[target]\nbase_year = 2020\ntarget_year = 2030\nsource = 's'\n", "reduction_percent"),
        (
            "[target]\nbase_year = 2020\ntarget_year = 2030\nreduction_percent = 130\n"
            "source = 's'\n",
            "reduction_percent",
        ),
        (
            "[target]\nbase_year = 2030\ntarget_year = 2020\nreduction_percent = 30\n"
            "source = 's'\n",
            "target_year",
        ),
        ("[target]\nbase_year = 2020\ntarget_year = 2030\nreduction_percent = 30\n", "source"),
        (
            "[target]\nbase_year = '2020'\ntarget_year = 2030\nreduction_percent = 30\n"
            "source = 's'\n",
            "base_year",
        ),
        ('[[pathway]]\nid = "x"\nname = "x"\n', "source"),
        ("[target\n", None),
    ],
)
def test_a_bad_pathway_file_is_one_line_naming_the_field(
    tmp_path: Path, text: str, field: str | None
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(InputError) as raised:
        load_pathway(None, bad)
    message = raised.value.one_line()
    assert "\n" not in message and "bad.toml" in message
    if field is not None:
        assert raised.value.location.field == field, message


def test_a_bad_csv_target_names_the_row_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("base_year,target_year,reduction_percent,source\n2020,2030,lots,s\n")
    with pytest.raises(InputError) as raised:
        load_pathway(None, bad)
    assert raised.value.location.field == "reduction_percent"
    assert raised.value.location.row == 2


def test_co2_only_variant_of_l1470(tmp_path: Path) -> None:
    variant = pathway("l1470-sector-co2")
    assert variant.gas == "co2" and variant.variant_of == "l1470-sector"
    assert [variant.share(y) for y in (2020, 2025, 2030, 2050)] == [
        pathway("l1470-sector").share(y) for y in (2020, 2025, 2030, 2050)
    ]
    assert "CO2e" in variant.source  # says that L.1470 gives CO2e only
    # values received in t CO2e: no CO2-only series, and the error says what would give one
    store = _store(tmp_path)
    with pytest.raises(InputError) as raised:
        assess_trajectory(
            store,
            level="entity",
            key="co",
            scope="1+2-location",
            pathway=pathway("l1470-sector"),
            gas="co2",
        )
    message = raised.value.one_line()
    assert "t CO2 (not t CO2e)" in message and "ghg_s1s2_location" in message
    with pytest.raises(InputError, match="sector totals are CO2e"):
        assess_trajectory(
            store,
            level="world",
            key="001",
            scope="1+2-location",
            pathway=pathway("l1470-sector"),
            gas="co2",
        )
    # values received in t CO2: the CO2-only series against the variant
    (tmp_path / "co2").mkdir()
    co2 = _store(tmp_path / "co2", unit="t CO2")
    result = assess_trajectory(
        co2,
        level="entity",
        key="co",
        scope="1+2-location",
        pathway=pathway("l1470-sector"),
        gas="co2",
    ).as_dict()
    assert result["pathway_id"] == "l1470-sector-co2" and result["gas"] == "co2"
    assert {p["year"]: p["actual"] for p in result["points"] if p["actual"]} == FALLING


def test_cli_table_and_json_say_indicative_and_clamped(tmp_path: Path) -> None:
    _store(tmp_path)
    base = [sys.executable, "-m", "ictfootprint", "assess", "trajectory", "--level", "entity"]
    base += ["--id", "co", "--db", str(tmp_path / "t.db")]
    table = subprocess.run(base, capture_output=True, text=True, check=False)
    assert table.returncode == 0, table.stderr
    assert "indicative:" in table.stdout and "alternatives:" in table.stdout
    assert "sbti-aca-1.5c" in table.stdout and "--pathway-file" in table.stdout
    assert "projection 2030: 0.0 tCO2e" in table.stdout
    assert "the trend reaches zero in 2025; projection clamped at zero" in table.stdout
    data = json.loads(
        subprocess.run(
            [*base, "--format", "json"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert data["applicability"]["indicative"] is True
    assert data["projection"]["projected"] == 0.0 and data["projection"]["zero_year"] == 2025
    co2 = subprocess.run([*base, "--gas", "co2"], capture_output=True, text=True, check=False)
    assert co2.returncode != 0 and "Traceback" not in co2.stderr
    assert "t CO2 (not t CO2e)" in co2.stderr + co2.stdout


def test_api_and_pages_say_indicative_and_clamped(tmp_path: Path) -> None:
    store = _store(tmp_path)
    url = f"sqlite:///{tmp_path / 't.db'}"
    client = TestClient(create_app(Settings.default(db=url, rate_limit_per_minute=0), store))
    answer = client.get("/api/v1/trajectories?level=entity&id=co")
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["applicability"]["indicative"] is True
    note = data["projection"]["note"]
    assert note == "the trend reaches zero in 2025; projection clamped at zero"
    world = client.get("/api/v1/trajectories").json()
    assert world["applicability"]["indicative"] is False
    page = client.get("/en/companies/co").text
    assert "Indicative comparison" in page
    assert "clamped at zero" in page and "2025" in page
    country = client.get("/en/countries/FRA").text
    assert "Indicative comparison" in country and "national target" in country
    home = client.get("/en/").text
    assert "Indicative comparison" not in home
    # already below the pathway's 2030 value: no "must fall by -4.7 % a year"
    assert "must fall by" not in country and "Reduction needed each year" not in home


@pytest.mark.parametrize("name", ["national_target.toml", "national_target.csv", "my_pathway.toml"])
def test_the_example_pathway_files_load(name: str) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / name
    loaded = load_pathway(None, example)
    assert loaded.source and loaded.share(2030) == pytest.approx(0.7)
