"""Regression tests for the command-line defects a new user met in the first hour (issue 12):
each one reproduces what was typed and asserts one line, the documented exit status and nothing
written or stored."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.store import Store


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def one_line_error(done: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert done.returncode == status, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def add_operator(db: str, entity: str = "fr-op-1") -> None:
    done = run("entities", "add", entity, "--name", "Op", "--country", "FRA", "--db", db)
    assert done.returncode == 0, done.stderr


# -- output paths -------------------------------------------------------------------------


def test_template_to_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / "y.xlsx"
    line = one_line_error(run("template", "--respondent", "telecom-operator", "-o", str(target)))
    assert "folder does not exist" in line and str(target.parent) in line
    assert not target.parent.exists()


def test_template_to_a_folder_is_one_line(tmp_path: Path) -> None:
    line = one_line_error(run("template", "--respondent", "telecom-operator", "-o", str(tmp_path)))
    assert "is a folder, not a file" in line and str(tmp_path) in line


@pytest.mark.parametrize("structure", [False, True])
def test_export_to_a_missing_folder_is_one_line(tmp_path: Path, structure: bool) -> None:
    db = str(tmp_path / "e.db")
    add_operator(db)
    out = tmp_path / "missing" / "out.csv"
    args = ["export", "--out", str(out), "--db", db] + (["--structure"] if structure else [])
    line = one_line_error(run(*args))
    assert "field 'out'" in line and "folder does not exist" in line


def test_submit_annotate_to_a_missing_folder_stores_nothing_and_exits_2(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    add_operator(db)
    data = tmp_path / "op.csv"
    data.write_text("indicator,year,value,unit\nenergy_electricity,2023,10,MWh\n")
    annotated = tmp_path / "missing" / "annotated.xlsx"
    done = run("submit", str(data), "--entity", "fr-op-1", "--annotate", str(annotated), "--db", db)
    line = one_line_error(done)
    assert "field 'annotate'" in line and "folder does not exist" in line
    assert Store.open(db).submissions() == []  # checked before anything was stored


# -- records and databases ------------------------------------------------------------------


def test_history_of_a_missing_record_exits_1(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    add_operator(db)
    line = one_line_error(
        run("observations", "history", "fr-op-1", "energy_electricity", "2022", "--db", db), 1
    )
    assert "no such record" in line and "fr-op-1 energy_electricity 2022" in line


READ_COMMANDS = [
    ("observations", "list"),
    ("observations", "history", "x", "energy_electricity", "2022"),
    ("entities", "list"),
    ("factors", "show", "FRA", "2022"),
    ("factors", "datasets"),
    ("review", "list"),
    ("review", "show", "1"),
    ("export", "--format", "csv"),
    ("aggregate", "--level", "world", "--year", "2023"),
    ("assess", "trajectory", "--level", "world"),
    ("assess", "coverage", "--entity", "FRA", "--year", "2023"),
    ("assess", "targets", "--entity", "x"),
    ("targets", "list", "x"),
    ("users", "list"),
    ("tokens", "list"),
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_read_command_refuses_a_database_that_does_not_exist(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    mistyped = tmp_path / "ictfootprint-dmeo.db"
    line = one_line_error(run(*command, "--db", str(mistyped)))
    assert str(mistyped) in line and "no database" in line and "creates it" in line
    assert not mistyped.exists()


def test_read_command_refuses_the_default_database_when_there_is_none(tmp_path: Path) -> None:
    line = one_line_error(run("observations", "list", cwd=tmp_path))
    assert "ictfootprint.db" in line
    assert list(tmp_path.iterdir()) == []


def test_export_structure_needs_no_database(tmp_path: Path) -> None:
    done = run("export", "--structure", "--out", str(tmp_path / "dsd.xml"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dsd.xml"]


def test_write_command_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    add_operator(str(db))
    assert db.is_file()
    assert run("entities", "list", "--db", str(db)).returncode == 0


# -- codes as people type them ------------------------------------------------------------


def test_mobile_network_with_a_hyphen_is_accepted(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    done = run(
        "entities", "add", "op", "--name", "Op", "--country", "FRA",
        "--subsector", "mobile-network", "--db", db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    many = tmp_path / "operators.csv"
    many.write_text(
        "id,name,kind,country,subsectors\nop-2,Two,company,FRA,mobile-network;Data-Centre\n"
    )
    done = run("entities", "import", str(many), "--db", db)
    assert done.returncode == 0, done.stderr
    listed = json.loads(run("entities", "list", "--db", db, "--format", "json").stdout)
    assert [e["subsectors"] for e in listed] == [
        ["mobile_network"],
        ["mobile_network", "data_centre"],
    ]
    hyphen = run("catalogue", "--subsector", "mobile-network", "--format", "json")
    underscore = run("catalogue", "--subsector", "mobile_network", "--format", "json")
    assert hyphen.returncode == 0 and json.loads(hyphen.stdout) == json.loads(underscore.stdout)
    assert json.loads(hyphen.stdout)  # not an empty selection
    template = tmp_path / "t.csv"
    done = run(
        "template", "--respondent", "telecom_operator", "--format", "csv", "-o", str(template)
    )
    assert done.returncode == 0, done.stderr


def test_unknown_subsector_lists_the_known_ones() -> None:
    line = one_line_error(run("catalogue", "--subsector", "mobile"))
    assert "unknown sub-sector" in line and "mobile_network" in line


# -- factor files of unknown origin ---------------------------------------------------------


def test_factors_import_of_a_user_file_requires_its_source(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    mine = tmp_path / "my_factors.csv"
    mine.write_text("iso3,country,year,carbon_intensity_g_per_kwh\nFRA,France,2020,56\n")
    line = one_line_error(run("factors", "import", str(mine), "--db", db))
    assert "--source" in line and str(mine) in line
    assert not Path(db).exists() or len(Store.open(db).factor_datasets()) == 1
    done = run(
        "factors", "import", str(mine), "--source", "Our ministry, 2021 survey", "--db", db,
        "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["source"] == "Our ministry, 2021 survey"


# -- number formats in tables --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("demo") / "ictfootprint-demo.db")
    done = run("demo", "--db", db)
    assert done.returncode == 0, done.stderr
    return db


NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$")


def table_cells(output: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in output.splitlines()
        if line.startswith("│")
    ]


def test_aggregate_table_formats_every_figure_alike(demo_db: str) -> None:
    done = run("aggregate", "--level", "country", "--year", "2023", "--db", demo_db)
    assert done.returncode == 0, done.stderr
    rows = table_cells(done.stdout)
    assert rows
    assert {row[4] for row in rows if row[3]} >= {"tCO2e"}  # every figure says its unit
    figures = [row[3] for row in rows if row[3]]
    assert figures
    for cell in figures:
        assert NUMBER.match(cell), cell  # thousands separators, never "1800.0"
        assert not cell.endswith(".0"), cell
        digits = cell.replace(",", "").replace("-", "").lstrip("0.").replace(".", "")
        assert len(digits) <= max(4, len(cell.split(".")[0].replace(",", ""))), cell


def test_figure_keeps_meaningful_digits() -> None:
    from ictfootprint.cli.options import figure

    assert [figure(v) for v in (7400.0, 1800.0, 53.846974, 14531185.5, 0.5, -2.25)] == [
        "7,400",
        "1,800",
        "53.85",
        "14,531,186",
        "0.5",
        "-2.25",
    ]
