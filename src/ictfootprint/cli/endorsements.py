"""``ictfootprint endorsements``: the register of endorsements of the COP29 Declaration on
Green Digital Action and of the commitments made under it (docs/endorsements.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
)

app = command_group(
    "Endorsements of the COP29 Declaration on Green Digital Action: add one (with the document "
    "received), import a CSV list, list, show (with the progress of its commitments), "
    "withdraw; commit (a commitment linked to the entity's target and series), uncommit; "
    "objectives."
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="endorsements")


def _store(db: str | None) -> Any:
    from ictfootprint.store import Store

    return Store.open(db)


def _document(path: Path | None) -> tuple[str, bytes] | None:
    if path is None:
        return None
    from ictfootprint.csvfile import read_bytes

    return path.name, read_bytes(path)


@app.command("objectives")
def objectives_command(fmt: Format = FORMAT_OPTION) -> None:
    """The declaration's objectives (ids gda-1 … gda-8) and where they come from."""
    from ictfootprint.reference.objectives import declaration, objectives

    rows = [o.as_dict() for o in objectives().values()]
    if fmt is Format.json:
        print_json({"declaration": declaration(), "objectives": rows})
        return
    print_table(
        declaration()["title"],
        ["id", "title", "summary"],
        [[r["id"], r["title"] or "(not established)", r["summary"] or ""] for r in rows],
    )
    typer.echo(f"source: {declaration()['source']}")


@app.command("add")
def add_command(
    endorsement_id: str = typer.Argument(..., metavar="ID", help="Short id (a-z 0-9 . _ -)."),
    kind: str = typer.Option(..., help="government, company or organisation."),
    name: str = typer.Option(..., help="The endorser's name."),
    country: str = typer.Option(..., help="Its country, ISO 3166-1 alpha-3."),
    on: str = typer.Option(..., "--on", help="Date of the endorsement, YYYY-MM-DD."),
    channel: str = typer.Option(..., help="letter, note verbale or e-mail."),
    objective: list[str] = typer.Option(..., "--objective", help="gda-1 … gda-8 (repeatable)."),
    entity: str | None = typer.Option(None, help="The endorser's entity in the store."),
    document: Path | None = typer.Option(
        None, help="The document received (PDF, PNG, JPEG or text, at most 10 MiB)."
    ),
    illustrative: bool = typer.Option(False, help="Fictitious, for a demonstration."),
    db: str | None = DB_OPTION,
) -> None:
    """Record an endorsement (and the document received)."""
    from ictfootprint.portal import endorsements as register

    record = register.add_endorsement(
        _store(db),
        endorsement_id=endorsement_id,
        kind=kind,
        name=name,
        country=country,
        endorsed_on=register.parse_day(on),
        channel=channel,
        objectives=objective,
        entity_id=entity,
        illustrative=illustrative,
        document=_document(document),
    )
    current = record.current
    typer.echo(
        f"added endorsement {record.id} ({current.kind}, {current.country}, "
        f"{', '.join(current.objectives)})"
    )


@app.command("import")
def import_command(
    path: Path = typer.Argument(
        ...,
        help="CSV: id, kind, name, country, endorsed_on, "
        "channel, objectives (gda-1;gda-3), optionally entity.",
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Import a CSV list of endorsers: all rows or none; an error names its row and column."""
    from ictfootprint.csvfile import read_bytes
    from ictfootprint.portal import endorsement_file

    done = endorsement_file.import_file(_store(db), read_bytes(path), path.name)
    typer.echo(f"{done.file}: {len(done.added)} endorsements added")


@app.command("list")
def list_command(
    kind: str | None = typer.Option(None, help="government, company or organisation."),
    region: str | None = typer.Option(None, help="An ITU region or M49 region code."),
    objective: str | None = typer.Option(None, help="gda-1 … gda-8."),
    withdrawn: bool = typer.Option(False, help="Include withdrawn endorsements."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The register (in force, unless --withdrawn), with counts per region."""
    from ictfootprint.portal import endorsements as register

    found = register.list_endorsements(
        _store(db),
        kind=kind,
        region=region,
        objective_id=objective,
        state=None if withdrawn else "endorsed",
    )
    if fmt is Format.json:
        print_json(
            {"items": [register.summary(r) for r in found], "counts": register.counts(found)}
        )
        return
    print_table(
        f"Endorsements ({len(found)})",
        ["id", "name", "kind", "country", "date", "channel", "objectives", "state"],
        [
            [
                r.id,
                r.current.name,
                r.current.kind,
                r.current.country,
                r.current.endorsed_on.isoformat(),
                r.current.channel,
                " ".join(r.current.objectives),
                r.current.state,
            ]
            for r in found
        ],
    )


@app.command("show")
def show_command(
    endorsement_id: str = typer.Argument(..., metavar="ID"),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """An endorsement: its revisions, documents and commitments with their live progress."""
    from ictfootprint.portal import endorsements as register
    from ictfootprint.portal.commitment_progress import commitment_progress

    store = _store(db)
    record = register.get_endorsement(store, endorsement_id)
    progress = [commitment_progress(store, c).as_dict() for c in record.commitments]
    if fmt is Format.json:
        print_json(
            {
                **register.summary(record),
                "history": register.history(record),
                "documents": [
                    {"id": d.id, "file": d.file_name, "type": d.media_type, "size": d.size}
                    for d in record.documents
                ],
                "commitments": [
                    {"id": c.id, "state": c.state, "description": c.description, "progress": p}
                    for c, p in zip(record.commitments, progress, strict=True)
                ],
            }
        )
        return
    current = record.current
    typer.echo(f"{current.name} ({record.id}): {current.kind}, {current.country}, {current.state}")
    typer.echo(
        f"endorsed {current.endorsed_on.isoformat()} by {current.channel}; objectives "
        f"{', '.join(current.objectives)}"
    )
    for item in register.history(record):
        typer.echo(
            f"revision {item['revision']}: {item['state']} ({item['recorded_at']}, "
            f"{item['recorded_by']}){': ' + item['reason'] if item['reason'] else ''}"
        )
    print_table(
        "Commitments",
        ["id", "objective", "state", "entity", "series", "latest", "of the way %", "status"],
        [
            [
                c.id,
                c.objective,
                c.state,
                c.entity_id or "",
                c.indicator_id or "",
                p["latest"],
                p["way_percent"],
                p["status"],
            ]
            for c, p in zip(record.commitments, progress, strict=True)
        ],
    )


@app.command("withdraw")
def withdraw_command(
    endorsement_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., help="Why (e.g. the letter withdrawing it)."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Record that the endorser withdrew (a new state; the history stays)."""
    from ictfootprint.portal import endorsements as register

    record = register.withdraw_endorsement(_store(db), endorsement_id, reason=reason)
    typer.echo(f"{record.id}: withdrawn (revision {record.current.revision})")


@app.command("commit")
def commit_command(
    endorsement_id: str = typer.Argument(..., metavar="ID"),
    objective: str = typer.Option(..., help="One of the endorsement's objectives."),
    description: str = typer.Option(..., help="What is promised."),
    entity: str | None = typer.Option(None, help="Entity (default: the endorser's)."),
    indicator: str | None = typer.Option(None, help="The series followed (indicator id)."),
    target: int | None = typer.Option(None, help="The entity's target (its id)."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Record a commitment under one of the endorsement's objectives."""
    from ictfootprint.portal import endorsements as register

    item = register.add_commitment(
        _store(db),
        endorsement_id,
        objective_id=objective,
        description=description,
        entity_id=entity,
        indicator_id=indicator,
        target_id=target,
    )
    typer.echo(f"added commitment {item.id} ({item.objective})")


@app.command("uncommit")
def uncommit_command(
    endorsement_id: str = typer.Argument(..., metavar="ID"),
    number: int = typer.Argument(..., help="The commitment's number (c1 → 1)."),
    reason: str = typer.Option(..., help="Why."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Withdraw a commitment (a new state; the history stays)."""
    from ictfootprint.portal import endorsements as register

    item = register.withdraw_commitment(_store(db), endorsement_id, number, reason=reason)
    typer.echo(f"{item.id}: withdrawn")
