"""``ictfootprint observations``: read current values and the revision history of a series,
and check the stored series for Scope 1 + Scope 2 contradicting a reported S1+2 total."""

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

app = command_group(
    "Read observations: list the current values, or the history of every revision of one; "
    "check the stored S1 + S2 against the reported S1+2 totals."
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
