"""``ictfootprint sector trends``: coverage, like-for-like series and estimates of the
unreported part of the sector totals (docs/sector-trends.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from ictfootprint.cli.options import (
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
)

if TYPE_CHECKING:
    from ictfootprint.assess.area_trend import AreaTrend

app = command_group(
    "The sector beyond its reporters: trends (coverage of national denominators, like-for-like "
    "series, estimates of the unreported part)."
)


@app.command("trends")
def trends_command(
    level: str = typer.Option("world", help="country, region or world."),
    year: list[int] | None = typer.Option(
        None, "--year", help="Year (repeatable; default: every year with a value)."
    ),
    regions: str = typer.Option("itu", "--regions", help="itu (ITU regions) or m49."),
    quantity: list[str] | None = typer.Option(
        None,
        "--quantity",
        help="Quantity id (repeatable), e.g. ghg_s1s2_location; default: every quantity "
        "but the activity denominators.",
    ),
    store_estimates: bool = typer.Option(
        False,
        "--store",
        help="Store the estimates as `estimated` observations on the area entities.",
    ),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Per area, sub-sector (_T = all), year and quantity: the reporting sample and its
    coverage of national denominators; the like-for-like series (constant sample between
    consecutive years, chained), so that a company joining does not read as growth; and the
    estimated unreported part with its bootstrap interval, beside the reported total."""
    from ictfootprint.compute import trends as sector
    from ictfootprint.store import Store

    store = Store.open(db)
    result = sector.sector_trends(
        store, level=level, years=year or None, region_kind=regions, quantities=quantity or None
    )
    written = sector.store_estimates(store, result) if store_estimates else None
    if fmt is Format.json:
        data = asdict(result)
        if written is not None:
            data["stored"] = {"written": written[0], "unchanged": written[1]}
        print_json(data)
        return
    print_table(
        f"Coverage, {level} level: reporting sample and its share of the national denominator",
        ["area", "sub-sector", "quantity", "year", "sample", "denominator", "coverage (%)"],
        [
            [
                r["area"],
                r["subsector"],
                r["quantity"],
                r["year"],
                r["sample"],
                r["coverage"][0]["denominator"] if r["coverage"] else "",
                r["coverage_percent"],
            ]
            for r in result.coverage
        ],
    )
    print_table(
        f"Like-for-like, {level} level: constant sample between consecutive years, chained",
        [
            "area",
            "sub-sector",
            "quantity",
            "year",
            "reported",
            "sample",
            "change (%)",
            "like-for-like",
        ],
        [
            [
                r["area"],
                r["subsector"],
                r["quantity"],
                r["year"],
                r["reported"],
                r["sample"],
                r["change_percent"],
                r["like_for_like"],
            ]
            for r in result.like_for_like
        ],
    )
    percent = round(100 * result.interval)
    print_table(
        f"Estimated unreported part, {level} level (flagged estimated, never in the reported "
        f"total; {percent} % bootstrap interval over peers' intensities)",
        [
            "area",
            "sub-sector",
            "quantity",
            "year",
            "reported",
            "estimated",
            "low",
            "high",
            "total",
            "reported share (%)",
        ],
        [
            [
                r["area"],
                r["subsector"],
                r["quantity"],
                r["year"],
                r["reported"],
                r["estimated"],
                r["estimated_low"],
                r["estimated_high"],
                r["total"],
                r["reported_share_percent"],
            ]
            for r in result.estimates
        ],
    )
    if written is not None:
        typer.echo(f"stored {written[0]} estimated observations ({written[1]} already current)")


def print_area_trend(trend: AreaTrend, unit: str) -> None:
    """Beside an area's trajectory: what was reported, the like-for-like series the
    trajectory uses, the constant sample, coverage and reported share, year by year."""
    from ictfootprint.assess.area_trend import BASIS

    typer.echo(f"actual = {BASIS}")
    print_table(
        f"{trend.area} {trend.subsector}: reported and like-for-like ({unit})",
        [
            "year",
            f"reported ({unit})",
            f"like-for-like ({unit})",
            "reporters",
            "constant sample",
            "coverage (%)",
            "reported share (%)",
        ],
        [
            [
                row["year"],
                row["reported"],
                row["like_for_like"],
                row["entities"],
                row["sample"],
                row["coverage_percent"],
                row["reported_share_percent"],
            ]
            for row in trend.as_dict()["years"]
        ],
    )
