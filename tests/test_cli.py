"""The command line as a user meets it: outputs, exit statuses, one-line errors, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.reference.catalogue import LANGUAGES, catalogue
from ictfootprint.store import Store


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_json_in_every_language(lang: str) -> None:
    done = run("catalogue", "--lang", lang, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["id"] for r in rows] == list(catalogue())
    for row in rows:
        assert {"id", "name", "unit", "levels", "subsectors", "scope", "standard"} <= row.keys()
        assert row["name"] == catalogue()[row["id"]].name(lang)
    if lang == "ar":  # names are printed as text, not \u escapes
        assert any("\u0600" <= ch <= "\u06ff" for ch in done.stdout)


def test_factors_import_and_show(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "f.db")
    done = run(
        "factors",
        "import",
        str(shared_data / "grid_carbon_intensity_owid_2015_2024.csv"),
        "--source",
        "Ember (2025); Energy Institute (2025), via Our World in Data; CC BY 4.0",
        "--db",
        db,
    )
    assert done.returncode == 0, done.stderr
    assert "stored 1964 factors" in done.stdout
    shown = run("factors", "show", "FRA", "2022", "--format", "json", "--db", db)
    assert shown.returncode == 0, shown.stderr
    factor = json.loads(shown.stdout)
    assert factor["unit"] == "gCO2e/kWh" and factor["year"] == 2022
    assert "Our World in Data" in factor["source"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("convert", "1", "furlongz", "MWh"), "field 'unit': unknown unit (found 'furlongz')"),
        (("convert", "1", "C", "tCO2e"), "ambiguous unit 'C'"),
        (("factors", "show", "QQQ", "2020"), "field 'country': unknown country code"),
    ],
)
def test_bad_input_is_one_line_with_status_2(
    tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    Store.open(str(tmp_path / "x.db")).close()
    done = run(*args, "--db", str(tmp_path / "x.db")) if args[0] == "factors" else run(*args)
    assert done.returncode == 2
    assert expected in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_malformed_factor_file_names_file_row_field_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "factors.csv"
    bad.write_text(
        "iso3,country,year,carbon_intensity_g_per_kwh\nFRA,France,2020,56\n"
        "DEU,Germany,2020,not-a-number\n"
    )
    db = tmp_path / "f.db"
    done = run("factors", "import", str(bad), "--source", "a test file", "--db", str(db))
    assert done.returncode == 2
    line = done.stderr.strip()
    assert line.startswith(f"error: {bad}, row 3, field 'carbon_intensity_g_per_kwh'")
    assert len(line.splitlines()) == 1
    assert [d.name for d in Store.open(str(db)).factor_datasets()] == ["codecarbon-3.3.2"]


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in ("demo", "catalogue", "factors", "observations", "convert"):
        assert command in done.stdout
