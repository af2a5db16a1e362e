"""Hostile input to the endorsements register: CSV lists of endorsers (formulas, a huge file,
bad dates, unknown objectives and countries) and documents received (a script in disguise),
refused with the row and column, nothing half-stored; the CLI says it in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ictfootprint.errors import ConflictError, InputError
from ictfootprint.portal import documents, endorsement_file
from ictfootprint.portal import endorsements as register
from ictfootprint.store import Store

HEADER = "id,kind,name,country,endorsed_on,channel,objectives\n"
GOOD = (
    "gov-ken,government,Kenya,KEN,2024-11-16,note verbale,gda-1;gda-2\n"
    "itu,organisation,International Telecommunication Union,CHE,2024-11-15,letter,gda-3\n"
)


@pytest.fixture
def store(db_url: str) -> Store:
    return Store.open(db_url, actor="editor-1")


def _refused(store: Store, body: str | bytes) -> InputError:
    data = body.encode() if isinstance(body, str) else body
    with pytest.raises(InputError) as caught:
        endorsement_file.import_file(store, data, "endorsers.csv")
    assert register.list_endorsements(store, state=None) == []  # nothing half-stored
    return caught.value


def test_a_good_list_is_imported_whole(store: Store) -> None:
    done = endorsement_file.import_file(store, (HEADER + GOOD).encode(), "endorsers.csv")
    assert done.added == ["gov-ken", "itu"]
    assert [r.current.channel for r in register.list_endorsements(store)] == [
        "letter",
        "note-verbale",
    ]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("x,company,=cmd|' /C calc'!A0,FRA,2024-11-16,letter,gda-1", "name", "formula"),
        ("x,company,+SUM(1),FRA,2024-11-16,letter,gda-1", "name", "formula"),
        ("x,company,@HYPERLINK(1),FRA,2024-11-16,letter,gda-1", "name", "formula"),
        ("x,company,Acme,FRA,16/11/2024,letter,gda-1", "endorsed_on", "unreadable date"),
        ("x,company,Acme,FRA,2024-02-30,letter,gda-1", "endorsed_on", "unreadable date"),
        ("x,company,Acme,FRA,1999-01-01,letter,gda-1", "endorsed_on", "out of range"),
        ("x,company,Acme,FRA,2024-11-16,letter,gda-1;gda-99", "objectives", "unknown objective"),
        ("x,company,Acme,ZZZ,2024-11-16,letter,gda-1", "country", "unknown country"),
        ("x,person,Acme,FRA,2024-11-16,letter,gda-1", "kind", "unknown kind"),
        ("X Y,company,Acme,FRA,2024-11-16,letter,gda-1", "id", "invalid endorsement id"),
    ],
)
def test_hostile_rows_are_refused_at_their_row_and_column(
    store: Store, row: str, column: str, message: str
) -> None:
    error = _refused(store, HEADER + GOOD + row + "\n")
    assert error.location.row == 4
    assert error.location.field == column or error.location.field == "objective"
    assert message in error.message
    assert "endorsers.csv, row 4" in str(error)


def test_duplicate_rows_and_existing_ids_are_refused(store: Store) -> None:
    error = _refused(store, HEADER + GOOD + GOOD.splitlines()[0] + "\n")
    assert (error.location.row, error.message) == (4, "id given twice")
    endorsement_file.import_file(store, (HEADER + GOOD).encode(), "first.csv")
    with pytest.raises(ConflictError) as caught:
        endorsement_file.import_file(
            store,
            (HEADER + "new,company,New,FRA,2024-11-16,letter,gda-1\n" + GOOD).encode(),
            "again.csv",
        )
    assert caught.value.location.row == 3
    assert [r.id for r in register.list_endorsements(store)] == ["itu", "gov-ken"]  # not "new"


def test_huge_file_wrong_columns_and_binary_are_refused(store: Store) -> None:
    huge = HEADER + GOOD * (endorsement_file.MAX_BYTES // len(GOOD) + 1)
    assert "too large" in _refused(store, huge).message
    assert _refused(store, "id,kind,name\nx,company,Acme\n").message == "wrong columns"
    assert "UTF-8" in _refused(store, b"\xff\xfe\x00\x01binary").message


def test_documents_are_sniffed_not_named(store: Store) -> None:
    assert documents.sniff(b"%PDF-1.7\n...", "letter.pdf") == "application/pdf"
    assert documents.sniff(b"\x89PNG\r\n\x1a\n....", "scan.png") == "image/png"
    assert documents.sniff(b"\xff\xd8\xff\xe0....", "scan.jpg") == "image/jpeg"
    assert documents.sniff("Dear ITU,\nwe endorse…\n".encode(), "mail.txt").startswith("text/")
    for hostile in (
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"  <!DOCTYPE html><p>hi",
        b"MZ\x90\x00\x03\x00\x00\x00",  # an executable named .pdf
        b"",
        b"x" * (documents.MAX_BYTES + 1),
    ):
        with pytest.raises(InputError):
            documents.sniff(hostile, "letter.pdf")
    with pytest.raises(InputError):
        register.add_endorsement(
            store,
            endorsement_id="x",
            kind="company",
            name="X",
            country="FRA",
            endorsed_on=date(2024, 11, 16),
            channel="letter",
            objectives=["gda-1"],
            document=("letter.pdf", b"<svg onload=alert(1)>"),
        )
    assert register.list_endorsements(store, state=None) == []
    assert documents.safe_file_name('../../etc/pa"ss\r\nwd.pdf') == "pa_ss__wd.pdf"


def test_cli_imports_and_reports_a_bad_row_in_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    bad.write_text(HEADER + "y,company,Acme,FRA,2024-13-01,letter,gda-1\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ictfootprint", "endorsements", *args, "--db", db],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ.copy(),
        )

    done = run("import", str(good))
    assert done.returncode == 0, done.stderr
    assert "2 endorsements added" in done.stdout
    failed = run("import", str(bad))
    assert failed.returncode == 2
    assert failed.stderr.strip().splitlines() == [
        "error: bad.csv, row 2, field 'endorsed_on': unreadable date "
        "(expected YYYY-MM-DD, found '2024-13-01')"
    ]
    shown = run("list", "--format", "json")
    assert shown.returncode == 0 and '"gov-ken"' in shown.stdout
