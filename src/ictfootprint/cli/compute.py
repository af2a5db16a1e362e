"""``ictfootprint compute`` and ``aggregate``: activity data to emissions, and sector totals."""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ictfootprint.cli.options import (
    DB_HELP,
    DB_OPTION,
    FORMAT_OPTION,
    Format,
    existing_database,
    print_json,
    print_table,
    year_option,
)

if TYPE_CHECKING:
    from ictfootprint.compute.sector import SectorTotals

ENGINE_OPTION = typer.Option("duckdb", "--engine", help="duckdb (in process) or spark.")


def compute_command(
    activity: Path = typer.Option(..., help="Folder of activity files (CSV or Parquet)."),
    engine: str = ENGINE_OPTION,
    gwp: str | None = typer.Option(None, help="GWP100 set: AR4, AR5 (default), AR6."),
    db: str | None = DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Compute Scope 1, Scope 2 (location- and market-based) and annualised embodied impacts
    from activity data, and store them as calculated observations with their lineage."""
    from ictfootprint.compute.activity import OUTPUTS, compute_activity
    from ictfootprint.store import Store

    run = compute_activity(Store.open(db), activity, engine=engine, gwp=gwp)
    if fmt is Format.json:
        print_json(asdict(run))
        return
    columns = [c for c in OUTPUTS if any(c in r for r in run.rows)]
    print_table(
        f"Computed from {', '.join(run.files)} ({run.engine})",
        ["entity", "country", "year", *[OUTPUTS[c][0] for c in columns]],
        [
            [
                r["entity_id"],
                r["country"],
                r["year"],
                *[_float(r.get(c)) for c in columns],
            ]
            for r in run.rows
        ],
    )
    for flag in run.flags:
        typer.echo(f"flag: {flag}")
    if run.gwp:
        typer.echo(run.gwp)
    typer.echo(f"stored {run.written} calculated observations ({run.unchanged} already current)")


def aggregate_command(
    level: str = typer.Option(..., help="country, region or world."),
    year: int = year_option("Reporting year."),
    regions: str = typer.Option("itu", "--regions", help="itu (ITU regions) or m49."),
    quantity: list[str] | None = typer.Option(
        None,
        "--quantity",
        help="A quantity to total (repeatable; default: all, see reference/data/quantities.toml).",
    ),
    store_totals: bool = typer.Option(
        False,
        "--store",
        help="Also store the totals shown as calculated observations of the area entities.",
    ),
    engine: str = ENGINE_OPTION,
    from_parquet: Path | None = typer.Option(
        None,
        "--from-parquet",
        help="Read the folder `export --sector-inputs` wrote instead of the database, and run "
        "every step on --engine (a global analysis beyond one database: docs/scale.md).",
    ),
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="ICTFOOTPRINT_DB",
        help=DB_HELP + " It must exist: this command does not create one (none is read with "
        "--from-parquet).",
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Sector totals of every quantity (energy, Scope 1, Scope 2, Scope 1 + 2, resources,
    activity) by area and sub-sector, with the total across sub-sectors (_T), from in-sector
    entities' complete figures; Scope 3 and life-cycle beside, never in the Scope 1 + 2 totals.
    Incomplete entity rows are left out, counted and listed (docs/sector-totals.md)."""
    from ictfootprint.compute.sector import sector_totals
    from ictfootprint.compute.sector_store import store_sector_totals
    from ictfootprint.store import Store

    chosen = quantity or None
    if from_parquet is not None:
        _from_parquet(from_parquet, level, year, regions, chosen, engine, store_totals, fmt)
        return
    store = Store.open(existing_database(db))
    totals = sector_totals(
        store, level=level, year=year, region_kind=regions, quantities=chosen, engine=engine
    )
    stored = (
        store_sector_totals(
            store, years=[year], levels=[(level, regions)], quantities=chosen, engine=engine
        )
        if store_totals
        else None
    )
    if fmt is Format.json:
        print_json({**_fields(totals), "stored": asdict(stored) if stored else None})
        return
    _print_totals(totals)
    if stored is not None:
        typer.echo(
            f"stored {stored.written} calculated totals ({stored.unchanged} already current)"
        )


def _fields(totals: SectorTotals) -> dict[str, Any]:
    """The totals' fields as they are: their rows are plain dicts already (``asdict`` copied
    every one, deeply: 0.5 s for a country-level year at 4 M observations)."""
    return {f.name: getattr(totals, f.name) for f in fields(totals)}


def _from_parquet(
    folder: Path,
    level: str,
    year: int,
    regions: str,
    quantities: list[str] | None,
    engine: str,
    store_totals: bool,
    fmt: Format,
) -> None:
    """``aggregate --from-parquet``: the same totals from an export, stored nowhere."""
    from ictfootprint.compute.sector_parquet import parquet_totals
    from ictfootprint.errors import InputError, Location

    if store_totals:
        raise InputError(
            "--store writes to a database: not with --from-parquet",
            Location(field="store"),
            expected="one of --store or --from-parquet",
        )
    totals = parquet_totals(
        folder, level=level, year=year, region_kind=regions, quantities=quantities, engine=engine
    )
    if fmt is Format.json:
        print_json({**_fields(totals), "stored": None})
        return
    _print_totals(totals)


def _print_totals(totals: SectorTotals) -> None:
    level, year = totals.level, totals.year
    print_table(
        f"ICT sector, {level} level, {year}: totals of in-sector entities' complete figures "
        "(_T: all sub-sectors; Scope 3 and life-cycle beside, not in Scope 1 + 2)",
        ["area", "sub-sector", "quantity", "value", "unit", "entities", "incomplete"],
        [
            [
                r["area_name"],
                r["subsector"],
                r["quantity"] + (" (beside)" if r["beside"] else ""),
                _float(r["value"]),
                r["unit"],
                r["entities"],
                r["incomplete"],
            ]
            for r in totals.rows
        ],
    )
    entities = len({r["entity_id"] for r in totals.incomplete})
    typer.echo(
        f"{len(totals.incomplete)} incomplete entity rows left out ({entities} entities; "
        "--format json lists them with what is missing)"
    )
    if totals.conflicts:
        typer.echo(
            f"{len(totals.conflicts)} reported combined figures disagree with their components "
            "(the newer one is used; --format json lists them)"
        )


def _float(value: object) -> float | None:
    """A figure for :func:`print_table` (which formats every float alike); None stays blank."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number


def estimate_command(
    method: str = typer.Option(..., help="interpolation or intensity."),
    year: int | None = typer.Option(None, help="Year to estimate (intensity)."),
    denominator: str = typer.Option("activity_mobile_lines", help="Activity for intensity."),
    db: str | None = DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Fill missing entity-years with flagged estimates (never replacing reported values)."""
    from ictfootprint.compute import estimates
    from ictfootprint.errors import InputError, Location
    from ictfootprint.store import Store

    store = Store.open(db)
    if method == "interpolation":
        run = estimates.interpolate(store)
    elif method == "intensity":
        if year is None:
            raise InputError("intensity estimates need --year", Location(field="year"))
        run = estimates.intensity(store, year, denominator=denominator)
    else:
        raise InputError(
            "unknown estimation method",
            Location(field="method"),
            expected="interpolation or intensity",
            found=method,
        )
    if fmt is Format.json:
        print_json(asdict(run))
        return
    print_table(
        f"Estimates ({run.method})",
        ["entity", "indicator", "year", "value", "source"],
        [
            [e["entity_id"], e["indicator_id"], e["year"], _float(e["value"]), e["source"]]
            for e in run.estimates
        ],
    )
    typer.echo(f"stored {run.written} estimated observations ({run.unchanged} already current)")
