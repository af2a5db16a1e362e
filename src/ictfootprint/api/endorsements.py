"""The register of endorsements of the COP29 Declaration on Green Digital Action (issue 18):
``/api/v1/endorsements…``, ``/api/v1/commitments…``, ``/api/v1/objectives``.

Reads are public and cached while the data holds (a newly accepted value changes the data
version, so progress is never stale). Writes need a token of an editor or admin
(``can_moderate``); each is audited as ``api:<user>``. The documents received are shown to
editors and admins only, always as attachments with ``nosniff``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, File, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.cache import cached
from ictfootprint.api.downloads import attachment
from ictfootprint.api.problems import ApiError, responses
from ictfootprint.api.reads import JSON, Limit, Offset, next_url, page_limit, store_of
from ictfootprint.api.schemas import Page
from ictfootprint.api.security import Caller, SignedIn, can_moderate, forbid, principal
from ictfootprint.api.writes import PRIVATE, private, store_for
from ictfootprint.errors import NotFoundError
from ictfootprint.portal import documents
from ictfootprint.portal import endorsements as register
from ictfootprint.portal.commitment_progress import commitment_progress, objective_progress
from ictfootprint.reference.objectives import declaration, objectives
from ictfootprint.store import Store
from ictfootprint.store.endorsements import Commitment, EndorsementRecord

router = APIRouter(prefix="/api/v1", tags=["endorsements"], dependencies=[Depends(principal)])
ID: Final = "^[a-z0-9][a-z0-9._-]*$"
EndorsementId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID)]
CommitmentId = Annotated[
    str, Path(min_length=4, max_length=80, pattern=r"^[a-z0-9][a-z0-9._-]*-c[0-9]{1,6}$")
]
Kind = Annotated[str | None, Query(pattern="^(government|company|organisation)$")]
Region = Annotated[
    str | None, Query(max_length=20, pattern="^[A-Za-z0-9-]+$", description="ITU or M49 region.")
]
ObjectiveQ = Annotated[str | None, Query(pattern="^gda-[1-8]$", description="gda-1 … gda-8.")]
State = Annotated[str, Query(pattern="^(endorsed|withdrawn|all)$")]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EndorsementIn(In):
    id: str = Field(min_length=1, max_length=64, pattern=ID)
    kind: str = Field(description="government, company or organisation")
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3")
    endorsed_on: date
    channel: str = Field(max_length=20, description="letter, note verbale or e-mail")
    objectives: list[str] = Field(min_length=1, max_length=8)
    entity: str | None = Field(default=None, max_length=64)


class RevisionIn(In):
    reason: str = Field(min_length=1, max_length=2000)
    kind: str | None = None
    name: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=3)
    endorsed_on: date | None = None
    channel: str | None = Field(default=None, max_length=20)
    objectives: list[str] | None = Field(default=None, min_length=1, max_length=8)
    entity: str | None = Field(default=None, max_length=64)


class ReasonIn(In):
    reason: str = Field(min_length=1, max_length=2000)


class CommitmentIn(In):
    objective: str = Field(pattern="^gda-[1-8]$")
    description: str = Field(min_length=1, max_length=2000)
    entity: str | None = Field(default=None, max_length=64)
    indicator: str | None = Field(default=None, max_length=64)
    target: int | None = Field(default=None, ge=1, le=2**31 - 1)


class EndorsementOut(BaseModel):
    id: str
    state: str
    kind: str
    name: str
    country: str
    entity: str | None
    endorsed_on: str
    channel: str
    objectives: list[str]
    illustrative: bool
    document: int | None = Field(description="The current document's id (editors read it).")
    revision: int
    recorded_at: str
    history: list[dict[str, Any]] | None = None
    commitments: list[dict[str, Any]] | None = None
    documents: list[dict[str, Any]] | None = None


class EndorsementPage(Page):
    items: list[EndorsementOut]
    counts: dict[str, dict[str, int]] = Field(
        description="Of all the matching endorsements: by ITU region, M49 region, kind and "
        "objective ('none': no region)."
    )


class CommitmentOut(BaseModel):
    id: str
    endorsement: str
    state: str
    objective: str
    description: str
    entity: str | None
    indicator: str | None
    target: int | None
    revision: int
    progress: dict[str, Any] = Field(
        description="From the entity's accepted values: baseline, latest, goal, path, "
        "achieved_percent, way_percent (share of the promised reduction done), status "
        "(on-track, off-track, no-data, no-target)."
    )


class CommitmentPage(Page):
    items: list[CommitmentOut]


class ObjectivesOut(BaseModel):
    declaration: dict[str, str]
    objectives: list[dict[str, Any]] = Field(
        description="Each objective with its endorsements in force and its commitments' "
        "progress (counts on and off track, mean share of the way)."
    )


def _commitment_out(store: Store, item: Commitment) -> CommitmentOut:
    return CommitmentOut(
        id=item.id,
        endorsement=item.endorsement_id,
        state=item.state,
        objective=item.objective,
        description=item.description,
        entity=item.entity_id,
        indicator=item.indicator_id,
        target=item.target_id,
        revision=item.revision,
        progress=commitment_progress(store, item).as_dict(),
    )


def _endorsement_out(
    store: Store, record: EndorsementRecord, *, full: bool, editor: bool = False
) -> EndorsementOut:
    out = EndorsementOut(**register.summary(record))
    if full:
        out.history = register.history(record)
        out.commitments = [_commitment_out(store, c).model_dump() for c in record.commitments]
        if editor:
            out.documents = [
                {
                    "id": d.id,
                    "file": d.file_name,
                    "type": d.media_type,
                    "size": d.size,
                    "sha256": d.sha256,
                    "received_at": d.received_at.isoformat(),
                }
                for d in record.documents
            ]
    return out


def _editor(who: Any) -> None:
    if not can_moderate(who):
        raise forbid("only an editor or an admin keeps the endorsements register")


@router.get("/objectives", response_model=ObjectivesOut, responses=responses(400))
async def list_objectives(request: Request) -> Response:
    """The declaration's objectives (gda-1 … gda-8) with their source; for each, the
    endorsements in force and the progress of its active commitments. An objective whose text
    could not be established from a citable source has `established: false`."""

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        counted = register.counts(register.list_endorsements(store))["objective"]
        progress = objective_progress(
            [commitment_progress(store, c) for c in register.commitments(store)]
        )
        rows = [
            {**o.as_dict(), "endorsements": counted.get(o.id, 0), "progress": progress.get(o.id)}
            for o in objectives().values()
        ]
        return ObjectivesOut(
            declaration=declaration(), objectives=rows
        ).model_dump_json().encode(), JSON

    return await cached(request, render)


@router.get("/endorsements", response_model=EndorsementPage, responses=responses(400))
async def list_endorsements(
    request: Request,
    kind: Kind = None,
    region: Region = None,
    objective: ObjectiveQ = None,
    state: State = "endorsed",
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """The public register, by name: endorsements in force (`state=withdrawn` or `all` for
    the others), filtered by kind, region (ITU region such as `ITU-AFR`, or M49 code such as
    `002`) and objective, with counts per region, kind and objective."""
    size = page_limit(request, limit)

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        found = register.list_endorsements(
            store,
            kind=kind,
            region=region,
            objective_id=objective,
            state=None if state == "all" else state,
        )
        page = EndorsementPage(
            total=len(found),
            limit=size,
            offset=offset,
            next=next_url(request, len(found), size, offset),
            items=[_endorsement_out(store, r, full=False) for r in found[offset : offset + size]],
            counts=register.counts(found),
        )
        return page.model_dump_json().encode(), JSON

    return await cached(request, render)


@router.get(
    "/endorsements/{endorsement_id}", response_model=EndorsementOut, responses=responses(404)
)
async def one_endorsement(request: Request, who: Caller, endorsement_id: EndorsementId) -> Response:
    """One endorsement: its current state, every revision, and its commitments with their
    live progress (the documents received: editors and admins only)."""
    if can_moderate(who):

        def load() -> EndorsementOut:
            store = store_of(request)
            return _endorsement_out(
                store, register.get_endorsement(store, endorsement_id), full=True, editor=True
            )

        return private(await run_in_threadpool(load))

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        record = register.get_endorsement(store, endorsement_id)
        return _endorsement_out(store, record, full=True).model_dump_json().encode(), JSON

    return await cached(request, render)


@router.get(
    "/endorsements/{endorsement_id}/documents/{document_id}",
    responses={
        **responses(401, 403, 404),
        200: {"description": "The document as received, as an attachment."},
    },
)
def endorsement_document(
    request: Request,
    who: SignedIn,
    endorsement_id: EndorsementId,
    document_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """The document received (letter, note verbale, e-mail), as an attachment with its
    sniffed type and `nosniff` (editors and admins)."""
    _editor(who)
    found, content = register.document(store_of(request), endorsement_id, document_id)
    return Response(
        content,
        media_type=found.media_type,
        headers={
            **PRIVATE,
            "Content-Disposition": attachment(
                documents.safe_file_name(found.file_name), "document"
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post(
    "/endorsements",
    response_model=EndorsementOut,
    status_code=201,
    responses=responses(400, 401, 403, 409),
)
def add_endorsement(request: Request, who: SignedIn, body: EndorsementIn) -> Response:
    """Record an endorsement (editors and admins); the document received is added after,
    to `/endorsements/{id}/documents`."""
    _editor(who)
    store = store_for(request, who)
    record = register.add_endorsement(
        store,
        endorsement_id=body.id,
        kind=body.kind,
        name=body.name,
        country=body.country,
        endorsed_on=body.endorsed_on,
        channel=body.channel,
        objectives=body.objectives,
        entity_id=body.entity,
    )
    return private(
        _endorsement_out(store, record, full=True, editor=True),
        201,
        {"Location": f"/api/v1/endorsements/{record.id}"},
    )


@router.post(
    "/endorsements/{endorsement_id}/documents",
    response_model=EndorsementOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409, 413),
)
async def add_document(
    request: Request,
    who: SignedIn,
    endorsement_id: EndorsementId,
    file: Annotated[UploadFile, File(description="PDF, PNG, JPEG or text, at most 10 MiB.")],
) -> Response:
    """Attach the document received to an endorsement (a new revision names it; editors and
    admins). Its type is read from its bytes: anything else than PDF, PNG, JPEG or plain
    text is refused."""
    _editor(who)
    data = await file.read(documents.MAX_BYTES + 1)
    if len(data) > documents.MAX_BYTES:
        raise ApiError(413, f"the document is larger than {documents.MAX_BYTES // 2**20} MiB")
    store = store_for(request, who)
    record = await run_in_threadpool(
        lambda: register.revise_endorsement(
            store,
            endorsement_id,
            reason="document received",
            document=(file.filename or "document", data),
        )
    )
    return private(_endorsement_out(store, record, full=True, editor=True), 201)


@router.post(
    "/endorsements/{endorsement_id}/revisions",
    response_model=EndorsementOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409),
)
def revise_endorsement(
    request: Request, who: SignedIn, endorsement_id: EndorsementId, body: RevisionIn
) -> Response:
    """Revise an endorsement (what is not given is kept; editors and admins)."""
    _editor(who)
    store = store_for(request, who)
    record = register.revise_endorsement(
        store,
        endorsement_id,
        reason=body.reason,
        kind=body.kind,
        name=body.name,
        country=body.country,
        endorsed_on=body.endorsed_on,
        channel=body.channel,
        objectives=body.objectives,
        entity_id=body.entity,
    )
    return private(_endorsement_out(store, record, full=True, editor=True), 201)


@router.post(
    "/endorsements/{endorsement_id}/withdrawal",
    response_model=EndorsementOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409),
)
def withdraw_endorsement(
    request: Request, who: SignedIn, endorsement_id: EndorsementId, body: ReasonIn
) -> Response:
    """Record that the endorser withdrew: a new state, the history kept (editors, admins)."""
    _editor(who)
    store = store_for(request, who)
    record = register.withdraw_endorsement(store, endorsement_id, reason=body.reason)
    return private(_endorsement_out(store, record, full=True, editor=True), 201)


@router.post(
    "/endorsements/{endorsement_id}/commitments",
    response_model=CommitmentOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409),
)
def add_commitment(
    request: Request, who: SignedIn, endorsement_id: EndorsementId, body: CommitmentIn
) -> Response:
    """Record a commitment under one of the endorsement's objectives, linked to the entity's
    target (`target`: its id) and series (`indicator`) (editors and admins)."""
    _editor(who)
    store = store_for(request, who)
    item = register.add_commitment(
        store,
        endorsement_id,
        objective_id=body.objective,
        description=body.description,
        entity_id=body.entity,
        indicator_id=body.indicator,
        target_id=body.target,
    )
    return private(
        _commitment_out(store, item), 201, {"Location": f"/api/v1/commitments/{item.id}"}
    )


@router.get("/commitments", response_model=CommitmentPage, responses=responses(400))
async def list_commitments(
    request: Request,
    objective: ObjectiveQ = None,
    entity: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    """Active commitments of endorsements in force, each with its progress computed from the
    entity's accepted values; filtered by objective and entity."""
    size = page_limit(request, limit)

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        found = register.commitments(store, objective_id=objective, entity_id=entity)
        page = CommitmentPage(
            total=len(found),
            limit=size,
            offset=offset,
            next=next_url(request, len(found), size, offset),
            items=[_commitment_out(store, c) for c in found[offset : offset + size]],
        )
        return page.model_dump_json().encode(), JSON

    return await cached(request, render)


def _find_commitment(store: Store, commitment_id: str) -> Commitment:
    endorsement_id, _, number = commitment_id.rpartition("-c")
    try:
        record = register.get_endorsement(store, endorsement_id)
    except NotFoundError:
        record = None
    found = (
        next((c for c in record.commitments if str(c.number) == number), None) if record else None
    )
    if found is None:
        raise NotFoundError(f"no commitment {commitment_id!r}")
    return found


@router.get("/commitments/{commitment_id}", response_model=CommitmentOut, responses=responses(404))
async def one_commitment(request: Request, commitment_id: CommitmentId) -> Response:
    """One commitment (its current revision) with its live progress."""

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        item = _find_commitment(store, commitment_id)
        return _commitment_out(store, item).model_dump_json().encode(), JSON

    return await cached(request, render)


@router.post(
    "/commitments/{commitment_id}/withdrawal",
    response_model=CommitmentOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409),
)
def withdraw_commitment(
    request: Request, who: SignedIn, commitment_id: CommitmentId, body: ReasonIn
) -> Response:
    """Withdraw a commitment: a new state, the history kept (editors and admins)."""
    _editor(who)
    store = store_for(request, who)
    item = _find_commitment(store, commitment_id)
    done = register.withdraw_commitment(store, item.endorsement_id, item.number, reason=body.reason)
    return private(_commitment_out(store, done), 201)
