"""The inputs of the sector's totals as a folder of Parquet files a cluster can read.

What :func:`ictfootprint.compute.sector_frame.entity_years` reads from the store, written once
so that the same roll-ups run where the store is not (Spark, or DuckDB on another machine;
:mod:`ictfootprint.compute.sector_parquet` reads it back). docs/scale.md. The folder::

    manifest.json                       what, from which data, how many rows
    observations/year=2023/part-0.parquet ...   partitioned by year (Hive style)
    entities/part-0.parquet
    areas/part-0.parquet               country -> ITU and UN M49 region

``observations`` holds, for every series of an in-sector entity and every method the totals
read (reported, statistical, calculated), its latest revision: the frame picks the best
method's latest value (a series restated as ``calculated`` after a ``reported`` figure still
counts the reported one), so the current revision alone would not give the same totals.

The manifest's ``as_of`` is the newest ``recorded_at`` exported and ``data_version`` the store's
newest audit id (what the API's read cache keys on), both read in the same transaction as the
rows: an export says which data it holds, not when it was run.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.dataset as ds  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Connection, func, select

from ictfootprint.compute.combined import METHODS
from ictfootprint.compute.quantities import quantities
from ictfootprint.compute.sector_frame import IN_SECTOR, UNSPECIFIED
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.countries import countries
from ictfootprint.store import Store
from ictfootprint.store.schema import audit_log, entities, observations

#: Bumped when a file's columns change meaning (readers refuse another format).
FORMAT: Final = "ictfootprint-sector-inputs/1"
MANIFEST: Final = "manifest.json"
#: Rows fetched from the store and written at a time (memory stays bounded at any size).
BATCH_ROWS: Final = 100_000
#: At most this many rows in one Parquet file, so that a cluster reads a big year in parallel.
FILE_ROWS: Final = 1_000_000

OBSERVATIONS: Final = pa.schema(
    [
        ("id", pa.int64()),
        ("entity_id", pa.string()),
        ("indicator_id", pa.string()),
        ("year", pa.int64()),
        ("country", pa.string()),
        ("subsector", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("method", pa.string()),
        ("revision", pa.int64()),
        ("recorded_at", pa.timestamp("us", tz="UTC")),
    ]
)
ENTITIES: Final = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("country", pa.string()),
        ("subsector", pa.string()),
        ("subsectors", pa.list_(pa.string())),
    ]
)
AREAS: Final = pa.schema(
    [("country", pa.string()), ("itu_region", pa.string()), ("m49_region", pa.string())]
)


@dataclass
class SectorInputs:
    """What an export wrote (also its ``manifest.json``)."""

    format: str
    data_version: int
    as_of: str | None
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)
    indicators: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    #: every (indicator, unit) pair of the observations: readers convert without a scan
    units: list[list[str]] = field(default_factory=list)
    #: every sub-sector named by an observation or as an entity's first
    subsectors: list[str] = field(default_factory=list)


def export_sector_inputs(store: Store, folder: Path) -> SectorInputs:
    """Write the sector totals' inputs to ``folder`` (which must not exist, or be empty):
    all of it or nothing (written beside it, then moved into place)."""
    _check_folder(folder)
    indicators = sorted({name for q in quantities().values() for name in q.inputs})
    staging = Path(tempfile.mkdtemp(prefix=".sector-inputs-", dir=folder.parent))
    try:
        with _snapshot(store) as connection:
            version = int(connection.execute(select(func.max(audit_log.c.id))).scalar() or 0)
            seen = _write_observations(connection, indicators, staging / "observations")
            entity_rows, firsts = _write_entities(connection, staging / "entities")
        area_rows = _write_areas(staging / "areas")
        manifest = SectorInputs(
            format=FORMAT,
            data_version=version,
            as_of=seen.newest.isoformat() if seen.newest else None,
            rows={"observations": seen.rows, "entities": entity_rows, "areas": area_rows},
            files={
                name: sorted(
                    str(p.relative_to(staging)) for p in (staging / name).rglob("*.parquet")
                )
                for name in ("observations", "entities", "areas")
            },
            indicators=indicators,
            methods=list(METHODS),
            units=[list(pair) for pair in sorted(seen.units)],
            subsectors=sorted(seen.subsectors | firsts),
        )
        (staging / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n")
        if folder.is_dir():
            folder.rmdir()  # empty (checked): replaced by the complete export
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def read_manifest(folder: Path) -> SectorInputs:
    """The manifest of an export, checked: a folder that is not one is a one-line error."""
    path = folder / MANIFEST
    where = Location(file=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            "not an export of the sector's inputs (no manifest.json)",
            Location(file=str(folder)),
            expected="a folder written by `ictfootprint export --sector-inputs`",
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError("unreadable manifest", where, found=str(exc)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise InputError("unknown export format", where, expected=FORMAT, found=str(found))
    return SectorInputs(**{k: data[k] for k in SectorInputs.__dataclass_fields__ if k in data})


def _check_folder(folder: Path) -> None:
    where = Location(field="out")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(
            "exists and is not an empty folder (an export never overwrites)",
            where,
            expected="a new or empty folder",
            found=str(folder),
        )
    if not folder.parent.is_dir():
        raise InputError(
            "folder does not exist",
            where,
            expected="an existing parent folder",
            found=str(folder.parent),
        )


class _snapshot:
    """A connection whose reads see one state of the store (PostgreSQL: repeatable read;
    SQLite: one read transaction)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Connection:
        connection = self.store.engine.connect()
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        self.connection = connection
        connection.begin()
        if connection.dialect.name == "sqlite":
            # the driver begins a transaction only before a write: begun here, every read
            # below sees the snapshot of the first (WAL)
            connection.exec_driver_sql("BEGIN")
        return connection

    def __exit__(self, *exc: object) -> None:
        self.connection.rollback()  # read only
        self.connection.close()


@dataclass
class _Seen:
    """What the observations written hold: rows, the newest time, units and sub-sectors."""

    rows: int = 0
    newest: datetime | None = None
    units: set[tuple[str, str]] = field(default_factory=set)
    subsectors: set[str] = field(default_factory=set)


def _write_observations(connection: Connection, indicators: list[str], folder: Path) -> _Seen:
    """The latest revision of every in-sector series by method, partitioned by year."""
    o = observations.c
    latest = (
        select(o.series_key, func.max(o.revision).label("revision"))
        .where(o.indicator_id.in_(indicators), o.method.in_(METHODS))
        .group_by(o.series_key, o.method)
        .subquery()
    )
    query = (
        select(*(getattr(o, name) for name in OBSERVATIONS.names))
        .join(latest, (o.series_key == latest.c.series_key) & (o.revision == latest.c.revision))
        .join(entities, o.entity_id == entities.c.id)
        .where(entities.c.kind.in_([k.value for k in IN_SECTOR]))
    )
    seen = _Seen()
    position = {name: n for n, name in enumerate(OBSERVATIONS.names)}

    def batches() -> Iterator[pa.RecordBatch]:
        result = connection.execution_options(yield_per=BATCH_ROWS).execute(query)
        for rows in result.partitions():
            columns = list(zip(*rows, strict=True))
            columns[position["recorded_at"]] = tuple(
                _utc(t) for t in columns[position["recorded_at"]]
            )
            newest = max(columns[position["recorded_at"]])
            seen.newest = newest if seen.newest is None else max(seen.newest, newest)
            seen.rows += len(rows)
            seen.units |= {
                (i, u)
                for i, u in zip(
                    columns[position["indicator_id"]], columns[position["unit"]], strict=True
                )
                if u is not None
            }
            seen.subsectors |= {s for s in columns[position["subsector"]] if s is not None}
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(list(c), type=f.type)
                    for c, f in zip(columns, OBSERVATIONS, strict=True)
                ],
                schema=OBSERVATIONS,
            )

    ds.write_dataset(
        batches(),
        folder,
        schema=OBSERVATIONS,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("year", pa.int64())]), flavor="hive"),
        basename_template="part-{i}.parquet",
        max_rows_per_file=FILE_ROWS,
        max_rows_per_group=min(FILE_ROWS, 1 << 20),
        existing_data_behavior="error",
    )
    folder.mkdir(exist_ok=True)  # an empty store: an empty folder says so
    return seen


def _write_entities(connection: Connection, folder: Path) -> tuple[int, set[str]]:
    """Every entity's kind, country and sub-sectors (the first is where its figures without a
    sub-sector of their own go); the number of rows and the first sub-sectors."""
    e = entities.c
    rows = connection.execute(select(e.id, e.kind, e.country, e.subsectors).order_by(e.id)).all()
    lists = [[str(s) for s in (r.subsectors or [])] for r in rows]
    table = pa.Table.from_arrays(
        [
            pa.array([r.id for r in rows], pa.string()),
            pa.array([r.kind for r in rows], pa.string()),
            pa.array([r.country for r in rows], pa.string()),
            pa.array([s[0] if s else UNSPECIFIED for s in lists], pa.string()),
            pa.array(lists, pa.list_(pa.string())),
        ],
        schema=ENTITIES,
    )
    return _write_one(table, folder), {s[0] if s else UNSPECIFIED for s in lists}


def _write_areas(folder: Path) -> int:
    """Every country's ITU and UN M49 region (reference data, as the roll-up places them)."""
    known = sorted(countries().values(), key=lambda c: c.iso3)
    table = pa.Table.from_arrays(
        [
            pa.array([c.iso3 for c in known], pa.string()),
            pa.array([c.itu_region or None for c in known], pa.string()),
            pa.array([c.m49_region or None for c in known], pa.string()),
        ],
        schema=AREAS,
    )
    return _write_one(table, folder)


def _write_one(table: Any, folder: Path) -> int:
    folder.mkdir()
    pq.write_table(table, folder / "part-0.parquet")
    return int(table.num_rows)


def _utc(value: datetime) -> datetime:
    """A stored time as UTC (SQLite gives it back without its zone, stored as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
