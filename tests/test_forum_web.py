"""The forum's pages and feed through the app: forms need the session's CSRF value, a locked
thread has no reply form and refuses one sent anyway, the public never sees what is hidden, an
editor sees it with its reason, another member's post has no edit page, and the Atom feed."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from forum_world import Forum
from ictfootprint.portal.forum import service
from ictfootprint.web import session

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def forum(tmp_path_factory: pytest.TempPathFactory) -> Forum:
    return Forum(f"sqlite:///{tmp_path_factory.mktemp('forum-web') / 'web.db'}")


def signed_in(forum: Forum, who: str) -> str:
    """Sign the test client in as ``who``; the CSRF value of its forms."""
    forum.client.cookies.set(session.COOKIE, forum.tokens[who])
    page = forum.client.get("/en/forum")
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_pages_in_three_languages_and_the_public_sees_no_form(forum: Forum) -> None:
    thread = forum.thread("ana")
    for lang, words in (("en", "Forum"), ("ar", "المنتدى"), ("zh", "论坛")):
        listing = forum.client.get(f"/{lang}/forum")
        assert listing.status_code == 200 and words in listing.text
        assert listing.headers["Cache-Control"] == "public, max-age=30"
        page = forum.client.get(f"/{lang}/forum/{thread['id']}")
        assert page.status_code == 200 and "<strong>PUE</strong>" in page.text
        assert 'action="/' + lang + f'/forum/{thread["id"]}/reply"' not in page.text
    assert forum.client.get("/en/forum/999999").status_code == 404


def test_a_reply_through_the_form_needs_the_csrf_value(forum: Forum) -> None:
    thread = forum.thread("ana")
    csrf = signed_in(forum, "ben")
    path = f"/en/forum/{thread['id']}/reply"
    forged = forum.client.post(path, data={"body": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    sent = forum.client.post(path, data={"body": "real", "csrf": csrf}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith(
        f"/en/forum/{thread['id']}#post-"
    )
    page = forum.client.get(f"/en/forum/{thread['id']}").text
    assert "real" in page and "forged" not in page
    assert forum.client.get(f"/en/forum/{thread['id']}").headers["Cache-Control"] == (
        "private, no-store"
    )


def test_a_locked_thread_has_no_reply_form_and_refuses_one(forum: Forum) -> None:
    thread = forum.thread("ana")
    service.lock(forum.store, thread["id"], moderator=True)
    csrf = signed_in(forum, "ben")
    page = forum.client.get(f"/en/forum/{thread['id']}").text
    assert "This thread is locked: no new replies." in page
    assert f'action="/en/forum/{thread["id"]}/reply"' not in page
    refused = forum.client.post(
        f"/en/forum/{thread['id']}/reply", data={"body": "anyway", "csrf": csrf}
    )
    assert refused.status_code == 409 and "locked" in refused.text


def test_what_is_hidden_is_gone_for_members_and_shown_to_editors_with_its_reason(
    forum: Forum,
) -> None:
    thread = forum.thread("ana")
    post = service.reply(forum.store, thread["id"], user="ben", body="buy cheap watches")
    service.hide_post(forum.store, post.id, moderator=True, reason="advertising")
    assert "cheap watches" not in forum.client.get(f"/en/forum/{thread['id']}").text
    signed_in(forum, "ana")
    assert "cheap watches" not in forum.client.get(f"/en/forum/{thread['id']}").text
    signed_in(forum, "eve")
    page = forum.client.get(f"/fr/forum/{thread['id']}").text
    assert "cheap watches" in page and "Masqué par un modérateur : advertising" in page


def test_an_editor_hides_a_thread_through_the_form_and_a_member_cannot(forum: Forum) -> None:
    thread = forum.thread("ana")
    path = f"/en/forum/{thread['id']}/moderate"
    csrf = signed_in(forum, "ben")
    refused = forum.client.post(path, data={"action": "hide", "reason": "x", "csrf": csrf})
    assert refused.status_code == 403
    csrf = signed_in(forum, "eve")
    done = forum.client.post(
        path, data={"action": "hide", "reason": "off topic", "csrf": csrf}, follow_redirects=False
    )
    assert done.status_code == 303
    forum.client.cookies.clear()
    assert forum.client.get(f"/en/forum/{thread['id']}").status_code == 404


def test_another_members_post_has_no_edit_page(forum: Forum) -> None:
    thread = forum.thread("ana")
    post_id = forum.call("GET", f"/api/v1/forum/threads/{thread['id']}/posts").json()["items"][0]
    csrf = signed_in(forum, "ben")
    path = f"/en/forum/posts/{post_id['id']}/edit"
    assert forum.client.get(path).status_code == 403
    assert forum.client.post(path, data={"body": "mine", "csrf": csrf}).status_code == 403
    csrf = signed_in(forum, "ana")
    assert forum.client.get(path).status_code == 200
    saved = forum.client.post(path, data={"body": "edited", "csrf": csrf}, follow_redirects=False)
    assert saved.status_code == 303


def test_the_atom_feed_lists_new_threads_but_not_hidden_ones(forum: Forum) -> None:
    kept = forum.thread("ana", title="Tom & Jerry <b>cool</b>")
    hidden = forum.thread("ben", title="spam")
    service.hide_thread(forum.store, hidden["id"], moderator=True, reason="spam")
    answer = forum.client.get("/feeds/threads.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(answer.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Tom & Jerry <b>cool</b>"]
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/en/forum/{kept['id']}")
    assert "PUE" in (entries[0].findtext(f"{ATOM}summary") or "")
