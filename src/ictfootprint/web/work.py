"""Signed-in pages: sign in with an API token, submit a file and read its report with the
offending cells, and the reviewer's queue with accept and reject.

The rules are the API's (``api/security.py``): a submitter sees and submits for its own
entities, a reviewer sees and reviews those based in its countries, an admin everything. A
submission the user may not see is a 404, as in the API. Writes go through the store as
``web:<user>`` from the browser's address, so the audit trail says who, what and from where.
Nothing here is cached: every response is ``private, no-store``.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.problems import ApiError
from ictfootprint.api.security import Principal, can_review, can_submit
from ictfootprint.api.uploads import submit_upload
from ictfootprint.api.writes import SubmissionId, check_reviewable, store_for, visible_submission
from ictfootprint.errors import InputError, Location
from ictfootprint.model import ENTITY_ID
from ictfootprint.store import Store
from ictfootprint.web import cells, i18n, review, session
from ictfootprint.web.pages import Lang, names
from ictfootprint.web.render import HTML, PAGE_HEADERS, here, html

router = APIRouter(include_in_schema=False)
PRIVATE: Final = {**PAGE_HEADERS, "Cache-Control": "private, no-store"}
CsrfField = Annotated[str, Form(max_length=128)]
Comment = Annotated[str, Form(max_length=2000)]
LOCALES: Final = ("", "en_US", "fr_FR", "es_ES", "ru_RU", "zh_CN", "ar_EG", "de_DE")


def private_page(
    request: Request, lang: str, template: str, status: int = 200, **context: Any
) -> Response:
    body = html(
        template,
        lang,
        here(request),
        csrf=session.csrf_value(request),
        **names(lang),
        **context,
    )
    return Response(body, status_code=status, media_type=HTML, headers=PRIVATE)


def acting(request: Request, who: Principal) -> Store:
    """The shared store, writing as ``web:<user>`` from the browser's address."""
    return store_for(request, who, f"web:{who.name}")


async def required_user(request: Request) -> Principal:
    who = await session.signed_in_user(request)
    if who is None:
        raise ApiError(401, "sign in first: this page needs an API token")
    return who


@router.get("/{lang:lang}/templates")
async def templates_page(request: Request, lang: Lang) -> Response:
    """The form an operator downloads a template with (the file comes from the API)."""
    from ictfootprint.reference.respondents import respondents

    kinds = sorted(respondents().values(), key=lambda r: r.name(lang).casefold())
    body = html(
        "templates.html",
        lang,
        here(request),
        section="templates",
        respondents=kinds,
        languages_offered=[(code, i18n.autonym(code)) for code in i18n.LANGUAGES],
        **names(lang),
    )
    return Response(
        body, media_type=HTML, headers={**PAGE_HEADERS, "Cache-Control": "public, max-age=3600"}
    )


@router.get("/{lang:lang}/signin")
def signin_form(request: Request, lang: Lang) -> Response:
    return private_page(request, lang, "signin.html", section="submissions", error=None)


@router.post("/{lang:lang}/signin")
async def signin(
    request: Request, lang: Lang, token: Annotated[str, Form(max_length=200)]
) -> Response:
    user = await run_in_threadpool(request.app.state.store.authenticate, token.strip())
    if user is None:
        return private_page(
            request,
            lang,
            "signin.html",
            status=401,
            section="submissions",
            error="unknown, expired or revoked token",
        )
    response = RedirectResponse(f"/{lang}/submissions", status_code=303, headers=PRIVATE)
    session.sign_in(response, request, token.strip())
    return response


@router.post("/{lang:lang}/signout")
async def signout(request: Request, lang: Lang, csrf: CsrfField = "") -> Response:
    session.check_csrf(request, csrf)
    token = session.token_of(request)
    if token is not None:  # a session a sign-in made ends here; a pasted API token stays valid
        from ictfootprint.accounts import service

        store: Store = request.app.state.store
        client = request.client
        origin = f"{client.host}:{client.port}" if client else "unknown"
        await run_in_threadpool(service.sign_out, store.acting("web:sign-out", origin), token)
    response = RedirectResponse(f"/{lang}/", status_code=303, headers=PRIVATE)
    session.sign_out(response)
    return response


def _workbench(request: Request, who: Principal) -> dict[str, Any]:
    store = acting(request, who)
    named = {e.id: e for e in store.entities()}
    mine = [e for e in named.values() if can_submit(who, e)]
    records = list(reversed(store.submissions()))
    own = [r for r in records if r.entity_id in named and can_submit(who, named[r.entity_id])]
    queue = [
        r
        for r in records
        if r.status == "validated" and r.entity_id in named and can_review(who, named[r.entity_id])
    ]
    return {
        "who": who,
        "entities": sorted(mine, key=lambda e: e.name),
        "own": own[:100],
        "queue": queue[:100],
        "named": named,
        "locales": LOCALES,
    }


@router.get("/{lang:lang}/submissions")
async def workbench(request: Request, lang: Lang) -> Response:
    who = await session.signed_in_user(request)
    if who is None:
        return private_page(request, lang, "signin.html", section="submissions", error=None)
    context = await run_in_threadpool(_workbench, request, who)
    return private_page(
        request, lang, "submissions.html", section="submissions", error=None, **context
    )


@router.post("/{lang:lang}/submissions")
async def submit_file(
    request: Request,
    lang: Lang,
    entity: Annotated[str, Form(min_length=1, max_length=64, pattern=ENTITY_ID)],
    file: Annotated[UploadFile, File()],
    csrf: CsrfField = "",
    locale: Annotated[str, Form(max_length=20, pattern="^[A-Za-z_]*$")] = "",
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    limit = request.app.state.settings.max_upload_bytes

    async def run() -> str:
        store = acting(request, who)
        target = await run_in_threadpool(store.find_entity, entity)
        if target is None or not can_submit(who, target):
            raise ApiError(403, "you may not submit for this entity", field="entity")
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, f"the file is larger than the limit of {limit // 2**20} MiB")
        if not data:
            raise InputError("the file is empty", Location(file=file.filename or "upload"))
        # validated in a worker process, never answered 503 once stored (api/uploads.py)
        name = file.filename or "upload"
        result = await submit_upload(request, store, data, name, entity, locale=locale or None)
        return result.public_id

    try:
        submission_id = await run()
    except InputError as exc:
        # the file could not be read at all: say why on the form, nothing was stored
        context = await run_in_threadpool(_workbench, request, who)
        return private_page(
            request,
            lang,
            "submissions.html",
            status=400,
            section="submissions",
            error=exc,
            **context,
        )
    return RedirectResponse(
        f"/{lang}/submissions/{submission_id}", status_code=303, headers=PRIVATE
    )


@router.get("/{lang:lang}/submissions/{submission_id}")
async def submission_page(
    request: Request, lang: Lang, submission_id: SubmissionId, done: str = ""
) -> Response:
    who = await required_user(request)

    def load() -> dict[str, Any]:
        store = acting(request, who)
        record, entity = visible_submission(store, who, submission_id)
        report = record.report or {}
        excerpt = cells.offending_rows(store.submission_file(record.id), record.format, report)
        return {
            "record": record,
            "entity": entity,
            "report": report,
            "excerpt": excerpt,
            "changes": review.value_changes(store, record.id, entity.id),
            "completeness": _completeness(report, lang),
            "may_review": can_review(who, entity) and record.status == "validated",
        }

    context = await run_in_threadpool(load)
    return private_page(
        request,
        lang,
        "submission.html",
        section="submissions",
        who=who,
        done=done if done in ("accepted", "rejected") else "",
        **context,
    )


async def _review(
    request: Request, lang: str, submission_id: str, csrf: str, action: str, comment: str
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)

    def run() -> None:
        store = acting(request, who)
        check_reviewable(store, who, submission_id)
        if action == "accept":
            store.accept_submission(submission_id, comment.strip() or None)
        else:
            if not comment.strip():
                raise InputError("say why the submission is rejected", Location(field="comment"))
            store.reject_submission(submission_id, comment.strip())

    await run_in_threadpool(run)
    done = "accepted" if action == "accept" else "rejected"
    return RedirectResponse(
        f"/{lang}/submissions/{submission_id}?done={done}", status_code=303, headers=PRIVATE
    )


def _completeness(report: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The report's completeness, with the respondent type's name in ``lang``."""
    from ictfootprint.reference.respondents import respondents

    found = report.get("completeness")
    if not found:
        return None
    kinds = respondents()
    kind = found.get("respondent") or ""
    return {
        **found,
        "respondent_name": kinds[kind].name(lang) if kind in kinds else kind,
        "missing": {int(y): ids for y, ids in (found.get("missing") or {}).items()},
    }


@router.get("/{lang:lang}/submissions/{submission_id}/file")
async def submission_file(request: Request, lang: Lang, submission_id: SubmissionId) -> Response:
    """The file as received, for whoever may see the submission."""
    who = await required_user(request)

    def load() -> tuple[bytes, str, str]:
        store = acting(request, who)
        record, _entity = visible_submission(store, who, submission_id)
        name = record.file_name or f"submission-{submission_id}.{record.format}"
        return store.submission_file(record.id), name, record.format

    data, name, file_format = await run_in_threadpool(load)
    media = {
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(file_format, "application/octet-stream")
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:100] or "file"
    return Response(
        data,
        media_type=media,
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/{lang:lang}/submissions/{submission_id}/accept")
async def accept(
    request: Request,
    lang: Lang,
    submission_id: SubmissionId,
    csrf: CsrfField = "",
    comment: Comment = "",
) -> Response:
    return await _review(request, lang, submission_id, csrf, "accept", comment)


@router.post("/{lang:lang}/submissions/{submission_id}/reject")
async def reject(
    request: Request,
    lang: Lang,
    submission_id: SubmissionId,
    csrf: CsrfField = "",
    comment: Comment = "",
) -> Response:
    return await _review(request, lang, submission_id, csrf, "reject", comment)
