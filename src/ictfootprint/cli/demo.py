"""``ictfootprint demo``: the main job, end to end, on the illustrative dataset."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from ictfootprint.cli.options import FORMAT_OPTION, Format, print_json, print_table
from ictfootprint.reference.countries import countries, regions

if TYPE_CHECKING:
    from ictfootprint.footprint import FootprintRun

DEMO_DB = "ictfootprint-demo.db"
BANNER = "ILLUSTRATIVE DATA: fictitious operators, not real figures"


def demo(
    db: str = typer.Option(
        DEMO_DB, "--db", help="Database for the demo (kept apart from real data by default)."
    ),
    fmt: Format = FORMAT_OPTION,
    engine: str = typer.Option("duckdb", help="Computation engine."),
) -> None:
    """Load the illustrative dataset, compute Scope 2 and the national, ITU-region and world
    totals, compare the world with the L.1470 pathway, and print a summary."""
    from ictfootprint.examples import load_illustrative
    from ictfootprint.footprint import compute_footprint
    from ictfootprint.store import Store

    store = Store.open(db)
    submissions = load_illustrative(store)
    run = compute_footprint(store, engine=engine)
    if fmt is Format.json:
        print_json(_as_json(run, submissions, db))
        return
    _print_summary(run, db)


def _as_json(run: FootprintRun, submissions: list[int], db: str) -> dict[str, Any]:
    data = asdict(run)
    data["trajectory"] = run.trajectory.as_dict() if run.trajectory else None
    data["factors"] = [f.model_dump() for f in run.factors]
    data["notice"] = BANNER if run.illustrative else None
    data["database"] = db
    data["submissions"] = submissions
    return data


def _t(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def _area_name(code: str) -> str:
    if code in regions():
        return regions()[code].name()
    return f"{countries()[code].name()} ({code})"


def _print_summary(run: FootprintRun, db: str) -> None:
    if run.illustrative:
        typer.secho(f"*** {BANNER} ***", bold=True)
    typer.echo(f"Scope 1 + Scope 2 (location-based), tCO2e, years {run.years[0]}-{run.years[-1]}\n")
    print_table(
        "Grid factors used (gCO2e/kWh)",
        ["country", "for year", "factor", "factor year", "dataset", "flags"],
        [
            [
                f.area,
                f.requested_year,
                f"{f.value:g}",
                f.year,
                f"{f.dataset} v{f.dataset_version}",
                ", ".join(f.flags),
            ]
            for f in run.factors
        ],
    )
    latest = run.years[-1]
    print_table(
        f"Entities, {latest}",
        ["entity", "country", "electricity MWh", "factor", "Scope 1", "Scope 2 loc.", "S1+S2"],
        [
            [
                r["entity_id"],
                r["country"],
                _t(r["electricity"]),
                r["factor"],
                _t(r["scope1"]),
                _t(r["scope2_location"]),
                _t(r["s1s2_location"]),
            ]
            for r in run.entities
            if r["year"] == latest
        ],
    )
    for title, rows, key in (
        ("National totals (tCO2e)", run.countries, "country"),
        ("ITU regions (tCO2e)", run.itu_regions, "region"),
    ):
        areas = sorted({r[key] for r in rows})
        table = {(r[key], r["year"]): r["total"] for r in rows}
        print_table(
            title,
            ["area", *map(str, run.years)],
            [[_area_name(a), *(_t(table.get((a, y))) for y in run.years)] for a in areas],
        )
    if run.trajectory is not None:
        t = run.trajectory
        print_table(
            f"World against {t.pathway_name} (base {t.base_year})",
            ["year", "world tCO2e", "pathway", "gap", "gap %", "on track"],
            [
                [
                    p.year,
                    _t(p.actual),
                    _t(p.pathway),
                    _t(p.gap),
                    p.gap_percent,
                    "" if p.on_track is None else ("yes" if p.on_track else "no"),
                ]
                for p in t.points
            ],
        )
    for gap in run.gaps:
        typer.echo(f"gap: {gap}")
    typer.echo(
        f"\nStored in {db}: {run.written} calculated observations written, "
        f"{run.unchanged} already current."
    )
    if any(f.flags for f in run.factors):
        typer.echo(
            "Some factors are from another year (factor-year-proxy): the shipped default set has "
            "one recent year per country. Import a yearly series for exact years:\n"
            "  ictfootprint factors import examples/grid_carbon_intensity.csv "
            f'--source "Ember (2025), via Our World in Data; CC BY 4.0" --db {db}'
        )
    typer.echo(f"Explore: ictfootprint observations list --db {db} --method calculated")
