"""``/api/v1/forum…`` on both databases: threads and replies, who may edit and moderate, what
the public sees of hidden things (nothing), locks, the posting limit, paging and bad input in
the one error shape with nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum_world import THREAD, Forum
from ictfootprint.portal.forum import service
from ictfootprint.store import forum as rows

FORUM = "/api/v1/forum"


@pytest.fixture
def forum(db_url: str) -> Forum:
    return Forum(db_url)


def audit_count(forum: Forum) -> int:
    return int(forum.store.audit_page(limit=1)[0])


def test_a_thread_its_replies_and_the_public_reading_them(forum: Forum) -> None:
    thread = forum.thread()
    assert thread["country"] == "FRA" and thread["indicator"] == "dc_pue"
    assert thread["url"] == f"/en/forum/{thread['id']}" and thread["hidden"] is None
    replied = forum.reply(thread["id"])
    assert replied.status_code == 201, replied.text
    listed = forum.call("GET", f"{FORUM}/threads?topic=energy")
    assert listed.status_code == 200
    assert listed.headers["Cache-Control"].startswith("public")
    assert [t["id"] for t in listed.json()["items"]] == [thread["id"]]
    assert listed.json()["items"][0]["posts"] == 2
    posts = forum.call("GET", f"{FORUM}/threads/{thread['id']}/posts").json()["items"]
    assert [p["author"] for p in posts] == ["ana", "ben"]
    assert (
        posts[0]["html"] == "<p>We cut our <strong>PUE</strong> from 1.6 to 1.3. Anyone else?</p>\n"
    )
    etag = forum.call("GET", f"{FORUM}/threads/{thread['id']}").headers["ETag"]
    again = forum.call("GET", f"{FORUM}/threads/{thread['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    topics = forum.call("GET", f"{FORUM}/topics").json()
    assert "energy" in [t["id"] for t in topics["items"]]
    assert topics["items"][0]["names"]["zh"]


def test_the_public_cannot_post(forum: Forum) -> None:
    answer = forum.call("POST", f"{FORUM}/threads", json=THREAD)
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "this needs a token"


def test_another_members_post_cannot_be_edited(forum: Forum) -> None:
    thread = forum.thread("ana")
    post = forum.call("GET", f"{FORUM}/threads/{thread['id']}/posts").json()["items"][0]
    before = audit_count(forum)
    for who in ("ben", "eve", "adm"):
        answer = forum.call("PUT", f"{FORUM}/posts/{post['id']}", who, json={"body": "mine now"})
        assert answer.status_code == 403, (who, answer.text)
        assert answer.json()["error"]["message"] == "only its author may edit a post"
    assert audit_count(forum) == before
    revisions = forum.call("GET", f"{FORUM}/posts/{post['id']}/revisions").json()["items"]
    assert [r["body"] for r in revisions] == [THREAD["body"]]


def test_an_edit_is_a_new_revision_and_the_old_ones_stay(forum: Forum) -> None:
    thread = forum.thread("ana")
    post_id = forum.call("GET", f"{FORUM}/threads/{thread['id']}/posts").json()["items"][0]["id"]
    edited = forum.call("PUT", f"{FORUM}/posts/{post_id}", "ana", json={"body": "PUE 1.25 now"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["body"] == "PUE 1.25 now" and edited.json()["edited_at"]
    revisions = forum.call("GET", f"{FORUM}/posts/{post_id}/revisions").json()["items"]
    assert [(r["number"], r["body"]) for r in revisions] == [
        (1, THREAD["body"]),
        (2, "PUE 1.25 now"),
    ]


def test_a_locked_thread_refuses_replies_and_edits(forum: Forum) -> None:
    thread = forum.thread("ana")
    post_id = forum.reply(thread["id"], "ben").json()["id"]
    locked = forum.call("POST", f"{FORUM}/threads/{thread['id']}/lock", "eve", json={})
    assert locked.status_code == 200 and locked.json()["locked"] is True
    refused = forum.reply(thread["id"], "ben")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "this thread is locked: no new replies"
    assert (
        forum.call("PUT", f"{FORUM}/posts/{post_id}", "ben", json={"body": "x"}).status_code == 409
    )
    assert forum.call("POST", f"{FORUM}/threads/{thread['id']}/unlock", "eve").status_code == 200
    assert forum.reply(thread["id"], "ben").status_code == 201


def test_a_hidden_post_is_gone_for_others_and_shown_to_editors_with_its_reason(
    forum: Forum,
) -> None:
    thread = forum.thread("ana")
    post_id = forum.reply(thread["id"], "ben", "buy cheap watches").json()["id"]
    hidden = forum.call(
        "POST", f"{FORUM}/posts/{post_id}/hide", "eve", json={"reason": "advertising"}
    )
    assert hidden.status_code == 200, hidden.text
    path = f"{FORUM}/threads/{thread['id']}/posts"
    for who in ("public", "ana", "ben"):
        posts = forum.call("GET", path, who).json()
        assert [p["id"] for p in posts["items"]] != [] and post_id not in [
            p["id"] for p in posts["items"]
        ], who
        assert "cheap watches" not in forum.call("GET", path, who).text
        assert forum.call("GET", f"{FORUM}/posts/{post_id}/revisions", who).status_code == 404
    seen = {p["id"]: p for p in forum.call("GET", path, "eve").json()["items"]}
    assert seen[post_id]["hidden"]["reason"] == "advertising"
    assert seen[post_id]["hidden"]["by"] == "api:eve"


def test_a_hidden_thread_does_not_exist_for_the_public(forum: Forum) -> None:
    thread = forum.thread("ana")
    hide = forum.call(
        "POST", f"{FORUM}/threads/{thread['id']}/hide", "eve", json={"reason": "off topic"}
    )
    assert hide.status_code == 200 and hide.json()["hidden"]["reason"] == "off topic"
    assert forum.call("GET", f"{FORUM}/threads/{thread['id']}").status_code == 404
    assert forum.call("GET", f"{FORUM}/threads/{thread['id']}", "ana").status_code == 404
    assert forum.call("GET", f"{FORUM}/threads").json()["items"] == []
    assert forum.reply(thread["id"], "ben").status_code == 404
    assert forum.call("GET", f"{FORUM}/threads/{thread['id']}", "eve").status_code == 200
    assert forum.call("GET", f"{FORUM}/threads", "adm").json()["total"] == 1


def test_a_member_cannot_moderate_and_every_moderation_is_audited(forum: Forum) -> None:
    thread = forum.thread("ana")
    before = audit_count(forum)
    for action, body in (("hide", {"reason": "x"}), ("lock", {}), ("unlock", None)):
        answer = forum.call("POST", f"{FORUM}/threads/{thread['id']}/{action}", "ben", json=body)
        assert answer.status_code == 403, action
    assert audit_count(forum) == before
    forum.call("POST", f"{FORUM}/threads/{thread['id']}/lock", "eve", json={"reason": "done"})
    forum.call("POST", f"{FORUM}/threads/{thread['id']}/hide", "adm", json={"reason": "spam"})
    _, trail = forum.store.audit_page(limit=10, object_type="forum_thread")
    assert [(r["action"], r["actor"], r["detail"].get("reason")) for r in trail[:2]] == [
        ("forum-hide", "api:adm", "spam"),
        ("forum-lock", "api:eve", "done"),
    ]


def test_posting_too_fast_is_refused_with_429_and_when_to_retry(forum: Forum) -> None:
    thread = forum.thread("ana")
    for _ in range(service.RATE.posts - 1):
        assert forum.reply(thread["id"], "ana").status_code == 201
    refused = forum.reply(thread["id"], "ana")
    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith("too many posts: at most 10 in 10 minutes")
    assert 1 <= int(refused.headers["Retry-After"]) <= 601
    assert forum.reply(thread["id"], "ben").status_code == 201  # per user


def test_the_rate_limit_counts_only_the_window(forum: Forum) -> None:
    limit = service.RateLimit(posts=2, window=timedelta(minutes=10))
    thread = service.start_thread(
        forum.store, user="ana", topic="policy", title="t", body="b", rate=limit
    )
    service.reply(forum.store, thread.id, user="ana", body="c", rate=limit)
    with pytest.raises(service.TooFast):
        service.reply(forum.store, thread.id, user="ana", body="d", rate=limit)
    instant = service.RateLimit(posts=2, window=timedelta(0))
    service.reply(forum.store, thread.id, user="ana", body="d", rate=instant)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"topic": "gossip"}, "topic"),
        ({"country": "XXX"}, "country"),
        ({"indicator": "no_such_indicator"}, "indicator"),
        ({"case_study": "../../etc"}, "case_study"),
        ({"title": "\n\t "}, "title"),
    ],
)
def test_bad_input_is_one_error_naming_the_field_and_stores_nothing(
    forum: Forum, change: dict[str, str], field: str
) -> None:
    before = audit_count(forum)
    answer = forum.call("POST", f"{FORUM}/threads", "ana", json={**THREAD, **change})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["location"] == {"field": field}
    assert audit_count(forum) == before
    assert forum.call("GET", f"{FORUM}/threads").json()["total"] == 0


def test_a_huge_body_is_refused_before_anything_is_read_into_the_store(forum: Forum) -> None:
    answer = forum.call("POST", f"{FORUM}/threads", "ana", json={**THREAD, "body": "x" * 100_001})
    assert answer.status_code == 422
    assert forum.call("GET", f"{FORUM}/threads").json()["total"] == 0


def test_threads_and_posts_page_by_cursor(forum: Forum) -> None:
    ids = [forum.thread("ana" if n % 2 else "ben", title=f"thread {n}")["id"] for n in range(5)]
    seen: list[int] = []
    path: str | None = f"{FORUM}/threads?limit=2"
    while path is not None:
        page = forum.call("GET", path).json()
        assert page["total"] == 5
        seen += [t["id"] for t in page["items"]]
        path = page["next"]
    assert seen == list(reversed(ids))
    garbled = forum.call("GET", f"{FORUM}/threads?cursor=Zm9v")
    assert garbled.status_code == 400
    assert garbled.json()["error"]["location"] == {"field": "cursor"}


def test_following_and_unfollowing(forum: Forum) -> None:
    thread = forum.thread("ana")
    path = f"{FORUM}/threads/{thread['id']}/follow"
    assert forum.call("PUT", path, "ben").json() == {"thread": thread["id"], "following": True}
    with forum.store.engine.connect() as connection:
        assert rows.followers(connection, thread["id"]) == ["ana", "ben"]
    assert forum.call("DELETE", path, "ben").json()["following"] is False
    assert forum.call("PUT", path).status_code == 401
    with forum.store.engine.connect() as connection:
        assert rows.followers(connection, thread["id"]) == ["ana"]
