"""The ``ictfootprint`` command: thin commands that parse, call one service function, render.

Errors from outside input end the command with one line on stderr naming where the problem is
(file, row, field) and exit status 2; a missing record exits 1; never a traceback.
"""

from __future__ import annotations

import sys

import typer

from ictfootprint import __version__
from ictfootprint.cli import (
    assess,
    cases,
    collection,
    compute,
    demo,
    endorsements,
    entities,
    export,
    factors,
    forum,
    guide,
    mail,
    observations,
    organisation,
    reference,
    report,
    rounds,
    sector,
    serve,
    shares,
    surveys,
    targets,
    users,
)
from ictfootprint.cli.options import command_group
from ictfootprint.errors import IctFootprintError, InputError, NotFoundError

app = command_group(
    name="ictfootprint",
    help="Measure the ICT sector's environmental footprint: energy, GHG (Scope 1, 2, 3) and "
    "resources, from one company's disclosure to a country's total and the world's "
    "(ITU-T L.1472, L.1470, L.1450, L.1420, L.1480).",
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("demo")(demo.demo)
app.command("catalogue")(reference.catalogue_command)
app.command("countries")(reference.countries_command)
app.command("pathways")(reference.pathways_command)
app.command("convert")(reference.convert_command)
app.command("compute")(compute.compute_command)
app.command("aggregate")(compute.aggregate_command)
app.command("estimate")(compute.estimate_command)
app.command("shares")(shares.shares_command)
app.command("template")(collection.template_command)
app.command("submit")(collection.submit_command)
app.command("export")(export.export_command)
app.command("serve")(serve.serve_command)
app.command("guide")(guide.guide_command)
app.add_typer(collection.review_app, name="review")
app.add_typer(assess.app, name="assess")
app.add_typer(sector.app, name="sector")
app.add_typer(targets.app, name="targets")
app.add_typer(entities.app, name="entities")
app.add_typer(factors.app, name="factors")
app.add_typer(observations.app, name="observations")
app.add_typer(organisation.app, name="organisation")
app.add_typer(users.users_app, name="users")
app.add_typer(users.tokens_app, name="tokens")
app.add_typer(mail.app, name="mail")
app.add_typer(surveys.app, name="surveys")
app.add_typer(cases.app, name="cases")
app.add_typer(forum.app, name="forum")
app.add_typer(report.app, name="report")
rounds.register(app)
endorsements.register(app)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"ictfootprint {__version__}")
        raise typer.Exit()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning our errors into one line and an exit status."""
    try:
        app(args=argv)
    except InputError as exc:
        typer.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(2)
    except NotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except IctFootprintError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(3)
