"""``ictfootprint custodians`` and ``ictfootprint rounds`` as a regulator runs them: the
acceptance round of issue 16 through the command line, and bad input as one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ictfootprint.mail import outbox
from ictfootprint.rounds import service
from ictfootprint.store import Store
from rounds_world import YEAR, arcep, contacts, day, operators, smtp_server, submit_answers


def run(db: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args, "--db", db],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def ok(db: str, *args: str) -> str:
    done = run(db, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def refused(db: str, *args: str) -> str:
    done = run(db, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


CUSTODIAN = (
    "custodians", "add", "arcep", "--name", "ARCEP", "--kind", "regulator", "--country", "FR",
    "--legal-basis", "Loi REEN 2021-1755, art. 26", "--scope", "operators' footprint",
    "--since", "2021-12-23",
)  # fmt: skip


def _round(db: str) -> str:
    args = [
        "rounds", "create", "--custodian", "arcep", "--name", "Enquête 2026", "--year", str(YEAR),
        "--opens", day(0).isoformat(), "--deadline", day(30).isoformat(), "--lang", "fr",
    ]  # fmt: skip
    for entity_id, email in contacts().items():
        args += ["--entity", entity_id, "--contact", f"{entity_id}={email}"]
    return ok(db, *args)


def test_the_acceptance_round_from_the_command_line(db_url: str) -> None:
    store = Store.open(db_url)
    operators(store)
    ok(db_url, *CUSTODIAN)
    assert "created round 1: 4 obliged entities" in _round(db_url)
    with smtp_server() as (inbox, smtp_url):
        invited = json.loads(ok(db_url, "rounds", "invite", "1", "-f", "json"))
        assert [i["queued"] for i in invited] == [True] * 4
        again = json.loads(ok(db_url, "rounds", "invite", "1", "-f", "json"))
        assert [i["note"] for i in again] == ["sent before"] * 4
        submit_answers(store)
        ok(db_url, "rounds", "extend", "1", "op-c", "--until", day(45).isoformat())
        reminded = json.loads(
            ok(db_url, "rounds", "remind", "1", "--at", day(33).isoformat(), "-f", "json")
        )
        assert [(r["entity"], r["kind"]) for r in reminded] == [("op-d", "round-overdue")]
        # mail16's `ictfootprint mail deliver` does this from the command line
        delivered = outbox.deliver(store, smtp_url)
        assert len(delivered.sent) == len(inbox.received) == 5
    report = json.loads(
        ok(db_url, "rounds", "report", "1", "--at", day(33).isoformat(), "-f", "json")
    )
    assert report["counts"] == {"accepted": 2, "overdue": 1, "extended": 1}
    assert report["feasibility"]["matrix"][0]["never_reported_required"] is True
    assert "@" not in json.dumps(report)
    table = ok(db_url, "rounds", "report", "1", "--at", day(33).isoformat())
    assert "2 accepted" in table and "1 overdue" in table and "1 extended" in table
    assert "energy_electricity" in table and "2/4*" in table
    shown = ok(db_url, "rounds", "show", "1", "--at", day(33).isoformat())
    assert "overdue" in shown and "op-d" in shown
    ok(db_url, "rounds", "close", "1")
    assert "closed" in refused(
        db_url, "rounds", "extend", "1", "op-d", "--until", day(60).isoformat()
    )
    listed = json.loads(ok(db_url, "rounds", "list", "-f", "json"))
    assert listed[0]["closed_at"] is not None


# each refusal of the store's checks is tested in test_rounds.py; here, that the command line
# says it in one line, exits 2 and stores nothing (a few, as each is a process of its own)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rounds", "create", "--custodian", "nobody"), "field 'custodian': unknown custodian"),
        (("rounds", "create", "--deadline", "31/12/2026"), "field 'deadline': unreadable date"),
        (("rounds", "exempt", "1", "op-a", "--reason", " "), "needs a reason"),
        (("rounds", "extend", "1", "op-a", "--until", "2000-01-01"), "after the deadline"),
    ],
)
def test_bad_input_is_one_line_and_stores_nothing(
    tmp_path: object, args: tuple[str, ...], message: str
) -> None:
    db = f"sqlite:///{tmp_path}/store.db"
    store = Store.open(db)
    operators(store)
    arcep(store)
    service.create_round(
        store,
        custodian_id="arcep",
        name="good",
        year=YEAR,
        entity_ids=["op-a", "op-b"],
        opens_on=day(0),
        deadline=day(30),
    )
    if args[1] == "create":
        base = {
            "--custodian": "arcep", "--name": "x", "--year": str(YEAR),
            "--opens": day(0).isoformat(), "--deadline": day(30).isoformat(), "--entity": "op-a",
        }  # fmt: skip
        given = dict(zip(args[2::2], args[3::2], strict=True))
        merged = [part for key, value in {**base, **given}.items() for part in (key, value)]
        line = refused(db, "rounds", "create", *merged)
    else:
        line = refused(db, *args)
    assert message in line
    assert [r.name for r in service.list_rounds(store)] == ["good"]
    assert service.get_round(store, 1).events == ()


def test_unknown_round_exits_1_as_every_missing_record(tmp_path: object) -> None:
    db = f"sqlite:///{tmp_path}/store.db"
    Store.open(db)
    done = run(db, "rounds", "show", "7")
    assert done.returncode == 1 and done.stderr.strip() == "error: no round 7"
