"""The forum's pages: ``/{lang}/forum`` (topics, threads, a form to start one) and
``/{lang}/forum/{thread}`` (its posts, a reply form, follow, and editors' moderation), an edit
page for one's own post, and the Atom feed of new threads (``/feeds/threads.atom``).

The rules are the API's (``api/forum.py``, ``portal/forum/service.py``): anyone reads what is
not hidden; a signed-in user posts, follows and edits their own posts; editors hide with a
reason and lock, and see what is hidden as "hidden by a moderator: reason". Members' Markdown
is rendered and sanitised by ``portal.markdown``; the pages' Content-Security-Policy allows no
inline script besides. Every form carries the session's CSRF value. A visitor's page is cached
briefly; a signed-in user's is ``private, no-store``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final
from xml.sax.saxutils import escape as _escape

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ictfootprint import __version__
from ictfootprint.api.cache import cached
from ictfootprint.api.forum import PostId, ThreadId, translated
from ictfootprint.api.security import Principal, can_moderate
from ictfootprint.errors import InputError, Location
from ictfootprint.portal.forum import service
from ictfootprint.portal.forum.topics import topics
from ictfootprint.portal.markdown import MAX_CHARS, plain, render
from ictfootprint.store import forum as rows
from ictfootprint.web import session
from ictfootprint.web.pages import Lang, names
from ictfootprint.web.render import HTML, PAGE_HEADERS, here, html
from ictfootprint.web.work import PRIVATE, CsrfField, acting, private_page, required_user

router = APIRouter(include_in_schema=False)
PAGE_SIZE: Final = 50
FEED_SIZE: Final = 50
Body = Annotated[str, Form(max_length=MAX_CHARS)]
Short = Annotated[str, Form(max_length=2000)]
Code = Annotated[str, Form(max_length=64)]
TopicQuery = Annotated[str, Query(max_length=40, pattern=r"^[a-z0-9_-]*$")]
Before = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
THREAD_ACTIONS: Final = ("hide", "unhide", "lock", "unlock")


def _page(
    request: Request, lang: str, who: Principal | None, template: str, **context: Any
) -> Response:
    if who is not None:
        return private_page(request, lang, template, section="forum", who=who, **context)
    body = html(template, lang, here(request), section="forum", who=None, **names(lang), **context)
    return Response(
        body, media_type=HTML, headers={**PAGE_HEADERS, "Cache-Control": "public, max-age=30"}
    )


@router.get("/{lang:lang}/forum")
async def forum_page(
    request: Request, lang: Lang, topic: TopicQuery = "", before: Before = None
) -> Response:
    who = await session.signed_in_user(request)
    moderator = who is not None and can_moderate(who)
    chosen = topic if topic in topics() else None

    def load() -> dict[str, Any]:
        with request.app.state.store.engine.connect() as connection:
            found = rows.list_threads(
                connection,
                with_hidden=moderator,
                topic=chosen,
                before_id=before,
                limit=PAGE_SIZE + 1,
            )
        return {
            "threads": found[:PAGE_SIZE],
            "more": found[PAGE_SIZE - 1].id if len(found) > PAGE_SIZE else None,
        }

    context = await run_in_threadpool(load)
    return _page(
        request,
        lang,
        who,
        "forum.html",
        topics=list(topics().values()),
        topic_names={t.id: t.name(lang) for t in topics().values()},
        topic=chosen,
        moderator=moderator,
        **context,
    )


@router.post("/{lang:lang}/forum")
async def start_thread(
    request: Request,
    lang: Lang,
    topic: Code,
    title: Short,
    body: Body,
    country: Code = "",
    indicator: Code = "",
    csrf: CsrfField = "",
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)

    def write() -> int:
        with translated():
            thread = service.start_thread(
                acting(request, who),
                user=who.name,
                topic=topic,
                title=title,
                body=body,
                lang=lang,
                country=country or None,
                indicator=indicator or None,
            )
        return thread.id

    thread_id = await run_in_threadpool(write)
    return RedirectResponse(f"/{lang}/forum/{thread_id}", status_code=303, headers=PRIVATE)


@router.get("/{lang:lang}/forum/{thread_id}")
async def thread_page(request: Request, lang: Lang, thread_id: ThreadId) -> Response:
    who = await session.signed_in_user(request)
    moderator = who is not None and can_moderate(who)

    def load() -> dict[str, Any]:
        store = request.app.state.store
        with store.engine.connect() as connection:
            thread = rows.get_thread(connection, thread_id, with_hidden=moderator)
            posts = rows.list_posts(connection, thread_id, with_hidden=moderator, limit=10_000)
            following = who is not None and rows.is_following(connection, thread_id, who.name)
        return {
            "thread": thread,
            "posts": [(p, render(p.body)) for p in posts],
            "following": following,
        }

    context = await run_in_threadpool(load)
    return _page(
        request,
        lang,
        who,
        "forum_thread.html",
        topic=topics()[context["thread"].topic],
        moderator=moderator,
        **context,
    )


@router.post("/{lang:lang}/forum/{thread_id}/reply")
async def reply(
    request: Request, lang: Lang, thread_id: ThreadId, body: Body, csrf: CsrfField = ""
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    base = str(request.base_url)

    def write() -> int:
        with translated():
            post = service.reply(
                acting(request, who),
                thread_id,
                user=who.name,
                body=body,
                moderator=can_moderate(who),
                base_url=base,
            )
        return post.id

    post_id = await run_in_threadpool(write)
    return RedirectResponse(
        f"/{lang}/forum/{thread_id}#post-{post_id}", status_code=303, headers=PRIVATE
    )


@router.post("/{lang:lang}/forum/{thread_id}/follow")
async def follow(
    request: Request,
    lang: Lang,
    thread_id: ThreadId,
    csrf: CsrfField = "",
    stop: str = Form("", max_length=3),
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    store = acting(request, who)
    if stop:
        await run_in_threadpool(lambda: service.unfollow(store, thread_id, user=who.name))
    else:
        moderator = can_moderate(who)
        await run_in_threadpool(
            lambda: service.follow(store, thread_id, user=who.name, moderator=moderator)
        )
    return RedirectResponse(f"/{lang}/forum/{thread_id}", status_code=303, headers=PRIVATE)


@router.post("/{lang:lang}/forum/{thread_id}/moderate")
async def moderate_thread(
    request: Request,
    lang: Lang,
    thread_id: ThreadId,
    action: Annotated[str, Form(max_length=10)],
    reason: Short = "",
    csrf: CsrfField = "",
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    if action not in THREAD_ACTIONS:
        raise InputError(
            "unknown action",
            Location(field="action"),
            expected=", ".join(THREAD_ACTIONS),
            found=action,
        )
    store, moderator = acting(request, who), can_moderate(who)

    def write() -> None:
        with translated():
            if action == "hide":
                service.hide_thread(store, thread_id, moderator=moderator, reason=reason)
            elif action == "unhide":
                service.unhide_thread(store, thread_id, moderator=moderator)
            elif action == "lock":
                service.lock(store, thread_id, moderator=moderator, reason=reason)
            else:
                service.unlock(store, thread_id, moderator=moderator)

    await run_in_threadpool(write)
    return RedirectResponse(f"/{lang}/forum/{thread_id}", status_code=303, headers=PRIVATE)


@router.post("/{lang:lang}/forum/posts/{post_id}/moderate")
async def moderate_post(
    request: Request,
    lang: Lang,
    post_id: PostId,
    action: Annotated[str, Form(max_length=10)],
    reason: Short = "",
    csrf: CsrfField = "",
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    if action not in ("hide", "unhide"):
        raise InputError(
            "unknown action", Location(field="action"), expected="hide, unhide", found=action
        )
    store, moderator = acting(request, who), can_moderate(who)

    def write() -> int:
        with translated():
            if action == "hide":
                post = service.hide_post(store, post_id, moderator=moderator, reason=reason)
            else:
                post = service.unhide_post(store, post_id, moderator=moderator)
        return post.thread_id

    thread_id = await run_in_threadpool(write)
    return RedirectResponse(
        f"/{lang}/forum/{thread_id}#post-{post_id}", status_code=303, headers=PRIVATE
    )


@router.get("/{lang:lang}/forum/posts/{post_id}/edit")
async def edit_form(request: Request, lang: Lang, post_id: PostId) -> Response:
    who = await required_user(request)
    store = request.app.state.store
    post = await run_in_threadpool(
        lambda: service.visible_post(store, post_id, moderator=can_moderate(who))
    )
    if post.author != who.name:
        with translated():
            raise service.Forbidden("only its author may edit a post")
    return private_page(request, lang, "forum_edit.html", section="forum", who=who, post=post)


@router.post("/{lang:lang}/forum/posts/{post_id}/edit")
async def edit(
    request: Request, lang: Lang, post_id: PostId, body: Body, csrf: CsrfField = ""
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)

    def write() -> int:
        store = acting(request, who)
        with translated():
            service.visible_post(store, post_id, moderator=can_moderate(who))
            post = service.edit(store, post_id, user=who.name, body=body)
        return post.thread_id

    thread_id = await run_in_threadpool(write)
    return RedirectResponse(
        f"/{lang}/forum/{thread_id}#post-{post_id}", status_code=303, headers=PRIVATE
    )


def escape(text: str) -> str:
    """Text for XML content and double-quoted attributes."""
    return _escape(text, {'"': "&quot;"})


# the Atom feed --------------------------------------------------------------------------------
@router.get("/feeds/threads.atom")
async def threads_feed(request: Request) -> Response:
    """The newest threads (not hidden), newest first, as an Atom feed (RFC 4287)."""

    def render_feed() -> tuple[bytes, str]:
        store = request.app.state.store
        with store.engine.connect() as connection:
            found = rows.list_threads(connection, limit=FEED_SIZE)
            openings = {t.id: rows.first_post(connection, t.id) for t in found}
        return atom(str(request.base_url), found, openings), "application/atom+xml; charset=utf-8"

    return await cached(request, render_feed, max_age=300)


def atom(base_url: str, threads: list[rows.Thread], openings: dict[int, rows.Post]) -> bytes:
    base = base_url.rstrip("/")
    updated = max((t.created_at for t in threads), default=datetime(2026, 1, 1).astimezone())
    entries = []
    for thread in threads:
        link = f"{base}/{thread.lang}/forum/{thread.id}"
        summary = plain(openings[thread.id].body)[:500]
        entries.append(
            "<entry>"
            f"<id>{escape(link)}</id>"
            f"<title>{escape(thread.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{escape(link)}" '
            f'hreflang="{thread.lang}"/>'
            f"<updated>{thread.created_at.isoformat()}</updated>"
            f"<published>{thread.created_at.isoformat()}</published>"
            f"<author><name>{escape(thread.author)}</name></author>"
            f'<category term="{escape(thread.topic)}"/>'
            f'<summary type="text">{escape(summary)}</summary>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base)}/feeds/threads.atom</id>"
        "<title>ictfootprint: new forum threads</title>"
        f'<link rel="self" href="{escape(base)}/feeds/threads.atom"/>'
        f'<link rel="alternate" type="text/html" href="{escape(base)}/en/forum"/>'
        f"<updated>{updated.isoformat()}</updated>"
        f'<generator version="{__version__}">ictfootprint</generator>'
        + "".join(entries)
        + "</feed>\n"
    ).encode("utf-8")
