"""``ictfootprint mail``: deliver, log and test, as an administrator runs them, against a real
local SMTP server; nothing sent and said so when no server is configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ictfootprint.mail import outbox
from ictfootprint.store import Store
from smtp_server import SmtpServer, smtp_server


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ICTFOOTPRINT_")}
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'mail.db'}"
    store = Store.open(url, actor="cli-test")
    with store.transaction() as connection:
        for entity in ("op-a", "op-b"):
            outbox.queue(
                connection,
                key=f"invite:{entity}",
                to=f"focal@{entity}.example",
                lang="fr",
                subject=f"Invitation {entity}",
                body="Bonjour,\n",
                purpose="round-invitation",
                subject_ref=f"round:1:{entity}",
            )
    store.close()
    return url


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def test_deliver_without_a_server_sends_nothing_and_says_so(db: str) -> None:
    done = run("mail", "deliver", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "not configured" in done.stdout and "2 message(s) queued" in done.stdout
    logged = json.loads(run("mail", "log", "--db", db, "--format", "json").stdout)
    assert [(m["key"], m["status"]) for m in logged] == [
        ("invite:op-a", "queued"),
        ("invite:op-b", "queued"),
    ]


def test_deliver_twice_sends_each_message_once(db: str, server: SmtpServer) -> None:
    first = run("mail", "deliver", "--db", db, "--smtp-url", server.url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("2 sent via smtp://127.0.0.1:")
    again = run("mail", "deliver", "--db", db, env={"ICTFOOTPRINT_SMTP_URL": server.url})
    assert again.returncode == 0 and again.stdout.startswith("0 sent")
    assert sorted(r.rcpt_tos[0] for r in server.received) == [
        "focal@op-a.example",
        "focal@op-b.example",
    ]
    table = run("mail", "log", "--db", db, "--status", "sent")
    assert "focal@op-a.example" in table.stdout and "2 message(s)" in table.stdout


def test_a_refusal_is_reported_with_exit_status_4(db: str, server: SmtpServer) -> None:
    server.recorder.refuse.append("451 4.3.0 Try again later")
    done = run("mail", "deliver", "--db", db, "--smtp-url", server.url)
    assert done.returncode == 4
    assert "1 sent" in done.stdout and "1 to retry" in done.stdout
    assert "to retry: invite:op-a: 451 4.3.0 Try again later" in done.stderr
    assert run("mail", "deliver", "--db", db, "--smtp-url", server.url).returncode == 0
    assert len(server.received) == 2


def test_mail_test_sends_one_logged_message_and_nothing_else(db: str, server: SmtpServer) -> None:
    done = run("mail", "test", "admin@example.org", "--db", db, "--smtp-url", server.url)
    assert done.returncode == 0, done.stderr
    [arrived] = server.received
    assert arrived.rcpt_tos == ["admin@example.org"]
    logged = json.loads(run("mail", "log", "--db", db, "--format", "json").stdout)
    assert [m["status"] for m in logged] == ["queued", "queued", "sent"]


def test_mail_test_without_a_server_queues_nothing(db: str) -> None:
    """Regression: the test message stayed queued and would have left with the next
    ``mail deliver`` once a server was configured."""
    done = run("mail", "test", "admin@example.org", "--db", db)
    assert done.returncode == 4 and "not configured" in done.stdout
    logged = json.loads(run("mail", "log", "--db", db, "--format", "json").stdout)
    assert [m["key"] for m in logged] == ["invite:op-a", "invite:op-b"]


def test_a_wrong_url_or_status_is_one_line_without_the_password(db: str) -> None:
    done = run("mail", "deliver", "--db", db, "--smtp-url", "smtp://robot:hunter2@host:port")
    assert done.returncode == 2 and done.stderr.startswith("error: field 'smtp-url'")
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
    wrong = run("mail", "log", "--db", db, "--status", "lost")
    assert wrong.returncode == 2 and "expected queued, sending, sent, failed" in wrong.stderr


def test_requeue_puts_a_message_stuck_in_sending_back_and_refuses_others(db: str) -> None:
    from sqlalchemy import update

    from ictfootprint.store.schema import mail_outbox

    store = Store.open(db)
    with store.transaction() as connection:  # a delivery run that stopped after claiming it
        connection.execute(
            update(mail_outbox).where(mail_outbox.c.id == 1).values(status="sending")
        )
    refused = run("mail", "requeue", "1,2", "--db", db)
    assert refused.returncode != 0 and "message 2: queued" in refused.stderr + refused.stdout
    assert "Traceback" not in refused.stderr
    done = run("mail", "requeue", "1", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "requeued 1 message(s): 1" in done.stdout
    logged = json.loads(run("mail", "log", "--db", db, "--format", "json").stdout)
    assert [m["status"] for m in logged] == ["queued", "queued"]
    assert store.audit_trail()[0]["action"] == "requeue"


def test_users_invite_queues_a_message_in_the_users_language(db: str) -> None:
    done = run(
        "users",
        "invite",
        "amal",
        "--role",
        "member",
        "--email",
        "Amal@example.org",
        "--language",
        "ar",
        "--inviter",
        "ARCEP",
        "--db",
        db,
        "--base-url",
        "https://footprint.example.org",
    )
    assert done.returncode == 0, done.stderr
    assert "invited member amal <amal@example.org> in ar" in done.stdout
    logged = json.loads(run("mail", "log", "--db", db, "--format", "json").stdout)
    assert (logged[-1]["to"], logged[-1]["lang"], logged[-1]["purpose"]) == (
        "amal@example.org",
        "ar",
        "account-invitation",
    )
    again = run(
        "users", "invite", "amal", "--role", "member", "--email", "b@example.org", "--db", db
    )
    assert again.returncode != 0 and "user already exists" in again.stderr + again.stdout
