"""``ictfootprint targets``: the registry of entity targets."""

from __future__ import annotations

import typer

from ictfootprint.cli.options import (
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
)

app = command_group("Entity targets: add and list.")


@app.command("add")
def add_command(
    entity: str = typer.Argument(..., help="Entity id."),
    scope: str = typer.Option(..., help="Combined scope, e.g. 1+2-market."),
    base_year: int = typer.Option(..., help="Year the reduction is measured from."),
    target_year: int = typer.Option(..., help="Year the reduction is to be reached."),
    reduction: float = typer.Option(..., help="Reduction from the base year, in %."),
    base_value: float | None = typer.Option(None, help="Base-year emissions (tCO2e)."),
    kind: str = typer.Option("absolute", help="absolute or intensity."),
    net_zero_year: int | None = typer.Option(None, help="Year of the net-zero commitment, if any."),
    status: str = typer.Option("committed", help="committed or validated (by the SBTi)."),
    source: str = typer.Option(..., help="Where the target is published."),
    supersedes: int | None = typer.Option(None, help="Id of the target this one revises."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Record a target (a revision supersedes the earlier one, which is kept)."""
    from ictfootprint.assess.targets import new_target
    from ictfootprint.store import Store

    target = new_target(
        entity,
        scope=scope,
        base_year=base_year,
        base_value=base_value,
        target_year=target_year,
        reduction_percent=reduction,
        kind=kind,
        net_zero_year=net_zero_year,
        status=status,
        source=source,
    )
    target_id = Store.open(db).add_target(target, supersedes=supersedes)
    typer.echo(f"target {target_id} recorded for {entity}")


@app.command("list")
def list_command(
    entity: str = typer.Argument(...),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The entity's current targets."""
    from ictfootprint.store import Store

    rows = [{"id": i, **t.model_dump()} for i, t in Store.open(db).targets(entity)]
    if fmt is Format.json:
        print_json(rows)
        return
    print_table(
        f"Targets of {entity}",
        ["id", "scope", "base", "target", "reduction %", "kind", "net zero", "status", "source"],
        [
            [
                r["id"],
                r["scope"],
                r["base_year"],
                r["target_year"],
                r["reduction_percent"],
                r["kind"],
                r["net_zero_year"],
                r["status"],
                r["source"],
            ]
            for r in rows
        ],
    )
