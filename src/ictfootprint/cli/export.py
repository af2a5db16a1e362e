"""``ictfootprint export``: the current observations as open data, or the SDMX structure."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from ictfootprint.cli.options import DB_HELP, existing_database, output_file, write_output
from ictfootprint.model import Method


class ExportFormat(StrEnum):
    """The choices of ``--format``: ictfootprint.export.FORMATS (kept equal by a test; the
    export package is imported only when the command runs)."""

    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"
    sdmx_csv = "sdmx-csv"


def export_command(
    fmt: ExportFormat = typer.Option(ExportFormat.csv, "--format", "-f", help="File format."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="File to write (default: stdout; required for xlsx, parquet)."
    ),
    entity: list[str] = typer.Option(None, "--entity", help="Entity id (repeatable)."),
    indicator: list[str] = typer.Option(None, "--indicator", help="Indicator id (repeatable)."),
    year: list[int] = typer.Option(None, "--year", help="Year (repeatable)."),
    method: list[Method] = typer.Option(None, "--method", help="Method (repeatable)."),
    structure: bool = typer.Option(
        False,
        "--structure",
        help="Write the SDMX-ML 2.1 structure (DSD, codelists, dataflow) of the SDMX-CSV "
        "export instead of data.",
    ),
    sector_inputs: bool = typer.Option(
        False,
        "--sector-inputs",
        help="Write instead what the sector totals read (observations by method, entities, "
        "areas) to the new folder --out: Parquet partitioned by year, with a manifest, for "
        "`aggregate --from-parquet` on DuckDB or Spark (docs/scale.md).",
    ),
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="ICTFOOTPRINT_DB",
        help=DB_HELP + " It must exist (--structure reads none).",
    ),
) -> None:
    """Export the current observations: CSV, XLSX, Parquet, JSON or SDMX-CSV 2.0.

    One row an observation, with its unit, method, source and quality flags; no internal
    columns. Text a spreadsheet would run as a formula is neutralised in CSV and XLSX.
    """
    from ictfootprint.errors import InputError, Location
    from ictfootprint.export import BINARY_FORMATS, sdmx_structure, write_observations

    if sector_inputs:
        _sector_inputs(out, db)
        return
    if out is not None:
        output_file(out, "out")
    if structure:
        data = sdmx_structure()
        if out is None:
            typer.echo(data, nl=False)
            return
        write_output(out, data, "out")
        typer.echo(f"wrote SDMX structure to {out} ({len(data):,} bytes)", err=True)
        return
    if fmt.value in BINARY_FORMATS and out is None:
        raise InputError(
            f"{fmt.value} is a binary format: give a file to write",
            Location(field="out"),
            expected="--out FILE",
        )
    from ictfootprint.store import Store

    store = Store.open(existing_database(db))  # reads only: a missing database is an error
    entities = {e.id: e for e in store.entities()}
    # streamed a chunk at a time: millions of observations never sit in memory at once
    observations = store.iter_current_observations(
        entity_ids=entity or None,
        indicator_ids=indicator or None,
        years=year or None,
        methods=[m.value for m in method] if method else None,
    )
    if out is None:
        sys.stdout.flush()
        write_observations(observations, entities, fmt.value, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    # written beside, then renamed: a failure leaves no half-written file under its name
    part = out.with_name(out.name + ".part")
    try:
        with part.open("wb") as stream:
            write_observations(observations, entities, fmt.value, stream)
        part.replace(out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise InputError(
            f"cannot write file: {exc.strerror}", Location(file=str(out), field="out")
        ) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    typer.echo(f"wrote {fmt.value} export to {out} ({out.stat().st_size:,} bytes)", err=True)


def _sector_inputs(out: Path | None, db: str | None) -> None:
    from ictfootprint.errors import InputError, Location
    from ictfootprint.export.sector_inputs import export_sector_inputs
    from ictfootprint.store import Store

    if out is None:
        raise InputError(
            "the sector inputs are a folder: give one to write",
            Location(field="out"),
            expected="--out FOLDER",
        )
    manifest = export_sector_inputs(Store.open(existing_database(db)), out)
    typer.echo(
        f"wrote sector inputs to {out}: {manifest.rows['observations']:,} observations, "
        f"{manifest.rows['entities']:,} entities (data version {manifest.data_version}, "
        f"as of {manifest.as_of or 'no data'})",
        err=True,
    )
