"""The forum's rules: what a thread or a post must be, who may write, edit, hide and lock, how
fast one may post, and what else happens in the same transaction (the audit row, the search
index, the e-mail to followers).

The callers (API, web pages, CLI) say who acts (``user``: the author's name) and whether they
moderate (``moderator``: ``api.security.can_moderate``); nothing here reads a request. Every
write leaves an audit row, so a cached public read knows the forum changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import Connection

from ictfootprint.errors import ConflictError, IctFootprintError, InputError, Location
from ictfootprint.portal.forum import index, notify
from ictfootprint.portal.forum.topics import topic as known_topic
from ictfootprint.portal.markdown import MAX_CHARS
from ictfootprint.reference.catalogue import LANGUAGES, catalogue
from ictfootprint.reference.countries import countries
from ictfootprint.store import forum as rows
from ictfootprint.store.database import Database, now
from ictfootprint.store.forum import Post, Revision, Thread

TITLE_CHARS: Final = 200
REASON_CHARS: Final = 2000
CASE_STUDY: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Forbidden(IctFootprintError):
    """The caller may not do this (another member's post, moderation by a member): 403."""


class TooFast(IctFootprintError):
    """The caller posted too often lately (429); ``retry_after`` seconds until one more."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateLimit:
    """At most ``posts`` posts (threads and replies) by one member in ``window``."""

    posts: int = 10
    window: timedelta = timedelta(minutes=10)

    def check(self, connection: Connection, user: str) -> None:
        at = now()
        recent = rows.posts_since(connection, user, at - self.window)
        if len(recent) >= self.posts:
            wait = max(1, int((recent[-self.posts] + self.window - at).total_seconds()) + 1)
            minutes = int(self.window.total_seconds() // 60)
            raise TooFast(
                f"too many posts: at most {self.posts} in {minutes} minutes; "
                f"try again in {wait} seconds",
                wait,
            )


RATE: Final = RateLimit()


# writing --------------------------------------------------------------------------------------
def start_thread(
    database: Database,
    *,
    user: str,
    topic: str,
    title: str,
    body: str,
    lang: str = "en",
    case_study: str | None = None,
    country: str | None = None,
    indicator: str | None = None,
    rate: RateLimit = RATE,
) -> Thread:
    """A new thread with its opening post; its author follows it."""
    known_topic(topic)
    values: dict[str, Any] = {
        "topic": topic,
        "title": _title(title),
        "lang": _lang(lang),
        "case_study": _case_study(case_study),
        "country": _country(country),
        "indicator": _indicator(indicator),
        "body": _body(body),
    }
    with database.transaction() as connection:
        rate.check(connection, user)
        thread_id, post_id = rows.add_thread(connection, author=user, **values)
        rows.follow(connection, thread_id, user)
        thread = rows.get_thread(connection, thread_id)
        index.thread_document(connection, thread, rows.get_post(connection, post_id))
        database.audit(
            connection,
            "forum-thread",
            "forum_thread",
            str(thread_id),
            {k: v for k, v in values.items() if k != "body"} | {"post": post_id},
        )
    return thread


def reply(
    database: Database,
    thread_id: int,
    *,
    user: str,
    body: str,
    moderator: bool = False,
    base_url: str = "",
    rate: RateLimit = RATE,
) -> Post:
    """A reply to an open thread; its author follows the thread; every other follower gets an
    e-mail (queued in the same transaction, once)."""
    text = _body(body)
    with database.transaction() as connection:
        thread = rows.get_thread(connection, thread_id, with_hidden=moderator)
        if thread.locked:
            raise ConflictError("this thread is locked: no new replies", Location(field="thread"))
        if thread.hidden is not None:
            raise ConflictError("this thread is hidden: no new replies", Location(field="thread"))
        rate.check(connection, user)
        post_id = rows.add_post(connection, thread_id, author=user, body=text)
        post = rows.get_post(connection, post_id)
        rows.follow(connection, thread_id, user)
        index.post_document(connection, thread, post)
        queued = notify.reply(connection, thread, post, base_url)
        database.audit(
            connection,
            "forum-reply",
            "forum_post",
            str(post_id),
            {"thread": thread_id, "notified": queued},
        )
    return post


def edit(database: Database, post_id: int, *, user: str, body: str) -> Post:
    """A new revision of the caller's own post (the earlier ones are kept)."""
    text = _body(body)
    with database.transaction() as connection:
        post = rows.get_post(connection, post_id)
        thread = rows.get_thread(connection, post.thread_id, with_hidden=True)
        if post.author != user:
            raise Forbidden("only its author may edit a post")
        if post.hidden is not None or thread.hidden is not None:
            raise ConflictError("a hidden post cannot be edited", Location(field="post"))
        if thread.locked:
            raise ConflictError("this thread is locked: its posts cannot be edited", Location())
        number = rows.revise_post(connection, post_id, author=user, body=text)
        post = rows.get_post(connection, post_id)
        opening = rows.first_post(connection, thread.id).id == post_id
        if opening:
            index.thread_document(connection, thread, post)
        else:
            index.post_document(connection, thread, post)
        database.audit(connection, "forum-edit", "forum_post", str(post_id), {"revision": number})
    return post


# moderating -----------------------------------------------------------------------------------
def hide_thread(database: Database, thread_id: int, *, moderator: bool, reason: str) -> Thread:
    """Hide a thread and everything in it from all but editors, with a reason."""
    why = _reason(reason)
    return _moderate_thread(
        database,
        thread_id,
        moderator,
        "forum-hide",
        {"hidden_at": now(), "hidden_by": database.actor, "hidden_reason": why},
        {"reason": why},
    )


def unhide_thread(database: Database, thread_id: int, *, moderator: bool) -> Thread:
    return _moderate_thread(
        database,
        thread_id,
        moderator,
        "forum-unhide",
        {"hidden_at": None, "hidden_by": None, "hidden_reason": None},
        {},
    )


def lock(database: Database, thread_id: int, *, moderator: bool, reason: str = "") -> Thread:
    """No new replies (nor edits) in this thread until unlocked."""
    values = {"locked_at": now(), "locked_by": database.actor}
    detail = {"reason": _one_line(reason)[:REASON_CHARS]} if reason.strip() else {}
    return _moderate_thread(database, thread_id, moderator, "forum-lock", values, detail)


def unlock(database: Database, thread_id: int, *, moderator: bool) -> Thread:
    values = {"locked_at": None, "locked_by": None}
    return _moderate_thread(database, thread_id, moderator, "forum-unlock", values, {})


def _moderate_thread(
    database: Database,
    thread_id: int,
    moderator: bool,
    action: str,
    values: Mapping[str, object],
    detail: dict[str, str],
) -> Thread:
    if not moderator:
        raise Forbidden("only an editor moderates the forum")
    with database.transaction() as connection:
        rows.get_thread(connection, thread_id, with_hidden=True)
        rows.set_thread(connection, thread_id, **values)
        thread = rows.get_thread(connection, thread_id, with_hidden=True)
        if action in ("forum-hide", "forum-unhide"):
            index.whole_thread(connection, thread)
        database.audit(connection, action, "forum_thread", str(thread_id), detail)
    return thread


def hide_post(database: Database, post_id: int, *, moderator: bool, reason: str) -> Post:
    """Hide one post from all but editors, with a reason (hiding a thread's opening post
    hides the thread's text: hide the thread for that)."""
    why = _reason(reason)
    values = {"hidden_at": now(), "hidden_by": database.actor, "hidden_reason": why}
    return _moderate_post(database, post_id, moderator, "forum-hide", values, {"reason": why})


def unhide_post(database: Database, post_id: int, *, moderator: bool) -> Post:
    values = {"hidden_at": None, "hidden_by": None, "hidden_reason": None}
    return _moderate_post(database, post_id, moderator, "forum-unhide", values, {})


def _moderate_post(
    database: Database,
    post_id: int,
    moderator: bool,
    action: str,
    values: Mapping[str, object],
    detail: dict[str, str],
) -> Post:
    if not moderator:
        raise Forbidden("only an editor moderates the forum")
    with database.transaction() as connection:
        post = rows.get_post(connection, post_id)
        rows.set_post(connection, post_id, **values)
        thread = rows.get_thread(connection, post.thread_id, with_hidden=True)
        index.whole_thread(connection, thread)
        database.audit(
            connection, action, "forum_post", str(post_id), detail | {"thread": thread.id}
        )
        return rows.get_post(connection, post_id)


# following ------------------------------------------------------------------------------------
def follow(database: Database, thread_id: int, *, user: str, moderator: bool = False) -> bool:
    with database.transaction() as connection:
        rows.get_thread(connection, thread_id, with_hidden=moderator)
        changed = rows.follow(connection, thread_id, user)
        if changed:
            database.audit(connection, "forum-follow", "forum_thread", str(thread_id), {})
    return changed


def unfollow(database: Database, thread_id: int, *, user: str, moderator: bool = False) -> bool:
    with database.transaction() as connection:
        rows.get_thread(connection, thread_id, with_hidden=True)
        changed = rows.unfollow(connection, thread_id, user)
        if changed:
            database.audit(connection, "forum-unfollow", "forum_thread", str(thread_id), {})
    return changed


# reading --------------------------------------------------------------------------------------
def thread(database: Database, thread_id: int, *, moderator: bool = False) -> Thread:
    """A thread (a hidden one only for editors: for the others it does not exist)."""
    with database.engine.connect() as connection:
        return rows.get_thread(connection, thread_id, with_hidden=moderator)


def visible_post(database: Database, post_id: int, *, moderator: bool = False) -> Post:
    """A post the caller may see (hidden, or in a hidden thread: editors only)."""
    with database.engine.connect() as connection:
        post = rows.get_post(connection, post_id)
        rows.get_thread(connection, post.thread_id, with_hidden=moderator)
    if post.hidden is not None and not moderator:
        from ictfootprint.errors import NotFoundError

        raise NotFoundError(f"no post {post_id}")
    return post


def revisions(database: Database, post_id: int, *, moderator: bool = False) -> list[Revision]:
    visible_post(database, post_id, moderator=moderator)
    with database.engine.connect() as connection:
        return rows.revisions(connection, post_id)


def is_following(database: Database, thread_id: int, user: str) -> bool:
    with database.engine.connect() as connection:
        return rows.is_following(connection, thread_id, user)


# checks ---------------------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _title(title: str) -> str:
    text = _one_line(title)
    if not text or len(text) > TITLE_CHARS:
        raise InputError(
            "a thread needs a title",
            Location(field="title"),
            expected=f"1 to {TITLE_CHARS} characters",
            found=f"{len(text)} characters",
        )
    return text


def _body(body: str) -> str:
    text = _CONTROL.sub("", body).strip()
    if not text or len(text) > MAX_CHARS:
        raise InputError(
            "a post needs a text" if not text else "post too long",
            Location(field="body"),
            expected=f"1 to {MAX_CHARS} characters of Markdown",
            found=f"{len(text)} characters",
        )
    return text


def _reason(reason: str) -> str:
    text = _one_line(reason)
    if not text or len(text) > REASON_CHARS:
        raise InputError(
            "hiding needs a reason",
            Location(field="reason"),
            expected=f"1 to {REASON_CHARS} characters",
            found=f"{len(text)} characters",
        )
    return text


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(
            "unknown language", Location(field="lang"), expected=", ".join(LANGUAGES), found=lang
        )
    return lang


def _case_study(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if CASE_STUDY.fullmatch(value) is None:
        raise InputError(
            "not a case study's id",
            Location(field="case_study"),
            expected="a case study's id: 1 to 64 letters, digits, '.', '_' or '-'",
            found=value[:80],
        )
    return value


def _country(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    code = value.strip().upper()
    if code not in countries():
        raise InputError(
            "unknown country",
            Location(field="country"),
            expected="an ISO 3166-1 alpha-3 code such as FRA",
            found=value[:80],
        )
    return code


def _indicator(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value not in catalogue():
        raise InputError(
            "unknown indicator",
            Location(field="indicator"),
            expected="an indicator id of the catalogue (GET /api/v1/indicators)",
            found=value[:80],
        )
    return value
