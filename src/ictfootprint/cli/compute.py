"""``ictfootprint compute`` and ``aggregate``: activity data to emissions, and sector totals."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    print_json,
    print_table,
)

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
    year: int = typer.Option(..., help="Reporting year."),
    regions: str = typer.Option("itu", "--regions", help="itu (ITU regions) or m49."),
    engine: str = ENGINE_OPTION,
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Sector totals (Scope 1 + Scope 2 location-based of in-sector entities) by area and
    sub-sector; Scope 3 beside, never summed in."""
    from ictfootprint.compute.sector import sector_totals
    from ictfootprint.store import Store

    totals = sector_totals(
        Store.open(db), level=level, year=year, region_kind=regions, engine=engine
    )
    if fmt is Format.json:
        print_json(asdict(totals))
        return
    print_table(
        f"ICT sector, {level} level, {year}: Scope 1 + 2 location-based of in-sector entities "
        "(Scope 3 beside, not in the total)",
        [
            "area",
            "sub-sector",
            "S1+S2 location (tCO2e)",
            "Scope 1 (tCO2e)",
            "Scope 2 location (tCO2e)",
            "Scope 3 beside (tCO2e)",
            "entities",
            "incomplete",
            "mobile lines coverage (%)",
        ],
        [
            [
                r["area_name"],
                r["subsector"],
                _float(r["s1s2_location"]),
                _float(r["scope1"]),
                _float(r["scope2_location"]),
                _float(r["scope3_beside"]),
                r["entities"],
                r["entities_incomplete"],
                _float(r["mobile_lines_coverage_percent"]),
            ]
            for r in totals.rows
        ],
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
