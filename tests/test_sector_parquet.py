"""The sector's totals beyond one machine: a store exported to Parquet, rolled up again on DuckDB
and on Spark local[2], gives the store path's totals figure for figure (every quantity, every
level, the incomplete rows and the conflicts)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from sqlalchemy import func, select

from ictfootprint.compute.sector import EVERY_LEVEL, SectorTotals, sector_levels
from ictfootprint.compute.sector_parquet import parquet_levels
from ictfootprint.errors import InputError
from ictfootprint.export.sector_inputs import FORMAT, export_sector_inputs, read_manifest
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.store.schema import audit_log, observations

YEARS = [2022, 2023]
COUNTRIES = ("FRA", "DEU", "KEN", "NGA", "USA", "BRA", "JPN", "IND", "AUS", "EGY")
SUBSECTORS = ("mobile_network", "fixed_network", "data_centre", "user_equipment")
INDICATORS = (
    ("ghg_scope1", "tCO2e"),
    ("ghg_scope2_location", "tCO2e"),
    ("ghg_scope2_market", "tCO2e"),
    ("ghg_s1s2_location", "tCO2e"),
    ("ghg_scope3_total", "tCO2e"),
    ("energy_electricity", "MWh"),
    ("energy_fuel", "MWh"),
    ("energy_total", "MWh"),
    ("activity_mobile_lines", "count"),
)


def _obs(
    entity: str,
    indicator: str,
    value: float | None,
    year: int = 2023,
    *,
    unit: str = "tCO2e",
    country: str | None = None,
    subsector: str | None = None,
    method: Method = Method.REPORTED,
    text: str | None = None,
) -> Observation:
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=year,
        value=value,
        unit=unit,
        value_text=text,
        method=method,
        source="test",
        country=country,
        subsector=subsector,
    )


def build(url: str) -> Store:
    """A store of thirty random operators in ten countries and four sub-sectors over two years
    (values in quarters, so that any order of addition gives the same sums), and beside them
    one operator for each rule of docs/sector-totals.md."""
    store = Store.open(url)
    draw = random.Random(15)
    for n in range(30):
        subsectors = tuple(draw.sample(SUBSECTORS, draw.choice([1, 1, 2])))
        store.add_entity(
            Entity(
                id=f"op{n:02d}",
                name=f"Operator {n}",
                kind=EntityKind.COMPANY,
                country=draw.choice(COUNTRIES),
                subsectors=subsectors,
            )
        )
    rules = (
        ("ke-dc", "KEN", ("data_centre",)),
        ("multi", "FRA", ("fixed_network",)),
        ("dual", "KEN", ("mobile_network",)),
        ("restated", "DEU", ("data_centre",)),
        ("late-total", "FRA", ("data_centre",)),
        ("revised", "NGA", ("mobile_network",)),
        ("texted", "USA", ("data_centre",)),
        ("gwh", "JPN", ()),
        ("nowhere", None, ("mobile_network",)),
    )
    for entity_id, country, subsectors in rules:
        store.add_entity(
            Entity(
                id=entity_id,
                name=entity_id,
                kind=EntityKind.FACILITY if entity_id == "gwh" else EntityKind.COMPANY,
                country=country,
                subsectors=subsectors,
            )
        )
    store.add_entity(Entity(id="KEN", name="Kenya", kind=EntityKind.COUNTRY, country="KEN"))
    batch = []
    for n in range(30):
        for year in YEARS:
            for indicator, unit in INDICATORS:
                if draw.random() < 0.3:  # gaps: incomplete rows, combined figures alone
                    continue
                batch.append(
                    _obs(f"op{n:02d}", indicator, draw.randint(0, 40_000) / 4, year, unit=unit)
                )
    batch += [
        _obs("ke-dc", "ghg_scope2_location", 7),  # no Scope 1: incomplete, never added
        # split by country (rule 3): the unsplit figures not again
        _obs("multi", "ghg_scope1", 30, country="FRA"),
        _obs("multi", "ghg_scope1", 20, country="DEU"),
        _obs("multi", "ghg_scope1", 55),
        _obs("multi", "ghg_scope2_location", 10, country="FRA"),
        _obs("multi", "ghg_scope2_location", 5, country="DEU"),
        _obs("multi", "ghg_scope2_location", 15),
        # split by sub-sector (rule 4)
        _obs("dual", "ghg_scope1", 6, subsector="mobile_network"),
        _obs("dual", "ghg_scope1", 4, subsector="data_centre"),
        _obs("dual", "ghg_scope1", 10),
        _obs("dual", "ghg_scope2_location", 8, subsector="mobile_network"),
        _obs("dual", "ghg_scope2_location", 2, subsector="data_centre"),
        _obs("restated", "ghg_s1s2_location", 1000),  # older total, components later
        _obs("late-total", "ghg_scope1", 60),  # components first, a disagreeing total later
        _obs("late-total", "ghg_scope2_location", 40),
        _obs("revised", "ghg_scope1", 20),  # reported, then restated as calculated: 20 stays
        _obs("revised", "ghg_scope2_location", 5, method=Method.STATISTICAL),
        _obs("texted", "ghg_scope1", 12),  # a number, then a text: no value
        _obs("gwh", "energy_electricity", 1.5, unit="GWh"),  # in the indicator's MWh: 1,500
        _obs("gwh", "energy_fuel", 250, unit="MWh"),
        _obs("nowhere", "ghg_scope1", 3),  # no country anywhere: in no total
        _obs("nowhere", "ghg_scope2_location", 3),
        _obs("op00", "ghg_scope1", 999, 2023, method=Method.ESTIMATED),  # never in a total
        _obs("KEN", "ghg_scope1", 999_999),  # an area's statistic, never summed in
    ]
    store.record_observations(batch)
    store.record_observations(
        [
            _obs("restated", "ghg_scope1", 400),
            _obs("restated", "ghg_scope2_location", 500),
            _obs("late-total", "ghg_s1s2_location", 120),
            _obs("revised", "ghg_scope1", 25, method=Method.CALCULATED),
            _obs("revised", "ghg_scope2_location", 6, method=Method.ESTIMATED),
            _obs("texted", "ghg_scope1", None, text="confidential"),
        ]
    )
    return store


def comparable(
    found: dict[tuple[str, str], dict[int, SectorTotals]],
) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Every level and year's rows, incomplete rows and conflicts (lists in a fixed order)."""
    return {
        (level, kind, year): {
            "rows": totals.rows,
            "incomplete": sorted(totals.incomplete, key=lambda r: sorted(r.items())),
            "conflicts": sorted(totals.conflicts, key=lambda r: sorted(r.items())),
        }
        for (level, kind), by_year in found.items()
        for year, totals in by_year.items()
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[Any, Any]]]:
    """A SQLite store, its export, and the store path's totals (DuckDB), built once."""
    folder = tmp_path_factory.mktemp("parquet")
    store = build(f"sqlite:///{folder / 'store.db'}")
    export_sector_inputs(store, folder / "inputs")
    yield folder / "inputs", comparable(sector_levels(store, years=YEARS))
    store.engine.dispose()


def test_the_store_gives_every_case(exported: tuple[Path, dict[Any, Any]]) -> None:
    """The fixture shows what the comparison is about: totals, incomplete rows, conflicts."""
    expected = exported[1][("country", "itu", 2023)]
    assert len(expected["rows"]) > 50
    assert {r["entity_id"] for r in expected["incomplete"]} >= {"ke-dc"}
    assert {r["entity_id"] for r in expected["conflicts"]} >= {"restated", "late-total"}
    world = {
        (r["subsector"], r["quantity"]): r for r in exported[1][("world", "itu", 2023)]["rows"]
    }
    assert world[("_T", "ghg_s1s2_location")]["entities"] > 20


def test_parquet_on_duckdb_gives_the_store_totals(exported: tuple[Path, dict[Any, Any]]) -> None:
    folder, expected = exported
    assert comparable(parquet_levels(folder, years=YEARS, engine="duckdb")) == expected


@pytest.mark.spark
def test_parquet_on_spark_gives_the_store_totals(exported: tuple[Path, dict[Any, Any]]) -> None:
    folder, expected = exported
    found = comparable(parquet_levels(folder, years=YEARS, levels=EVERY_LEVEL, engine="spark"))
    assert found == expected


def test_export_from_either_database_gives_the_store_totals(db_url: str, tmp_path: Path) -> None:
    store = build(db_url)
    manifest = export_sector_inputs(store, tmp_path / "inputs")
    levels = [("country", "itu"), ("region", "m49")]
    expected = comparable(sector_levels(store, years=YEARS, levels=levels))
    found = comparable(parquet_levels(tmp_path / "inputs", years=YEARS, levels=levels))
    assert found == expected
    with store.engine.connect() as connection:
        version = connection.execute(select(func.max(audit_log.c.id))).scalar()
        newest = connection.execute(select(func.max(observations.c.recorded_at))).scalar()
    assert manifest.format == FORMAT
    assert manifest.data_version == version
    assert manifest.as_of is not None and manifest.as_of[:19] == newest.isoformat()[:19]
    assert read_manifest(tmp_path / "inputs") == manifest


def test_the_manifest_counts_the_files_rows(exported: tuple[Path, dict[Any, Any]]) -> None:
    folder = exported[0]
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in ("observations", "entities", "areas"):
        files = [folder / f for f in manifest["files"][name]]
        assert files and all(f.is_file() for f in files)
        assert ds.dataset(folder / name, partitioning="hive").count_rows() == manifest["rows"][name]
    years = sorted({f.split("/")[1] for f in manifest["files"]["observations"]})
    assert years == ["year=2022", "year=2023"]  # partitioned: a cluster reads a year alone


def test_an_export_never_overwrites(exported: tuple[Path, dict[Any, Any]], tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(InputError, match="not an empty folder"):
        export_sector_inputs(store, exported[0])
    assert (exported[0] / "manifest.json").is_file()


def test_an_empty_store_exports_and_totals_nothing(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    manifest = export_sector_inputs(store, tmp_path / "inputs")
    assert (manifest.rows["observations"], manifest.as_of) == (0, None)
    found = parquet_levels(tmp_path / "inputs", years=[2023])
    assert all(t.rows == [] for by_year in found.values() for t in by_year.values())


def test_a_folder_that_is_no_export_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an export of the sector's inputs") as caught:
        parquet_levels(tmp_path, years=[2023])
    assert str(tmp_path) in caught.value.one_line()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args], capture_output=True, text=True, check=False
    )


def test_cli_exports_and_aggregates_from_parquet(
    exported: tuple[Path, dict[Any, Any]], tmp_path: Path
) -> None:
    db = f"sqlite:///{exported[0].parent / 'store.db'}"
    again = str(tmp_path / "again")
    written = run("export", "--sector-inputs", "--out", again, "--db", db)
    assert written.returncode == 0, written.stderr
    assert "wrote sector inputs" in written.stderr
    common = ["aggregate", "--level", "region", "--year", "2023", "--format", "json"]
    from_store = run(*common, "--db", db)
    from_parquet = run(*common, "--from-parquet", again)
    assert from_parquet.returncode == 0, from_parquet.stderr
    rows = json.loads(from_parquet.stdout)["rows"]
    assert rows and rows == json.loads(from_store.stdout)["rows"]


def test_cli_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    again = run("export", "--sector-inputs", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert again.returncode == 2 and "--out FOLDER" in again.stderr
    stored = run(
        "aggregate",
        "--level",
        "world",
        "--year",
        "2023",
        "--store",
        "--from-parquet",
        str(tmp_path),
    )
    assert stored.returncode == 2 and "not with --from-parquet" in stored.stderr
    none = run("aggregate", "--level", "world", "--year", "2023", "--from-parquet", str(tmp_path))
    assert none.returncode == 2
    assert none.stderr.startswith("error:") and "no manifest.json" in none.stderr
