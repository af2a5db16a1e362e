"""``ictfootprint entities``: the companies, facilities and organisations that report."""

from __future__ import annotations

from pathlib import Path

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
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.catalogue import SUBSECTORS

SUBSECTOR_HELP = f"ICT sub-sector (repeatable): {', '.join(SUBSECTORS)} (- or _ alike)."

app = command_group("Reporting entities: add one, import many from a CSV file, list.")


@app.command("add")
def add_command(
    entity_id: str = typer.Argument(..., metavar="ID", help="Stable id, e.g. fr-operator-1."),
    name: str = typer.Option(..., help="Display name."),
    kind: EntityKind = typer.Option(
        EntityKind.COMPANY,
        help="What reports: company, facility or organisation; or an area that statistics and "
        "totals are attached to: country, region or world.",
    ),
    country: str = typer.Option(..., help="Country of incorporation (ISO 3166 code)."),
    subsector: list[str] = typer.Option(
        None,
        "--subsector",
        help=SUBSECTOR_HELP,
    ),
    operates_in: list[str] = typer.Option(
        None, "--operates-in", help="Country of operation (repeatable)."
    ),
    lei: str | None = typer.Option(None, help="Legal Entity Identifier."),
    db: str | None = DB_OPTION,
) -> None:
    """Add a reporting entity."""
    from pydantic import ValidationError

    from ictfootprint.errors import from_validation
    from ictfootprint.reference.codes import subsector_code
    from ictfootprint.store import Store

    try:
        entity = Entity(
            id=entity_id,
            name=name,
            kind=kind,
            country=country,
            subsectors=tuple(subsector_code(s) for s in subsector or ()),
            countries_of_operation=tuple(operates_in or ()),
            lei=lei,
        )
    except ValidationError as exc:
        raise from_validation(exc) from None
    added = Store.open(db).add_entity(entity)
    typer.echo(f"added {added.kind.value} {added.id} ({added.name}, {added.country})")


@app.command("import")
def import_command(
    file: Path = typer.Argument(
        ..., help="CSV: id,name,kind,country[,subsectors,countries_of_operation,lei,isin]."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Add many entities from a CSV file, all or none (lists are separated by ';')."""
    from ictfootprint.csvfile import read_bytes
    from ictfootprint.entities_file import read_entities
    from ictfootprint.store import Store

    entities = read_entities(read_bytes(file), str(file))
    Store.open(db).add_entities(entities, file_name=str(file))
    typer.echo(f"{file}: added {len(entities)} entities")


@app.command("list")
def list_command(db: str | None = EXISTING_DB_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """List entities."""
    from ictfootprint.store import Store

    rows = Store.open(db).entities()
    if fmt is Format.json:
        print_json([e.model_dump(mode="json") for e in rows])
        return
    print_table(
        f"Entities ({len(rows)})",
        ["id", "name", "kind", "country", "sub-sectors", "illustrative"],
        [
            [e.id, e.name, e.kind.value, e.country, ", ".join(e.subsectors), e.illustrative]
            for e in rows
        ],
    )
