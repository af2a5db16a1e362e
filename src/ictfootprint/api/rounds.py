"""Custodians and collection rounds (issue 16): ``/api/v1/custodians…``, ``/api/v1/rounds…``.

Who may do what (``api/security.py``): an admin everything; a reviewer who is a focal point of
a custodian runs that custodian's rounds (create, invite, remind, exempt, extend, close, read
the report); a submitter sees the rounds that oblige its entities, with its own status only
(its first look is recorded as ``opened``). A round the caller may not see is a 404, as one
that does not exist. A focal point's e-mail address and a respondent's contact address are
shown only to those who run the custodian's rounds. Everything here is signed in, so never
cached (``private, no-store``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.problems import responses
from ictfootprint.api.reads import Limit, Offset, next_url, page_limit
from ictfootprint.api.schemas import Page
from ictfootprint.api.security import Principal, SignedIn, can_run_rounds_of, forbid
from ictfootprint.api.writes import private, store_for
from ictfootprint.errors import NotFoundError
from ictfootprint.model import ENTITY_ID, Role
from ictfootprint.rounds import notices, service
from ictfootprint.rounds.report import round_report, round_summary
from ictfootprint.store import Store
from ictfootprint.store.database import now
from ictfootprint.store.rounds import RoundRecord

router = APIRouter(prefix="/api/v1", tags=["rounds"])
RoundId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The round's id.")]
CustodianId = Annotated[str, Path(min_length=1, max_length=64, pattern="^[a-z0-9][a-z0-9._-]*$")]
EntityId = Annotated[str, Path(min_length=1, max_length=64, pattern=ENTITY_ID)]
At = Annotated[
    date | None, Query(description="The day statuses are computed for (default: today, UTC).")
]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CustodianIn(In):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="regulator, statistics-office or ministry")
    country: str = Field(min_length=2, max_length=3)
    legal_basis: str = Field(min_length=1, max_length=2000)
    scope: str = Field(min_length=1, max_length=2000)
    since: date


class FocalPointIn(In):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    user: str | None = Field(default=None, max_length=64)


class RemitIn(In):
    entities: list[str] = Field(min_length=1, max_length=10_000)


class CustodianOut(Out):
    id: str
    name: str
    kind: str
    country: str
    mandate: dict[str, str]
    focal_points: list[dict[str, Any]]
    remit: list[str]


class CustodianPage(Page):
    items: list[CustodianOut]


class RoundIn(In):
    custodian: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=1990, le=2100)
    opens_on: date
    deadline: date
    entities: list[str] = Field(default_factory=list, max_length=10_000)
    rule: str | None = Field(default=None, max_length=1000)
    respondent_types: list[str] = Field(default_factory=list, max_length=20)
    template: str = Field(default="xlsx", pattern="^(xlsx|csv)$")
    lang: str = Field(default="en", pattern="^(ar|zh|en|fr|ru|es)$")
    langs: dict[str, str] = Field(default_factory=dict, description="entity → its language")
    contacts: dict[str, str] = Field(default_factory=dict, description="entity → e-mail address")


class RoundOut(Out):
    round: dict[str, Any]
    respondents: list[dict[str, Any]] | None = None


class RoundPage(Page):
    items: list[dict[str, Any]]


class ExemptionIn(In):
    reason: str = Field(min_length=1, max_length=2000)


class ExtensionIn(In):
    until: date
    reason: str | None = Field(default=None, max_length=2000)


class CloseIn(In):
    reason: str | None = Field(default=None, max_length=2000)


class RemindIn(In):
    at: date | None = None
    days_before: list[Annotated[int, Field(ge=0, le=366)]] = Field(
        default_factory=lambda: [7, 1], max_length=10
    )


class EventOut(Out):
    round: int
    entity: str | None
    status: str
    at: str
    until: str | None
    reason: str | None


class ReportOut(Out):
    round: dict[str, Any]
    custodian: dict[str, Any] = Field(description="Its mandate and focal points, no address.")
    country: str
    at: str
    closed_at: str | None
    counts: dict[str, int] = Field(description="Respondents by status at the date.")
    respondents: list[dict[str, Any]]
    feasibility: dict[str, Any] = Field(
        description="matrix: indicator × respondent type, share of respondents that reported "
        "it, required-but-never-reported first; respondents: what each left out."
    )


class SentOut(Out):
    items: list[dict[str, Any]]
    queued: int


# custodians -----------------------------------------------------------------------------------
def _custodian_out(held: Any, who: Principal) -> CustodianOut:
    return CustodianOut(**held.summary(private=can_run_rounds_of(who, held.id)))


@router.get("/custodians", response_model=CustodianPage, responses=responses(400, 401))
def list_custodians(
    request: Request, who: SignedIn, limit: Limit = None, offset: Offset = 0
) -> Response:
    """The register of national custodians: mandate, focal points (addresses only for those
    who run the custodian's rounds) and remit."""
    size = page_limit(request, limit)
    found = service.custodians(store_for(request, who))
    return private(
        CustodianPage(
            total=len(found),
            limit=size,
            offset=offset,
            next=next_url(request, len(found), size, offset),
            items=[_custodian_out(c, who) for c in found[offset : offset + size]],
        )
    )


@router.post(
    "/custodians", response_model=CustodianOut, status_code=201, responses=responses(400, 401, 403)
)
def add_custodian(request: Request, who: SignedIn, body: CustodianIn) -> Response:
    """Register a custodian (admins)."""
    if who.role != Role.ADMIN:
        raise forbid("only an admin registers custodians")
    held = service.add_custodian(
        store_for(request, who),
        custodian_id=body.id,
        name=body.name,
        kind=body.kind,
        country_code=body.country,
        legal_basis=body.legal_basis,
        scope=body.scope,
        since=body.since,
    )
    return private(_custodian_out(held, who), 201, {"Location": f"/api/v1/custodians/{held.id}"})


@router.get(
    "/custodians/{custodian_id}", response_model=CustodianOut, responses=responses(401, 404)
)
def get_custodian(request: Request, who: SignedIn, custodian_id: CustodianId) -> Response:
    """One custodian: its mandate, focal points (addresses only for those who run its
    rounds) and remit."""
    return private(_custodian_out(service.custodian(store_for(request, who), custodian_id), who))


@router.post(
    "/custodians/{custodian_id}/focal-points",
    response_model=CustodianOut,
    responses=responses(400, 401, 403, 404),
)
def add_focal_point(
    request: Request, who: SignedIn, custodian_id: CustodianId, body: FocalPointIn
) -> Response:
    """Add a focal point (name, e-mail, optionally a user) to a custodian the caller runs."""
    _runner(who, custodian_id)
    held = service.add_focal_point(
        store_for(request, who), custodian_id, name=body.name, email=body.email, user=body.user
    )
    return private(_custodian_out(held, who))


@router.post(
    "/custodians/{custodian_id}/remit",
    response_model=CustodianOut,
    responses=responses(400, 401, 403, 404),
)
def add_remit(
    request: Request, who: SignedIn, custodian_id: CustodianId, body: RemitIn
) -> Response:
    """Add entities to a custodian's remit (admins)."""
    if who.role != Role.ADMIN:
        raise forbid("only an admin widens a custodian's remit")
    store = store_for(request, who)
    service.add_remit(store, custodian_id, body.entities)
    return private(_custodian_out(service.custodian(store, custodian_id), who))


# rounds ---------------------------------------------------------------------------------------
def _runner(who: Principal, custodian_id: str) -> None:
    if not can_run_rounds_of(who, custodian_id):
        raise forbid("this token may not run this custodian's rounds")


def visible_round(store: Store, who: Principal, round_id: int) -> tuple[RoundRecord, bool]:
    """The round and whether the caller runs it; 404 if the caller may see neither it nor
    any of its respondents, as if it did not exist."""
    try:
        record = service.get_round(store, round_id)
    except NotFoundError:
        record = None
    if record is not None:
        if can_run_rounds_of(who, record.custodian_id):
            return record, True
        if who.role == Role.SUBMITTER and own_entities(record, who):
            return record, False
    raise NotFoundError(f"no round {round_id} for this token")


def own_entities(record: RoundRecord, who: Principal) -> list[str]:
    return [o.entity_id for o in record.obligations if o.entity_id in who.entities]


@router.get("/rounds", response_model=RoundPage, responses=responses(400, 401))
def list_rounds(
    request: Request, who: SignedIn, limit: Limit = None, offset: Offset = 0
) -> Response:
    """The rounds the caller runs, or (a submitter) those that oblige its entities; newest
    first."""
    size = page_limit(request, limit)
    store = store_for(request, who)
    if who.role == Role.ADMIN:
        found = service.list_rounds(store)
    elif who.role == Role.REVIEWER:
        found = service.list_rounds(store, custodian_ids=sorted(who.custodians))
    else:
        with store.engine.connect() as connection:
            from ictfootprint.store import rounds as _rounds

            ids = set(_rounds.rounds_of_entity(connection, who.entities))
        found = [r for r in service.list_rounds(store) if r.id in ids]
    return private(
        RoundPage(
            total=len(found),
            limit=size,
            offset=offset,
            next=next_url(request, len(found), size, offset),
            items=[round_summary(r) for r in found[offset : offset + size]],
        )
    )


@router.post(
    "/rounds", response_model=RoundOut, status_code=201, responses=responses(400, 401, 403)
)
def create_round(request: Request, who: SignedIn, body: RoundIn) -> Response:
    """Create a round of a custodian the caller runs (obliged entities by list or rule)."""
    _runner(who, body.custodian)
    record = service.create_round(
        store_for(request, who),
        custodian_id=body.custodian,
        name=body.name,
        year=body.year,
        opens_on=body.opens_on,
        deadline=body.deadline,
        entity_ids=body.entities,
        rule=body.rule,
        respondent_types=body.respondent_types,
        template=body.template,
        lang=body.lang,
        langs=body.langs,
        contacts=body.contacts,
    )
    return private(
        RoundOut(round=round_summary(record)), 201, {"Location": f"/api/v1/rounds/{record.id}"}
    )


@router.get("/rounds/{round_id}", response_model=RoundOut, responses=responses(401, 404))
def get_round(request: Request, who: SignedIn, round_id: RoundId, at: At = None) -> Response:
    """The round and the statuses the caller may see: all (who runs it) or its own."""
    store = store_for(request, who)
    record, runs = visible_round(store, who, round_id)
    own = None if runs else own_entities(record, who)
    for entity_id in own or ():
        service.record_opened(store, round_id, entity_id)
    _, found = service.statuses(store, round_id, at or now().date(), entity_ids=own)
    summary = round_summary(record)
    if not runs:
        summary["obliged"] = None  # how many others are obliged is not a respondent's business
    return private(RoundOut(round=summary, respondents=[s.as_dict() for s in found]))


@router.get(
    "/rounds/{round_id}/report", response_model=ReportOut, responses=responses(401, 403, 404)
)
def get_report(request: Request, who: SignedIn, round_id: RoundId, at: At = None) -> Response:
    """The round report (statuses, counts, feasibility matrix, gaps), as sent on to ITU."""
    store = store_for(request, who)
    record, runs = visible_round(store, who, round_id)
    if not runs:
        raise forbid("only those who run the round read its report")
    report = round_report(store, record.id, at or now().date())
    return private(ReportOut(**report.as_dict()))


def _event(round_id: int, event: Any) -> EventOut:
    return EventOut(
        round=round_id,
        entity=event.entity_id,
        status=event.status,
        at=event.at.isoformat(),
        until=event.until.isoformat() if event.until else None,
        reason=event.reason,
    )


def _run(request: Request, who: Principal, round_id: int) -> Store:
    store = store_for(request, who)
    _, runs = visible_round(store, who, round_id)
    if not runs:
        raise forbid("this token may not run this round")
    return store


@router.post(
    "/rounds/{round_id}/respondents/{entity_id}/exemption",
    response_model=EventOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409),
)
def exempt(
    request: Request, who: SignedIn, round_id: RoundId, entity_id: EntityId, body: ExemptionIn
) -> Response:
    """Exempt a respondent from a round the caller runs, with a reason (kept as an event)."""
    event = service.exempt(_run(request, who, round_id), round_id, entity_id, body.reason)
    return private(_event(round_id, event), 201)


@router.post(
    "/rounds/{round_id}/respondents/{entity_id}/extension",
    response_model=EventOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409),
)
def extend(
    request: Request, who: SignedIn, round_id: RoundId, entity_id: EntityId, body: ExtensionIn
) -> Response:
    """Extend a respondent's deadline to ``until`` (after the round's deadline), with a
    reason."""
    store = _run(request, who, round_id)
    event = service.extend(store, round_id, entity_id, body.until, body.reason)
    return private(_event(round_id, event), 201)


@router.post(
    "/rounds/{round_id}/close",
    response_model=EventOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409),
)
def close(request: Request, who: SignedIn, round_id: RoundId, body: CloseIn) -> Response:
    """Close a round: nothing is removed; statuses stay as they were on the closing day."""
    event = service.close(_run(request, who, round_id), round_id, body.reason)
    return private(_event(round_id, event), 201)


@router.post(
    "/rounds/{round_id}/invite",
    response_model=SentOut,
    responses=responses(400, 401, 403, 404, 409),
)
async def invite(request: Request, who: SignedIn, round_id: RoundId) -> Response:
    """Queue the invitations (none twice); links point to this server."""
    store = await run_in_threadpool(_run, request, who, round_id)
    base = str(request.base_url)
    sent = await run_in_threadpool(lambda: notices.invite(store, round_id, base_url=base))
    return private(_sent(sent))


@router.post(
    "/rounds/{round_id}/remind",
    response_model=SentOut,
    responses=responses(400, 401, 403, 404, 409),
)
async def remind(request: Request, who: SignedIn, round_id: RoundId, body: RemindIn) -> Response:
    """Queue the reminders due on ``at`` (default today), and to the overdue; none twice."""
    store = await run_in_threadpool(_run, request, who, round_id)
    base = str(request.base_url)
    sent = await run_in_threadpool(
        lambda: notices.remind(
            store, round_id, base_url=base, at=body.at, days_before=body.days_before
        )
    )
    return private(_sent(sent))


def _sent(sent: list[notices.Sent]) -> SentOut:
    return SentOut(items=[s.as_dict() for s in sent], queued=sum(1 for s in sent if s.queued))
