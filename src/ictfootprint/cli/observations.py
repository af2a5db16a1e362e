"""``ictfootprint observations``: read current values and the revision history of a series,
and check the stored series for Scope 1 + Scope 2 contradicting a reported S1+2 total."""

from __future__ import annotations

from pathlib import Path

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
)
from ictfootprint.reference.loader import defaults

app = command_group(
    "Observations: list the current values, the history of every revision of one, "
    "check the stored S1 + S2 against the reported S1+2 totals, or import-national "
    "statistics from a published file."
)


@app.command("list")
def list_command(
    entity: list[str] = typer.Option(None, "--entity", help="Entity id (repeatable)."),
    indicator: list[str] = typer.Option(None, "--indicator", help="Indicator id (repeatable)."),
    year: list[int] = typer.Option(None, "--year", help="Year (repeatable)."),
    method: list[str] = typer.Option(None, "--method", help="reported, calculated, estimated."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List the current revision of every matching observation."""
    from ictfootprint.store import Store

    store = Store.open(db)
    rows = store.current_observations(
        entity_ids=entity or None,
        indicator_ids=indicator or None,
        years=year or None,
        methods=method or None,
    )
    if fmt is Format.json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    print_table(
        f"Observations ({len(rows)})",
        ["entity", "indicator", "year", "country", "value", "unit", "method", "rev", "source"],
        [
            [
                r.entity_id,
                r.indicator_id,
                r.year,
                r.country,
                f"{r.value:,.6g}" if r.value is not None else r.value_text,
                r.unit,
                r.method.value,
                r.revision,
                r.source[:60],
            ]
            for r in rows
        ],
    )


@app.command("history")
def history_command(
    entity: str = typer.Argument(..., help="Entity id."),
    indicator: str = typer.Argument(..., help="Indicator id (ictfootprint catalogue)."),
    year: int = typer.Argument(..., help="Year of the value."),
    country: str | None = typer.Option(None, help="Country of the series, if split by country."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Every revision of one series, oldest first: nothing is ever overwritten."""
    from ictfootprint.store import Store

    store = Store.open(db)
    rows = store.observation_history(entity, indicator, year, country=country)
    if not rows:
        from ictfootprint.errors import NotFoundError

        where = f" in {country}" if country else ""
        raise NotFoundError(
            f"no such record: {entity} {indicator} {year}{where} has no value "
            "(ictfootprint observations list shows what is stored)"
        )
    if fmt is Format.json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    print_table(
        f"History of {entity} {indicator} {year}",
        ["rev", "recorded", "value", "unit", "received", "method", "reason", "source"],
        [
            [
                r.revision,
                r.recorded_at,
                f"{r.value:,}" if r.value is not None else r.value_text,  # exact: revisions
                r.unit,
                f"{r.value_received} {r.unit_received or ''}",
                r.method.value,
                r.reason,
                r.source[:50],
            ]
            for r in rows
        ],
    )


@app.command("check")
def check_command(
    entity: list[str] = typer.Option(None, "--entity", help="Entity id (repeatable)."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List the current series whose Scope 1 + Scope 2 contradict the reported S1+2 total.

    The comparison of rule s1s2-consistent, over what is stored (a restated component can
    leave them apart), within [validation] total_tolerance_percent. Exit status 1 when any
    disagree."""
    from ictfootprint.collection.consistency import check_store, shown
    from ictfootprint.store import Store

    found = check_store(Store.open(db), entity_ids=entity or None)
    if fmt is Format.json:
        print_json([d.as_dict() for d in found])
    else:
        print_table(
            f"S1 + S2 against the S1+2 total: {len(found)} disagree",
            ["entity", "year", "country", "total", "reported", "S1 + S2", "apart %"],
            [
                [
                    d.entity_id,
                    d.year,
                    d.country,
                    d.combined_id,
                    shown(d.combined),
                    shown(d.summed),
                    f"{d.percent:.2f}",
                ]
                for d in found
            ],
        )
    if found:
        raise typer.Exit(1)


@app.command("import-national")
def import_national_command(
    file: Path = typer.Argument(
        ..., help="CSV file as published (owid-co2-data.csv or owid-energy-data.csv)."
    ),
    file_format: str = typer.Option(
        ...,
        "--file-format",
        help="owid-co2 (total GHG excluding land use, and CO2) or owid-energy (electricity "
        "demand).",
    ),
    source: str | None = typer.Option(
        None,
        help="Where the file comes from, recorded with every value: publisher, title, "
        "version or date, licence (required: a file's origin cannot be guessed).",
    ),
    country: list[str] = typer.Option(
        None,
        "--country",
        help="Only this country (ISO code, or OWID_WRL for the world; repeatable).",
    ),
    from_year: int | None = typer.Option(None, "--from", help="First year (default 1990)."),
    to_year: int | None = typer.Option(None, "--to", help="Last year."),
    db: str | None = DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Import national totals (GHG, CO2, electricity) from a published file as statistical
    observations on country entities; the whole file or nothing, and the same file again
    writes nothing."""
    from ictfootprint.errors import Location
    from ictfootprint.national import import_national
    from ictfootprint.national_file import area_code
    from ictfootprint.store import Store

    areas = [area_code(c, Location(field="country")) for c in country] if country else None
    first = from_year if from_year is not None else int(defaults()["validation"]["earliest_year"])
    store = Store.open(db)
    result = import_national(
        store,
        file,
        file_format,
        citation=source or "",
        years=(first, to_year if to_year is not None else 2100),
        areas=areas,
    )
    data = {
        "file": str(file),
        "format": file_format,
        "sha256": result.file.sha256,
        "source": result.citation,
        "values": len(result.file.values),
        "written": result.written,
        "unchanged": result.unchanged,
        "areas": result.file.areas,
        "entities_added": list(result.entities_added),
        "aggregates_skipped": result.file.aggregates_skipped,
        "rows_filtered": result.file.rows_filtered,
    }
    if fmt is Format.json:
        print_json(data)
        return
    typer.echo(
        f"{file}: {len(result.file.values)} values for {len(result.file.areas)} "
        f"{'area' if len(result.file.areas) == 1 else 'areas'}; "
        f"stored {result.written} ({result.unchanged} already current)"
    )
    typer.echo(
        f"  skipped: {result.file.aggregates_skipped} rows of OWID aggregates (continents, "
        f"income groups), {result.file.rows_filtered} rows outside the years or countries asked"
    )
    if result.entities_added:
        typer.echo(f"  country entities added: {', '.join(result.entities_added)}")
