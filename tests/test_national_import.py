"""National statistics from Our World in Data's long CSVs (real rows, examples/README.md):
stored as statistical observations on country entities, revisions kept, the same file twice
writes nothing, a national statistics office's submission read alike; hostile files stop
with one line naming row and column and store nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.collection.service import submit
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.national import import_national, national_statistics
from ictfootprint.national_file import read_national_file
from ictfootprint.store import Store

HERE = Path(__file__).resolve().parents[1] / "examples"
CO2 = HERE / "owid-co2-sample.csv"
ENERGY = HERE / "owid-energy-sample.csv"
CITE_CO2 = "Our World in Data, CO2 and Greenhouse Gas Emissions (co2-data 1476566), CC BY 4.0"
CITE_ENERGY = "Our World in Data, Energy (energy-data e7897ae), CC BY 4.0"


def stats(store: Store) -> dict[tuple[str, str, int], float | None]:
    return {
        (o.entity_id, o.indicator_id, o.year): o.value
        for o in store.current_observations(methods=["statistical"])
    }


def test_owid_files_stored_as_national_statistics(db_url: str) -> None:
    store = Store.open(db_url)
    co2 = import_national(store, CO2, "owid-co2", citation=CITE_CO2)
    energy = import_national(store, ENERGY, "owid-energy", citation=CITE_ENERGY)
    assert (co2.written, energy.written) == (12, 5)
    assert co2.entities_added == ("FIN", "FRA") and energy.entities_added == ()
    # Europe 1871 is an aggregate; France 1976 is before 1990
    assert (co2.file.aggregates_skipped, co2.file.rows_filtered) == (1, 1)
    got = stats(store)
    # total_ghg_excluding_lucf, not total_ghg (356.965 with land use)
    assert got["FRA", "economy_ghg_total", 2022] == pytest.approx(329.368, abs=1e-9)
    assert got["FIN", "economy_ghg_total", 2022] == pytest.approx(48.227, abs=1e-9)
    assert got["FRA", "economy_co2_total", 2020] == pytest.approx(280.490, abs=1e-9)
    assert got["FRA", "economy_electricity", 2022] == pytest.approx(483.390, abs=1e-9)
    assert got["FIN", "economy_electricity", 2021] == pytest.approx(89.880, abs=1e-9)
    assert ("FIN", "economy_electricity", 2020) not in got  # not in the sample
    (obs,) = store.current_observations(
        entity_ids=["FRA"], indicator_ids=["economy_ghg_total"], years=[2022]
    )
    assert (obs.unit, obs.method.value, obs.value_received, obs.unit_received) == (
        "MtCO2e",
        "statistical",
        "329.368",
        "Mt CO2e",
    )
    assert obs.source.startswith(CITE_CO2) and "total_ghg_excluding_lucf" in obs.source
    assert obs.lineage["sha256"] == co2.file.sha256 and obs.lineage["row"] == 9
    france = store.entity("FRA")
    assert (france.kind, france.country, france.name) == (EntityKind.COUNTRY, "FRA", "France")


def test_same_file_twice_writes_nothing_and_a_restatement_is_a_revision(
    db_url: str, tmp_path: Path
) -> None:
    store = Store.open(db_url)
    import_national(store, ENERGY, "owid-energy", citation=CITE_ENERGY)
    again = import_national(store, ENERGY, "owid-energy", citation=CITE_ENERGY)
    assert (again.written, again.unchanged) == (0, 5)
    audit = [e for e in store.audit_trail() if e["action"] == "import-national"]
    assert len(audit) == 1  # the second import wrote nothing, not even an audit row
    restated = tmp_path / "owid-energy-next.csv"
    restated.write_text(ENERGY.read_text().replace(",483.390,", ",483.500,"))
    result = import_national(store, restated, "owid-energy", citation=CITE_ENERGY)
    assert (result.written, result.unchanged) == (1, 4)
    history = store.observation_history("FRA", "economy_electricity", 2022)
    assert [(h.revision, h.value) for h in history] == [(1, 483.39), (2, 483.5)]


def test_year_and_country_filters(db_url: str) -> None:
    store = Store.open(db_url)
    result = import_national(
        store, CO2, "owid-co2", citation=CITE_CO2, years=(2021, 2021), areas=["FRA"]
    )
    assert sorted(stats(store)) == [
        ("FRA", "economy_co2_total", 2021),
        ("FRA", "economy_ghg_total", 2021),
    ]
    assert result.entities_added == ("FRA",) and store.find_entity("FIN") is None


def test_world_row_goes_to_the_world_entity(tmp_path: Path) -> None:
    lines = ENERGY.read_text().splitlines()
    world = lines[-1].replace("France,2022,FRA,", "World,2022,OWID_WRL,")
    path = tmp_path / "world.csv"
    path.write_text("\n".join([lines[0], world]) + "\n")
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    import_national(store, path, "owid-energy", citation=CITE_ENERGY)
    assert store.entity("WORLD").kind is EntityKind.WORLD
    assert stats(store) == {("WORLD", "economy_electricity", 2022): 483.39}


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("bom", lambda t: b"\xef\xbb\xbf" + t.encode()),
        ("utf-16", lambda t: t.encode("utf-16")),
        ("latin-1", lambda t: t.replace("France", "Françe").encode("latin-1")),
        ("crlf", lambda t: t.replace("\n", "\r\n").encode()),
    ],
)
def test_other_encodings_read_alike(name: str, encode: object, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(encode(CO2.read_text()))  # type: ignore[operator]
    got = read_national_file(path, "owid-co2")
    plain = read_national_file(CO2, "owid-co2")
    assert [(v.area, v.indicator, v.year, v.value) for v in got.values] == [
        (v.area, v.indicator, v.year, v.value) for v in plain.values
    ]


def _edit(row: int, column: str, value: str):  # type: ignore[no-untyped-def]
    """Replace one cell of the co2 sample (row as a spreadsheet numbers it)."""

    def edit(text: str) -> str:
        lines = text.splitlines()
        header = lines[0].split(",")
        cells = lines[row - 1].split(",")
        cells[header.index(column)] = value
        lines[row - 1] = ",".join(cells)
        return "\n".join(lines) + "\n"

    return edit


def _drop_column(column: str):  # type: ignore[no-untyped-def]
    def edit(text: str) -> str:
        lines = [line.split(",") for line in text.splitlines()]
        index = lines[0].index(column)
        return "\n".join(",".join(c[:index] + c[index + 1 :]) for c in lines) + "\n"

    return edit


HOSTILE = [
    ("missing-column", _drop_column("total_ghg_excluding_lucf"), 1, "total_ghg_excluding_lucf"),
    ("text-in-number", _edit(9, "total_ghg_excluding_lucf", "n/a"), 9, "total_ghg_excluding_lucf"),
    ("comma-decimal", _edit(9, "co2", "293.502e"), 9, "co2"),
    ("negative", _edit(5, "total_ghg_excluding_lucf", "-48.227"), 5, "total_ghg_excluding_lucf"),
    ("huge", _edit(5, "total_ghg_excluding_lucf", "48227000"), 5, "total_ghg_excluding_lucf"),
    ("infinity", _edit(5, "co2", "inf"), 5, "co2"),
    ("nan", _edit(5, "co2", "NaN"), 5, "co2"),
    ("unknown-code", _edit(9, "iso_code", "XXX"), 9, "iso_code"),
    ("year-text", _edit(8, "year", "2021a"), 8, "year"),
    ("duplicate", _edit(9, "year", "2021"), 9, "iso_code"),
    ("short-row", lambda t: t.replace(",39.097\n", "\n"), 9, None),
]


@pytest.mark.parametrize(("name", "edit", "row", "column"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_stops_at_its_cell_and_stores_nothing(
    name: str, edit: object, row: int, column: str | None, tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(edit(CO2.read_text()))  # type: ignore[operator]
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(InputError) as caught:
        import_national(store, path, "owid-co2", citation=CITE_CO2)
    error = caught.value
    assert (error.location.file, error.location.row) == (str(path), row)
    assert error.location.column == column
    assert "\n" not in error.one_line()
    assert store.current_observations() == [] and store.entities() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)) * 40, "binary"),
        (b"", "missing column 'country'"),
        # Europe only: OWID's aggregates are never read as a country
        (b"", "nothing to import"),
    ],
)
def test_unusable_files(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    if message == "nothing to import":
        content = "\n".join(CO2.read_text().splitlines()[:2]).encode() + b"\n"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_national_file(path, "owid-co2")


def test_energy_file_read_as_co2_names_the_missing_column() -> None:
    with pytest.raises(InputError) as caught:
        read_national_file(ENERGY, "owid-co2")
    assert caught.value.location.column == "total_ghg_excluding_lucf"
    assert "not an owid-co2 file" in caught.value.message


def test_area_that_is_a_company_is_refused_whole(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    store.add_entity(Entity(id="FRA", name="An operator called FRA", kind=EntityKind.COMPANY))
    with pytest.raises(InputError, match="is a company, not a country"):
        import_national(store, CO2, "owid-co2", citation=CITE_CO2)
    assert store.current_observations() == [] and store.find_entity("FIN") is None


def test_statistics_office_submission_is_read_as_a_national_statistic(db_url: str) -> None:
    """A national statistics office sends the same quantity in the project's long CSV, for
    its country's entity, method statistical: accepted, it is the same series."""
    store = Store.open(db_url)
    store.add_entity(Entity(id="FRA", name="France", kind=EntityKind.COUNTRY, country="FRA"))
    body = (
        "indicator,year,value,unit,method,source\n"
        "economy_electricity,2022,483390,GWh,statistical,RTE Bilan électrique 2022\n"
        "economy_ghg_total,2022,329368,kt CO2e,statistical,Citepa Secten 2023\n"
    )
    result = submit(store, body.encode(), "insee.csv", "FRA")
    assert result.status == "validated", result.report
    store.accept_submission(result.submission_id, "national statistics office")
    found = national_statistics(store, ["economy_electricity", "economy_ghg_total"])
    assert found["FRA", "economy_electricity", 2022].value == pytest.approx(483.39)
    assert found["FRA", "economy_ghg_total", 2022].value == pytest.approx(329.368)
    assert found["FRA", "economy_electricity", 2022].method.value == "statistical"


def test_cli_import_and_one_line_error(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    args = ["observations", "import-national", str(CO2), "--file-format", "owid-co2", "--db", db]
    done = _run(*args, "--source", CITE_CO2)
    assert done.returncode == 0, done.stderr
    assert "12 values for 2 areas; stored 12" in done.stdout
    again = _run(*args, "--source", CITE_CO2)
    assert "stored 0 (12 already current)" in again.stdout
    unsourced = _run(*args)
    assert unsourced.returncode == 2
    assert unsourced.stderr.count("\n") == 1 and "field 'source'" in unsourced.stderr
    aggregate = _run(*args, "--source", CITE_CO2, "--country", "OWID_EU27")
    assert aggregate.returncode == 2 and "an OWID aggregate" in aggregate.stderr
    assert "Traceback" not in unsourced.stderr + aggregate.stderr


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args], capture_output=True, text=True, check=False
    )


def test_years_before_1900_are_refused_not_a_traceback(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(InputError) as caught:
        import_national(store, CO2, "owid-co2", citation=CITE_CO2, years=(1850, 2022))
    assert caught.value.location.field == "from"
    assert store.current_observations() == []


def test_a_country_filter_passes_over_codes_it_does_not_ask_for(tmp_path: Path) -> None:
    """A code the program does not know (Netherlands Antilles, withdrawn from ISO 3166) stops a
    whole-file import, but not an import of the countries asked for."""
    path = tmp_path / "antilles.csv"
    path.write_text(_edit(5, "iso_code", "ANT")(CO2.read_text()))
    with pytest.raises(InputError, match="unknown country code"):
        read_national_file(path, "owid-co2")
    read = read_national_file(path, "owid-co2", areas=["FRA"])
    assert read.areas == ["FRA"] and len(read.values) == 6
