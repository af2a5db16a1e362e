"""The forum in the portal's search (:mod:`ictfootprint.portal.search`): a thread (its title
and opening post) and each reply are documents of kinds ``thread`` and ``post``, in the
thread's language. What a moderator hides (a post, or a thread and so all its posts) leaves the
index; shown again, it comes back. Called inside the transaction that changes the forum, so the
index never lags it."""

from __future__ import annotations

from sqlalchemy import Connection

from ictfootprint.portal import search
from ictfootprint.portal.markdown import plain
from ictfootprint.store import forum as rows
from ictfootprint.store.forum import Post, Thread


def url(thread: Thread, post: Post | None = None) -> str:
    """A thread's page (or a post's place on it), in the thread's language."""
    anchor = f"#post-{post.id}" if post is not None else ""
    return f"/{thread.lang}/forum/{thread.id}{anchor}"


def thread_document(connection: Connection, thread: Thread, opening: Post) -> None:
    """(Re-)index a thread from its opening post (or drop it, hidden)."""
    if thread.hidden is not None or opening.hidden is not None:
        search.drop_document(connection, kind="thread", ref=str(thread.id))
        return
    search.index_document(
        connection,
        kind="thread",
        ref=str(thread.id),
        lang=thread.lang,
        title=thread.title,
        text=plain(opening.body),
        url=url(thread),
        country=thread.country,
    )


def post_document(connection: Connection, thread: Thread, post: Post) -> None:
    """(Re-)index one reply (or drop it, hidden or in a hidden thread)."""
    if thread.hidden is not None or post.hidden is not None:
        search.drop_document(connection, kind="post", ref=str(post.id))
        return
    search.index_document(
        connection,
        kind="post",
        ref=str(post.id),
        lang=thread.lang,
        title=thread.title,
        text=plain(post.body),
        url=url(thread, post),
        country=thread.country,
    )


def whole_thread(connection: Connection, thread: Thread) -> None:
    """Re-index a thread and all its posts (after moderation)."""
    posts = rows.list_posts(connection, thread.id, with_hidden=True, limit=1_000_000)
    for number, each in enumerate(posts):
        if number == 0:
            thread_document(connection, thread, each)
        else:
            post_document(connection, thread, each)
