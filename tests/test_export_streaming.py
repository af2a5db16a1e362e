"""Exports written as the observations come (``write_observations``, the CLI's ``export``):
the same file as built whole, a chunk held at a time. Real SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner

from ictfootprint.cli import app
from ictfootprint.export import writers
from ictfootprint.export.writers import export_observations, write_observations
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store


def _store(db_url: str) -> Store:
    store = Store.open(db_url, actor="t")
    store.add_entity(Entity(id="op-1", name="Op\t1 «x»", kind=EntityKind.COMPANY, country="FRA"))
    store.record_observations(
        [
            Observation(
                entity_id="op-1",
                indicator_id="energy_electricity",
                year=year,
                value=year * 0.1,
                unit="MWh",
                method=Method.REPORTED,
                source="=cmd|' /C calc'!A0" if year % 2 else 'line\nfeed, "quoted"',
                quality_flags=("restated",) if year % 3 else (),
            )
            for year in range(1990, 2030)
        ]
    )
    return store


@pytest.mark.parametrize("fmt", ["csv", "json", "sdmx-csv", "parquet", "xlsx"])
def test_streamed_export_is_the_export_built_whole(
    db_url: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "CHUNK", 7)  # several Parquet row groups
    store = _store(db_url)
    entities = {e.id: e for e in store.entities()}
    whole = export_observations(store.current_observations(), entities, fmt)
    streamed = io.BytesIO()
    write_observations(store.iter_current_observations(), entities, fmt, streamed)
    if fmt == "parquet":
        assert pq.read_table(streamed).equals(pq.read_table(io.BytesIO(whole)))
    elif fmt != "xlsx":  # a workbook carries its creation time
        assert streamed.getvalue() == whole


def test_iter_current_observations_is_current_observations(db_url: str) -> None:
    store = _store(db_url)
    assert list(store.iter_current_observations(years=[2000, 2001])) == (
        store.current_observations(years=[2000, 2001])
    )


def test_cli_export_streams_to_the_file_and_leaves_no_part_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.db"
    store = _store(str(db))
    entities = {e.id: e for e in store.entities()}
    out = tmp_path / "obs.csv"
    result = CliRunner().invoke(
        app, ["export", "--format", "csv", "--out", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export_observations(store.current_observations(), entities, "csv")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("obs")) == ["obs.csv"]
    to_stdout = CliRunner().invoke(app, ["export", "--format", "json", "--db", str(db)])
    assert to_stdout.stdout_bytes == export_observations(
        store.current_observations(), entities, "json"
    )
