"""The editors' desk of the endorsements register: record an endorsement (with the document
received), attach a document, add a commitment, withdraw. Editors and admins only
(``can_moderate``); every form carries the session's CSRF value; writes go through the store as
``web:<user>`` and are audited. Nothing here is cached (``private, no-store``); a refused form
is shown again with the error, and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.problems import ApiError
from ictfootprint.api.security import Principal, can_moderate
from ictfootprint.errors import InputError
from ictfootprint.portal import documents
from ictfootprint.portal import endorsements as register
from ictfootprint.reference.objectives import objectives
from ictfootprint.web import session
from ictfootprint.web.pages import Lang
from ictfootprint.web.work import PRIVATE, CsrfField, acting, private_page, required_user

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=200)]
EndorsementPath = Annotated[str, Form(max_length=64)]


async def editor(request: Request) -> Principal:
    who = await required_user(request)
    if not can_moderate(who):
        raise ApiError(403, "only an editor or an admin keeps the endorsements register")
    return who


async def _document(file: UploadFile | None) -> tuple[str, bytes] | None:
    if file is None or not file.filename:
        return None
    data = await file.read(documents.MAX_BYTES + 1)
    if len(data) > documents.MAX_BYTES:
        raise ApiError(413, f"the document is larger than {documents.MAX_BYTES // 2**20} MiB")
    return file.filename, data


def _form(
    request: Request, lang: str, who: Principal, status: int = 200, **context: Any
) -> Response:
    return private_page(
        request,
        lang,
        "endorsement_form.html",
        status=status,
        section="endorsements",
        who=who,
        objectives=objectives(),
        kinds=register.KINDS,
        channels=register.CHANNELS,
        **context,
    )


@router.get("/{lang:lang}/endorsements/new")
async def new_form(request: Request, lang: Lang) -> Response:
    who = await editor(request)
    return _form(request, lang, who, record=None, given={})


@router.post("/{lang:lang}/endorsements/new")
async def new_endorsement(
    request: Request,
    lang: Lang,
    endorsement_id: Annotated[str, Form(alias="id", max_length=64)],
    kind: Short,
    name: Short,
    country: Annotated[str, Form(max_length=3)],
    endorsed_on: Annotated[str, Form(max_length=10)],
    channel: Short,
    objective: Annotated[list[str], Form(max_length=8)],
    entity: Annotated[str, Form(max_length=64)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    csrf: CsrfField = "",
) -> Response:
    who = await editor(request)
    session.check_csrf(request, csrf)
    given = {
        "id": endorsement_id,
        "kind": kind,
        "name": name,
        "country": country,
        "endorsed_on": endorsed_on,
        "channel": channel,
        "objectives": objective,
        "entity": entity,
    }
    try:
        document = await _document(file)
        await run_in_threadpool(
            lambda: register.add_endorsement(
                acting(request, who),
                endorsement_id=endorsement_id.strip(),
                kind=kind,
                name=name,
                country=country,
                endorsed_on=register.parse_day(endorsed_on),
                channel=channel,
                objectives=objective,
                entity_id=entity or None,
                document=document,
            )
        )
    except InputError as error:
        return _form(request, lang, who, status=400, record=None, given=given, error=error)
    return RedirectResponse(
        f"/{lang}/endorsements/{endorsement_id.strip()}/edit?done=added", 303, headers=PRIVATE
    )


@router.get("/{lang:lang}/endorsements/{endorsement_id}/edit")
async def edit_form(request: Request, lang: Lang, endorsement_id: str, done: str = "") -> Response:
    who = await editor(request)
    record = await run_in_threadpool(
        register.get_endorsement, acting(request, who), endorsement_id[:64]
    )
    return _form(request, lang, who, record=record, given={}, done=done[:20])


async def _act(
    request: Request,
    lang: str,
    who: Principal,
    endorsement_id: str,
    what: str,
    action: Callable[[], object],
) -> Response:
    try:
        await run_in_threadpool(action)
    except InputError as error:
        record = await run_in_threadpool(
            register.get_endorsement, acting(request, who), endorsement_id
        )
        return _form(request, lang, who, status=400, record=record, given={}, error=error)
    return RedirectResponse(
        f"/{lang}/endorsements/{endorsement_id}/edit?done={what}", 303, headers=PRIVATE
    )


@router.post("/{lang:lang}/endorsements/{endorsement_id}/withdraw")
async def withdraw(
    request: Request, lang: Lang, endorsement_id: str, reason: Text, csrf: CsrfField = ""
) -> Response:
    who = await editor(request)
    session.check_csrf(request, csrf)
    eid = endorsement_id[:64]
    return await _act(
        request,
        lang,
        who,
        eid,
        "withdrawn",
        lambda: register.withdraw_endorsement(acting(request, who), eid, reason=reason),
    )


@router.post("/{lang:lang}/endorsements/{endorsement_id}/document")
async def attach(
    request: Request,
    lang: Lang,
    endorsement_id: str,
    file: Annotated[UploadFile, File()],
    csrf: CsrfField = "",
) -> Response:
    who = await editor(request)
    session.check_csrf(request, csrf)
    eid = endorsement_id[:64]
    document = await _document(file) or ("document", b"")
    return await _act(
        request,
        lang,
        who,
        eid,
        "document",
        lambda: register.revise_endorsement(
            acting(request, who), eid, reason="document received", document=document
        ),
    )


@router.post("/{lang:lang}/endorsements/{endorsement_id}/commit")
async def commit(
    request: Request,
    lang: Lang,
    endorsement_id: str,
    objective: Annotated[str, Form(max_length=10)],
    description: Text,
    indicator: Annotated[str, Form(max_length=64)] = "",
    target: Annotated[str, Form(max_length=10)] = "",
    csrf: CsrfField = "",
) -> Response:
    who = await editor(request)
    session.check_csrf(request, csrf)
    eid = endorsement_id[:64]

    def run() -> object:
        target_id = None
        if target.strip():
            if not target.strip().isdigit():
                raise InputError("the target is its number", found=target[:10])
            target_id = int(target)
        return register.add_commitment(
            acting(request, who),
            eid,
            objective_id=objective,
            description=description,
            indicator_id=indicator.strip() or None,
            target_id=target_id,
        )

    return await _act(request, lang, who, eid, "committed", run)


@router.get("/{lang:lang}/endorsements/{endorsement_id}/documents/{document_id}")
async def document_file(
    request: Request, lang: Lang, endorsement_id: str, document_id: int
) -> Response:
    """The document received, for editors: an attachment with its sniffed type, nosniff."""
    from ictfootprint.api.downloads import attachment

    who = await editor(request)
    found, content = await run_in_threadpool(
        register.document, acting(request, who), endorsement_id[:64], document_id
    )
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
