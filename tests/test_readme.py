"""Every command of the README's ``sh`` blocks runs as written, in order, from a fresh folder
holding a copy of ``examples/`` (as a clone's root does), with ``ictfootprint`` on the PATH.

A command exits 0 unless the README says otherwise with a trailing ``# exits N``. The few that
cannot run here are listed in SKIPPED, each with its reason; a README command that is neither
run nor listed fails the test, so a new example is either runnable or explicitly excused.
The ``$ ictfootprint ...`` lines of the README's output examples are run too and must print
the error line shown under them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

#: command prefix → why it is not run here
SKIPPED = {
    "make run": "sets up .venv: the test already runs in one",
    "make test": "the whole suite: this test is part of it",
    "source .venv/bin/activate": "the test puts the venv's bin folder on PATH instead",
    "ictfootprint serve": "a long-running server (tests/test_cli_serve.py runs it)",
    "curl ": "needs a running server (tests/test_api*.py call the same API in process)",
}


def blocks(text: str, language: str) -> list[str]:
    """The fenced blocks of ``language`` ("" for a block without one), in order."""
    fenced = re.findall(r"^```(\w*)\n(.*?)^```$", text, flags=re.S | re.M)
    return [body for lang, body in fenced if lang == language]


def commands(block: str) -> list[str]:
    """The block's commands: continuation lines joined, comment lines left out."""
    joined = re.sub(r"\\\n\s*", "", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def expected_status(command: str) -> int:
    found = re.search(r"#\s*exits (\d+)", command)
    return int(found.group(1)) if found else 0


def skipped(command: str) -> bool:
    return command.startswith(tuple(SKIPPED))


def shell(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    bin_folder = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICTFOOTPRINT_")}
    env["PATH"] = f"{bin_folder}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    if not (Path(sys.executable).parent / "ictfootprint").exists():
        pytest.skip("ictfootprint is not installed beside this Python")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def test_every_readme_command_runs_as_written(fresh: Path) -> None:
    text = README.read_text("utf-8")
    ran = 0
    for block in blocks(text, "sh"):
        for command in commands(block):
            if skipped(command):
                continue
            done = shell(command, fresh)
            assert done.returncode == expected_status(command), (
                f"README command failed: {command}\n{done.stdout[-2000:]}\n{done.stderr}"
            )
            assert "Traceback" not in done.stderr, command
            ran += 1
    assert ran >= 30  # the README's walk-through, not an empty extraction


def test_readme_error_examples_print_what_they_show(fresh: Path) -> None:
    text = README.read_text("utf-8")
    examples = [b for b in blocks(text, "") if b.startswith("$ ictfootprint")]
    assert examples
    for block in examples:
        first, *shown = block.strip().splitlines()
        done = shell(first.removeprefix("$ "), fresh)
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == shown


def test_every_skipped_prefix_is_still_in_the_readme() -> None:
    text = README.read_text("utf-8")
    found = [c for b in blocks(text, "sh") for c in commands(b) if skipped(c)]
    for prefix in SKIPPED:
        assert any(c.startswith(prefix) for c in found), f"unused exception: {prefix}"
