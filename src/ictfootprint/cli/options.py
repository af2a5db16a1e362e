"""Options shared by several commands, and output helpers."""

from __future__ import annotations

import inspect
import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup


class HelpGroup(TyperGroup):
    """A command group whose listing gives each command's whole first paragraph.

    Click cuts a command's description to the terminal's width ("... the"); a short help set
    here from the first paragraph is wrapped instead, never cut mid-sentence.
    """

    def get_command(self, ctx: Any, cmd_name: str) -> Any:  # typer's vendored click types
        command = super().get_command(ctx, cmd_name)
        if command is not None and command.short_help is None and command.help:
            first = inspect.cleandoc(command.help).split("\n\n")[0]
            command.short_help = " ".join(first.split())
        return command


def command_group(help: str, **settings: Any) -> typer.Typer:
    """A group of commands: plain help (Typer's rich help shows a ``<bool>`` placeholder on
    every flag and keeps a docstring's line breaks), whole descriptions, help when run bare."""
    return typer.Typer(
        help=help, no_args_is_help=True, rich_markup_mode=None, cls=HelpGroup, **settings
    )


DB_HELP = (
    "Database: a SQLite file path or a URL (postgresql://user@host/db). "
    "Default: ictfootprint.db in the working directory."
)

#: ``--db`` of a command that writes: a SQLite file that does not exist yet is created.
DB_OPTION = typer.Option(None, "--db", envvar="ICTFOOTPRINT_DB", help=DB_HELP)


def existing_database(value: str | None) -> str | None:
    """A command that only reads (or changes existing records) must not create an empty
    database where a path was mistyped: it refuses a SQLite file that does not exist."""
    from ictfootprint.errors import InputError, Location
    from ictfootprint.store import database_url

    url = database_url(value)
    if not url.startswith("sqlite:///"):
        return value  # a server database: connecting tells whether it exists
    path = url.removeprefix("sqlite:///")
    if path in ("", ":memory:") or Path(path).is_file():
        return value
    raise InputError(
        "no database at this path: this command does not create one "
        "(check --db or ICTFOOTPRINT_DB; `ictfootprint demo` or any command that adds data, "
        "e.g. `ictfootprint entities add`, creates it)",
        Location(field="db"),
        found=path,
    )


#: ``--db`` of a command that only reads, or changes records that must already be there
#: (review accept, users set, tokens revoke...): the SQLite file must exist (exit 2 otherwise).
EXISTING_DB_OPTION = typer.Option(
    None,
    "--db",
    envvar="ICTFOOTPRINT_DB",
    help=DB_HELP + " It must exist: this command does not create one.",
    callback=existing_database,
)


def output_file(path: Path, option: str) -> Path:
    """Check that ``path`` can be written as a file before anything is done or stored: its
    folder exists and it is not itself a folder. Raises the one-line InputError otherwise."""
    from ictfootprint.errors import InputError, Location

    where = Location(field=option)
    if path.is_dir():
        raise InputError("is a folder, not a file", where, expected="a file name", found=str(path))
    parent = path.parent
    if not parent.is_dir():
        raise InputError(
            "folder does not exist", where, expected="an existing folder", found=str(parent)
        )
    return path


def write_output(path: Path, data: bytes, option: str) -> None:
    """Write ``data`` to ``path``, an OS refusal (permissions, full disk) as one line."""
    from ictfootprint.errors import InputError, Location

    output_file(path, option)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"cannot write file: {exc.strerror}", Location(file=str(path), field=option)
        ) from None


class Format(StrEnum):
    table = "table"
    json = "json"


class Lang(StrEnum):
    ar = "ar"
    zh = "zh"
    en = "en"
    fr = "fr"
    ru = "ru"
    es = "es"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format.")


def year_option(help: str) -> Any:
    """A required ``--year``, within the years an observation may hold (1900-2200): a year
    beyond is refused in one line before any read (a 20-digit year reached the database)."""
    return typer.Option(..., "--year", min=1900, max=2200, help=help)


LANG_OPTION = typer.Option(Lang.en, "--lang", "-l", help="Language of names (six UN languages).")


def figure(value: float | int | None, digits: int = 4) -> str:
    """A number for a table: thousands separators, ``digits`` significant digits for the
    fraction, never more decimals than the value has, and no exponent.

    Every table of the command line formats its numbers here, so one row never mixes
    ``7,400.0`` with ``1800.0`` or ``53.846974``.

    >>> [figure(v) for v in (7400.0, 1800.0, 53.846974, 14531185.5, 0.012344, 0, None)]
    ['7,400', '1,800', '53.85', '14,531,186', '0.01234', '0', '']
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A table; measured figures (floats) are formatted by :func:`figure`, ints (years, ids,
    counts) are printed as they are; numeric columns are right-aligned."""
    table = Table(title=title, title_justify="left")
    numeric = [
        any(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows)
        for i in range(len(columns))
    ]
    for column, right in zip(columns, numeric, strict=True):
        table.add_column(column, justify="right" if right else "left")
    for row in rows:
        table.add_row(*(_cell(cell) for cell in row))
    Console(width=160).print(table)


def _cell(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return figure(cell)
    return str(cell)
