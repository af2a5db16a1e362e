"""The forum's tables: threads, posts with their revisions, follows.

Only reads and writes of rows; the rules (who may, what is valid, rate limits, mail, search)
are in :mod:`ictfootprint.portal.forum.service`. A post's text is never overwritten: an edit is
a new row of ``forum_revisions`` (append-only, refused UPDATE and DELETE by triggers), and the
post's ``body`` column names its newest revision for reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from ictfootprint.errors import NotFoundError
from ictfootprint.store.database import now
from ictfootprint.store.schema import forum_follows, forum_posts, forum_revisions, forum_threads


@dataclass(frozen=True)
class Hidden:
    """A moderator hid this, when and why (shown to editors only)."""

    at: datetime
    by: str
    reason: str


@dataclass(frozen=True)
class Thread:
    id: int
    topic: str
    title: str
    lang: str
    author: str
    created_at: datetime
    last_post_at: datetime
    case_study: str | None
    country: str | None
    indicator: str | None
    locked_at: datetime | None
    locked_by: str | None
    hidden: Hidden | None
    posts: int = 0  # posts a reader sees (the opening one included)

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


@dataclass(frozen=True)
class Post:
    id: int
    thread_id: int
    author: str
    created_at: datetime
    edited_at: datetime | None
    body: str
    hidden: Hidden | None


@dataclass(frozen=True)
class Revision:
    post_id: int
    number: int
    body: str
    at: datetime
    author: str


# threads --------------------------------------------------------------------------------------
def add_thread(
    connection: Connection,
    *,
    topic: str,
    title: str,
    lang: str,
    author: str,
    case_study: str | None,
    country: str | None,
    indicator: str | None,
    body: str,
) -> tuple[int, int]:
    """A new thread and its opening post: (thread id, post id)."""
    at = now()
    key = connection.execute(
        insert(forum_threads).values(
            topic=topic,
            title=title,
            lang=lang,
            author=author,
            created_at=at,
            last_post_at=at,
            case_study=case_study,
            country=country,
            indicator=indicator,
        )
    ).inserted_primary_key
    assert key is not None
    thread_id = int(key[0])
    return thread_id, add_post(connection, thread_id, author=author, body=body, at=at)


def get_thread(connection: Connection, thread_id: int, *, with_hidden: bool = False) -> Thread:
    query = _thread_query(with_hidden).where(forum_threads.c.id == thread_id)
    row = connection.execute(query).first()
    if row is None or (row.hidden_at is not None and not with_hidden):
        raise NotFoundError(f"no thread {thread_id}")
    return _thread(row)


def list_threads(
    connection: Connection,
    *,
    with_hidden: bool = False,
    topic: str | None = None,
    country: str | None = None,
    indicator: str | None = None,
    case_study: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Thread]:
    """Threads, newest first (by id: a keyset ``before_id`` pages them)."""
    query = _thread_query(with_hidden)
    for column, wanted in (
        (forum_threads.c.topic, topic),
        (forum_threads.c.country, country),
        (forum_threads.c.indicator, indicator),
        (forum_threads.c.case_study, case_study),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    if not with_hidden:
        query = query.where(forum_threads.c.hidden_at.is_(None))
    if before_id is not None:
        query = query.where(forum_threads.c.id < before_id)
    rows = connection.execute(query.order_by(forum_threads.c.id.desc()).limit(limit))
    return [_thread(row) for row in rows]


def count_threads(connection: Connection, *, with_hidden: bool = False, **filters: Any) -> int:
    query = select(func.count()).select_from(forum_threads)
    for name, wanted in filters.items():
        if wanted is not None:
            query = query.where(forum_threads.c[name] == wanted)
    if not with_hidden:
        query = query.where(forum_threads.c.hidden_at.is_(None))
    return int(connection.execute(query).scalar_one())


def set_thread(connection: Connection, thread_id: int, **values: Any) -> None:
    connection.execute(
        update(forum_threads).where(forum_threads.c.id == thread_id).values(**values)
    )


def _thread_query(with_hidden: bool) -> Any:
    visible = forum_posts.c.thread_id == forum_threads.c.id
    if not with_hidden:
        visible = and_(visible, forum_posts.c.hidden_at.is_(None))
    posts = select(func.count()).where(visible).scalar_subquery()
    return select(forum_threads, posts.label("posts"))


# posts ----------------------------------------------------------------------------------------
def add_post(
    connection: Connection, thread_id: int, *, author: str, body: str, at: datetime | None = None
) -> int:
    at = at or now()
    key = connection.execute(
        insert(forum_posts).values(thread_id=thread_id, author=author, created_at=at, body=body)
    ).inserted_primary_key
    assert key is not None
    post_id = int(key[0])
    connection.execute(
        insert(forum_revisions).values(post_id=post_id, number=1, body=body, at=at, author=author)
    )
    set_thread(connection, thread_id, last_post_at=at)
    return post_id


def revise_post(connection: Connection, post_id: int, *, author: str, body: str) -> int:
    """A new revision of a post (the old ones stay); its number."""
    number = connection.execute(
        select(func.max(forum_revisions.c.number)).where(forum_revisions.c.post_id == post_id)
    ).scalar_one()
    at = now()
    revision = int(number or 0) + 1
    connection.execute(
        insert(forum_revisions).values(
            post_id=post_id, number=revision, body=body, at=at, author=author
        )
    )
    set_post(connection, post_id, body=body, edited_at=at)
    return revision


def get_post(connection: Connection, post_id: int) -> Post:
    row = connection.execute(select(forum_posts).where(forum_posts.c.id == post_id)).first()
    if row is None:
        raise NotFoundError(f"no post {post_id}")
    return _post(row)


def list_posts(
    connection: Connection,
    thread_id: int,
    *,
    with_hidden: bool = False,
    after_id: int | None = None,
    limit: int = 100,
) -> list[Post]:
    """A thread's posts, oldest first (a keyset ``after_id`` pages them)."""
    query = select(forum_posts).where(forum_posts.c.thread_id == thread_id)
    if not with_hidden:
        query = query.where(forum_posts.c.hidden_at.is_(None))
    if after_id is not None:
        query = query.where(forum_posts.c.id > after_id)
    rows = connection.execute(query.order_by(forum_posts.c.id).limit(limit))
    return [_post(row) for row in rows]


def first_post(connection: Connection, thread_id: int) -> Post:
    row = connection.execute(
        select(forum_posts)
        .where(forum_posts.c.thread_id == thread_id)
        .order_by(forum_posts.c.id)
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(f"no post in thread {thread_id}")
    return _post(row)


def set_post(connection: Connection, post_id: int, **values: Any) -> None:
    connection.execute(update(forum_posts).where(forum_posts.c.id == post_id).values(**values))


def revisions(connection: Connection, post_id: int) -> list[Revision]:
    rows = connection.execute(
        select(forum_revisions)
        .where(forum_revisions.c.post_id == post_id)
        .order_by(forum_revisions.c.number)
    )
    return [Revision(r.post_id, r.number, r.body, _utc(r.at), r.author) for r in rows]


def posts_since(connection: Connection, author: str, since: datetime) -> list[datetime]:
    """When ``author`` posted since ``since`` (the rate limit counts these), oldest first."""
    rows = connection.execute(
        select(forum_posts.c.created_at)
        .where(forum_posts.c.author == author, forum_posts.c.created_at >= since)
        .order_by(forum_posts.c.created_at)
    )
    return [_utc(at) for at in rows.scalars()]


# follows --------------------------------------------------------------------------------------
def follow(connection: Connection, thread_id: int, user_name: str) -> bool:
    """Follow a thread; False if already followed."""
    if is_following(connection, thread_id, user_name):
        return False
    connection.execute(
        insert(forum_follows).values(thread_id=thread_id, user_name=user_name, since=now())
    )
    return True


def unfollow(connection: Connection, thread_id: int, user_name: str) -> bool:
    gone = connection.execute(
        delete(forum_follows).where(
            forum_follows.c.thread_id == thread_id, forum_follows.c.user_name == user_name
        )
    )
    return bool(gone.rowcount)


def is_following(connection: Connection, thread_id: int, user_name: str) -> bool:
    row = connection.execute(
        select(forum_follows.c.since).where(
            forum_follows.c.thread_id == thread_id, forum_follows.c.user_name == user_name
        )
    ).first()
    return row is not None


def followers(connection: Connection, thread_id: int) -> Sequence[str]:
    rows = connection.execute(
        select(forum_follows.c.user_name)
        .where(forum_follows.c.thread_id == thread_id)
        .order_by(forum_follows.c.user_name)
    )
    return list(rows.scalars())


# rows -----------------------------------------------------------------------------------------
def _hidden(row: Any) -> Hidden | None:
    if row.hidden_at is None:
        return None
    return Hidden(_utc(row.hidden_at), row.hidden_by or "", row.hidden_reason or "")


def _thread(row: Any) -> Thread:
    return Thread(
        id=row.id,
        topic=row.topic,
        title=row.title,
        lang=row.lang,
        author=row.author,
        created_at=_utc(row.created_at),
        last_post_at=_utc(row.last_post_at),
        case_study=row.case_study,
        country=row.country,
        indicator=row.indicator,
        locked_at=_utc(row.locked_at) if row.locked_at is not None else None,
        locked_by=row.locked_by,
        hidden=_hidden(row),
        posts=int(row.posts),
    )


def _post(row: Any) -> Post:
    return Post(
        id=row.id,
        thread_id=row.thread_id,
        author=row.author,
        created_at=_utc(row.created_at),
        edited_at=_utc(row.edited_at) if row.edited_at is not None else None,
        body=row.body,
        hidden=_hidden(row),
    )


def _utc(value: datetime) -> datetime:
    # SQLite gives back naive datetimes; everything this package writes is UTC
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
