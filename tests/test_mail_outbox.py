"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1) and both databases: what
arrives, once; retries after a refusal; nothing lost; nothing sent without a server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest

from ictfootprint.errors import InputError
from ictfootprint.mail import messages, outbox
from ictfootprint.mail.outbox import DeliveryReport
from ictfootprint.store import Store
from smtp_server import SmtpServer, smtp_server

LINK = "https://footprint.example.org/{lang}/r/ifl_personal-link"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url, actor="mail-test")
    yield opened
    opened.close()


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def queue(store: Store, key: str, lang: str = "en", to: str = "focal@op-a.example") -> bool:
    subject, body = messages.render(
        "round-invitation",
        lang,
        round_name="Enquête annuelle 2025",
        custodian="ARCEP",
        year=2025,
        deadline=date(2026, 3, 31),
        link=LINK.format(lang=lang),
        entity_name="Opérateur A",
    )
    with store.transaction() as connection:
        return outbox.queue(
            connection,
            key=key,
            to=to,
            lang=lang,
            subject=subject,
            body=body,
            purpose="round-invitation",
            subject_ref="round:1:op-a",
        )


def statuses(store: Store) -> list[tuple[str, str, int]]:
    with store.engine.connect() as connection:
        return [(m.key, m.status, m.attempts) for m in outbox.messages(connection)]


@pytest.mark.parametrize(
    ("lang", "words", "deadline"),
    [
        ("fr", "invite Opérateur A", "31 mars 2026"),
        ("ar", "ARCEP", "31 مارس 2026"),
        ("zh", "ARCEP", "2026年3月31日"),
    ],
)
def test_an_invitation_arrives_with_its_headers_language_and_link(
    store: Store, server: SmtpServer, lang: str, words: str, deadline: str
) -> None:
    assert queue(store, f"invite-{lang}", lang)
    report = outbox.deliver(store, server.url)
    assert report.sent == [f"invite-{lang}"] and report.ok
    [arrived] = server.received
    message = arrived.message
    assert arrived.rcpt_tos == ["focal@op-a.example"]
    assert arrived.mail_from == "footprint@example.org"
    assert message["To"] == "focal@op-a.example"
    assert message["Content-Language"] == lang
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@example.org>")
    assert message["Date"]
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert LINK.format(lang=lang) in body
    assert words in body and deadline in body
    assert deadline in str(message["Subject"])
    assert statuses(store) == [(f"invite-{lang}", "sent", 1)]


def test_queueing_twice_and_delivering_twice_sends_one_message(
    store: Store, server: SmtpServer
) -> None:
    assert queue(store, "invite-op-a") is True
    assert queue(store, "invite-op-a") is False  # a rerun command queues nothing
    first = outbox.deliver(store, server.url)
    second = outbox.deliver(store, server.url)
    assert first.sent == ["invite-op-a"] and second.sent == []
    assert len(server.received) == 1
    assert statuses(store) == [("invite-op-a", "sent", 1)]


def test_a_message_refused_for_now_is_retried_at_the_next_run(
    store: Store, server: SmtpServer
) -> None:
    queue(store, "invite-op-a")
    server.recorder.refuse.append("451 4.3.0 Try again later")
    first = outbox.deliver(store, server.url)
    assert first.sent == [] and first.retrying == [("invite-op-a", "451 4.3.0 Try again later")]
    assert not first.ok and "1 to retry" in first.summary()
    assert statuses(store) == [("invite-op-a", "queued", 1)]
    second = outbox.deliver(store, server.url)
    assert second.sent == ["invite-op-a"] and second.ok
    assert len(server.received) == 1
    assert statuses(store) == [("invite-op-a", "sent", 2)]


def test_a_message_refused_at_every_attempt_fails_after_the_last(
    store: Store, server: SmtpServer
) -> None:
    queue(store, "invite-op-a")
    server.recorder.refuse.extend(["451 4.3.0 Busy", "452 4.3.1 Full"])
    assert outbox.deliver(store, server.url, max_attempts=2).retrying
    report = outbox.deliver(store, server.url, max_attempts=2)
    assert report.failed == [("invite-op-a", "452 4.3.1 Full")]
    assert outbox.deliver(store, server.url, max_attempts=2).sent == []  # failed stays failed
    assert server.received == []
    with store.engine.connect() as connection:
        [logged] = outbox.messages(connection, status="failed")
    assert (logged.attempts, logged.last_error) == (2, "452 4.3.1 Full")


def test_a_permanent_refusal_fails_at_once_and_the_others_still_go(
    store: Store, server: SmtpServer
) -> None:
    queue(store, "invite-op-a")
    queue(store, "invite-op-b", to="focal@op-b.example")
    server.recorder.refuse.append("550 5.1.1 No such user")
    report = outbox.deliver(store, server.url)
    assert report.failed == [("invite-op-a", "550 5.1.1 No such user")]
    assert report.sent == ["invite-op-b"]
    assert [r.rcpt_tos for r in server.received] == [["focal@op-b.example"]]


def test_an_unreachable_server_loses_nothing_and_says_so(store: Store) -> None:
    queue(store, "invite-op-a")
    with smtp_server() as stopped_later:
        port = stopped_later.port
    report = outbox.deliver(store, f"smtp://127.0.0.1:{port}")
    assert report.sent == [] and report.waiting == 1 and not report.ok
    assert report.error is not None and "could not reach smtp://127.0.0.1" in report.error
    assert statuses(store) == [("invite-op-a", "queued", 0)]
    with smtp_server() as server:
        assert outbox.deliver(store, server.url).sent == ["invite-op-a"]
        assert len(server.received) == 1


def test_nothing_leaves_without_a_configured_server(
    store: Store, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ICTFOOTPRINT_SMTP_URL", raising=False)
    queue(store, "invite-op-a")
    report = outbox.deliver(store, None)
    assert report == DeliveryReport(configured=False, waiting=1)
    assert "not configured" in report.summary() and "1 message(s) queued" in report.summary()
    assert server.received == []
    assert statuses(store) == [("invite-op-a", "queued", 0)]
    monkeypatch.setenv("ICTFOOTPRINT_SMTP_URL", server.url)
    assert outbox.deliver(store, None).sent == ["invite-op-a"]


def test_two_overlapping_runs_send_each_message_once(store: Store, server: SmtpServer) -> None:
    """Run A holds its first message in the server's DATA while run B runs from start to end:
    B sends the second message, A finds it claimed and skips it."""
    queue(store, "invite-op-a")
    queue(store, "invite-op-b", to="focal@op-b.example")
    server.recorder.hold_subject = "ARCEP"
    reports: list[DeliveryReport] = []
    run_a = threading.Thread(target=lambda: reports.append(outbox.deliver(store, server.url)))
    run_a.start()
    try:
        assert server.recorder.holding.wait(60)
        server.recorder.hold_subject = None
        run_b = outbox.deliver(store, server.url)
    finally:
        server.recorder.release.set()
        run_a.join(60)
    [report_a] = reports
    assert run_b.sent == ["invite-op-b"]
    assert report_a.sent == ["invite-op-a"] and report_a.skipped == 1
    assert sorted(r.rcpt_tos[0] for r in server.received) == [
        "focal@op-a.example",
        "focal@op-b.example",
    ]
    assert [s for _k, s, _n in statuses(store)] == ["sent", "sent"]


def test_a_claimed_message_is_not_sent_by_another_run(store: Store, server: SmtpServer) -> None:
    """A message a run claimed and never recorded (the run was killed between sending and
    recording) stays "sending": no later run sends it a second time."""
    queue(store, "invite-op-a")
    with store.engine.connect() as connection:
        [message] = outbox.messages(connection)
    assert outbox._claim(store, message.id) is not None
    assert outbox._claim(store, message.id) is None  # the UPDATE lets one run win
    assert outbox.deliver(store, server.url).sent == []
    assert server.received == []
    assert statuses(store) == [("invite-op-a", "sending", 1)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Invitation\r\nBcc: everyone@example.org"),
        ("subject", "Invitation\nBcc: everyone@example.org"),
        ("to", "focal@op-a.example\r\nBcc: everyone@example.org"),
        ("to", "focal@op-a.example, everyone@example.org"),
        ("to", "Focal Point <focal@op-a.example>"),
        ("to", "not an address"),
    ],
)
def test_a_line_break_or_second_address_cannot_add_a_header_or_recipient(
    store: Store, field: str, value: str
) -> None:
    fields = {"subject": "Invitation", "to": "focal@op-a.example", field: value}
    with pytest.raises(InputError) as raised, store.transaction() as connection:
        outbox.queue(
            connection,
            key="evil",
            lang="en",
            body="text",
            purpose="round-invitation",
            subject_ref="round:1:op-a",
            **fields,
        )
    assert raised.value.location.field == field
    assert statuses(store) == []


def test_a_line_break_in_a_name_is_written_as_a_space_on_the_wire(
    store: Store, server: SmtpServer
) -> None:
    subject, body = messages.render(
        "round-reminder",
        "en",
        round_name="Survey\r\nBcc: everyone@example.org",
        custodian="ARCEP",
        year=2025,
        deadline=date(2026, 3, 31),
        link=LINK.format(lang="en"),
        entity_name="Op\nA",
    )
    with store.transaction() as connection:
        outbox.queue(
            connection,
            key="reminder",
            to="focal@op-a.example",
            lang="en",
            subject=subject,
            body=body,
            purpose="round-reminder",
            subject_ref="round:1:op-a",
        )
    outbox.deliver(store, server.url)
    [arrived] = server.received
    assert arrived.message["Bcc"] is None and arrived.rcpt_tos == ["focal@op-a.example"]
    assert "Survey Bcc: everyone@example.org" in str(arrived.message["Subject"])
    assert b"\nBcc:" not in arrived.raw


def test_the_urls_credentials_log_in_and_the_password_is_never_shown(store: Store) -> None:
    queue(store, "invite-op-a")
    with smtp_server(with_auth=True) as server:
        url = f"smtp://robot:s3cret%20p%40ss@127.0.0.1:{server.port}?from=footprint@example.org"
        report = outbox.deliver(store, url)
        assert report.sent == ["invite-op-a"]
        assert server.recorder.logins == [("robot", "s3cret p@ss")]
        assert "s3cret" not in report.summary() and "***" in report.summary()
        wrong = url.replace("s3cret", "wrong")
        queue(store, "invite-op-b")
        refused = outbox.deliver(store, wrong)
        assert refused.error is not None and "535" in refused.error
        assert "wrong" not in refused.summary()
