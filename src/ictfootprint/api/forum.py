"""The forum (issue 18): ``/api/v1/forum/topics``, ``…/threads``, ``…/posts``.

Anyone reads the threads and posts that are not hidden (cached like every public read); any
signed-in user starts threads, replies, follows, and edits their own posts (a new revision, the
old ones kept); editors and admins (``can_moderate``) hide threads and posts with a reason,
lock and unlock threads, and also see what is hidden, with who hid it and why. A hidden thread
or post is a 404 for everyone else, as if it did not exist. Posting too often is a 429 with
``Retry-After``. Bodies are members' Markdown: the ``html`` of a post is rendered and
sanitised (``portal.markdown``), safe to put in a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.cache import cached
from ictfootprint.api.cursor import opened, wrapped
from ictfootprint.api.problems import ApiError, responses
from ictfootprint.api.reads import Limit, cursor_url, page_limit
from ictfootprint.api.schemas import Page
from ictfootprint.api.security import Caller, Principal, SignedIn, can_moderate, principal
from ictfootprint.api.writes import PRIVATE, private, store_for
from ictfootprint.portal.forum import service
from ictfootprint.portal.forum.topics import topics
from ictfootprint.portal.markdown import MAX_CHARS, render
from ictfootprint.store import forum as rows
from ictfootprint.store.forum import Hidden, Post, Thread

router = APIRouter(prefix="/api/v1/forum", tags=["forum"], dependencies=[Depends(principal)])
MAX_AGE: Final = 30
ThreadId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The thread's id.")]
PostId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The post's id.")]
ForumCursor = Annotated[
    str,
    Query(
        max_length=40,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="Where the page starts: the cursor in the previous page's `next` link. "
        "Empty: the first page.",
    ),
]
_CURSOR: Final = re.compile(r"f1\|([0-9]{1,10})\|([0-9]{1,10})")
Filter = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TopicOut(Out):
    id: str
    names: dict[str, str] = Field(description="The topic's name in the six UN languages.")


class TopicPage(Page):
    items: list[TopicOut]


class HiddenOut(Out):
    at: str
    by: str
    reason: str


class ThreadOut(Out):
    id: int
    topic: str
    title: str
    lang: str = Field(description="The language the thread is written in.")
    author: str
    created_at: str
    last_post_at: str
    case_study: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-3.")
    indicator: str | None = Field(description="An indicator id of the catalogue.")
    locked: bool = Field(description="A locked thread takes no new replies.")
    posts: int = Field(description="Posts the caller sees, the opening one included.")
    hidden: HiddenOut | None = Field(description="Editors only: who hid it, when and why.")
    url: str = Field(description="The thread's page.")


class ThreadPage(Page):
    items: list[ThreadOut]


class PostOut(Out):
    id: int
    thread: int
    author: str
    created_at: str
    edited_at: str | None
    body: str = Field(description="The newest revision, as written (Markdown).")
    html: str = Field(description="The body rendered and sanitised: safe in a page.")
    hidden: HiddenOut | None = Field(description="Editors only: who hid it, when and why.")


class PostPage(Page):
    items: list[PostOut]


class RevisionOut(Out):
    number: int
    at: str
    author: str
    body: str


class RevisionList(Out):
    items: list[RevisionOut]


class ThreadIn(In):
    topic: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=service.TITLE_CHARS)
    body: str = Field(min_length=1, max_length=MAX_CHARS, description="Markdown.")
    lang: str = Field(default="en", pattern="^(ar|zh|en|fr|ru|es)$")
    case_study: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, max_length=3)
    indicator: str | None = Field(default=None, max_length=64)


class PostIn(In):
    body: str = Field(min_length=1, max_length=MAX_CHARS, description="Markdown.")


class ReasonIn(In):
    reason: str = Field(min_length=1, max_length=service.REASON_CHARS)


class LockIn(In):
    reason: str = Field(default="", max_length=service.REASON_CHARS)


class FollowOut(Out):
    thread: int
    following: bool


# shapes ---------------------------------------------------------------------------------------
def _hidden(hidden: Hidden | None) -> HiddenOut | None:
    if hidden is None:
        return None
    return HiddenOut(at=hidden.at.isoformat(), by=hidden.by, reason=hidden.reason)


def thread_out(thread: Thread) -> ThreadOut:
    return ThreadOut(
        id=thread.id,
        topic=thread.topic,
        title=thread.title,
        lang=thread.lang,
        author=thread.author,
        created_at=_when(thread.created_at),
        last_post_at=_when(thread.last_post_at),
        case_study=thread.case_study,
        country=thread.country,
        indicator=thread.indicator,
        locked=thread.locked,
        posts=thread.posts,
        hidden=_hidden(thread.hidden),
        url=f"/{thread.lang}/forum/{thread.id}",
    )


def post_out(post: Post) -> PostOut:
    return PostOut(
        id=post.id,
        thread=post.thread_id,
        author=post.author,
        created_at=_when(post.created_at),
        edited_at=_when(post.edited_at) if post.edited_at else None,
        body=post.body,
        html=str(render(post.body)),
        hidden=_hidden(post.hidden),
    )


def _when(at: datetime) -> str:
    return at.isoformat()


def _json(model: BaseModel) -> tuple[bytes, str]:
    return model.model_dump_json().encode(), "application/json"


@contextmanager
def translated() -> Iterator[None]:
    """The forum's refusals as the API's: another's post or a member moderating 403, posting
    too fast 429 with ``Retry-After``."""
    try:
        yield
    except service.Forbidden as error:
        raise ApiError(403, str(error)) from error
    except service.TooFast as error:
        raise ApiError(429, str(error), headers={"Retry-After": str(error.retry_after)}) from error


def encode(after_id: int, position: int) -> str:
    return wrapped("f1", after_id, position)


def decode(cursor: str) -> tuple[int | None, int]:
    """(the last id of the page before, the page's position); a cursor this server did not
    write is a 400 naming ``cursor``."""
    if not cursor:
        return None, 0
    found = opened(cursor, _CURSOR)
    return int(found.group(1)), int(found.group(2))


async def _read(request: Request, who: Principal, render_it: Any) -> Response:
    """The public's read is cached and shared; a signed-in caller's is private (an editor
    sees what is hidden)."""
    if who.is_public:
        return await cached(request, render_it, max_age=MAX_AGE)
    body, media_type = await run_in_threadpool(render_it)
    return Response(body, media_type=media_type, headers=PRIVATE)


# reads ----------------------------------------------------------------------------------------
@router.get("/topics", response_model=TopicPage, responses=responses(400))
async def list_topics(request: Request, limit: Limit = None) -> Response:
    """The forum's topics (a small fixed list), with their names in the six UN languages."""
    size = page_limit(request, limit)
    every = [TopicOut(id=t.id, names=t.names) for t in topics().values()]
    page = TopicPage(total=len(every), limit=size, offset=0, next=None, items=every[:size])
    return await cached(request, lambda: _json(page), max_age=3600)


@router.get("/threads", response_model=ThreadPage, responses=responses(400, 401))
async def list_threads(
    request: Request,
    who: Caller,
    topic: Filter = None,
    country: Filter = None,
    indicator: Filter = None,
    case_study: Filter = None,
    limit: Limit = None,
    cursor: ForumCursor = "",
) -> Response:
    """Threads, newest first, optionally of one topic, country, indicator or case study
    (hidden ones for editors only). Follow `next` (a cursor) to page through."""
    size = page_limit(request, limit)
    before, position = decode(cursor)
    moderator = can_moderate(who)
    filters = {"topic": topic, "country": country, "indicator": indicator}
    filters["case_study"] = case_study

    def render_page() -> tuple[bytes, str]:
        store = request.app.state.store
        with store.engine.connect() as connection:
            total = rows.count_threads(connection, with_hidden=moderator, **filters)
            found = rows.list_threads(
                connection, with_hidden=moderator, before_id=before, limit=size, **filters
            )
        more = position + len(found) < total and len(found) == size
        after = encode(found[-1].id, position + len(found)) if more else None
        return _json(
            ThreadPage(
                total=total,
                limit=size,
                offset=position,
                next=cursor_url(request, size, after),
                items=[thread_out(t) for t in found],
            )
        )

    return await _read(request, who, render_page)


@router.get("/threads/{thread_id}", response_model=ThreadOut, responses=responses(401, 404))
async def get_thread(request: Request, who: Caller, thread_id: ThreadId) -> Response:
    """One thread (a hidden one: editors only; for the others it does not exist)."""
    moderator = can_moderate(who)

    def render_it() -> tuple[bytes, str]:
        store = request.app.state.store
        return _json(thread_out(service.thread(store, thread_id, moderator=moderator)))

    return await _read(request, who, render_it)


@router.get(
    "/threads/{thread_id}/posts", response_model=PostPage, responses=responses(400, 401, 404)
)
async def list_posts(
    request: Request,
    who: Caller,
    thread_id: ThreadId,
    limit: Limit = None,
    cursor: ForumCursor = "",
) -> Response:
    """A thread's posts, oldest first, the opening post first (hidden ones: editors only,
    with who hid them and why). Follow `next` (a cursor) to page through."""
    size = page_limit(request, limit)
    after_id, position = decode(cursor)
    moderator = can_moderate(who)

    def render_page() -> tuple[bytes, str]:
        store = request.app.state.store
        with store.engine.connect() as connection:
            thread = rows.get_thread(connection, thread_id, with_hidden=moderator)
            found = rows.list_posts(
                connection, thread_id, with_hidden=moderator, after_id=after_id, limit=size
            )
        more = position + len(found) < thread.posts and len(found) == size
        after = encode(found[-1].id, position + len(found)) if more else None
        return _json(
            PostPage(
                total=thread.posts,
                limit=size,
                offset=position,
                next=cursor_url(request, size, after),
                items=[post_out(p) for p in found],
            )
        )

    return await _read(request, who, render_page)


@router.get(
    "/posts/{post_id}/revisions", response_model=RevisionList, responses=responses(401, 404)
)
async def list_revisions(request: Request, who: Caller, post_id: PostId) -> Response:
    """Every revision of a post, oldest first (edits never overwrite)."""
    found = await run_in_threadpool(
        service.revisions, request.app.state.store, post_id, moderator=can_moderate(who)
    )
    items = [
        RevisionOut(number=r.number, at=_when(r.at), author=r.author, body=r.body) for r in found
    ]
    return private(RevisionList(items=items))


# writes ---------------------------------------------------------------------------------------
@router.post(
    "/threads",
    response_model=ThreadOut,
    status_code=201,
    responses=responses(400, 401, 429),
)
def start_thread(request: Request, who: SignedIn, body: ThreadIn) -> Response:
    """Start a thread under a topic (optionally attached to a case study, a country or an
    indicator) with its opening post; its author follows it."""
    with translated():
        thread = service.start_thread(
            store_for(request, who),
            user=who.name,
            **body.model_dump(),
        )
    return private(thread_out(thread), 201, {"Location": f"/api/v1/forum/threads/{thread.id}"})


@router.post(
    "/threads/{thread_id}/posts",
    response_model=PostOut,
    status_code=201,
    responses=responses(400, 401, 404, 409, 429),
)
def add_post(request: Request, who: SignedIn, thread_id: ThreadId, body: PostIn) -> Response:
    """Reply to a thread (not to a locked one: 409); the thread's followers but the author
    get an e-mail, each in their language, none twice."""
    with translated():
        post = service.reply(
            store_for(request, who),
            thread_id,
            user=who.name,
            body=body.body,
            moderator=can_moderate(who),
            base_url=str(request.base_url),
        )
    return private(post_out(post), 201)


@router.put(
    "/posts/{post_id}", response_model=PostOut, responses=responses(400, 401, 403, 404, 409)
)
def edit_post(request: Request, who: SignedIn, post_id: PostId, body: PostIn) -> Response:
    """Edit one's own post: a new revision (the earlier ones are kept); another's is a 403."""
    with translated():
        service.visible_post(store_for(request, who), post_id, moderator=can_moderate(who))
        post = service.edit(
            store_for(request, who),
            post_id,
            user=who.name,
            body=body.body,
        )
    return private(post_out(post))


@router.put("/threads/{thread_id}/follow", response_model=FollowOut, responses=responses(401, 404))
def follow(request: Request, who: SignedIn, thread_id: ThreadId) -> Response:
    """Follow a thread: an e-mail at each reply (to the address of one's account)."""
    service.follow(store_for(request, who), thread_id, user=who.name, moderator=can_moderate(who))
    return private(FollowOut(thread=thread_id, following=True))


@router.delete(
    "/threads/{thread_id}/follow", response_model=FollowOut, responses=responses(401, 404)
)
def unfollow(request: Request, who: SignedIn, thread_id: ThreadId) -> Response:
    """Stop following a thread."""
    service.unfollow(store_for(request, who), thread_id, user=who.name)
    return private(FollowOut(thread=thread_id, following=False))


# moderation -----------------------------------------------------------------------------------
_MODERATION = responses(400, 401, 403, 404)


@router.post("/threads/{thread_id}/hide", response_model=ThreadOut, responses=_MODERATION)
def hide_thread(request: Request, who: SignedIn, thread_id: ThreadId, body: ReasonIn) -> Response:
    """Hide a thread and its posts from all but editors, with a reason (editors; audited)."""
    with translated():
        thread = service.hide_thread(
            store_for(request, who),
            thread_id,
            moderator=can_moderate(who),
            reason=body.reason,
        )
    return private(thread_out(thread))


@router.post("/threads/{thread_id}/unhide", response_model=ThreadOut, responses=_MODERATION)
def unhide_thread(request: Request, who: SignedIn, thread_id: ThreadId) -> Response:
    """Show a hidden thread again (editors; audited)."""
    with translated():
        thread = service.unhide_thread(
            store_for(request, who), thread_id, moderator=can_moderate(who)
        )
    return private(thread_out(thread))


@router.post("/threads/{thread_id}/lock", response_model=ThreadOut, responses=_MODERATION)
def lock_thread(request: Request, who: SignedIn, thread_id: ThreadId, body: LockIn) -> Response:
    """Lock a thread: no new replies or edits (editors; audited)."""
    with translated():
        thread = service.lock(
            store_for(request, who), thread_id, moderator=can_moderate(who), reason=body.reason
        )
    return private(thread_out(thread))


@router.post("/threads/{thread_id}/unlock", response_model=ThreadOut, responses=_MODERATION)
def unlock_thread(request: Request, who: SignedIn, thread_id: ThreadId) -> Response:
    """Unlock a thread (editors; audited)."""
    with translated():
        thread = service.unlock(store_for(request, who), thread_id, moderator=can_moderate(who))
    return private(thread_out(thread))


@router.post("/posts/{post_id}/hide", response_model=PostOut, responses=_MODERATION)
def hide_post(request: Request, who: SignedIn, post_id: PostId, body: ReasonIn) -> Response:
    """Hide a post from all but editors, with a reason (editors; audited)."""
    with translated():
        post = service.hide_post(
            store_for(request, who),
            post_id,
            moderator=can_moderate(who),
            reason=body.reason,
        )
    return private(post_out(post))


@router.post("/posts/{post_id}/unhide", response_model=PostOut, responses=_MODERATION)
def unhide_post(request: Request, who: SignedIn, post_id: PostId) -> Response:
    """Show a hidden post again (editors; audited)."""
    with translated():
        post = service.unhide_post(store_for(request, who), post_id, moderator=can_moderate(who))
    return private(post_out(post))
