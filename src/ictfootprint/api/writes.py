"""Signed-in work: submissions and their review, targets, the audit trail, who am I.

Every write goes through the store as the caller (``api:<user>``) from the caller's address,
so the audit trail says who, when, what and from where. Nothing here is cached: responses are
``Cache-Control: private, no-store``.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from pydantic import WithJsonSchema
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.downloads import attachment
from ictfootprint.api.problems import ApiError, responses
from ictfootprint.api.reads import Limit, Offset, next_url, page_limit
from ictfootprint.api.schemas import (
    AuditOut,
    AuditPage,
    MeOut,
    RejectIn,
    ReviewIn,
    ReviewOut,
    SubmissionOut,
    SubmissionPage,
    SubmitOut,
    TargetIn,
    TargetOut,
)
from ictfootprint.api.security import (
    Principal,
    SignedIn,
    can_read_audit,
    can_review,
    can_see_submissions_of,
    can_submit,
    can_write_targets,
    forbid,
)
from ictfootprint.errors import ConflictError, Location, NotFoundError
from ictfootprint.model import ENTITY_ID, Entity
from ictfootprint.store import Store
from ictfootprint.store.submissions import PUBLIC_ID, SubmissionRecord

router = APIRouter(prefix="/api/v1")
PRIVATE: Final = {"Cache-Control": "private, no-store"}
FILE_TYPES: Final = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMAT: Final = "^(csv|xlsx|json)$"
SubmissionId = Annotated[
    str,
    Path(
        min_length=12,
        max_length=12,
        pattern=PUBLIC_ID,
        description="The submission's public id (random, 12 characters).",
    ),
]
EntityId = Annotated[str, Path(min_length=1, max_length=64, pattern=ENTITY_ID)]


def store_for(request: Request, who: Principal, actor: str | None = None) -> Store:
    """The shared store, writing as the caller (``api:<user>`` unless ``actor`` says
    otherwise) from the caller's address."""
    client = request.client
    origin = f"{client.host}:{client.port}" if client else "unknown"
    store: Store = request.app.state.store
    return store.acting(actor or who.actor, origin)


def private(model: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        model.model_dump_json().encode(),
        status_code=status_code,
        media_type="application/json",
        headers={**PRIVATE, **(headers or {})},
    )


def visible_submission(
    store: Store, who: Principal, submission_id: str
) -> tuple[SubmissionRecord, Entity]:
    """The submission if the caller may see it; 404 otherwise, as if it did not exist."""
    try:
        record = store.submission(submission_id)
    except NotFoundError:
        record = None
    entity = store.find_entity(record.entity_id) if record is not None else None
    if record is None or entity is None or not can_see_submissions_of(who, entity):
        raise NotFoundError(f"no submission {submission_id} for this token")
    return record, entity


def summary(record: SubmissionRecord, *, with_report: bool = False) -> SubmissionOut:
    """The API's view of a submission: public ids only (the local ids are sequential)."""
    data = record.summary()
    data.update(id=record.public_id, rereads=record.rereads_public_id)
    del data["public_id"]
    if with_report:
        data["report"] = record.report
    return SubmissionOut(**data)


@router.get("/me", response_model=MeOut, tags=["access"], responses=responses(401))
def me(who: SignedIn) -> Response:
    """The token's user: role, own entities (submitter) and countries (reviewer)."""
    return private(
        MeOut(
            name=who.name,
            role=who.role,
            entities=sorted(who.entities),
            countries=sorted(who.countries),
        )
    )


@router.post(
    "/submissions",
    response_model=SubmitOut,
    status_code=201,
    tags=["submissions"],
    responses={
        200: {"model": SubmitOut, "description": "The same file was already submitted."},
        **responses(400, 401, 403, 404, 413),
    },
)
async def submit_file(
    request: Request,
    who: SignedIn,
    entity: Annotated[
        str, Form(min_length=1, max_length=64, pattern=ENTITY_ID, description="Entity id.")
    ],
    file: Annotated[UploadFile, File(description="The filled template: xlsx, csv or json.")],
    respondent: Annotated[str | None, Form(max_length=40, pattern="^[a-z0-9-]+$")] = None,
    locale: Annotated[
        str | None,
        Form(
            max_length=60,
            pattern="^[A-Za-z0-9_.@-]+$",
            description="How numbers are written, e.g. fr_FR.",
        ),
    ] = None,
    encoding: Annotated[str | None, Form(max_length=30, pattern="^[A-Za-z0-9_.:-]+$")] = None,
    file_format: Annotated[
        str | None,
        Form(alias="format", pattern=FORMAT),
        # multipart has no null: the field is sent or not, and the schema must not offer "null"
        WithJsonSchema({"type": "string", "pattern": FORMAT}),
    ] = None,
) -> Response:
    """Submit a file for one entity: it is read safely, every value normalised and checked,
    and the file stored with its report whatever the outcome. A validated submission waits
    for a reviewer; its values are published only when accepted.

    The same file for the same entity read the same way (format, `encoding`, `locale`,
    `respondent`) is recognised: 200 with `identical_to` and the earlier outcome. The same
    bytes with other reading options are a new submission whose `rereads` names the earlier
    one (e.g. `locale=fr` for a file whose `1,234` was ambiguous).

    Time limit: the file is validated first (in a worker process); if the request's time
    limit has passed by then, nothing is stored and the answer is 503. Once storing has
    begun the request is answered with the outcome however long it takes: a 503 always means
    that nothing was stored, and the same request may be sent again."""
    from ictfootprint.api.uploads import submit_upload

    store = store_for(request, who)
    target = await run_in_threadpool(store.find_entity, entity)
    if target is None or not can_submit(who, target):
        if who.role == "admin":
            raise NotFoundError(f"no entity {entity!r} (add it first: ictfootprint entities add)")
        raise forbid("this token may not submit for this entity")
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"the file is larger than the limit of {limit // 2**20} MiB")
    result = await submit_upload(
        request,
        store,
        data,
        file.filename or "upload",
        entity,
        file_format=file_format,
        encoding=encoding,
        locale=locale,
        respondent=respondent,
    )
    out = SubmitOut(
        submission=result.public_id,
        status=result.status,
        identical_to=result.public_id if result.identical_to is not None else None,
        rereads=result.rereads_public_id,
        report=result.report,
    )
    if result.identical_to is not None:
        return private(out)
    return private(out, 201, {"Location": f"/api/v1/submissions/{result.public_id}"})


@router.get(
    "/submissions",
    response_model=SubmissionPage,
    tags=["submissions"],
    responses=responses(400, 401),
)
def list_submissions(
    request: Request,
    who: SignedIn,
    status: Annotated[str | None, Query(pattern="^(received|validated|accepted|rejected)$")] = None,
    entity: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """The submissions this token may see (its own entities', or its countries'), newest
    first, without their reports."""
    size = page_limit(request, limit)
    store = store_for(request, who)
    visible = {e.id for e in store.entities() if can_see_submissions_of(who, e)}
    # summaries only, of the entities the caller may see: no report is read
    shown = list(reversed(store.submissions(status=status, entity_id=entity, entity_ids=visible)))
    return private(
        SubmissionPage(
            total=len(shown),
            limit=size,
            offset=offset,
            next=next_url(request, len(shown), size, offset),
            items=[summary(r) for r in shown[offset : offset + size]],
        )
    )


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionOut,
    tags=["submissions"],
    responses=responses(401, 404),
)
def one_submission(request: Request, who: SignedIn, submission_id: SubmissionId) -> Response:
    """One submission with its validation report (every finding with sheet, row, column)."""
    record, _entity = visible_submission(store_for(request, who), who, submission_id)
    return private(summary(record, with_report=True))


@router.get(
    "/submissions/{submission_id}/file",
    tags=["submissions"],
    response_class=Response,
    responses={
        200: {
            "description": "The file exactly as received.",
            "content": {t: {} for t in FILE_TYPES.values()},
        },
        **responses(401, 404),
    },
)
def submission_file(request: Request, who: SignedIn, submission_id: SubmissionId) -> Response:
    """The submitted file, byte for byte as it was received."""
    store = store_for(request, who)
    record, _entity = visible_submission(store, who, submission_id)
    disposition = attachment(record.file_name, f"submission-{record.public_id}.{record.format}")
    return Response(
        store.submission_file(record.id),
        media_type=FILE_TYPES.get(record.format, "application/octet-stream"),
        headers={**PRIVATE, "Content-Disposition": disposition},
    )


def check_reviewable(store: Store, who: Principal, submission_id: str) -> None:
    """The caller may review this submission now (404 unseen, 403 not its reviewer, 409
    already reviewed); the API's endpoints and the dashboard's forms share it."""
    record, entity = visible_submission(store, who, submission_id)
    if not can_review(who, entity):
        raise forbid("this token may not review submissions of this entity")
    if record.status != "validated":
        raise ConflictError(
            f"submission {submission_id} is {record.status}: only a validated one can be reviewed",
            Location(field="submission"),
        )


def _reviewable(request: Request, who: Principal, submission_id: str) -> Store:
    store = store_for(request, who)
    check_reviewable(store, who, submission_id)
    return store


@router.post(
    "/submissions/{submission_id}/accept",
    response_model=ReviewOut,
    tags=["submissions"],
    responses=responses(400, 401, 403, 404, 409),
)
def accept(
    request: Request, who: SignedIn, submission_id: SubmissionId, body: ReviewIn | None = None
) -> Response:
    """Accept a validated submission: its values become published revisions, all together."""
    store = _reviewable(request, who, submission_id)
    result = store.accept_submission(submission_id, body.comment if body else None)
    return private(
        ReviewOut(
            submission=summary(store.submission(submission_id)),
            written=result.written,
            unchanged=result.unchanged,
        )
    )


@router.post(
    "/submissions/{submission_id}/reject",
    response_model=ReviewOut,
    tags=["submissions"],
    responses=responses(400, 401, 403, 404, 409),
)
def reject(
    request: Request, who: SignedIn, submission_id: SubmissionId, body: RejectIn
) -> Response:
    """Reject a validated submission, saying why; it is kept with its report."""
    store = _reviewable(request, who, submission_id)
    store.reject_submission(submission_id, body.comment)
    return private(
        ReviewOut(submission=summary(store.submission(submission_id)), written=0, unchanged=0)
    )


@router.post(
    "/entities/{entity_id}/targets",
    response_model=TargetOut,
    status_code=201,
    tags=["data"],
    responses=responses(400, 401, 403, 404),
)
def add_target(request: Request, who: SignedIn, entity_id: EntityId, body: TargetIn) -> Response:
    """Record a target of the entity (``supersedes`` revises an earlier one, which is kept)."""
    from ictfootprint.assess.targets import new_target

    store = store_for(request, who)
    entity = store.find_entity(entity_id)
    if entity is None or not can_write_targets(who, entity):
        if who.role != "admin":
            raise forbid("this token may not record targets of this entity")
        raise NotFoundError(f"no entity {entity_id!r}")
    fields = body.model_dump(exclude={"supersedes"})
    target = new_target(entity_id, **fields)
    target_id = store.add_target(target, supersedes=body.supersedes)
    return private(
        TargetOut(id=target_id, **target.model_dump()),
        201,
        {"Location": f"/api/v1/entities/{entity_id}/targets"},
    )


@router.get("/audit", response_model=AuditPage, tags=["access"], responses=responses(400, 401, 403))
def audit(
    request: Request,
    who: SignedIn,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    object_type: Annotated[str | None, Query(max_length=40)] = None,
    object_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """Every write: who, when, what (action, object, detail) and from where. Admins only."""
    if not can_read_audit(who):
        raise forbid("only an admin may read the audit trail")
    size = page_limit(request, limit)
    total, rows = store_for(request, who).audit_page(
        limit=size,
        offset=offset,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
    )
    return private(
        AuditPage(
            total=total,
            limit=size,
            offset=offset,
            next=next_url(request, total, size, offset),
            items=[AuditOut(**row) for row in rows],
        )
    )
