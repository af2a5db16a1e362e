"""``ictfootprint cases``: the editors' desk for case studies (list, show, publish, return).

The same workflow as the web pages and the API (:mod:`ictfootprint.portal.cases`), audited as
the command's actor (``ICTFOOTPRINT_ACTOR`` or the system user). Members write on the web or
through the API; the desk reads and decides.
"""

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

app = command_group("Case studies and best practices: list, show, publish, return (editors).")

STATUS_HELP = "Only those in this status: draft, review, published, returned."
# ids made before stop 37 may begin with "-", which the command line reads as an option
AFTER_DASHES = "; one that begins with - goes after --, as in: publish -- -AKQwKWd1ssE"


@app.command("list")
def list_command(
    status: str | None = typer.Option(None, help=STATUS_HELP),
    author: str | None = typer.Option(None, help="Only this member's."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Case studies, newest first, with their status and languages."""
    from ictfootprint.portal import cases
    from ictfootprint.store import Store

    if status is not None and status not in cases.STATUSES:
        from ictfootprint.errors import InputError, Location

        raise InputError(
            "unknown status", Location(field="status"), expected=", ".join(cases.STATUSES),
            found=status,
        )  # fmt: skip
    store = Store.open(db)
    with store.engine.connect() as connection:
        _total, found = cases.listing(connection, status=status, author=author, limit=10_000)
    rows = []
    for c in found:
        shown = c.shown("en", public=False)
        title = shown.content.title if shown else ""
        rows.append([c.id, c.status, c.author, " ".join(sorted(c.latest)), title])
    if fmt is Format.json:
        print_json(
            [
                dict(zip(("id", "status", "author", "languages", "title"), r, strict=True))
                for r in rows
            ]
        )
        return
    print_table("Case studies", ["id", "status", "author", "languages", "title"], rows)


@app.command("show")
def show_command(
    case_id: str = typer.Argument(..., help=f"The case study's id (12 characters{AFTER_DASHES})."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """A case study's newest versions (every language), its workflow and its files."""
    from ictfootprint.portal import cases
    from ictfootprint.store import Store

    store = Store.open(db)
    with store.engine.connect() as connection:
        case = cases.get(connection, case_id)
    payload = {
        "id": case.id,
        "author": case.author,
        "status": case.status,
        "illustrative": case.illustrative,
        "published": {lang: v.revision for lang, v in case.published.items()},
        "latest": {
            lang: v.content.model_dump() | {"revision": v.revision}
            for lang, v in case.latest.items()
        },
        "events": [
            {"status": e.status, "at": e.at.isoformat(), "actor": e.actor, "comment": e.comment}
            for e in case.events
        ],
        "attachments": [
            {"id": a.id, "name": a.name, "type": a.media_type, "size": a.size}
            for a in case.attachments
        ],
    }
    print_json(payload)


@app.command("publish")
def publish_command(
    case_id: str = typer.Argument(..., help=f"A case study in review (its id{AFTER_DASHES})."),
    comment: str | None = typer.Option(None, help="A note kept with the decision."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Publish a case study in review: its newest versions become public and searchable."""
    from ictfootprint.portal import cases
    from ictfootprint.store import Store

    store = Store.open(db)
    cases.publish(store, case_id, store.actor, comment)
    typer.echo(f"published {case_id}")


@app.command("return")
def return_command(
    case_id: str = typer.Argument(..., help=f"A case study in review (its id{AFTER_DASHES})."),
    comment: str = typer.Option(..., help="What the author should change."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Return a case study in review to its author with comments."""
    from ictfootprint.portal import cases
    from ictfootprint.store import Store

    store = Store.open(db)
    cases.return_to_author(store, case_id, store.actor, comment)
    typer.echo(f"returned {case_id} to its author")
