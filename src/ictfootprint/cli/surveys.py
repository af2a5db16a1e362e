"""``ictfootprint surveys``: national surveys set beside the collection (a survey's mapping,
its published figures compared with the country's accepted submissions) and the national
focal points' monitoring arrangements."""

from __future__ import annotations

from pathlib import Path

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    figure,
    print_json,
    print_table,
)

app = command_group(
    help="National surveys: check a survey's mapping file, import the figures its publisher "
    "published, compare them value by value with the country's accepted submissions; and "
    "the national focal points' monitoring arrangements (who has a mandate for what)."
)

SURVEY_ARGUMENT = typer.Argument(..., help="A shipped survey id (arcep) or a mapping file (TOML).")


@app.command("mapping")
def mapping_command(survey: str = SURVEY_ARGUMENT, fmt: Format = FORMAT_OPTION) -> None:
    """Read and check a survey's mapping (every line, unit and indicator); print its lines."""
    from ictfootprint.surveys.mapping import load_mapping

    mapping = load_mapping(survey)
    if fmt is Format.json:
        print_json({**mapping.summary(), "lines": [line.as_dict() for line in mapping.lines]})
        return
    print_table(
        f"{mapping.name} ({mapping.publisher}, {mapping.country}): {len(mapping.lines)} lines",
        ["line", "label", "unit", "indicator", "respondent", "our choice"],
        [
            [
                line.id,
                line.label[:50],
                line.unit,
                line.indicator or "—",
                line.respondent,
                "yes" if line.choice else "",
            ]
            for line in mapping.lines
        ],
    )
    typer.echo(f"source: {mapping.source}")


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="CSV: line,year,value[,unit,method,covers,note]."),
    survey: str = typer.Option(..., "--survey", help="Shipped survey id or mapping file."),
    source: str | None = typer.Option(
        None,
        "--source",
        help="Where the figures come from, recorded with each: publisher, title, edition or "
        "date, page (required).",
    ),
    db: str | None = DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Import the figures a survey's publisher published (the whole file or nothing; the
    same file again writes nothing; a changed figure is a new revision)."""
    from ictfootprint.store import Store
    from ictfootprint.surveys.published import import_published

    result = import_published(Store.open(db), file, survey, citation=source or "")
    if fmt is Format.json:
        print_json(result.as_dict())
        return
    typer.echo(
        f"{file}: {result.read} figures of survey {result.survey}; stored {result.written} "
        f"({result.unchanged} already current)"
    )


@app.command("compare")
def compare_command(
    survey: str = SURVEY_ARGUMENT,
    year: list[int] = typer.Option(None, "--year", help="Year (repeatable; default: all)."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Each published figure against the sum of the country's accepted submissions: the
    difference (ours - published, and % of published) and its likely causes."""
    from ictfootprint.store import Store
    from ictfootprint.surveys.compare import compare

    result = compare(Store.open(db), survey, years=year or None)
    if fmt is Format.json:
        print_json(result.as_dict())
        return
    print_table(
        f"{result.mapping.name}: published figures against the sum of {result.mapping.country}'s "
        "accepted submissions",
        ["line", "year", "unit", "published", "ours", "difference", "%", "entities"],
        [
            [
                c.line.id,
                c.figure.year,
                c.figure.unit,
                figure(c.figure.value),
                figure(c.ours),
                figure(c.difference),
                f"{c.difference_percent:.2f}" if c.difference_percent is not None else "",
                len(c.contributors),
            ]
            for c in result.lines
        ],
    )
    for c in result.lines:
        for cause in c.causes:
            typer.echo(f"{c.line.id} {c.figure.year} [{cause.kind}] {cause.text}")
    for item in result.not_comparable:
        typer.echo(f"not comparable: {item['line']} {item['year']} ({item['reason']})")


@app.command("arrangements")
def arrangements_command(
    year: int | None = typer.Option(None, "--year", help="Year (default: each one's latest)."),
    region: str | None = typer.Option(None, "--region", help="An ITU region, e.g. ITU-EUR."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Who has a mandate for what: the national focal points' accepted answers (respondent
    type national-focal-point), by country, with counts by ITU region."""
    from ictfootprint.store import Store
    from ictfootprint.surveys.arrangements import COLLECTS, world_arrangements

    result = world_arrangements(Store.open(db), year=year, region=region)
    if fmt is Format.json:
        print_json(result.as_dict())
        return
    print_table(
        f"Monitoring arrangements: {len(result.countries)} countries answered",
        [
            "country",
            "region",
            "year",
            "mandate",
            "authority",
            *(c.split("_", 2)[2] for c in COLLECTS),
        ],
        [
            [
                c.country,
                c.region or "",
                c.year,
                c.answers.get("arrangement_mandate", ""),
                c.answers.get("arrangement_authority_kind", ""),
                *(c.answers.get(q, "") for q in COLLECTS),
            ]
            for c in result.countries
        ],
    )
    for item in result.by_region():
        typer.echo(f"{item['region']}: {item['countries']} answered, {item['mandated']} mandated")
