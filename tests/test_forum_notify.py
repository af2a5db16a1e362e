"""E-mail to a thread's followers at each reply, through the outbox and a real SMTP server
(aiosmtpd on 127.0.0.1), on both databases: each follower once, in their language, never the
reply's author, never another follower's address, nothing twice on a rerun."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from forum_world import Forum
from ictfootprint.mail import outbox
from ictfootprint.portal.forum import notify, service
from ictfootprint.store import forum as rows
from smtp_server import SmtpServer, smtp_server

ADDRESSES = {
    "ana": ("ana@op-a.example", "fr"),
    "ben": ("ben@op-b.example", "en"),
    "eve": ("eve@itu.example", "zh"),
}


@pytest.fixture
def forum(db_url: str) -> Forum:
    return Forum(
        db_url,
        **{name: {"email": email, "language": lang} for name, (email, lang) in ADDRESSES.items()},
    )


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def test_each_follower_but_the_author_gets_one_message_in_their_language(
    forum: Forum, server: SmtpServer
) -> None:
    thread = forum.thread("ana", title="Free cooling\nBcc: everyone@example.org")
    for who in ("ben", "eve", "adm"):  # adm has no address: followed, but nothing to send to
        followed = forum.call("PUT", f"/api/v1/forum/threads/{thread['id']}/follow", who)
        assert followed.status_code == 200
    reply = forum.reply(thread["id"], "ben", "We use *outside air* below 18 °C.")
    assert reply.status_code == 201
    post_id = reply.json()["id"]
    report = outbox.deliver(forum.store, server.url)
    assert report.ok and len(report.sent) == 2
    got = {r.rcpt_tos[0]: r for r in server.received}
    assert sorted(got) == ["ana@op-a.example", "eve@itu.example"]  # not ben, the author
    for address, received in got.items():
        assert received.rcpt_tos == [address]
        assert received.message.get_all("To") == [address]
        for other, _ in ADDRESSES.values():
            if other != address:
                assert other.encode() not in received.raw
        assert received.message["Bcc"] is None
    french, chinese = got["ana@op-a.example"].message, got["eve@itu.example"].message
    assert french["Content-Language"] == "fr" and chinese["Content-Language"] == "zh"
    assert french["Subject"] == "Nouvelle réponse dans « Free cooling Bcc: everyone@example.org »"
    assert chinese["Subject"] == "“Free cooling Bcc: everyone@example.org”有新回复"
    text = french.get_content()
    assert f"/fr/forum/{thread['id']}#post-{post_id}" in text
    assert "> We use outside air below 18 °C." in text
    assert "ben a répondu" in text
    assert f"/zh/forum/{thread['id']}#post-{post_id}" in chinese.get_content()


def test_a_rerun_sends_nothing_twice(forum: Forum, server: SmtpServer) -> None:
    thread = forum.thread("ana")
    post_id = forum.reply(thread["id"], "ben").json()["id"]
    outbox.deliver(forum.store, server.url)
    with forum.store.transaction() as connection:
        stored = rows.get_thread(connection, thread["id"])
        assert notify.reply(connection, stored, rows.get_post(connection, post_id), "http://x") == 0
    again = outbox.deliver(forum.store, server.url)
    assert again.sent == [] and len(server.received) == 1
    assert server.received[0].rcpt_tos == ["ana@op-a.example"]


def test_an_unfollowed_or_disabled_follower_gets_nothing(forum: Forum, server: SmtpServer) -> None:
    thread = forum.thread("ana")
    forum.call("PUT", f"/api/v1/forum/threads/{thread['id']}/follow", "eve")
    forum.call("DELETE", f"/api/v1/forum/threads/{thread['id']}/follow", "ana")
    forum.store.disable_user("eve")
    forum.reply(thread["id"], "ben")
    outbox.deliver(forum.store, server.url)
    assert server.received == []


def test_the_author_of_a_reply_is_never_told_of_it(forum: Forum, server: SmtpServer) -> None:
    thread = service.start_thread(forum.store, user="ana", topic="policy", title="t", body="b")
    service.reply(forum.store, thread.id, user="ana", body="my own reply", base_url="http://x")
    outbox.deliver(forum.store, server.url)
    assert server.received == []
