"""``ictfootprint aggregate``: every level, table and JSON, on data with entities that report
only part of what a total needs (issue 14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store

LEVELS = [
    ("--level", "country"),
    ("--level", "region"),
    ("--level", "region", "--regions", "m49"),
    ("--level", "world"),
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args], capture_output=True, text=True, check=False
    )


def _value(entity: str, indicator: str, value: float) -> Observation:
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=2023,
        value=value,
        unit="tCO2e",
        method=Method.REPORTED,
        source="test",
    )


@pytest.fixture
def partial_db(tmp_path: Path) -> str:
    """One complete operator, one reporting only Scope 3, one reporting only Scope 1."""
    db = str(tmp_path / "partial.db")
    store = Store.open(db)
    for entity_id, country in (("full", "FRA"), ("s3-only", "FRA"), ("s1-only", "KEN")):
        store.add_entity(
            Entity(
                id=entity_id,
                name=entity_id,
                kind=EntityKind.COMPANY,
                country=country,
                subsectors=("mobile_network",),
            )
        )
    store.record_observations(
        [
            _value("full", "ghg_scope1", 100),
            _value("full", "ghg_scope2_location", 50),
            _value("s3-only", "ghg_scope3_total", 5000),
            _value("s1-only", "ghg_scope1", 10),
        ]
    )
    return db


@pytest.mark.parametrize("level", LEVELS, ids=" ".join)
def test_aggregate_table_with_scope3_only_and_scope1_only_entities(
    partial_db: str, level: tuple[str, ...]
) -> None:
    """Regression: the table crashed (TypeError: unsupported format string passed to
    NoneType.__format__) when an entity reported only Scope 3."""
    done = run("aggregate", *level, "--year", "2023", "--db", partial_db)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "incomplete entity rows left out" in done.stdout
    assert "s1-only" not in done.stdout or "ghg_s1s2_location" in done.stdout


@pytest.mark.parametrize("level", LEVELS, ids=" ".join)
def test_aggregate_json_lists_the_incomplete_entities(
    partial_db: str, level: tuple[str, ...]
) -> None:
    done = run("aggregate", *level, "--year", "2023", "--db", partial_db, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    left_out = {(r["entity_id"], r["quantity"], r["missing"]) for r in result["incomplete"]}
    assert ("s1-only", "ghg_s1s2_location", "ghg_scope2_location") in left_out
    total = {
        r["quantity"]: r["value"]
        for r in result["rows"]
        if r["subsector"] == "_T" and r["area"] in ("FRA", "ITU-EUR", "150", "001")
    }
    assert total["ghg_s1s2_location"] == 150.0  # the Scope-1-only entity is never added
    assert total["ghg_scope3_total"] == 5000.0  # beside, its own total


def test_aggregate_quantity_option_filters_rows(partial_db: str) -> None:
    done = run(
        "aggregate",
        "--level",
        "world",
        "--year",
        "2023",
        "--quantity",
        "ghg_scope1",
        "--quantity",
        "ghg_scope3_total",
        "--db",
        partial_db,
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert {r["quantity"] for r in rows} == {"ghg_scope1", "ghg_scope3_total"}
    world = {r["quantity"]: r["value"] for r in rows if r["subsector"] == "_T"}
    assert world == {"ghg_scope1": 110.0, "ghg_scope3_total": 5000.0}


def test_aggregate_unknown_quantity_is_one_line(partial_db: str) -> None:
    done = run(
        "aggregate",
        "--level",
        "world",
        "--year",
        "2023",
        "--quantity",
        "ghg_nope",
        "--db",
        partial_db,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "unknown quantity" in done.stderr and "ghg_nope" in done.stderr


@pytest.mark.parametrize("command", ["aggregate", "shares"])
@pytest.mark.parametrize("year", ["99999999999999999999", "1899", "2201"])
def test_a_year_no_observation_can_hold_is_one_line(
    partial_db: str, command: str, year: str
) -> None:
    """A 20-digit year reached SQLite and ended in an OverflowError traceback."""
    done = run(command, "--level", "world", "--year", year, "--db", partial_db)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "Invalid value for '--year'" in done.stderr
