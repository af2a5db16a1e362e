"""``ictfootprint demo``: the main job, end to end, on the illustrative dataset."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from ictfootprint.cli.options import FORMAT_OPTION, Format, print_json, print_table
from ictfootprint.reference.countries import countries, regions

if TYPE_CHECKING:
    from ictfootprint.assess.area_trend import AreaTrend
    from ictfootprint.assess.trajectory import Trajectory
    from ictfootprint.footprint import FootprintRun
    from ictfootprint.organisation.summary import OrganisationSummary
    from ictfootprint.store import Store

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
    totals, compare the world's like-for-like trend with the L.1470 pathway, and print a
    summary with the reported share of the estimated sector."""
    from ictfootprint.examples import load_illustrative
    from ictfootprint.footprint import compute_footprint
    from ictfootprint.portal.illustrative import load_illustrative_cases
    from ictfootprint.portal.illustrative_endorsements import load_illustrative_endorsements
    from ictfootprint.store import Store

    store = Store.open(db)
    submissions = load_illustrative(store)
    run = compute_footprint(store, engine=engine)
    trend, track = _world_trend(store, run)
    organisation = _organisation(store)
    load_illustrative_cases(store)  # the knowledge exchange's illustrative case studies
    endorsements = load_illustrative_endorsements(store)
    if fmt is Format.json:
        print_json(
            {**_as_json(run, trend, track, submissions, db), "organisation": organisation.as_dict()}
        )
        return
    _print_summary(run, trend, track, db)
    _print_organisation(organisation, db)
    typer.echo(
        f"Illustrative endorsements of the COP29 Declaration on Green Digital Action: "
        f"{len(endorsements)} (ictfootprint endorsements list --db {db})"
    )


def _organisation(store: Store) -> OrganisationSummary:
    """The illustrative organisation's own footprint (issue 19), loaded after the sector's
    figures are computed: an organisation's Scope 1 and 2 are its own inventory here."""
    from ictfootprint.organisation.illustrative import ENTITY_ID, load_illustrative_organisation
    from ictfootprint.organisation.summary import organisation_summary

    load_illustrative_organisation(store)
    return organisation_summary(store, ENTITY_ID)


def _print_organisation(summary: OrganisationSummary, db: str) -> None:
    from ictfootprint.cli.organisation import print_summary

    typer.echo("")
    print_summary(summary, totals_only=True)
    typer.echo(
        f"Flights by haul and cabin, causes: ictfootprint organisation show {summary.entity_id} "
        f"--db {db}"
    )


def _world_trend(store: Store, run: FootprintRun) -> tuple[AreaTrend, Trajectory | None]:
    """The world's reported and like-for-like series with the reported share
    (docs/sector-trends.md), and the like-for-like series against L.1470 (as
    ``assess trajectory --level world`` judges it: a company joining is not growth)."""
    from ictfootprint.assess.area_trend import area_trend
    from ictfootprint.assess.trajectory import trajectory
    from ictfootprint.footprint import SCOPE
    from ictfootprint.reference.pathways import pathway

    trend = area_trend(store, "world", "001", range(run.years[0], run.years[-1] + 1))
    path = pathway("l1470-sector")
    series = dict(trend.like_for_like)
    if path.base_year is not None and path.base_year not in series:
        return trend, None
    return trend, trajectory(series, path, scope=SCOPE, unit="tCO2e")


def _as_json(
    run: FootprintRun,
    trend: AreaTrend,
    track: Trajectory | None,
    submissions: list[int],
    db: str,
) -> dict[str, Any]:
    data = asdict(run)
    data["trajectory"] = run.trajectory.as_dict() if run.trajectory else None
    data["world_trend"] = {
        **trend.as_dict(),
        "trajectory": track.as_dict() if track else None,
    }
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


def _print_summary(run: FootprintRun, trend: AreaTrend, track: Trajectory | None, db: str) -> None:
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
    _print_world(trend, track)
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


def _print_world(trend: AreaTrend, track: Trajectory | None) -> None:
    """The world: reported, like-for-like and the reported share, against L.1470 when the
    like-for-like series reaches the pathway's base year."""
    from ictfootprint.assess.area_trend import BASIS

    points = {p.year: p for p in track.points} if track else {}
    title = (
        "World" if track is None else f"World against {track.pathway_name} (base {track.base_year})"
    )
    rows = []
    for year in sorted(trend.reported):
        p = points.get(year)
        share = trend.reported_share_percent.get(year)
        rows.append(
            [
                year,
                _t(trend.reported[year]),
                trend.entities[year],
                _t(trend.like_for_like[year]),
                _t(p.pathway if p else None),
                "" if p is None or p.gap_percent is None else p.gap_percent,
                "" if p is None or p.on_track is None else ("yes" if p.on_track else "no"),
                "" if share is None else share,
                _t(trend.estimated_total.get(year)),
            ]
        )
    print_table(
        title,
        [
            "year",
            "reported tCO2e",
            "reporters",
            "like-for-like",
            "pathway",
            "gap %",
            "on track",
            "reported share %",
            "estimated sector",
        ],
        rows,
    )
    typer.echo(
        f"{BASIS}; the pathway is judged on it.\nreported share = reported / estimated sector "
        "(reported + the unreported part scaled by national mobile lines, "
        "docs/sector-trends.md)."
    )
