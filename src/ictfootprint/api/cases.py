"""Case studies and best practices through the API: the public reads what is published; members
write their own (``can_post``), editors publish or return (``can_moderate``).

Every write goes through :mod:`ictfootprint.portal.cases` as the caller, so each step is in the
audit trail. Public reads are cached until the data changes; a signed-in caller's are private.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.cache import cached
from ictfootprint.api.downloads import attachment
from ictfootprint.api.problems import ApiError, responses
from ictfootprint.api.reads import Limit, Offset, next_url, page_limit
from ictfootprint.api.schemas import Time
from ictfootprint.api.security import Caller, Principal, SignedIn, can_moderate, can_post, forbid
from ictfootprint.api.writes import private, store_for
from ictfootprint.errors import NotFoundError
from ictfootprint.portal import cases
from ictfootprint.portal.attachments import MAX_BYTES, TYPES, clean_name, sniff
from ictfootprint.portal.cases import Case, CaseContent, NotYours, TooManyPosts
from ictfootprint.store import Store

router = APIRouter(prefix="/api/v1", tags=["knowledge exchange"])
JSON: Final = "application/json"
CaseId = Annotated[
    str,
    Path(min_length=12, max_length=12, pattern=cases.PUBLIC_ID, description="The case's id."),
]
LangQuery = Annotated[str | None, Query(pattern="^(ar|en|es|fr|ru|zh)$")]


class VersionOut(BaseModel):
    lang: str
    revision: int
    content: CaseContent
    created_at: Time
    created_by: str


class AttachmentOut(BaseModel):
    id: int
    name: str
    media_type: str
    size: int
    sha256: str
    url: str


class CaseOut(BaseModel):
    """A case study: what the public sees (``published``), and for its author and editors its
    workflow status and newest versions (``latest``)."""

    id: str
    author: str
    illustrative: bool
    status: str | None = None
    comment: str | None = None
    published_at: Time | None = None
    published: dict[str, VersionOut]
    latest: dict[str, VersionOut] | None = None
    attachments: list[AttachmentOut]


class CasePage(BaseModel):
    total: int
    limit: int
    offset: int
    next: str | None
    items: list[CaseOut]


class ReturnIn(BaseModel):
    comment: str = Field(min_length=1, max_length=4000)


class PublishIn(BaseModel):
    comment: str | None = Field(default=None, max_length=4000)


def may_see_draft(who: Principal, case: Case) -> bool:
    """A case's unpublished versions and status: its author and the editors."""
    return (not who.is_public and case.author == who.name) or can_moderate(who)


def case_out(case: Case, who: Principal) -> CaseOut:
    def versions(found: dict[str, cases.Version]) -> dict[str, VersionOut]:
        return {
            lang: VersionOut(
                lang=v.lang,
                revision=v.revision,
                content=v.content,
                created_at=v.created_at,
                created_by=v.created_by,
            )
            for lang, v in found.items()
        }

    inside = may_see_draft(who, case)
    return CaseOut(
        id=case.id,
        author=case.author,
        illustrative=case.illustrative,
        status=case.status if inside else None,
        comment=case.comment if inside else None,
        published_at=case.published_at,
        published=versions(case.published),
        latest=versions(case.latest) if inside else None,
        attachments=[
            AttachmentOut(
                id=a.id,
                name=a.name,
                media_type=a.media_type,
                size=a.size,
                sha256=a.sha256,
                url=f"/api/v1/cases/{case.id}/attachments/{a.id}",
            )
            for a in case.attachments
        ],
    )


def visible_case(store: Store, who: Principal, case_id: str) -> Case:
    """The case if the caller may see it (published, or theirs, or an editor); else 404."""
    with store.engine.connect() as connection:
        try:
            case = cases.get(connection, case_id)
        except NotFoundError:
            case = None
    if case is None or not (case.is_public or may_see_draft(who, case)):
        raise NotFoundError(f"no case study {case_id}")
    return case


def acting(request: Request, who: Principal) -> Store:
    return store_for(request, who)


def portal_errors(call: Any) -> Any:
    """The portal's own refusals in the API's shape (403 not yours, 429 too many)."""
    try:
        return call()
    except NotYours as error:
        raise forbid(str(error)) from None
    except TooManyPosts as error:
        raise ApiError(429, str(error), headers={"Retry-After": "3600"}) from None


def _poster(who: Principal) -> None:
    if not can_post(who):
        raise forbid("this role may not write in the knowledge exchange")


def _editor(who: Principal) -> None:
    if not can_moderate(who):
        raise forbid("only an editor publishes or returns case studies")


@router.get("/cases", response_model=CasePage, responses=responses(400))
async def list_cases(
    request: Request, lang: LangQuery = None, limit: Limit = None, offset: Offset = 0
) -> Response:
    """Published case studies, newest first (``lang``: only those with a text in it)."""
    size = page_limit(request, limit)

    def render() -> tuple[bytes, str]:
        store: Store = request.app.state.store
        with store.engine.connect() as connection:
            total, page = cases.listing(
                connection, public=True, lang=lang, limit=size, offset=offset
            )
        body = CasePage(
            total=total,
            limit=size,
            offset=offset,
            next=next_url(request, total, size, offset),
            items=[case_out(c, Principal()) for c in page],
        )
        return body.model_dump_json().encode(), JSON

    return await cached(request, render)


@router.get("/cases/queue", response_model=CasePage, responses=responses(400, 401, 403))
async def review_queue(
    request: Request, who: SignedIn, limit: Limit = None, offset: Offset = 0
) -> Response:
    """The editors' queue: case studies in review, newest first."""
    _editor(who)
    size = page_limit(request, limit)

    def read() -> CasePage:
        with request.app.state.store.engine.connect() as connection:
            total, page = cases.listing(connection, status="review", limit=size, offset=offset)
        return CasePage(
            total=total,
            limit=size,
            offset=offset,
            next=next_url(request, total, size, offset),
            items=[case_out(c, who) for c in page],
        )

    return private(await run_in_threadpool(read))


@router.get("/cases/mine", response_model=CasePage, responses=responses(400, 401))
async def my_cases(
    request: Request, who: SignedIn, limit: Limit = None, offset: Offset = 0
) -> Response:
    """The caller's own case studies, in every status, newest first."""
    size = page_limit(request, limit)

    def read() -> CasePage:
        with request.app.state.store.engine.connect() as connection:
            total, page = cases.listing(connection, author=who.name, limit=size, offset=offset)
        return CasePage(
            total=total,
            limit=size,
            offset=offset,
            next=next_url(request, total, size, offset),
            items=[case_out(c, who) for c in page],
        )

    return private(await run_in_threadpool(read))


@router.get("/cases/{case_id}", response_model=CaseOut, responses=responses(404))
async def one_case(request: Request, case_id: CaseId, who: Caller) -> Response:
    """A case study: the published text for everyone; with its status and newest versions for
    its author and the editors. 404 for a case never published, to anyone else."""
    store: Store = request.app.state.store
    if who.is_public:
        return await cached(
            request,
            lambda: (
                case_out(visible_case(store, who, case_id), who).model_dump_json().encode(),
                JSON,
            ),
        )
    case = await run_in_threadpool(visible_case, store, who, case_id)
    return private(case_out(case, who))


@router.post(
    "/cases", response_model=CaseOut, status_code=201, responses=responses(400, 401, 403, 429)
)
async def create_case(request: Request, who: SignedIn, content: CaseContent) -> Response:
    """Write a new case study (a draft, in ``content.lang``); submit it for review next."""
    _poster(who)
    store = acting(request, who)

    def write() -> CaseOut:
        case_id = portal_errors(lambda: cases.create(store, who.name, content))
        return case_out(visible_case(store, who, case_id), who)

    return private(await run_in_threadpool(write), 201)


@router.post(
    "/cases/{case_id}/versions",
    response_model=CaseOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409, 429),
)
async def revise_case(
    request: Request, case_id: CaseId, who: SignedIn, content: CaseContent
) -> Response:
    """A new version of one's own case study in ``content.lang`` (another language: a
    translation). Earlier versions are kept. Not while the case is in review (409)."""
    _poster(who)
    store = acting(request, who)

    def write() -> CaseOut:
        visible_case(store, who, case_id)
        portal_errors(lambda: cases.revise(store, case_id, who.name, content))
        return case_out(visible_case(store, who, case_id), who)

    return private(await run_in_threadpool(write), 201)


@router.post(
    "/cases/{case_id}/submit", response_model=CaseOut, responses=responses(401, 403, 404, 409)
)
async def submit_case(request: Request, case_id: CaseId, who: SignedIn) -> Response:
    """Send one's own draft (or returned case study) to the editors."""
    _poster(who)
    store = acting(request, who)

    def write() -> CaseOut:
        visible_case(store, who, case_id)
        portal_errors(lambda: cases.submit(store, case_id, who.name))
        return case_out(visible_case(store, who, case_id), who)

    return private(await run_in_threadpool(write))


@router.post(
    "/cases/{case_id}/publish", response_model=CaseOut, responses=responses(401, 403, 404, 409)
)
async def publish_case(
    request: Request, case_id: CaseId, who: SignedIn, body: PublishIn | None = None
) -> Response:
    """Publish a case study in review (editors): its newest versions become public and
    searchable."""
    _editor(who)
    store = acting(request, who)

    def write() -> CaseOut:
        cases.publish(store, case_id, who.name, body.comment if body else None)
        return case_out(visible_case(store, who, case_id), who)

    return private(await run_in_threadpool(write))


@router.post(
    "/cases/{case_id}/return",
    response_model=CaseOut,
    responses=responses(400, 401, 403, 404, 409),
)
async def return_case(request: Request, case_id: CaseId, who: SignedIn, body: ReturnIn) -> Response:
    """Return a case study in review to its author with comments (editors)."""
    _editor(who)
    store = acting(request, who)

    def write() -> CaseOut:
        cases.return_to_author(store, case_id, who.name, body.comment)
        return case_out(visible_case(store, who, case_id), who)

    return private(await run_in_threadpool(write))


@router.post(
    "/cases/{case_id}/attachments",
    response_model=AttachmentOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 413, 429),
)
async def attach(
    request: Request, case_id: CaseId, who: SignedIn, file: Annotated[UploadFile, File()]
) -> Response:
    """Attach a file to one's own case study: PDF, PNG, JPEG, plain text or CSV, typed by its
    content (not its name), at most 5 MB; no SVG, HTML or file carrying markup."""
    _poster(who)
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ApiError(413, f"attachment larger than {MAX_BYTES // (1024 * 1024)} MB", field="file")
    name = clean_name(file.filename)
    store = acting(request, who)

    def write() -> AttachmentOut:
        visible_case(store, who, case_id)
        media_type = sniff(name, data)
        number = portal_errors(
            lambda: cases.add_attachment(store, case_id, who.name, name, data, media_type)
        )
        found = next(a for a in visible_case(store, who, case_id).attachments if a.id == number)
        return AttachmentOut(
            id=found.id,
            name=found.name,
            media_type=found.media_type,
            size=found.size,
            sha256=found.sha256,
            url=f"/api/v1/cases/{case_id}/attachments/{found.id}",
        )

    return private(await run_in_threadpool(write), 201)


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    responses={
        200: {"content": {media_type: {} for media_type in TYPES}, "description": "The file."},
        **responses(404),
    },
)
async def download_attachment(
    request: Request,
    case_id: CaseId,
    who: Caller,
    attachment_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """An attachment as a download (never shown inline), with the type found in its content."""
    store: Store = request.app.state.store

    def read() -> tuple[cases.Attachment, bytes]:
        visible_case(store, who, case_id)
        with store.engine.connect() as connection:
            return cases.attachment_content(connection, case_id, attachment_id)

    info, data = await run_in_threadpool(read)
    return Response(data, media_type=info.media_type, headers=download_headers(info.name, who))


def download_headers(name: str, who: Principal) -> dict[str, str]:
    return {
        "Content-Disposition": attachment(name, "attachment"),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "public, max-age=60" if who.is_public else "private, no-store",
    }
