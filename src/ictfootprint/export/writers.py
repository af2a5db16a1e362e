"""Writers of the published table: CSV, XLSX, Parquet, JSON and SDMX-CSV, each to bytes.

CSV and XLSX are opened in spreadsheets, so text that a spreadsheet would run as a formula is
neutralised there (:func:`~ictfootprint.export.tables.spreadsheet_safe`); Parquet and JSON are
read by programs and carry the text exactly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import IO, Any, Final

from ictfootprint import __version__
from ictfootprint.errors import InputError, Location
from ictfootprint.export.sdmx import sdmx_csv, write_sdmx_csv
from ictfootprint.export.tables import (
    COLUMNS,
    observation_rows,
    published_rows,
    spreadsheet_safe,
)
from ictfootprint.model import Entity, StoredObservation
from ictfootprint.store.database import now

FORMATS: Final = ("csv", "xlsx", "parquet", "json", "sdmx-csv")
MEDIA_TYPES: Final[dict[str, str]] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
    "sdmx-csv": "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
}
EXTENSIONS: Final[dict[str, str]] = {
    "csv": ".csv",
    "xlsx": ".xlsx",
    "parquet": ".parquet",
    "json": ".json",
    "sdmx-csv": ".sdmx.csv",
}
#: Formats that are not text, which a terminal should not be sent.
BINARY_FORMATS: Final = frozenset({"xlsx", "parquet"})

Rows = Sequence[dict[str, Any]]


def export_observations(
    observations: Sequence[StoredObservation], entities: Mapping[str, Entity], fmt: str
) -> bytes:
    """The observations as a file of format ``fmt`` (one of :data:`FORMATS`).

    >>> export_observations([], {}, "json")
    b'{"observations": []}'
    """
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise InputError(
            "unknown export format",
            Location(field="format"),
            expected="one of " + ", ".join(FORMATS),
            found=fmt,
        )
    return writer(observation_rows(observations, entities))


#: Rows a streaming writer holds at once (a Parquet row group).
CHUNK: Final = 50_000


def write_observations(
    observations: Iterable[StoredObservation],
    entities: Mapping[str, Entity],
    fmt: str,
    out: IO[bytes],
) -> None:
    """:func:`export_observations` written to ``out`` as the observations come: CSV, JSON,
    SDMX-CSV row by row, Parquet a row group of :data:`CHUNK` at a time, so that exporting
    millions of observations holds a chunk, not the table (XLSX, at most a sheet's
    1,048,576 rows, is built whole)."""
    if fmt == "xlsx" or fmt not in _WRITERS:
        out.write(export_observations(list(observations), entities, fmt))
        return
    rows = published_rows(observations, entities)
    if fmt == "parquet":
        _write_parquet(rows, out)
        return
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        {"csv": write_csv, "json": write_json, "sdmx-csv": write_sdmx_csv}[fmt](rows, text)
        text.flush()
    finally:
        text.detach()


def to_csv(rows: Rows) -> bytes:
    """RFC 4180: UTF-8 without BOM, CRLF line ends, a header row; ``true``/``false``."""
    buffer = io.StringIO()
    write_csv(rows, buffer)
    return buffer.getvalue().encode("utf-8")


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """:func:`to_csv` to a text stream, row by row."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_csv_cell(row[name]) for name in COLUMNS)


def write_json(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """:func:`to_json` to a text stream, row by row (the same bytes)."""
    out.write('{"observations": [')
    for number, row in enumerate(rows):
        if number:
            out.write(", ")
        out.write(json.dumps(row, ensure_ascii=False))
    out.write("]}")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return spreadsheet_safe(value)


def to_json(rows: Rows) -> bytes:
    """``{"observations": [...]}``, ``null`` where a value is missing."""
    return json.dumps({"observations": list(rows)}, ensure_ascii=False).encode("utf-8")


def to_xlsx(rows: Rows, generated: datetime | None = None) -> bytes:
    """A workbook: sheet ``observations`` (numbers as numbers) and sheet ``about``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "observations"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([spreadsheet_safe(row[name]) for name in COLUMNS])
    sheet.freeze_panes = "A2"
    about = book.create_sheet("about")
    for line in about_lines(rows, generated):
        about.append([spreadsheet_safe(line)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def about_lines(rows: Rows, generated: datetime | None = None) -> list[str]:
    """Provenance of an export, one line each (the XLSX ``about`` sheet)."""
    units = sorted({row["unit"] for row in rows if row["unit"]})
    moment = (generated or now()).isoformat(timespec="seconds")
    return [
        f"Generated by ictfootprint {__version__} on {moment}",
        f"{len(rows)} observations, one a row; the current revision of each series",
        "Licence: values carry their own source (column 'source'); cite it with the value",
        "Each value is in the unit of its row (column 'unit'): " + (", ".join(units) or "none"),
        "method says how a value came to be: reported, calculated, estimated or statistical",
        "illustrative = true marks fictitious data, for demonstration only",
    ]


def to_parquet(rows: Rows) -> bytes:
    """Parquet with typed columns: integers, a float value, a boolean, a UTC timestamp."""
    buffer = io.BytesIO()
    _write_parquet(iter(rows), buffer)
    return buffer.getvalue()


def _write_parquet(rows: Iterator[dict[str, Any]], out: IO[bytes]) -> None:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    types = {
        "year": pa.int32(),
        "value": pa.float64(),
        "revision": pa.int32(),
        "recorded_at": pa.timestamp("ms", tz="UTC"),
        "illustrative": pa.bool_(),
    }
    schema = pa.schema([pa.field(name, types.get(name, pa.string())) for name in COLUMNS])
    with pq.ParquetWriter(out, schema) as writer:
        wrote = False
        while True:
            columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
            for _, row in zip(range(CHUNK), rows, strict=False):
                for name in COLUMNS:
                    columns[name].append(row[name])
            if wrote and not columns["entity"]:
                break
            wrote = True
            columns["recorded_at"] = [
                datetime.fromisoformat(text.replace("Z", "+00:00"))
                for text in columns["recorded_at"]
            ]
            writer.write_table(pa.table(columns, schema=schema))
            if len(columns["entity"]) < CHUNK:
                break


_WRITERS: Final[dict[str, Callable[[Rows], bytes]]] = {
    "csv": to_csv,
    "xlsx": to_xlsx,
    "parquet": to_parquet,
    "json": to_json,
    "sdmx-csv": sdmx_csv,
}
