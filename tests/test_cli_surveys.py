"""``ictfootprint surveys``: the ARCEP mapping from its file, published figures imported and
compared with the country's operators (JSON and table), arrangements; errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ictfootprint.cli import app
from ictfootprint.store import Store
from survey_world import CITATION, YEAR, country_with_answers, published_file

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    country_with_answers(Store.open(url, actor="setup"))
    return url


def test_compare_prints_the_difference_and_its_causes(db: str, tmp_path: Path) -> None:
    path = published_file(tmp_path)
    done = runner.invoke(
        app,
        [
            "surveys",
            "import",
            str(path),
            "--survey",
            "arcep",
            "--source",
            CITATION,
            "--db",
            db,
            "-f",
            "json",
        ],
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["written"] == 3
    out = runner.invoke(
        app, ["surveys", "compare", "arcep", "--year", str(YEAR), "--db", db, "-f", "json"]
    )
    assert out.exit_code == 0, out.output
    lines = {line["line"]: line for line in json.loads(out.output)["lines"]}
    assert lines["op-ghg-s1s2"]["difference"] == -112000.0
    table = runner.invoke(app, ["surveys", "compare", "arcep", "--db", db])
    assert "-112,000" in table.output and "-30.94" in table.output
    assert "[coverage] named by the publication" in table.output


def test_mapping_command_reads_the_shipped_file() -> None:
    out = runner.invoke(app, ["surveys", "mapping", "arcep", "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["country"] == "FRA" and any(line["our_choice"] for line in data["lines"])


def test_bad_mapping_file_exits_with_one_line(tmp_path: Path) -> None:
    from ictfootprint.cli import main

    path = tmp_path / "bad.toml"
    path.write_text('[survey]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main(["surveys", "mapping", str(path)])
    assert ended.value.code == 2


def test_arrangements_without_answers_is_an_empty_view(db: str) -> None:
    out = runner.invoke(app, ["surveys", "arrangements", "--db", db, "-f", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["countries_answered"] == 0
