"""``ictfootprint assess``: trajectories against L.1470 and other pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    "Assessments: trajectory (against a pathway), coverage (of the data asked for), "
    "survey-mapping (a national survey against the catalogue), targets (progress and implied "
    "temperature), net-impact (ITU-T L.1480) and benchmark (companies ranked)."
)


@app.command("trajectory")
def trajectory_command(
    level: str = typer.Option(..., help="entity, country, region, world or subsector."),
    key: str = typer.Option(
        "001", "--id", help="Entity id, ISO3 country, region code (ITU-EUR, 150), sub-sector."
    ),
    scope: str | None = typer.Option(
        None,
        help="Combined scope, e.g. 1+2-market (default: 1+2-location, or the pathway's first "
        "scope when it does not cover that: 1+2+3-location for un-system-2030).",
    ),
    pathway: str = typer.Option("l1470-sector", help="Pathway id (ictfootprint pathways)."),
    pathway_file: Path | None = typer.Option(
        None,
        help="Your own pathway or a national target: TOML ([target] with base_year, "
        "target_year, reduction_percent, source; or one [[pathway]]) or CSV with those columns.",
    ),
    gas: str = typer.Option(
        "co2e",
        help="co2e (every gas), or co2: a CO2-only series (values received in t CO2) against "
        "the pathway's CO2 variant.",
    ),
    base_year: int | None = typer.Option(
        None,
        help="Year the pathway starts from (default: the pathway's own, e.g. 2020 for L.1470; "
        "the first year with a value for an annual pathway such as sbti-aca-1.5c).",
    ),
    target_year: int = typer.Option(2030, help="Year to project to."),
    last_years: int = typer.Option(5, help="Years in the least-squares trend."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Actual emissions against a pathway: pathway value, gap, on track, projection at the
    target year (least squares over the last N years) and the reduction still needed."""
    from ictfootprint.assess.trajectories import assess_trajectory, load_pathway
    from ictfootprint.store import Store

    chosen = load_pathway(pathway, pathway_file)
    if scope is None:
        scope = "1+2-location" if "1+2-location" in chosen.scopes else chosen.scopes[0]
    result = assess_trajectory(
        Store.open(db),
        level=level,
        key=key,
        scope=scope,
        pathway=chosen,
        target_year=target_year,
        last_years=last_years,
        base_year=base_year,
        gas=gas.lower(),
    )
    if fmt is Format.json:
        print_json(result.as_dict())
        return
    t = result.trajectory
    u = t.unit
    only = ", CO2 only" if t.gas == "co2" else ""
    print_table(
        f"{level} {result.key}, {scope}{only}, against {t.pathway_name} (base {t.base_year})",
        ["year", f"actual ({u})", f"pathway ({u})", f"gap ({u})", "gap (%)", "on track"],
        [
            [
                p.year,
                p.actual,
                p.pathway,
                p.gap,
                p.gap_percent,
                "" if p.on_track is None else ("yes" if p.on_track else "no"),
            ]
            for p in t.points
        ],
    )
    if result.trend is not None:
        from ictfootprint.cli.sector import print_area_trend

        print_area_trend(result.trend, u)
    _echo_outlook(result, u)


def _echo_outlook(result: Any, unit: str) -> None:
    """What the table does not say: whether the comparison is indicative (and the pathways
    that would be the place's own), the projection (and its clamp at zero), what is needed."""
    label = result.applicability
    if label is not None and label.indicative:
        typer.echo(f"indicative: {label.note}")
        shipped = [a["id"] for a in label.alternatives if a["id"] != "file"]
        offered = f"--pathway {' or '.join(shipped)}; or " if shipped else ""
        typer.echo(
            f"alternatives: {offered}--pathway-file with a national target or a pathway of "
            "your own (base year, target year, reduction, source)"
        )
    if result.projection:
        p = result.projection
        note = f"; {p.note}" if p.note else ""
        typer.echo(
            f"projection {p.target_year}: {p.projected:,.1f} {unit} ({p.method}; "
            f"{p.slope_per_year:+,.1f} t/yr{note})"
        )
    if result.required:
        r = result.required
        if r.absolute_per_year <= 0:
            typer.echo(
                f"needed from {r.from_year}: nothing more: {r.from_value:,.1f} {unit} is at or "
                f"below the pathway's {r.target_value:,.1f} for {r.target_year}"
            )
            return
        percent = "" if r.percent_per_year is None else f", or {r.percent_per_year:.2f} %/yr"
        typer.echo(
            f"needed from {r.from_year}: {r.absolute_per_year:,.1f} {unit} less each year"
            f"{percent} to reach {r.target_value:,.1f} in {r.target_year}"
        )


@app.command("coverage")
def coverage_command(
    entity: list[str] = typer.Option(..., "--entity", help="Entity or country id (repeatable)."),
    year: list[int] = typer.Option(..., "--year", help="Year (repeatable)."),
    respondent: str | None = typer.Option(None, help="Respondent type (default: inferred)."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Which required indicators are reported, calculated, estimated or missing."""
    from dataclasses import asdict

    from ictfootprint.assess.coverage import coverage
    from ictfootprint.reference.codes import respondent_code
    from ictfootprint.store import Store

    if respondent is not None:
        respondent = respondent_code(respondent)

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
    survey: str = typer.Option(
        "arcep", help="National survey: a shipped id (arcep) or a mapping file (TOML)."
    ),
    respondent: str = typer.Option("telecom-operator", help="Respondent type compared."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """A national survey's variables against the catalogue: what maps, what each side lacks."""
    from ictfootprint.assess.coverage import survey_mapping
    from ictfootprint.reference.codes import respondent_code

    respondent = respondent_code(respondent)

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


@app.command("targets")
def targets_command(
    entity: str = typer.Option(..., help="Entity id."),
    year: int | None = typer.Option(None, help="Reference year (default: this year)."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Progress against each target, and the implied temperature rise (CDP-WWF v1)."""
    from datetime import UTC, datetime

    from ictfootprint.assess.targets import as_dict, entity_temperature, progress, temperature
    from ictfootprint.assess.trajectories import entity_series
    from ictfootprint.store import Store

    store = Store.open(db)
    reference = year or datetime.now(UTC).year
    targets = store.targets(entity)
    rows: list[dict[str, Any]] = []
    for target_id, target in targets:
        series = entity_series(store, entity, target.scope) if "+" in target.scope else {}
        rows.append(
            {
                "id": target_id,
                "target": target.model_dump(),
                "progress": as_dict(progress(target, series)),
                "temperature": as_dict(temperature(target, reference)),
            }
        )
    summary = entity_temperature([t for _, t in targets], reference)
    if fmt is Format.json:
        print_json(
            {"entity": entity, "reference_year": reference, "targets": rows, "temperature": summary}
        )
        return
    print_table(
        f"Targets of {entity} (reference year {reference})",
        ["id", "scope", "target", "LAR %/yr", "time frame", "°C", "latest", "on track"],
        [
            [
                r["id"],
                r["target"]["scope"],
                f"-{r['target']['reduction_percent']:g} % {r['target']['base_year']}-"
                f"{r['target']['target_year']}",
                f"{r['temperature']['annual_reduction_percent']:.2f}",
                r["temperature"]["time_frame"],
                f"{r['temperature']['celsius']:.2f}",
                r["progress"]["latest_value"],
                r["progress"]["on_track"],
            ]
            for r in rows
        ],
    )
    for frame, score in summary.items():
        note = " (default: no target in this time frame)" if score["default"] else ""
        typer.echo(f"{frame}-term temperature: {score['celsius']:.2f} °C{note}")


@app.command("net-impact")
def net_impact_command(
    scenario: Path = typer.Argument(..., help="Scenario file (TOML), see the L.1480 docs."),
    seed: int | None = typer.Option(None, help="Random seed (default: the file's)."),
    draws: int | None = typer.Option(None, help="Monte Carlo draws (default: the file's)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Net impact of an ICT solution (ITU-T L.1480): median, 90 % interval, contributions."""
    from ictfootprint.assess.net_impact import load_scenario, net_impact

    result = net_impact(load_scenario(scenario), seed=seed, draws=draws)
    data = result.as_dict()
    if fmt is Format.json:
        print_json(data)
        return
    typer.echo(f"{data['title']} (tier {data['tier']}, {data['draws']} draws, seed {data['seed']})")
    typer.echo(
        f"net impact: median {data['median']:,.1f} {data['unit']}, 90 % interval "
        f"{data['p5']:,.1f} to {data['p95']:,.1f}"
    )
    if not data["public_claims_allowed"]:
        typer.echo(f"note: {data['public_claims_reason']}")
    print_table(
        "Effects",
        ["effect", "order", "median", "contribution"],
        [
            [e["name"], e["order"], f"{e['median']:,.1f}", f"{e['contribution']:+.3f}"]
            for e in data["effects"]
        ],
    )


@app.command("benchmark")
def benchmark_command(
    companies: Path = typer.Argument(..., help="CSV of company-years (see the README)."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Score and rank companies (Greening Digital Companies style; weights as data)."""
    from ictfootprint.assess.benchmark import rank, read_companies
    from ictfootprint.csvfile import read_bytes

    ranked = rank(read_companies(read_bytes(companies), str(companies)))
    if fmt is Format.json:
        print_json([r.as_dict() for r in ranked])
        return
    print_table(
        "Benchmark",
        ["rank", "entity", "score"],
        [[r.rank, r.score.entity_id, f"{r.score.total:.2f}"] for r in ranked],
    )
