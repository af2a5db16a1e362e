"""The forum in the portal's search: a thread (its title and opening post) and each reply are
documents (kinds ``thread`` and ``post``), public while neither they nor their thread are
hidden. Called inside the transaction that changes them, so the index never lags the forum."""

from __future__ import annotations

from sqlalchemy import Connection

from ictfootprint.store.forum import Post, Thread


def url(thread: Thread, post: Post | None = None) -> str:
    """A thread's page (or a post's place on it), in the thread's language."""
    anchor = f"#post-{post.id}" if post is not None else ""
    return f"/{thread.lang}/forum/{thread.id}{anchor}"


def thread(connection: Connection, thread: Thread, opening: Post, base_url: str) -> None:
    """(Re-)index a thread from its opening post."""


def post(connection: Connection, thread: Thread, post: Post, base_url: str) -> None:
    """(Re-)index one reply."""


def whole_thread(connection: Connection, thread: Thread, base_url: str) -> None:
    """Re-index a thread and all its posts after moderation (hidden ones leave the public
    index)."""
