"""``ictfootprint report world|country|round``: the printed reports (docs/reports.md) as PDF,
one self-contained HTML file, or a zip of the document with the CSV data behind every chart."""

from __future__ import annotations

from pathlib import Path

import typer

from ictfootprint.cli.options import EXISTING_DB_OPTION, command_group, output_file, write_output

app = command_group(
    "Printed reports in the six UN languages: the world's ICT sector, a country's profile, a "
    "collection round's status (PDF, HTML or a zip with the data behind every chart)."
)
LANG_HELP = "Language: ar, zh, en, fr, ru or es."
FORMAT_HELP = "pdf (tagged, fonts embedded), html (one self-contained file) or zip (both and CSV)."
OUT_HELP = "The file to write."


def _write(report: object, fmt: str, out: Path) -> None:
    from ictfootprint.reports.document import Report

    assert isinstance(report, Report)
    write_output(out, report.write(fmt), "-o")
    typer.echo(f"wrote {out} ({fmt}, {report.lang})")


def _check(fmt: str, lang: str, out: Path) -> None:
    """Refuse a bad format, language or file, or a machine without Pango, before any work."""
    from ictfootprint.errors import IctFootprintError
    from ictfootprint.reports.document import check_format, check_language
    from ictfootprint.reports.pdf import pdf_available

    check_format(fmt)
    check_language(lang)
    output_file(out, "-o")
    reason = pdf_available()
    if fmt != "html" and reason is not None:
        raise IctFootprintError(reason)


@app.command("world")
def world_command(
    year: int | None = typer.Option(None, help="Year (default: the latest with a total)."),
    lang: str = typer.Option("en", "--lang", "-l", help=LANG_HELP),
    fmt: str = typer.Option("pdf", "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(..., "-o", "--output", help=OUT_HELP),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """The state of the world's ICT sector: reported and estimated totals (energy, emissions by
    scope, resources), coverage, the gap to L.1470 and the reduction still needed, regions and
    countries, top movers, data quality, sources and the methodology annex."""
    from ictfootprint.reports.document import world_report
    from ictfootprint.store import Store

    _check(fmt, lang, out)
    _write(world_report(Store.open(db), year, lang), fmt, out)


@app.command("country")
def country_command(
    iso3: str = typer.Argument(..., metavar="ISO3", help="The country, e.g. FRA."),
    year: int | None = typer.Option(None, help="Year (default: the latest with a total)."),
    lang: str = typer.Option("en", "--lang", "-l", help=LANG_HELP),
    fmt: str = typer.Option("pdf", "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(..., "-o", "--output", help=OUT_HELP),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """A country's profile: the world report's sections for one country, with the companies
    and facilities behind its figures."""
    from ictfootprint.reports.document import country_report
    from ictfootprint.store import Store

    _check(fmt, lang, out)
    _write(country_report(Store.open(db), iso3, year, lang), fmt, out)


@app.command("round")
def round_command(
    round_id: int = typer.Argument(..., metavar="ROUND", help="The round's id."),
    at: str | None = typer.Option(
        None, help="Statuses on this day, YYYY-MM-DD (default: the day it closed, else today)."
    ),
    lang: str = typer.Option("en", "--lang", "-l", help=LANG_HELP),
    fmt: str = typer.Option("pdf", "--format", "-f", help=FORMAT_HELP),
    out: Path = typer.Option(..., "-o", "--output", help=OUT_HELP),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """A collection round's report: respondents and their status, feasibility, gaps."""
    from ictfootprint.cli.rounds import _day
    from ictfootprint.reports.document import round_report
    from ictfootprint.store import Store

    _check(fmt, lang, out)
    day = None if at is None else _day(at, "at")
    _write(round_report(Store.open(db), round_id, day, lang), fmt, out)
