"""The data-collection commands as a regulator runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from ictfootprint.store import Store


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args], capture_output=True, text=True, check=False
    )


def test_entities_import_is_whole_or_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    good = tmp_path / "entities.csv"
    good.write_text(
        "id,name,kind,country,subsectors,countries_of_operation\n"
        "fr-op-1,Opérateur 1,company,FR,mobile_network;fixed_network,FRA;MAR\n"
        "ke-dc-1,DC Nairobi,facility,KEN,data_centre,\n",
        encoding="utf-8",
    )
    done = run("entities", "import", str(good), "--db", db)
    assert done.returncode == 0, done.stderr
    listed = json.loads(run("entities", "list", "--db", db, "--format", "json").stdout)
    assert [(e["id"], e["country"], e["countries_of_operation"]) for e in listed] == [
        ("fr-op-1", "FRA", ["FRA", "MAR"]),
        ("ke-dc-1", "KEN", []),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,name,kind,country,subsectors\nx-1,X,company,FRA,mobile_network\n"
        "x-2,Y,company,QQQ,mobile_network\n"
    )
    failed = run("entities", "import", str(bad), "--db", db)
    assert failed.returncode == 2
    assert failed.stderr.strip().startswith(
        f"error: {bad}, row 3, field 'country': unknown country code"
    )
    assert len(Store.open(db).entities()) == 2  # x-1 was not added either


def test_template_submit_annotate_review(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    template = tmp_path / "t.xlsx"
    assert (
        run(
            "template",
            "--respondent",
            "data-centre-operator",
            "--lang",
            "zh",
            "--years",
            "2023",
            "-o",
            str(template),
        ).returncode
        == 0
    )
    assert (
        run(
            "entities",
            "add",
            "dc-1",
            "--name",
            "DC",
            "--country",
            "CHN",
            "--subsector",
            "data_centre",
            "--db",
            db,
        ).returncode
        == 0
    )
    workbook = load_workbook(template)
    sheet = workbook.worksheets[1]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == "dc_pue":
            sheet.cell(row=row, column=5, value=0.8)  # below 1: an error at E{row}
            pue_cell = f"E{row}"
    workbook.save(template)
    annotated = tmp_path / "annotated.xlsx"
    done = run(
        "submit",
        str(template),
        "--entity",
        "dc-1",
        "--db",
        db,
        "--annotate",
        str(annotated),
        "--format",
        "json",
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)["report"]
    (finding,) = report["findings"]
    assert (finding["rule"], finding["cell"]) == ("range-pue", pue_cell)
    marked = load_workbook(annotated).worksheets[1][pue_cell]
    assert marked.comment is not None and "range-pue" in marked.comment.text
    assert run("review", "accept", "1", "--db", db).returncode == 2  # rejected: cannot accept
    listed = json.loads(run("review", "list", "--db", db, "--format", "json").stdout)
    assert [(s["id"], s["status"], s["errors"]) for s in listed] == [(1, "rejected", 1)]


def test_review_accept_and_reject(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    assert (
        run("entities", "add", "op-1", "--name", "One", "--country", "FRA", "--db", db).returncode
        == 0
    )
    for number, value in enumerate((10, 20), start=1):
        data = tmp_path / f"{number}.csv"
        data.write_text(f"indicator,year,value,unit\nenergy_electricity,202{number},{value},MWh\n")
        assert run("submit", str(data), "--entity", "op-1", "--db", db).returncode == 0
    assert run("review", "accept", "1", "--comment", "fine", "--db", db).returncode == 0
    rejected = run("review", "reject", "2", "--comment", "wrong year", "--db", db)
    assert rejected.returncode == 0
    shown = json.loads(run("review", "show", "2", "--db", db, "--format", "json").stdout)
    assert [(e["status"], e["comment"]) for e in shown["events"]][-1] == ("rejected", "wrong year")
    values = json.loads(run("observations", "list", "--db", db, "--format", "json").stdout)
    assert [(v["year"], v["value"]) for v in values] == [(2021, 10.0)]
