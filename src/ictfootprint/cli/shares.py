"""``ictfootprint shares``: the sector's shares of national totals, and its intensities."""

from __future__ import annotations

from dataclasses import asdict

import typer

from ictfootprint.cli.options import (
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    print_json,
    print_table,
    year_option,
)


def shares_command(
    level: str = typer.Option(..., help="country, region or world."),
    year: int = year_option("Reporting year."),
    regions: str = typer.Option("itu", "--regions", help="itu (ITU regions) or m49."),
    store_figures: bool = typer.Option(
        True,
        "--store/--no-store",
        help="Store the shares and per-line energy as calculated observations.",
    ),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (in process) or spark."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The ICT sector's share of national electricity and GHG emissions (where a national
    statistic exists: ictfootprint observations import-national), and its intensities per
    line, per TB and per US dollar. A share computed from the reporters' sum is the
    reporters' share: each figure says how many entities it rests on."""
    from ictfootprint.compute.shares import sector_shares
    from ictfootprint.store import Store

    result = sector_shares(
        Store.open(db),
        level=level,
        year=year,
        region_kind=regions,
        engine=engine,
        write=store_figures,
    )
    if fmt is Format.json:
        print_json(asdict(result))
        return
    if result.shares:
        print_table(
            f"ICT sector's share of national totals, {level} level, {year} (reporters' share: "
            "the unreported part of the sector is not in it)",
            [
                "area",
                "share",
                "%",
                "sector total",
                "unit",
                "entities",
                "incomplete",
                "national",
                "unit",
            ],
            [
                [
                    r["area_name"],
                    r["indicator"],
                    r["value"],
                    r["numerator"]["value"],
                    r["numerator"]["unit"],
                    r["numerator"]["entities"],
                    r["numerator"]["incomplete"],
                    r["denominator"]["value"],
                    r["denominator"]["unit"],
                ]
                for r in result.shares
            ],
        )
    else:
        typer.echo(
            "no share: no area has both a sector total and a national statistic "
            "(ictfootprint observations import-national)"
        )
    if result.intensities:
        print_table(
            f"Intensities, {level} level, {year} (entities reporting both figures)",
            ["area", "intensity", "value", "unit", "entities"],
            [
                [r["area_name"], r["intensity"], r["value"], r["unit"], r["entities"]]
                for r in result.intensities
            ],
        )
    else:
        typer.echo(
            "no intensity: no entity reports both a figure and its denominator (lines, "
            "traffic, revenue)"
        )
    for item in result.missing:
        typer.echo(f"no {item['indicator']} for {item['area_name']}: {item['reason']}")
    if store_figures:
        typer.echo(
            f"stored {result.written} calculated observations ({result.unchanged} already current)"
        )
