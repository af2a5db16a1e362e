"""The guide for a national collection (docs/guide/<lang>/) runs as written, in every language.

Each language version's ``sh`` blocks are run in order, chapter by chapter, from a fresh folder
holding a copy of ``examples/`` and ``docs/guide/examples/`` (as a clone's root does), all on
one database (the default ``ictfootprint.db`` of that folder). The blocks are read, split and
excused exactly as the README's are (``test_readme``: ``# exits N`` marks an expected failure,
SKIPPED the commands that cannot run here, e.g. ``ictfootprint serve``).

A plain ``ictfootprint ...`` command runs in this process (``ictfootprint.cli.main``, the
console script's own entry point), so that six languages of some forty commands cost one
import of the program rather than two hundred and forty; a command that needs the shell
(``$(date ...)``, a redirection) runs in bash through test_readme's ``shell``, with the
venv's ``ictfootprint`` on the PATH. test_readme runs the console script itself.

The prose differs between languages, the commands may not: every version has the English
version's chapters and, chapter by chapter, its commands (comments after ``#`` aside).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from ictfootprint.cli import main
from ictfootprint.guide import chapters, introduction
from ictfootprint.reference.catalogue import LANGUAGES
from test_readme import blocks, commands, expected_status, shell, skipped

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide"
NEEDS_SHELL = re.compile(r"[$`|;&<>(){}*?]")


def chapter_files(lang: str) -> list[Path]:
    return sorted((GUIDE / lang).glob("[0-9][0-9]-*.md"))


def guide_commands(lang: str) -> dict[str, list[str]]:
    """Each chapter file's commands, in order."""
    return {
        path.name: [c for b in blocks(path.read_text("utf-8"), "sh") for c in commands(b)]
        for path in chapter_files(lang)
    }


def without_comment(command: str) -> str:
    """The command as the shell runs it, with its expected status (comments are prose)."""
    status = expected_status(command)
    words = shlex.split(command, comments=True)
    return shlex.join(words) + (f"  # exits {status}" if status else "")


def run(command: str, folder: Path) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of one command run in ``folder``."""
    if NEEDS_SHELL.search(command.split("#", 1)[0]) or not command.startswith("ictfootprint "):
        done = shell(command, folder)
        return done.returncode, done.stdout, done.stderr
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.chdir(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(shlex.split(command, comments=True)[1:])
        except SystemExit as ended:
            code = ended.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
    return status, out.getvalue(), err.getvalue()


def test_every_language_has_the_guides_chapters() -> None:
    english = [p.name for p in chapter_files("en")]
    assert len(english) == 8  # the introduction and seven chapters
    for lang in LANGUAGES:
        assert [p.name for p in chapter_files(lang)] == english, lang
        assert [c.slug for c in chapters(lang)] == [c.slug for c in chapters("en")]
        assert introduction(lang).title and all(c.title for c in chapters(lang))


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_every_language_has_the_english_commands(lang: str) -> None:
    english = guide_commands("en")
    found = guide_commands(lang)
    for name, expected in english.items():
        assert [without_comment(c) for c in found[name]] == [
            without_comment(c) for c in expected
        ], f"docs/guide/{lang}/{name}: its commands differ from the English version's"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_guide_command_runs_as_written(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if k.startswith("ICTFOOTPRINT_")]:
        monkeypatch.delenv(name)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(GUIDE / "examples", tmp_path / "docs" / "guide" / "examples")
    ran = 0
    for name, listed in guide_commands(lang).items():
        for command in listed:
            if skipped(command):
                continue
            status, out, err = run(command, tmp_path)
            assert status == expected_status(command), (
                f"docs/guide/{lang}/{name}: {command}\n{out[-2000:]}\n{err[-2000:]}"
            )
            assert "Traceback" not in err, command
            ran += 1
    assert ran >= 40  # the week's walk-through, not an empty extraction
    # what the walk-through leaves behind: both operators accepted, the files it wrote
    status, out, _ = run("ictfootprint rounds show 1 --format json", tmp_path)
    assert status == 0 and out.count('"accepted"') >= 2, out
    for written in ("enquete-2023.xlsx", "ict-fr.sdmx.csv", "dsd.xml", "round-report.json"):
        assert (tmp_path / written).stat().st_size > 0, written
