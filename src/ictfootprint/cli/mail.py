"""``ictfootprint mail``: send what the outbox holds, read its log, try the server.

An administrator's tool: the log shows recipients' addresses, which no respondent ever sees.
"""

from __future__ import annotations

import uuid

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
)

app = command_group(
    "E-mail: deliver the queued invitations and reminders through the SMTP server, list the "
    "log of every message, send a test message, requeue a message stuck in sending."
)
SMTP_OPTION = typer.Option(
    None,
    "--smtp-url",
    envvar="ICTFOOTPRINT_SMTP_URL",
    help="SMTP server: smtp://user:password@host:587?starttls=1, smtps://user:password@host:465 or "
    "smtp://host:25. Without it nothing is sent; messages stay queued.",
)


@app.command("deliver")
def deliver_command(
    smtp_url: str | None = SMTP_OPTION,
    max_attempts: int = typer.Option(
        5, "--max-attempts", min=1, max=100, help="Attempts before a message is marked failed."
    ),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Send every queued message once; a message refused for now is retried at the next run.

    Exit status 0 when everything queued was sent (or sending is not configured), 4 when a
    message is to be retried, failed, or the server could not be reached.
    """
    from ictfootprint.mail.outbox import deliver
    from ictfootprint.store import Store

    report = deliver(Store.open(db), smtp_url or None, max_attempts=max_attempts)
    typer.echo(report.summary())
    for key, error in report.retrying:
        typer.echo(f"to retry: {key}: {error}", err=True)
    for key, error in report.failed:
        typer.echo(f"failed: {key}: {error}", err=True)
    if report.configured and not report.ok:
        raise typer.Exit(4)


@app.command("log")
def log_command(
    status: str | None = typer.Option(
        None, "--status", help="Only messages of this status: queued, sending, sent, failed."
    ),
    limit: int = typer.Option(1000, "--limit", min=1, max=100000, help="At most this many."),
    fmt: Format = FORMAT_OPTION,
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Every message queued, oldest first: to whom, in which language, its status and attempts."""
    from ictfootprint.mail.outbox import messages
    from ictfootprint.store import Store

    store = Store.open(db)
    with store.engine.connect() as connection:
        found = messages(connection, status=status, limit=limit)
    if fmt is Format.json:
        print_json([m.summary() for m in found])
        return
    print_table(
        f"{len(found)} message(s)",
        ["id", "status", "to", "lang", "purpose", "subject", "attempts", "queued", "error"],
        [
            [
                m.id,
                m.status,
                m.to,
                m.lang,
                m.purpose,
                m.subject,
                m.attempts,
                m.queued_at.strftime("%Y-%m-%d %H:%M"),
                m.last_error or "",
            ]
            for m in found
        ],
    )


@app.command("requeue")
def requeue_command(
    ids: str = typer.Argument(
        ..., help="Ids of messages stuck in sending, separated by commas (e.g. 3,7)."
    ),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Put messages stuck in `sending` (a delivery run stopped between sending and recording
    them) back in the queue; the next `mail deliver` sends them, so a recipient may receive a
    second copy of a message that did leave. See `mail log --status sending`."""
    from ictfootprint.errors import InputError, Location
    from ictfootprint.mail.outbox import requeue
    from ictfootprint.store import Store

    parts = [part.strip() for part in ids.split(",") if part.strip()]
    if not all(part.isdecimal() and len(part) <= 10 for part in parts):
        raise InputError("invalid message ids", Location(field="ids"), expected="3,7", found=ids)
    done = requeue(Store.open(db), [int(part) for part in parts])
    typer.echo(f"requeued {len(done)} message(s): {', '.join(str(i) for i in done)}")


@app.command("test")
def test_command(
    address: str = typer.Argument(..., help="Where to send the test message."),
    smtp_url: str | None = SMTP_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Send a test message to ADDRESS now (logged like every message)."""
    from ictfootprint.mail.outbox import DeliveryReport, deliver, queue
    from ictfootprint.mail.settings import SmtpSettings
    from ictfootprint.store import Store

    if SmtpSettings.configured(smtp_url or None) is None:
        # nothing queued: a test message must not leave later, when a server is configured
        typer.echo(DeliveryReport(configured=False).summary())
        raise typer.Exit(4)
    store = Store.open(db)
    key = f"test:{uuid.uuid4().hex}"
    with store.transaction() as connection:
        queue(
            connection,
            key=key,
            to=address,
            lang="en",
            subject="ictfootprint: test message",
            body="This test message shows that ictfootprint can send e-mail through this server.\n",
            purpose="test",
            subject_ref="test",
        )
    report = deliver(store, smtp_url or None, max_attempts=1, keys=[key])
    typer.echo(report.summary())
    for _key, error in report.failed + report.retrying:
        typer.echo(f"failed: {error}", err=True)
    if not report.ok:
        raise typer.Exit(4)
