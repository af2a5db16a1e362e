"""The outbox: every e-mail the program sends is queued here first, and stays as its log.

``queue`` writes a message under a unique key in the caller's transaction (so a message is
queued exactly when what it announces is stored, and a rerun command queues nothing twice).
``deliver`` sends what is queued through the configured SMTP server: each message is first
*claimed* (its status moved from ``queued`` to ``sending`` by one UPDATE that only one run can
win), then marked ``sent``, or put back to ``queued`` with the error, or ``failed`` after its
last attempt or a permanent refusal (5xx). A message is never sent twice: two runs at once
each send what they claimed, and a run that stops between sending and recording leaves the
message ``sending``, shown by ``mail log``, rather than risk a second copy. Without a server
configured nothing leaves: messages wait, queued and logged.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ictfootprint.errors import InputError, Location
from ictfootprint.mail import envelope
from ictfootprint.mail.settings import SmtpSettings
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.store.database import Database, now
from ictfootprint.store.schema import mail_outbox

STATUSES: Final = ("queued", "sending", "sent", "failed")
KEY_LENGTH: Final = 200
ERROR_LENGTH: Final = 500


@dataclass(frozen=True)
class OutboxMessage:
    """A row of the outbox, as ``mail log`` lists it (for the administrator's eyes only)."""

    id: int
    key: str
    to: str
    lang: str
    subject: str
    body: str
    purpose: str
    subject_ref: str
    queued_at: datetime
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "to": self.to,
            "lang": self.lang,
            "subject": self.subject,
            "purpose": self.purpose,
            "subject_ref": self.subject_ref,
            "queued_at": self.queued_at.isoformat(),
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }


@dataclass
class DeliveryReport:
    """What one ``deliver`` run did, by message key."""

    configured: bool
    server: str | None = None
    sent: list[str] = field(default_factory=list)
    retrying: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0  # claimed meanwhile by another run
    waiting: int = 0  # left queued: sending is off, or the run stopped early
    error: str | None = None  # why the run stopped early (the server could not be reached)

    @property
    def ok(self) -> bool:
        return self.configured and not self.failed and not self.retrying and self.error is None

    def summary(self) -> str:
        if not self.configured:
            return (
                f"e-mail is not configured (--smtp-url or ICTFOOTPRINT_SMTP_URL): nothing sent, "
                f"{self.waiting} message(s) queued"
            )
        parts = [f"{len(self.sent)} sent via {self.server}"]
        if self.retrying:
            parts.append(f"{len(self.retrying)} to retry")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.skipped:
            parts.append(f"{self.skipped} being sent by another run")
        if self.waiting:
            parts.append(f"{self.waiting} still queued")
        text = ", ".join(parts)
        return f"{text}; stopped: {self.error}" if self.error else text


# queueing -------------------------------------------------------------------------------------
def queue(
    connection: Connection,
    *,
    key: str,
    to: str,
    lang: str,
    subject: str,
    body: str,
    purpose: str,
    subject_ref: str,
) -> bool:
    """Queue a message under ``key`` in the caller's transaction; False if that key was
    queued before (nothing changes: the first message stands, sent or not)."""
    if not key or len(key) > KEY_LENGTH or envelope.one_line(key) != key:
        raise InputError(
            "invalid message key", Location(field="key"), expected="1 to 200 characters, one line"
        )
    if lang not in LANGUAGES:
        raise InputError(
            "unknown language", Location(field="lang"), expected=", ".join(LANGUAGES), found=lang
        )
    envelope.check_address(to)
    envelope.check_subject(subject)
    values = {
        "key": key,
        "recipient": to,
        "lang": lang,
        "subject": subject,
        "body": body,
        "purpose": purpose[:40],
        "subject_ref": subject_ref[:200],
        "queued_at": now(),
        "status": "queued",
        "attempts": 0,
    }
    builder = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = (
        builder(mail_outbox)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(mail_outbox.c.id)
    )
    # a row comes back only when one was inserted (rowcount is not reliable here on psycopg)
    return connection.execute(statement).first() is not None


def is_queued(connection: Connection, key: str) -> bool:
    """Whether a message was ever queued under ``key`` (whatever became of it): a command can
    ask before issuing the personal link a new message would carry."""
    found = connection.execute(select(mail_outbox.c.id).where(mail_outbox.c.key == key))
    return found.first() is not None


def messages(
    connection: Connection,
    *,
    status: str | None = None,
    subject_ref: str | None = None,
    limit: int = 1000,
) -> list[OutboxMessage]:
    """The outbox, oldest first, optionally of one status or subject."""
    if status is not None and status not in STATUSES:
        raise InputError(
            "unknown status", Location(field="status"), expected=", ".join(STATUSES), found=status
        )
    query = select(mail_outbox).order_by(mail_outbox.c.id).limit(limit)
    if status is not None:
        query = query.where(mail_outbox.c.status == status)
    if subject_ref is not None:
        query = query.where(mail_outbox.c.subject_ref == subject_ref)
    return [_message(row) for row in connection.execute(query)]


def counts(connection: Connection) -> dict[str, int]:
    rows = connection.execute(
        select(mail_outbox.c.status, func.count()).group_by(mail_outbox.c.status)
    )
    found = {status: 0 for status in STATUSES}
    found.update({status: int(n) for status, n in rows})
    return found


# delivering -----------------------------------------------------------------------------------
def deliver(
    database: Database,
    smtp_url: str | None,
    *,
    max_attempts: int = 5,
    keys: Collection[str] | None = None,
) -> DeliveryReport:
    """Send every queued message once through the server of ``smtp_url`` (None: the
    ``ICTFOOTPRINT_SMTP_URL`` environment variable; neither: send nothing).

    A message refused for now (4xx, or the connection lost) goes back to the queue for the
    next run until ``max_attempts`` attempts; refused for good (5xx), it fails at once.
    ``keys`` limits the run to those messages (``mail test`` sends its own message only).
    """
    if max_attempts < 1:
        raise InputError("max_attempts must be 1 or more", Location(field="max_attempts"))
    settings = SmtpSettings.configured(smtp_url)
    query = select(mail_outbox.c.id).where(mail_outbox.c.status == "queued")
    if keys is not None:
        query = query.where(mail_outbox.c.key.in_(list(keys)))
    with database.engine.connect() as connection:
        pending = list(connection.execute(query.order_by(mail_outbox.c.id)).scalars())
    if settings is None:
        return DeliveryReport(configured=False, waiting=len(pending))
    report = DeliveryReport(configured=True, server=settings.redacted())
    if not pending:
        return report
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        report.error = f"could not reach {settings.redacted()}: {_describe(error)}"
        report.waiting = len(pending)
        return report
    with client:
        for position, message_id in enumerate(pending):
            row = _claim(database, message_id)
            if row is None:
                report.skipped += 1
                continue
            try:
                client.send_message(
                    envelope.build(
                        key=row.key,
                        sender=settings.sender,
                        to=row.recipient,
                        lang=row.lang,
                        subject=row.subject,
                        body=row.body,
                        at=now(),
                        domain=settings.sender_domain,
                    ),
                    from_addr=settings.sender,
                    to_addrs=[row.recipient],
                )
            except (OSError, smtplib.SMTPException, InputError) as error:
                final = _permanent(error) or row.attempts >= max_attempts
                text = _describe(error)
                _release(database, row.id, text, failed=final)
                (report.failed if final else report.retrying).append((row.key, text))
                if _connection_lost(error):
                    report.error = f"lost {settings.redacted()}: {text}"
                    report.waiting = len(pending) - position - 1
                    break
            else:
                _mark_sent(database, row.id)
                report.sent.append(row.key)
    return report


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.implicit_tls:
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.starttls:
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password or "")
    except BaseException:
        client.close()
        raise
    return client


def requeue(database: Database, message_ids: Collection[int]) -> list[int]:
    """Put messages stuck in ``sending`` (a delivery run stopped between sending and recording)
    back to ``queued``, audited: the next run sends them, so a recipient may get a second copy
    of one that did leave. Any id not ``sending`` refuses the whole request, changing nothing."""
    wanted = sorted(set(message_ids))
    if not wanted:
        raise InputError("no message given", Location(field="id"), expected="message ids")
    with database.transaction() as connection:
        rows = {
            row.id: row.status
            for row in connection.execute(
                select(mail_outbox.c.id, mail_outbox.c.status).where(mail_outbox.c.id.in_(wanted))
            )
        }
        for message_id in wanted:
            if rows.get(message_id) != "sending":
                raise InputError(
                    "only a message stuck in sending can be requeued",
                    Location(field="id"),
                    expected="sending",
                    found=f"message {message_id}: {rows.get(message_id, 'no such message')}",
                )
        connection.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id.in_(wanted), mail_outbox.c.status == "sending")
            .values(status="queued", claimed_at=None, claimed_by=None)
        )
        for message_id in wanted:
            database.audit(connection, "requeue", "mail_outbox", str(message_id), {})
    return wanted


def _claim(database: Database, message_id: int) -> Any:
    """Move one message from queued to sending and count the attempt; None if another run
    claimed it first (the UPDATE's condition lets exactly one win, on either database)."""
    with database.transaction() as connection:
        claimed = connection.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id == message_id, mail_outbox.c.status == "queued")
            .values(
                status="sending",
                attempts=mail_outbox.c.attempts + 1,
                claimed_at=now(),
                claimed_by=database.origin,
            )
        )
        if claimed.rowcount != 1:
            return None
        return connection.execute(select(mail_outbox).where(mail_outbox.c.id == message_id)).one()


def _mark_sent(database: Database, message_id: int) -> None:
    with database.transaction() as connection:
        connection.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id == message_id)
            .values(status="sent", sent_at=now(), last_error=None)
        )


def _release(database: Database, message_id: int, error: str, *, failed: bool) -> None:
    with database.transaction() as connection:
        connection.execute(
            update(mail_outbox)
            .where(mail_outbox.c.id == message_id)
            .values(status="failed" if failed else "queued", last_error=error[:ERROR_LENGTH])
        )


def _connection_lost(error: Exception) -> bool:
    """The connection is gone (a network error, a disconnect, or the server's 421 closing
    it): the run stops, the messages after this one wait for the next."""
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    # smtplib's errors are OSErrors too: only those that are not a reply lose the connection
    return isinstance(error, smtplib.SMTPServerDisconnected) or (
        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
    )


def _permanent(error: Exception) -> bool:
    """A refusal the server means for good (5xx), or a message that cannot be built."""
    if isinstance(error, InputError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return (
            "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
            or "recipient refused"
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return envelope.one_line(f"{type(error).__name__}: {error}")


def _text(reply: bytes | str) -> str:
    return envelope.one_line(
        reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    )


def _message(row: Any) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        key=row.key,
        to=row.recipient,
        lang=row.lang,
        subject=row.subject,
        body=row.body,
        purpose=row.purpose,
        subject_ref=row.subject_ref,
        queued_at=_utc(row.queued_at),
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=_utc(row.sent_at) if row.sent_at is not None else None,
    )


def _utc(value: datetime) -> datetime:
    # SQLite gives back naive datetimes; everything this package writes is UTC
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
