"""Loading the long CSV format: units converted, bad rows named, nothing half-stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.errors import InputError
from ictfootprint.longcsv import read_long_csv
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store

HEADER = "entity_id,indicator,year,value,unit,country\n"
GOOD = "op-1,energy_electricity,2022,1.5,GWh,FR\nop-1,ghg_scope1,2022,2,kt CO2e,FRA\n"


def test_values_are_converted_and_received_ones_kept() -> None:
    parsed = read_long_csv((HEADER + GOOD).encode(), "in.csv")
    electricity, scope1 = parsed.observations
    assert (electricity.value, electricity.unit, electricity.country) == (1500.0, "MWh", "FRA")
    assert (electricity.value_received, electricity.unit_received) == ("1.5", "GWh")
    assert (scope1.value, scope1.unit) == (2000.0, "tCO2e")
    assert parsed.rows == (2, 3)
    assert electricity.source.startswith("file in.csv (sha256 ")


def test_a_mass_of_methane_is_converted_with_the_gwp_set_recorded() -> None:
    body = "op-1,ghg_scope1,2022,10,t CH4,FRA\n"
    (obs,) = read_long_csv((HEADER + body).encode(), "in.csv").observations
    assert (obs.value, obs.gwp_set) == (280.0, "AR5GWP100")


@pytest.mark.parametrize(
    ("row", "field", "message", "found"),
    [
        ("op-1,energy_electricity,2022,5,furlongz,FRA", "unit", "unknown unit", "furlongz"),
        ("op-1,energy_electricity,2022,5,tCO2e,FRA", "unit", "cannot convert", "tCO2e"),
        ("op-1,energy_electricity,2022,5,MWh,XYZ", "country", "unknown country code", "XYZ"),
        (
            "op-1,energy_electrickery,2022,5,MWh,FRA",
            "indicator",
            "unknown indicator",
            "energy_electrickery",
        ),
        ("op-1,energy_electricity,2022,lots,MWh,FRA", "value", "not a number", "lots"),
        ("op-1,energy_electricity,22nd,5,MWh,FRA", "year", "not a whole number", "22nd"),
        ("op-1,energy_electricity,2022,5,C,FRA", "unit", "ambiguous unit 'C'", "C"),
    ],
)
def test_bad_row_names_file_row_and_field(row: str, field: str, message: str, found: str) -> None:
    text = HEADER + GOOD + row + "\n"
    with pytest.raises(InputError) as caught:
        read_long_csv(text.encode(), "survey.csv")
    error = caught.value
    assert (error.location.file, error.location.row, error.location.field) == (
        "survey.csv",
        4,
        field,
    )
    assert message in error.message
    assert error.found == found
    assert error.one_line().startswith(f"survey.csv, row 4, field '{field}': ")


def test_duplicates_and_missing_columns() -> None:
    with pytest.raises(InputError, match="duplicate of row 2") as caught:
        read_long_csv((HEADER + GOOD + GOOD.splitlines()[0] + "\n").encode(), "d.csv")
    assert caught.value.location.row == 4
    with pytest.raises(InputError, match="missing column 'unit'") as caught:
        read_long_csv(b"entity_id,indicator,year,value\nop-1,x,2022,1\n", "m.csv")
    assert caught.value.location.row == 1


def test_unknown_entity_stops_the_load_and_nothing_is_stored(db_url: str) -> None:
    store = Store.open(db_url)
    store.add_entity(Entity(id="op-1", name="One", kind=EntityKind.COMPANY, country="FRA"))
    text = HEADER + GOOD + "op-9,energy_electricity,2022,5,MWh,FRA\n"
    with pytest.raises(InputError) as caught:
        store.load_long_csv(text.encode(), "f.csv")
    assert (caught.value.location.row, caught.value.location.field) == (4, "entity_id")
    assert store.current_observations() == []
    result = store.load_long_csv((HEADER + GOOD).encode(), "f.csv")
    assert len(result.written) == 2


def test_cli_load_error_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    cli = [sys.executable, "-m", "ictfootprint"]
    added = subprocess.run(
        [
            *cli,
            "entities",
            "add",
            "op-1",
            "--name",
            "Operator One",
            "--country",
            "FRA",
            "--subsector",
            "mobile_network",
            "--db",
            db,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD + "op-1,dc_pue,2022,1.4,furlongz,FRA\n")
    done = subprocess.run(
        [*cli, "observations", "load", str(bad), "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {bad}, row 4, field 'unit': unknown unit (found 'furlongz')"
    )
    assert Store.open(db).current_observations() == []
