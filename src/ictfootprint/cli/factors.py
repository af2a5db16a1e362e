"""``ictfootprint factors``: import, show and list grid emission factors."""

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
from ictfootprint.reference.countries import country, regions

app = command_group(
    "Grid emission factors: import a published file, show the factor used for an area and "
    "year, list the datasets."
)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="CSV file: OWID/Ember long format or IEA chart data."),
    file_format: str | None = typer.Option(
        None, "--file-format", help="owid or iea (detected from the header when omitted)."
    ),
    dataset: str | None = typer.Option(
        None, help="Dataset name (default: the format). Each import is a new version."
    ),
    source: str | None = typer.Option(
        None,
        help="Where the file comes from, recorded with every factor: publisher, title, "
        "version or date, licence (required: a file's origin cannot be guessed).",
    ),
    db: str | None = DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Import a factor file whole, or nothing: a bad row stops it with file, row and field."""
    from ictfootprint.errors import InputError, Location
    from ictfootprint.store import Store

    if not (source or "").strip():
        raise InputError(
            "the file's origin is not stated: every factor is recorded with its source",
            Location(file=str(file), field="source"),
            expected='--source "publisher, title, version or date, licence"',
        )

    store = Store.open(db)
    result = store.import_factor_file(file, fmt=file_format, dataset=dataset, citation=source)
    data = {
        "dataset": result.dataset.name,
        "version": result.dataset.version,
        "stored": result.stored,
        "already_imported": result.already_imported,
        "file": str(file),
        "sha256": result.dataset.content_sha256,
        "source": result.dataset.source,
    }
    if fmt is Format.json:
        print_json(data)
    elif result.already_imported:
        typer.echo(
            f"{file}: already imported as {result.dataset.name} "
            f"v{result.dataset.version}; nothing written"
        )
    else:
        typer.echo(
            f"{file}: stored {result.stored} factors as dataset {result.dataset.name} "
            f"v{result.dataset.version}"
        )


@app.command("show")
def show_command(
    area: str = typer.Argument(..., help="ISO 3166 country code (FRA, FR, 250) or region code."),
    year: int = typer.Argument(..., help="Year of the activity."),
    dataset: str | None = typer.Option(None, help="Use only this dataset."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show the grid factor used for an area and year, with its unit and source."""
    code = area.strip().upper() if area.strip().upper() in regions() else country(area).iso3
    from ictfootprint.store import Store

    store = Store.open(db)
    factor = store.resolve_grid_factor(code, year, dataset=dataset)
    data = factor.model_dump()
    if fmt is Format.json:
        print_json(data)
        return
    note = f"  [{', '.join(factor.flags)}]" if factor.flags else ""
    typer.echo(f"{factor.area} {factor.year}: {factor.value:g} {factor.unit}{note}")
    typer.echo(f"  dataset: {factor.dataset} v{factor.dataset_version}")
    typer.echo(f"  source:  {factor.source}")


@app.command("datasets")
def datasets_command(
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
    all_versions: bool = typer.Option(
        False, "--all-versions", help="Every imported version, not only the newest of each."
    ),
) -> None:
    """List factor datasets (the newest version of each, or every version)."""
    from ictfootprint.store import Store

    store = Store.open(db)
    rows = [d.model_dump(mode="json") for d in store.factor_datasets(latest_only=not all_versions)]
    if fmt is Format.json:
        print_json(rows)
        return
    print_table(
        "Factor datasets",
        ["name", "version", "file", "imported", "source"],
        [[r["name"], r["version"], r["file_name"], r["imported_at"], r["source"]] for r in rows],
    )
