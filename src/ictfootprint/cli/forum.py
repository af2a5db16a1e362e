"""``ictfootprint forum``: the editors' tools for the forum (list, hide, lock), acting as the
command's user (``ICTFOOTPRINT_ACTOR``, else the login name) in the audit trail. Whoever runs
these commands has the database itself, so is trusted as an editor."""

from __future__ import annotations

from collections.abc import Mapping

import typer

from ictfootprint.cli.options import (
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
)

app = command_group("The forum, for editors: list threads, hide or show, lock or unlock.")


@app.command("list")
def list_command(
    topic: str | None = typer.Option(None, help="Only this topic's threads."),
    hidden: bool = typer.Option(False, "--hidden", help="Only hidden threads."),
    limit: int = typer.Option(50, min=1, max=10_000, help="At most this many, newest first."),
    fmt: Format = FORMAT_OPTION,
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Threads, newest first, hidden ones included (with who hid them and why)."""
    from ictfootprint.store import Store
    from ictfootprint.store import forum as rows

    store = Store.open(db)
    with store.engine.connect() as connection:
        found = rows.list_threads(connection, with_hidden=True, topic=topic, limit=limit)
    if hidden:
        found = [t for t in found if t.hidden is not None]
    items = [
        {
            "id": t.id,
            "topic": t.topic,
            "title": t.title,
            "author": t.author,
            "posts": t.posts,
            "last_post_at": t.last_post_at.isoformat(),
            "locked": t.locked,
            "hidden": None
            if t.hidden is None
            else {"by": t.hidden.by, "at": t.hidden.at.isoformat(), "reason": t.hidden.reason},
        }
        for t in found
    ]
    if fmt == Format.json:
        print_json(items)
        return
    print_table(
        "Forum threads",
        ["id", "topic", "title", "author", "posts", "state"],
        [
            [
                i["id"],
                i["topic"],
                i["title"],
                i["author"],
                i["posts"],
                _state(i),
            ]
            for i in items
        ],
    )


def _state(item: Mapping[str, object]) -> str:
    parts = ["locked"] if item["locked"] else []
    hidden = item["hidden"]
    if isinstance(hidden, dict):
        parts.append(f"hidden by {hidden['by']}: {hidden['reason']}")
    return "; ".join(parts) or "open"


@app.command("hide")
def hide_command(
    thread: int | None = typer.Argument(None, help="The thread to hide."),
    post: int | None = typer.Option(None, "--post", help="Hide this post instead of a thread."),
    reason: str = typer.Option("", help="Why (shown to editors, kept in the audit trail)."),
    show: bool = typer.Option(False, "--show", help="Show it again instead (no reason needed)."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Hide a thread (or, with --post, one post) from all but editors, with a reason."""
    from ictfootprint.portal.forum import service
    from ictfootprint.store import Store

    store = Store.open(db)
    if post is not None:
        if show:
            service.unhide_post(store, post, moderator=True)
        else:
            service.hide_post(store, post, moderator=True, reason=reason)
        typer.echo(f"post {post} {'shown again' if show else 'hidden'}")
        return
    if thread is None:
        raise typer.BadParameter("give a thread id, or --post ID")
    if show:
        service.unhide_thread(store, thread, moderator=True)
    else:
        service.hide_thread(store, thread, moderator=True, reason=reason)
    typer.echo(f"thread {thread} {'shown again' if show else 'hidden'}")


@app.command("lock")
def lock_command(
    thread: int = typer.Argument(..., help="The thread to lock."),
    reason: str = typer.Option("", help="Why (kept in the audit trail)."),
    unlock: bool = typer.Option(False, "--unlock", help="Unlock it instead."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Lock a thread (no new replies or edits), or unlock it."""
    from ictfootprint.portal.forum import service
    from ictfootprint.store import Store

    store = Store.open(db)
    if unlock:
        service.unlock(store, thread, moderator=True)
    else:
        service.lock(store, thread, moderator=True, reason=reason)
    typer.echo(f"thread {thread} {'unlocked' if unlock else 'locked'}")
