"""``ictfootprint organisation``: an organisation's own footprint (facilities, business travel)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
    year_option,
)

if TYPE_CHECKING:
    from ictfootprint.organisation.inventory import OrganisationRun
    from ictfootprint.organisation.summary import OrganisationSummary

app = command_group(
    "An organisation's own footprint: import-flights (a travel agency's flight list) and "
    "import-inventory (a yearly inventory in the UN Greening the Blue categories) compute and "
    "store Scope 1, 2 and business travel; show gives it by scope, category, haul and cabin "
    "with the year-on-year change."
)

RF_OPTION = typer.Option(
    True,
    "--radiative-forcing/--no-radiative-forcing",
    help="Flights with the non-CO2 effects of aviation (radiative forcing) or CO2e only; the "
    "stored figures say which.",
)
FACTOR_SET_OPTION = typer.Option(
    None, "--factor-set", help="Factor set (default: desnz-2025, UK Government conversion factors)."
)
FACTOR_FILE_OPTION = typer.Option(
    None,
    "--factor-file",
    help="Your own factor rows (the columns of travel_factors.csv, each with its source), e.g. "
    "hotel nights by country, added to the set.",
)
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Compute and print; store nothing.")
ENCODING_OPTION = typer.Option(None, "--encoding", help="The file's encoding when not detected.")


@app.command("import-flights")
def import_flights_command(
    file: Path = typer.Argument(..., help="Flight list CSV (docs/organisation-footprint.md)."),
    entity: str = typer.Option(..., "--entity", help="The organisation's entity id."),
    year: int = year_option("The year the flights belong to."),
    radiative_forcing: bool = RF_OPTION,
    factor_set: str | None = FACTOR_SET_OPTION,
    factor_file: Path | None = FACTOR_FILE_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    encoding: str | None = ENCODING_OPTION,
    fmt: Format = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Compute a year's flights (great circle + 8 %, by haul and cabin) and store the year's
    business travel (Scope 3.6) with them, in one transaction."""
    from ictfootprint.organisation.inventory import import_flights
    from ictfootprint.store import Store

    run = import_flights(
        Store.open(db),
        entity,
        file,
        year,
        radiative_forcing=radiative_forcing,
        factor_set_id=factor_set,
        factor_file=factor_file,
        dry_run=dry_run,
        encoding=encoding,
    )
    _print_run(run, fmt)


@app.command("import-inventory")
def import_inventory_command(
    file: Path = typer.Argument(..., help="Inventory CSV in Greening the Blue categories."),
    entity: str = typer.Option(..., "--entity", help="The organisation's entity id."),
    radiative_forcing: bool = RF_OPTION,
    factor_set: str | None = FACTOR_SET_OPTION,
    factor_file: Path | None = FACTOR_FILE_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    encoding: str | None = ENCODING_OPTION,
    fmt: Format = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Compute every year of an inventory (fuels, refrigerants, electricity, rail, road, hotel
    nights) and store Scope 1, Scope 2 and Scope 3 by category, in one transaction."""
    from ictfootprint.organisation.inventory import import_inventory
    from ictfootprint.store import Store

    run = import_inventory(
        Store.open(db),
        entity,
        file,
        radiative_forcing=radiative_forcing,
        factor_set_id=factor_set,
        factor_file=factor_file,
        dry_run=dry_run,
        encoding=encoding,
    )
    _print_run(run, fmt)


@app.command("show")
def show_command(
    entity: str = typer.Argument(..., metavar="ENTITY", help="The organisation's entity id."),
    fmt: Format = FORMAT_OPTION,
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """The organisation's inventory by scope and category, flights by haul and cabin, and the
    change from year to year with its causes."""
    from ictfootprint.organisation.summary import organisation_summary
    from ictfootprint.store import Store

    summary = organisation_summary(Store.open(db), entity)
    if fmt is Format.json:
        print_json(summary.as_dict())
        return
    print_summary(summary)


def _print_run(run: OrganisationRun, fmt: Format) -> None:
    if fmt is Format.json:
        print_json(
            {
                "entity": run.entity_id,
                "years": run.years,
                "figures": run.figures(),
                "written": run.written,
                "unchanged": run.unchanged,
                "dry_run": run.dry_run,
                "lineage": [o.lineage for o in run.observations],
            }
        )
        return
    print_table(
        f"{run.entity_id}: computed figures (tCO2e)",
        ["year", "indicator", "tCO2e", "source"],
        [[o.year, o.indicator_id, o.value, o.source] for o in run.observations],
    )
    if run.dry_run:
        typer.echo("Dry run: nothing stored.")
    else:
        typer.echo(f"Stored: {run.written} new revision(s), {run.unchanged} already current.")


def print_summary(summary: OrganisationSummary, *, totals_only: bool = False) -> None:
    """The tables of ``organisation show`` (the demo prints the totals only)."""
    years = summary.years
    columns = ["year", "Scope 1", "Scope 2", "Scope 3.6 travel", "other Scope 3", "total"]
    rows: list[list[object]] = []
    for y in years:
        other = sum(
            v
            for k, v in y.by_indicator.items()
            if k.startswith("ghg_scope3_c") and k != "ghg_scope3_c06"
        )
        rows.append(
            [
                y.year,
                y.by_indicator.get("ghg_scope1"),
                y.by_indicator.get("ghg_scope2_location"),
                y.by_indicator.get("ghg_scope3_c06"),
                other or None,
                y.total,
            ]
        )
    typer.echo(f"{summary.name} ({summary.entity_id})")
    print_table("Inventory, tCO2e (Scope 1 + 2 location-based + 3)", columns, rows)
    for change in summary.changes:
        sign = "+" if change.total_change >= 0 else ""
        pct = "" if change.percent is None else f" ({sign}{change.percent:.0f} %)"
        typer.echo(
            f"{change.previous} -> {change.year}: {sign}{change.total_change:,.0f} tCO2e{pct}; "
            f"flight legs {change.legs[0]:,} -> {change.legs[1]:,}, passenger-km "
            f"{change.passenger_km[0]:,.0f} -> {change.passenger_km[1]:,.0f}"
        )
        if not totals_only:
            for part, delta in change.causes[:5]:
                typer.echo(f"  {part}: {'+' if delta >= 0 else ''}{delta:,.1f} tCO2e")
    if totals_only:
        return
    flights = [
        [y.year, e["haul"], e["cabin"], e["legs"], e["passenger_km"], e["tco2e"]]
        for y in years
        for e in y.travel
        if e["mode"] == "air"
    ]
    if flights:
        print_table(
            "Flights by haul and cabin",
            ["year", "haul", "cabin", "legs", "passenger-km", "tCO2e"],
            flights,
        )
    notes = {(y.factor_set, y.radiative_forcing) for y in years if y.factor_set is not None}
    for factor_set, rf in sorted(notes, key=str):
        typer.echo(
            f"Business travel: factor set {factor_set}, "
            f"{'with' if rf else 'without'} radiative forcing, great circle + 8 %."
        )
