"""Item 6 of issue 16: the ARCEP mapping from a file, published figures imported and compared
value by value with the sum of the country's accepted submissions (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ictfootprint.errors import InputError
from ictfootprint.store import Store, survey_figures
from ictfootprint.store.schema import SURVEYS_APPEND_ONLY
from ictfootprint.surveys.compare import compare
from ictfootprint.surveys.published import import_published
from survey_world import CITATION, PUBLISHED, YEAR, country_with_answers, published_file


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url, actor="tester")
    country_with_answers(store)
    return store


def test_published_total_compared_with_the_operators_sum(store: Store, tmp_path: Path) -> None:
    done = import_published(store, published_file(tmp_path), "arcep", citation=CITATION)
    assert (done.read, done.written, done.unchanged) == (3, 3, 0)
    result = compare(store, "arcep", years=[YEAR]).as_dict()
    lines = {line["line"]: line for line in result["lines"]}
    ghg = lines["op-ghg-s1s2"]
    assert (ghg["published"], ghg["ours"], ghg["unit"]) == (362000.0, 250000.0, "tCO2e")
    assert ghg["difference"] == pytest.approx(-112000.0)
    assert ghg["difference_percent"] == -30.94
    assert [c["entity"] for c in ghg["contributors"]] == ["op-a", "op-b"]
    kinds = {(c["kind"], tuple(c["entities"])) for c in ghg["causes"]}
    assert ("coverage", ("op-c", "op-d")) in kinds
    method = [c["text"] for c in ghg["causes"] if c["kind"] == "method"]
    assert any("market-based Scope 2 our sum is 210000 tCO2e" in t for t in method)
    energy = lines["op-energy"]
    assert (energy["published"], energy["ours"]) == (3_800_000.0, 2_100_000.0)
    assert energy["difference"] == pytest.approx(-1_700_000.0)
    assert energy["difference_percent"] == -44.74
    texts = " ".join(c["text"] for c in energy["causes"])
    assert "publisher's estimate" in texts and "Operator B (test) (estimated)" in texts
    assert "dc-fr" not in str(energy["contributors"]) and "op-be" not in str(energy)
    assert result["not_comparable"][0]["line"] == "op-energy-per-line-radio"


def test_same_file_twice_writes_nothing_and_a_change_is_a_revision(
    store: Store, tmp_path: Path
) -> None:
    path = published_file(tmp_path)
    import_published(store, path, "arcep", citation=CITATION)
    again = import_published(store, path, "arcep", citation=CITATION)
    assert (again.written, again.unchanged) == (0, 3)
    path.write_text(PUBLISHED.replace("362000", "370000"), encoding="utf-8")
    changed = import_published(store, path, "arcep", citation=CITATION)
    assert (changed.written, changed.unchanged) == (1, 2)
    with store.engine.connect() as connection:
        held = survey_figures.history(connection, "arcep", "op-ghg-s1s2", YEAR)
    assert [(f.revision, f.value) for f in held] == [(1, 362000.0), (2, 370000.0)]


def test_survey_figures_are_append_only(store: Store, tmp_path: Path) -> None:
    import_published(store, published_file(tmp_path), "arcep", citation=CITATION)
    for table in SURVEYS_APPEND_ONLY:
        with pytest.raises(DBAPIError, match="append-only"), store.transaction() as connection:
            connection.execute(text(f"DELETE FROM {table}"))


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        ("op-energy,2025,3.8,kg,reported,,", "row 2, column 'unit'", "does not convert"),
        ("op-nothing,2025,3.8,TWh,reported,,", "row 2, column 'line'", "has no such line"),
        ("op-energy,2025,lots,TWh,reported,,", "row 2, column 'value'", "not a number"),
        ("op-energy,2025,-1,TWh,reported,,", "row 2, column 'value'", "0 or more"),
        ("op-energy,2025,nan,TWh,reported,,", "row 2, column 'value'", "finite"),
        ("op-energy,2025,3,TWh,guessed,,", "row 2, column 'method'", "unknown method"),
        ("op-energy,2025,3,TWh,reported,op-a;op-a,", "row 2, column 'covers'", "twice"),
        ("op-energy,2025,3,TWh,reported,'; DROP TABLE x --,", "column 'covers'", "entity id"),
    ],
)
def test_bad_published_file_is_refused_whole(
    store: Store, tmp_path: Path, row: str, where: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("line,year,value,unit,method,covers,note\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_published(store, path, "arcep", citation=CITATION)
    assert where in caught.value.one_line() and message in caught.value.one_line()
    with store.engine.connect() as connection:
        assert survey_figures.current(connection, "arcep") == []


def test_duplicate_published_line_and_year_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("line,year,value\nop-energy,2025,3.8\nop-energy,2025,3.9\n", encoding="utf-8")
    with pytest.raises(InputError, match="first at row 2") as caught:
        import_published(store, path, "arcep", citation=CITATION)
    assert "row 3" in caught.value.one_line()


def test_published_figures_need_a_source(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="origin is not stated"):
        import_published(store, published_file(tmp_path), "arcep", citation="  ")
