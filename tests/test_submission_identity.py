"""What makes a submission "the same one": entity, bytes, format and declared reading options;
its public id; and lists that never read a report. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select, text

from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.store.database import database_url
from ictfootprint.store.schema import submissions
from ictfootprint.store.submissions import PUBLIC_ID

HEADER = "indicator,year,value,unit,method,source,comment\n"
AMBIGUOUS = HEADER + 'energy_diesel,2022,"1,234",L,reported,report,\n'


def _operator(store: Store) -> None:
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url, actor="focal-point")
    _operator(store)
    return store


def test_identical_resubmission_of_an_unusable_file_keeps_exit_status_2(store: Store) -> None:
    broken = b"PK\x03\x04 not really a workbook"
    first = submit(store, broken, "broken.xlsx", "op-1")
    again = submit(store, broken, "broken.xlsx", "op-1")
    assert (first.status, first.exit_code) == ("rejected", 2)
    assert again.identical_to == first.submission_id
    assert (again.status, again.exit_code, again.unusable) == ("rejected", 2, True)


def test_empty_xlsx_is_not_identical_to_an_empty_csv(store: Store) -> None:
    csv = submit(store, b"", "empty.csv", "op-1")
    xlsx = submit(store, b"", "empty.xlsx", "op-1")
    assert xlsx.identical_to is None and xlsx.submission_id != csv.submission_id
    assert xlsx.report["format"] == "xlsx" and csv.report["format"] == "csv"
    assert submit(store, b"", "again.xlsx", "op-1").identical_to == xlsx.submission_id


def test_same_bytes_with_another_locale_are_read_again(store: Store) -> None:
    unsure = submit(store, AMBIGUOUS.encode(), "amb.csv", "op-1")
    assert (unsure.status, unsure.exit_code) == ("rejected", 1)
    french = submit(store, AMBIGUOUS.encode(), "amb.csv", "op-1", locale="fr")
    assert (french.status, french.identical_to, french.rereads) == (
        "validated",
        None,
        unsure.submission_id,
    )
    assert french.rereads_public_id == unsure.public_id
    # the same options again: identical, with the same outcome; so with another spelling
    # of the same encoding
    again = submit(store, AMBIGUOUS.encode(), "amb.csv", "op-1", locale="fr")
    assert (again.identical_to, again.status, again.exit_code) == (
        french.submission_id,
        "validated",
        0,
    )
    utf8 = submit(store, AMBIGUOUS.encode(), "amb.csv", "op-1", encoding="UTF-8")
    assert submit(store, AMBIGUOUS.encode(), "a.csv", "op-1", encoding="utf8").identical_to == (
        utf8.submission_id
    )
    record = store.submission(french.submission_id)
    assert (record.read_as, record.rereads) == ("locale=fr", unsure.submission_id)
    store.accept_submission(french.public_id)
    (diesel,) = store.current_observations(indicator_ids=["energy_diesel"])
    assert diesel.value == 1.234


def test_public_ids_are_random_and_find_the_submission(store: Store) -> None:
    results = [
        submit(
            store, (HEADER + f"ghg_scope1,2022,{n},tCO2e,reported,r,\n").encode(), "f.csv", "op-1"
        )
        for n in range(1, 4)
    ]
    ids = [r.public_id for r in results]
    assert all(re.fullmatch(PUBLIC_ID, i) for i in ids) and len(set(ids)) == 3
    for result in results:
        assert store.submission(result.public_id).id == result.submission_id
        assert store.submission(result.submission_id).public_id == result.public_id


def test_listing_reads_no_report_and_counts_from_columns(store: Store) -> None:
    bad = HEADER + "ghg_scope1,2022,abc,tCO2e,reported,r,\nghg_scope1,1800,1,tCO2e,reported,r,\n"
    result = submit(store, bad.encode(), "bad.csv", "op-1")
    (listed,) = store.submissions()
    assert listed.report is None  # a list never loads the (possibly huge) reports
    assert (listed.values, listed.errors, listed.warnings) == (
        result.report["values"],
        result.report["errors"],
        result.report["warnings"],
    )
    assert listed.errors and listed.errors >= 1
    assert store.submissions(entity_ids=[]) == []
    assert [r.id for r in store.submissions(entity_ids=["op-1"])] == [listed.id]


def test_migration_0005_backfills_public_ids_and_counts(empty_db_url: str) -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("ictfootprint.store").joinpath("migrations"))
    )
    engine = create_engine(database_url(empty_db_url))
    report = {"values": 3, "errors": 1, "warnings": 2, "findings": [{"rule": "unusable-file"}]}
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(
            text(
                "INSERT INTO entities (id, name, kind, countries_of_operation, subsectors, "
                "illustrative, created_at) VALUES ('op-1', 'Op', 'company', '[]', '[]', false, "
                "CURRENT_TIMESTAMP)"
            )
        )
        for n in range(2):
            connection.execute(
                text(
                    "INSERT INTO submissions (entity_id, format, content_sha256, received_at, "
                    "received_by, report) VALUES ('op-1', 'csv', :sha, CURRENT_TIMESTAMP, 't', "
                    ":report)"
                ),
                {"sha": str(n) * 64, "report": json.dumps(report)},
            )
    engine.dispose()
    store = Store.open(empty_db_url)
    with store.engine.connect() as connection:
        rows = connection.execute(select(submissions).order_by(submissions.c.id)).all()
    assert [(r.value_count, r.error_count, r.warning_count, r.unusable) for r in rows] == [
        (3, 1, 2, True)
    ] * 2
    assert all(re.fullmatch(PUBLIC_ID, r.public_id) for r in rows)
    assert rows[0].public_id != rows[1].public_id and {r.read_as for r in rows} == {""}
    # still append-only after the backfill
    with pytest.raises(Exception, match="append-only"), store.transaction() as connection:
        connection.execute(text("UPDATE submissions SET file_name = 'x'"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args], capture_output=True, text=True, check=False
    )


def test_ambiguous_number_is_fixed_by_resubmitting_with_locale_through_the_cli(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "c.db")
    assert (
        run(
            "entities",
            "add",
            "op-1",
            "--name",
            "Op",
            "--kind",
            "company",
            "--country",
            "FRA",
            "--db",
            db,
        ).returncode
        == 0
    )
    path = tmp_path / "amb.csv"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    unsure = run("submit", str(path), "--entity", "op-1", "--db", db, "--format", "json")
    assert unsure.returncode == 1, unsure.stdout + unsure.stderr
    (finding,) = json.loads(unsure.stdout)["report"]["findings"]
    assert finding["rule"] == "number-format" and "--locale" in finding["expected"]
    french = run("submit", str(path), "--entity", "op-1", "--locale", "fr", "--db", db)
    assert french.returncode == 0, french.stdout + french.stderr
    assert "identical" not in french.stdout
    again = run("submit", str(path), "--entity", "op-1", "--locale", "fr", "--db", db)
    assert again.returncode == 0 and "identical to submission 2" in again.stdout
    unsure_again = run("submit", str(path), "--entity", "op-1", "--db", db)
    assert unsure_again.returncode == 1 and "identical to submission 1" in unsure_again.stdout
    shown = run("review", "show", Store.open(db).public_id(2), "--db", db, "--format", "json")
    assert json.loads(shown.stdout)["id"] == 2


def test_identical_unusable_file_through_the_cli_exits_2_both_times(tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    assert (
        run(
            "entities",
            "add",
            "op-1",
            "--name",
            "Op",
            "--kind",
            "company",
            "--country",
            "FRA",
            "--db",
            db,
        ).returncode
        == 0
    )
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    codes = [run("submit", str(path), "--entity", "op-1", "--db", db).returncode for _ in "12"]
    assert codes == [2, 2]
