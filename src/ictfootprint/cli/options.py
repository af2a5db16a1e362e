"""Options shared by several commands, and output helpers."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

DB_OPTION = typer.Option(
    None,
    "--db",
    envvar="ICTFOOTPRINT_DB",
    help="Database: a SQLite file path or a URL (postgresql://user@host/db). "
    "Default: ictfootprint.db in the working directory.",
)


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
LANG_OPTION = typer.Option(Lang.en, "--lang", "-l", help="Language of names (six UN languages).")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    Console(width=160).print(table)
