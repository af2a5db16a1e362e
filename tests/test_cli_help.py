"""Every command's ``--help``, as a newcomer reads it: whole sentences, no type placeholders on
flags, and each group's description naming all of its subcommands (issue 12)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from ictfootprint.cli import app

ROOT = typer.main.get_command(app)
ENDS = (".", ")", "]", ":", "?", "!")


def is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def commands(command: Any = ROOT, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command under ``command`` (typer's own click: its classes are not click's)."""
    found = [(path, command)]
    if is_group(command):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            found += commands(sub, (*path, name))
    return found


ALL = commands()


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) or "root" for p, _ in ALL])
def test_help_has_whole_sentences_and_no_bool_placeholder(
    path: tuple[str, ...], command: Any
) -> None:
    done = CliRunner().invoke(app, [*path, "--help"], terminal_width=80)
    assert done.exit_code == 0, done.output
    assert "<bool>" not in done.output
    assert "..." not in done.output.replace("[ARGS]...", "")  # no description cut short
    assert command.help, f"{' '.join(path)} has no description"
    texts = paragraphs(command.help) + [
        text for p in command.params if (text := getattr(p, "help", None) or "")
    ]
    for text in texts:
        assert text.rstrip().endswith(ENDS), f"{' '.join(path)}: cut mid-sentence: {text!r}"
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"{' '.join(path)} {param.opts[0]} has no help"


GROUPS = [(p, c) for p, c in ALL if is_group(c) and p]


@pytest.mark.parametrize(("path", "group"), GROUPS, ids=[" ".join(p) for p, _ in GROUPS])
def test_group_description_names_every_subcommand(path: tuple[str, ...], group: Any) -> None:
    described = group.help or ""
    for name in group.list_commands(typer.Context(group)):
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", described), (
            f"{' '.join(path)}: description {described!r} does not name {name!r}"
        )


def test_entities_add_kind_describes_every_kind() -> None:
    from ictfootprint.model import EntityKind

    add = next(c for p, c in ALL if p == ("entities", "add"))
    kind = next(p for p in add.params if p.name == "kind")
    for value in EntityKind:
        assert value.value in (kind.help or "")
