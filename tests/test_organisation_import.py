"""An organisation's footprint stored (issue 19): flight lists and Greening-the-Blue
inventories imported on SQLite and PostgreSQL, one transaction, revisions kept; the lineage
shape org19 reads; bad input refused with one line naming row and field, nothing stored;
the illustrative organisation's totals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ictfootprint.cli import main
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.organisation.illustrative import load_illustrative_organisation
from ictfootprint.organisation.inventory import import_flights, import_inventory
from ictfootprint.organisation.summary import organisation_summary
from ictfootprint.store import Store

ORG = "org-test"
FLIGHTS = (
    "origin,destination,cabin,passengers,trip,date\n"
    "GVA,ZRH,economy,1,one-way,2023-02-01\n"
    "GVA,LHR,business,1,return,2023-03-01\n"
    "GVA,JFK,economy,2,one-way,2023-04-01\n"
)
INVENTORY = (
    "year,category,quantity,unit,detail,country\n"
    "2023,buildings_fuel,100,MWh,natural_gas,CHE\n"
    "2023,refrigerants,2,kg,R-410A,CHE\n"
    "2023,electricity,1000,MWh,,CHE\n"
    "2023,rail,1000,passenger_km,national_rail,\n"
    "2023,staff_commuting,5,tCO2e,,\n"
)


def organisation(url: str) -> Store:
    store = Store.open(url)
    store.add_entity(
        Entity(id=ORG, name="Test organisation", kind=EntityKind.ORGANISATION, country="CHE")
    )
    return store


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_inventory_and_flights_stored_with_the_lineage_org19_reads(
    db_url: str, tmp_path: Path
) -> None:
    store = organisation(db_url)
    import_inventory(store, ORG, write(tmp_path, "inv.csv", INVENTORY))
    run = import_flights(store, ORG, write(tmp_path, "f.csv", FLIGHTS), 2023)
    assert run.written == 1
    current = {o.indicator_id: o for o in store.current_observations(entity_ids=[ORG])}
    assert set(current) == {
        "ghg_scope1",
        "ghg_scope2_location",
        "ghg_scope3_c06",
        "ghg_scope3_c07",
    }
    travel = current["ghg_scope3_c06"]
    lineage = travel.lineage
    assert lineage["calculation"] == "business-travel"
    assert lineage["factor_set"] == "desnz-2025"
    assert "Open Government Licence" in lineage["factor_source"]
    assert lineage["radiative_forcing"] is True and lineage["distance_uplift"] == 0.08
    modes = {(e["mode"], e.get("haul"), e.get("cabin")) for e in lineage["breakdown"]}
    assert modes == {
        ("air", "short", "economy"),
        ("air", "medium", "business"),
        ("air", "long", "economy"),
        ("rail", None, None),
    }
    for entry in lineage["breakdown"]:
        assert {"mode", "tco2e"} <= entry.keys()
        if entry["mode"] == "air":
            assert set(entry) == {"mode", "haul", "cabin", "legs", "passenger_km", "tco2e"}
    assert travel.value == pytest.approx(sum(e["tco2e"] for e in lineage["breakdown"]))
    rail = next(e for e in lineage["breakdown"] if e["mode"] == "rail")
    assert rail["tco2e"] == round(1000 * 0.03546 / 1000, 6)  # kept when the flights came
    # Scope 2: 1,000 MWh x the shipped CHE factor 34.843 gCO2e/kWh
    assert current["ghg_scope2_location"].value == pytest.approx(34.843)
    assert current["ghg_scope3_c07"].value == 5
    assert all(o.method.value == "calculated" for o in current.values())


def test_storing_again_adds_a_revision_and_keeps_the_earlier(db_url: str, tmp_path: Path) -> None:
    store = organisation(db_url)
    flights = write(tmp_path, "f.csv", FLIGHTS)
    import_flights(store, ORG, flights, 2023)
    again = import_flights(store, ORG, flights, 2023)
    assert (again.written, again.unchanged) == (0, 1)
    import_flights(store, ORG, flights, 2023, radiative_forcing=False)
    history = store.observation_history(ORG, "ghg_scope3_c06", 2023)
    assert [h.revision for h in history] == [1, 2]
    assert history[1].value < history[0].value
    assert "without radiative forcing" in history[1].source
    assert history[1].lineage["radiative_forcing"] is False


def test_an_error_in_any_year_stores_nothing(db_url: str, tmp_path: Path) -> None:
    store = organisation(db_url)
    bad = INVENTORY + "2024,rail,-5,passenger_km,national_rail,\n"
    with pytest.raises(InputError) as caught:
        import_inventory(store, ORG, write(tmp_path, "inv.csv", bad))
    assert caught.value.location.row == 7 and caught.value.location.field == "quantity"
    assert "negative distance" in caught.value.one_line()
    assert store.current_observations(entity_ids=[ORG]) == []


def test_dry_run_stores_nothing(tmp_path: Path) -> None:
    store = organisation(f"sqlite:///{tmp_path / 's.db'}")
    run = import_flights(store, ORG, write(tmp_path, "f.csv", FLIGHTS), 2023, dry_run=True)
    assert run.observations and run.written == 0
    assert store.current_observations(entity_ids=[ORG]) == []


BAD_FLIGHTS = {
    "unknown airport code": ("GVA,XQX,economy,1,one-way,2023-02-01", "destination", "XQX"),
    "same origin and destination": ("GVA,GVA,economy,1,one-way,2023-02-01", "destination", "GVA"),
    "date outside the year": ("GVA,ZRH,economy,1,one-way,2022-12-31", "date", "2022-12-31"),
    "unknown cabin": ("GVA,ZRH,steerage,1,one-way,2023-02-01", "cabin", "steerage"),
    "not a date": ("GVA,ZRH,economy,1,one-way,31/01/2023", "date", "31/01/2023"),
    "passengers must be a whole number": (
        "GVA,ZRH,economy,-2,one-way,2023-02-01",
        "passengers",
        "-2",
    ),
    "formula injection": (
        "=cmd|' /C calc'!A0,ZRH,economy,1,one-way,2023-02-01",
        "origin",
        "=CMD|' /C CALC'!A0",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FLIGHTS))
def test_bad_flight_is_one_line_naming_row_and_field_and_stores_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line, field, found = BAD_FLIGHTS[case]
    db = str(tmp_path / "s.db")
    organisation(f"sqlite:///{db}")
    text = FLIGHTS.splitlines()[0] + "\nGVA,JFK,economy,1,one-way,2023-01-05\n" + line + "\n"
    path = write(tmp_path, "f.csv", text)
    with pytest.raises(SystemExit) as done:
        main(
            [
                "organisation",
                "import-flights",
                str(path),
                "--entity",
                ORG,
                "--year",
                "2023",
                "--db",
                db,
            ]
        )
    assert done.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"row 3, field '{field}'" in err and found[:20] in err
    assert Store.open(db).current_observations(entity_ids=[ORG]) == []


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("2023,road,-10,passenger_km,taxi,", "quantity", "negative distance"),
        ("2023,air_travel,10,tCO2e,,", "category", "flight list"),
        ("2023,rail,10,passenger_km,hovercraft,", "detail", "no rail factor"),
        ("2023,electricity,10,MWh,,XXX", "country", "unknown country"),
        ("2023,hotel,3,nights,,KEN", "country", "no hotel factor"),
    ],
)
def test_bad_inventory_row_is_one_line_and_stores_nothing(
    line: str, field: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.db")
    organisation(f"sqlite:///{db}")
    path = write(tmp_path, "inv.csv", INVENTORY + line + "\n")
    with pytest.raises(SystemExit) as done:
        main(["organisation", "import-inventory", str(path), "--entity", ORG, "--db", db])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    assert f"row 7, field '{field}'" in err
    assert Store.open(db).current_observations(entity_ids=[ORG]) == []


def test_hostile_flight_files_are_refused_clearly(tmp_path: Path) -> None:
    store = organisation(f"sqlite:///{tmp_path / 's.db'}")
    binary = write(tmp_path, "bin.csv", "")
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: refused by its size before it is read
        handle.truncate(51 * 2**20)
    for path in (binary, huge):
        with pytest.raises(InputError):
            import_flights(store, ORG, path, 2023)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(FLIGHTS.replace(",", ";").encode("utf-16"))
    assert import_flights(store, ORG, utf16, 2023).written == 1
    assert store.current_observations(entity_ids=[ORG])[0].value > 0


def test_header_variants_are_read_as_documented(tmp_path: Path) -> None:
    store = organisation(f"sqlite:///{tmp_path / 's.db'}")
    text = (
        "From,To,Cabin Class,Pax,Journey,Departure Date\n"
        "gva,zrh,Y,1,OW,2023-02-01\n"
        "GVA,LHR,Business class,1,RT,2023-03-01\n"
    )
    run = import_flights(store, ORG, write(tmp_path, "f.csv", text), 2023)
    legs = {(e["haul"], e["cabin"]): e["legs"] for e in run.observations[0].lineage["breakdown"]}
    assert legs == {("short", "economy"): 1, ("medium", "business"): 2}


def test_unknown_column_is_refused(tmp_path: Path) -> None:
    store = organisation(f"sqlite:///{tmp_path / 's.db'}")
    text = FLIGHTS.replace("date\n", "date,traveller\n", 1).replace("-01\n", "-01,x\n")
    with pytest.raises(InputError) as caught:
        import_flights(store, ORG, write(tmp_path, "f.csv", text), 2023)
    assert "unknown column 'traveller'" in caught.value.one_line()


def test_illustrative_organisation_prints_1969_2582_and_plus_31_percent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.db")
    store = Store.open(db)
    load_illustrative_organisation(store)
    summary = organisation_summary(store, "org-illustrative")
    totals = {y.year: y.total for y in summary.years}
    assert sorted(totals) == [2010, 2022, 2023]
    assert f"{totals[2022]:,.0f}" == "1,969" and f"{totals[2023]:,.0f}" == "2,582"
    assert round(100 * (totals[2023] / totals[2022] - 1)) == 31
    for year in summary.years:  # flights the largest part
        air = year.mode_total("air")
        assert air > year.total / 2
        assert all(year.by_indicator[k] < air for k in ("ghg_scope1", "ghg_scope2_location"))
    before = store.observation_history("org-illustrative", "ghg_scope3_c06", 2023)
    load_illustrative_organisation(store)  # loading again writes nothing
    assert store.observation_history("org-illustrative", "ghg_scope3_c06", 2023) == before
    with pytest.raises(SystemExit):
        main(["organisation", "show", "org-illustrative", "--db", db])
    out = capsys.readouterr().out
    assert "1,969" in out and "2,582" in out and "+31 %" in out
    with pytest.raises(SystemExit):
        main(["organisation", "show", "org-illustrative", "--db", db, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    change = data["changes"][-1]
    assert (change["from"], change["year"], round(change["change_percent"])) == (2022, 2023, 31)
    assert change["air_legs"][1] > change["air_legs"][0]


def test_organisation_without_ict_subsector_is_not_in_the_sectors_totals(
    db_url: str, tmp_path: Path
) -> None:
    """Regression: the demo's illustrative organisation (kind organisation, no ICT
    sub-sector) was added into the world's ICT-sector Scope 1+2 by the sector frame."""
    from ictfootprint.compute.sector_frame import entity_years
    from ictfootprint.model import Method, Observation

    store = organisation(db_url)
    store.add_entity(
        Entity(
            id="op",
            name="Operator",
            kind=EntityKind.COMPANY,
            country="CHE",
            subsectors=("mobile_network",),
        )
    )
    store.add_entity(
        Entity(
            id="ict-org",
            name="ICT organisation",
            kind=EntityKind.ORGANISATION,
            country="CHE",
            subsectors=("software_services",),
        )
    )
    store.record_observations(
        [
            Observation(
                entity_id=e,
                indicator_id="ghg_scope1",
                year=2023,
                value=10.0,
                unit="tCO2e",
                method=Method.REPORTED,
                source="test",
            )
            for e in ("op", "ict-org")
        ]
    )
    import_inventory(store, ORG, write(tmp_path, "inv.csv", INVENTORY))
    frame = entity_years(store, years=[2023], quantities=["ghg_scope1"])
    assert sorted(set(frame.entity_id)) == ["ict-org", "op"]
