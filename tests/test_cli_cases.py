"""``ictfootprint cases``: the editors' desk lists, shows, publishes and returns; bad input is
one line naming the field, a missing case exits 1."""

from __future__ import annotations

import json
import subprocess
import sys

from ictfootprint.portal import cases
from ictfootprint.portal.cases import CaseContent
from ictfootprint.store import Store


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", "cases", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_desk_publishes_and_returns(tmp_path: object) -> None:
    db = f"{tmp_path}/desk.db"
    store = Store.open(db, actor="test")
    first = cases.create(store, "alice", CaseContent.checked({"lang": "en", "title": "One"}))
    second = cases.create(store, "bob", CaseContent.checked({"lang": "zh", "title": "二"}))
    cases.submit(store, first, "alice")
    cases.submit(store, second, "bob")
    listed = run("list", "--status", "review", "--db", db, "-f", "json")
    assert {row["id"] for row in json.loads(listed.stdout)} == {first, second}
    assert run("publish", first, "--db", db).returncode == 0
    returned = run("return", second, "--comment", "Figures?", "--db", db)
    assert returned.returncode == 0
    shown = json.loads(run("show", second, "--db", db).stdout)
    assert shown["status"] == "returned" and shown["events"][-1]["comment"] == "Figures?"
    again = run("publish", second, "--db", db)
    assert again.returncode == 2 and "cannot go to published" in again.stderr
    assert run("show", "AAAAAAAAAAAA", "--db", db).returncode == 1
    bad = run("list", "--status", "bogus", "--db", db)
    assert bad.returncode == 2 and "field 'status'" in bad.stderr


def test_new_ids_never_begin_with_a_dash(monkeypatch: object) -> None:
    """Regression: ``cases publish -AKQwKWd1ssE`` failed, "No such option: -A" (one id in 64
    began with ``-``). A drawn id that does is drawn again."""
    import pytest

    from ictfootprint.store import submissions

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    drawn = iter(["-AKQwKWd1ssE", "--xQwKWd1ssE", "AKQ-wKWd1ssE"])
    monkeypatch.setattr(submissions.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert submissions.new_public_id() == "AKQ-wKWd1ssE"


def test_an_earlier_id_beginning_with_a_dash_goes_after_two_dashes(
    tmp_path: object, monkeypatch: object
) -> None:
    """An id made before the fix can still begin with ``-``: ``--`` ends the options, as the
    help says."""
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(cases, "new_public_id", lambda: "-AKQwKWd1ssE")  # as ids were made
    db = f"{tmp_path}/desk.db"
    store = Store.open(db, actor="test")
    made = cases.create(store, "alice", CaseContent.checked({"lang": "en", "title": "One"}))
    assert made == "-AKQwKWd1ssE"
    cases.submit(store, made, "alice")
    assert "goes after --" in " ".join(run("publish", "--help").stdout.split())
    assert run("publish", made, "--db", db).returncode == 2  # read as an option
    published = run("publish", "--db", db, "--", made)
    assert published.returncode == 0, published.stderr
    assert "published -AKQwKWd1ssE" in published.stdout
