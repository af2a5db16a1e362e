"""``ictfootprint assess``: trajectories against L.1470 and other pathways."""

from __future__ import annotations

from pathlib import Path

import typer

from ictfootprint.cli.options import DB_OPTION, FORMAT_OPTION, Format, print_json, print_table

app = typer.Typer(help="Assessments: trajectories against a pathway.", no_args_is_help=True)


@app.command("trajectory")
def trajectory_command(
    level: str = typer.Option(..., help="entity, country, region, world or subsector."),
    key: str = typer.Option(
        "001", "--id", help="Entity id, ISO3 country, region code (ITU-EUR, 150), sub-sector."
    ),
    scope: str = typer.Option("1+2-location", help="Combined scope, e.g. 1+2-market."),
    pathway: str = typer.Option("l1470-sector", help="Pathway id (ictfootprint pathways)."),
    pathway_file: Path | None = typer.Option(None, help="Your own pathway (TOML)."),
    target_year: int = typer.Option(2030, help="Year to project to."),
    last_years: int = typer.Option(5, help="Years in the least-squares trend."),
    db: str | None = DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Actual emissions against a pathway: pathway value, gap, on track, projection at the
    target year (least squares over the last N years) and the reduction still needed."""
    from ictfootprint.assess.trajectories import assess_trajectory, load_pathway
    from ictfootprint.store import Store

    result = assess_trajectory(
        Store.open(db),
        level=level,
        key=key,
        scope=scope,
        pathway=load_pathway(pathway, pathway_file),
        target_year=target_year,
        last_years=last_years,
    )
    if fmt is Format.json:
        print_json(result.as_dict())
        return
    t = result.trajectory
    print_table(
        f"{level} {key}, {scope}, against {t.pathway_name} (base {t.base_year})",
        ["year", "actual tCO2e", "pathway", "gap", "gap %", "on track"],
        [
            [
                p.year,
                "" if p.actual is None else f"{p.actual:,.1f}",
                f"{p.pathway:,.1f}",
                "" if p.gap is None else f"{p.gap:,.1f}",
                p.gap_percent,
                "" if p.on_track is None else ("yes" if p.on_track else "no"),
            ]
            for p in t.points
        ],
    )
    if result.projection:
        p = result.projection
        typer.echo(
            f"projection {p.target_year}: {p.projected:,.1f} tCO2e ({p.method}; "
            f"{p.slope_per_year:+,.1f} t/yr)"
        )
    if result.required:
        r = result.required
        percent = "" if r.percent_per_year is None else f", or {r.percent_per_year:.2f} %/yr"
        typer.echo(
            f"needed from {r.from_year}: {r.absolute_per_year:,.1f} tCO2e less each year"
            f"{percent} to reach {r.target_value:,.1f} in {r.target_year}"
        )


@app.command("coverage")
def coverage_command(
    entity: list[str] = typer.Option(..., "--entity", help="Entity or country id (repeatable)."),
    year: list[int] = typer.Option(..., "--year", help="Year (repeatable)."),
    respondent: str | None = typer.Option(None, help="Respondent type (default: inferred)."),
    db: str | None = DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Which required indicators are reported, calculated, estimated or missing."""
    from dataclasses import asdict

    from ictfootprint.assess.coverage import coverage
    from ictfootprint.store import Store

    result = coverage(Store.open(db), entity, year, respondent_type=respondent)
    if fmt is Format.json:
        print_json(asdict(result))
        return
    print_table(
        "Coverage",
        ["entity", "respondent", "year", "complete %", "by status", "missing"],
        [
            [
                s["entity"],
                s["respondent"],
                s["year"],
                s["completeness_percent"],
                ", ".join(f"{k} {v}" for k, v in s["by_status"].items()),
                ", ".join(s["missing"]),
            ]
            for s in result.summary
        ],
    )


@app.command("survey-mapping")
def survey_mapping_command(
    survey: str = typer.Option("arcep", help="National survey: arcep."),
    respondent: str = typer.Option("telecom-operator", help="Respondent type compared."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """A national survey's variables against the catalogue: what maps, what each side lacks."""
    from ictfootprint.assess.coverage import survey_mapping

    result = survey_mapping(survey, respondent)
    if fmt is Format.json:
        print_json(result)
        return
    print_table(
        f"{survey} → catalogue",
        ["family", "variable", "indicator"],
        [[m["family"], m["variable"], m["indicator"]] for m in result["maps"]],
    )
    for item in result["survey_only"]:
        typer.echo(f"survey only: {item['variable']} ({item['note']})")
    typer.echo(f"catalogue only ({respondent}): {', '.join(result['catalogue_only'])}")
