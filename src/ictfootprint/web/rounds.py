"""The regulator's pages of its collection rounds: the rounds it runs, and one round with each
respondent's status at a date, the feasibility matrix and each respondent's gaps, and the
actions (invite, remind, extend, exempt, close).

The rules are the API's (``api/rounds.py``): who runs a custodian's rounds sees every
respondent; an obliged submitter sees its own row only; anyone else gets a 404. Writes go
through the store as ``web:<user>``; nothing is cached (``private, no-store``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.rounds import RoundId, own_entities, visible_round
from ictfootprint.api.security import Principal
from ictfootprint.errors import InputError, Location
from ictfootprint.model import ENTITY_ID, Role
from ictfootprint.reference.respondents import respondents
from ictfootprint.rounds import notices, service
from ictfootprint.rounds.report import round_report
from ictfootprint.store import rounds as _rounds
from ictfootprint.store.database import now
from ictfootprint.surveys.compare import survey_comparisons
from ictfootprint.web import session
from ictfootprint.web.pages import Lang
from ictfootprint.web.work import PRIVATE, CsrfField, acting, private_page, required_user

router = APIRouter(include_in_schema=False)
ACTIONS: Final = ("invite", "remind", "close", "extend", "exempt")
At = Annotated[date | None, Query()]
Entity = Annotated[str, Form(min_length=1, max_length=64, pattern=ENTITY_ID)]
Reason = Annotated[str, Form(max_length=2000)]


@router.get("/{lang:lang}/rounds")
async def rounds_page(request: Request, lang: Lang) -> Response:
    who = await required_user(request)

    def load() -> dict[str, Any]:
        store = acting(request, who)
        if who.role == Role.ADMIN:
            found = service.list_rounds(store)
        elif who.role == Role.REVIEWER:
            found = service.list_rounds(store, custodian_ids=sorted(who.custodians))
        else:
            with store.engine.connect() as connection:
                ids = set(_rounds.rounds_of_entity(connection, who.entities))
            found = [r for r in service.list_rounds(store) if r.id in ids]
        names = {c.id: c.name for c in service.custodians(store)}
        return {"rounds": found, "custodian_names": names}

    context = await run_in_threadpool(load)
    return private_page(request, lang, "rounds.html", section="submissions", who=who, **context)


@router.get("/{lang:lang}/rounds/{round_id}")
async def round_page(
    request: Request, lang: Lang, round_id: RoundId, at: At = None, done: str = ""
) -> Response:
    who = await required_user(request)
    context = await run_in_threadpool(_round_context, request, who, round_id, at)
    return private_page(
        request,
        lang,
        "round.html",
        section="submissions",
        who=who,
        done=done if done in ACTIONS else "",
        kinds=respondents(),
        **context,
    )


def _round_context(
    request: Request, who: Principal, round_id: int, at: date | None
) -> dict[str, Any]:
    store = acting(request, who)
    record, runs = visible_round(store, who, round_id)
    day = at or now().date()
    held = service.custodian(store, record.custodian_id)
    if not runs:
        own = own_entities(record, who)
        for entity_id in own:
            service.record_opened(store, round_id, entity_id)
        _, found = service.statuses(store, round_id, day, entity_ids=own)
        names = {e.id: e.name for e in store.entities(own)}
        return {
            "round": record,
            "custodian": held,
            "runs": False,
            "at": day,
            "statuses": found,
            "names": names,
            "report": None,
        }
    report = round_report(store, round_id, day)
    return {
        "round": record,
        "custodian": held,
        "runs": True,
        "at": report.at,
        "statuses": report.statuses,
        "names": report.names,
        "report": report,
        "comparisons": survey_comparisons(store, held.country, record.year),
    }


@router.get("/{lang:lang}/rounds/{round_id}/report.json")
async def round_report_json(
    request: Request, lang: Lang, round_id: RoundId, at: At = None
) -> Response:
    """The round report as the API gives it, for the regulator to send on."""
    who = await required_user(request)

    def load() -> bytes:
        store = acting(request, who)
        record, runs = visible_round(store, who, round_id)
        if not runs:
            raise InputError(
                "only those who run the round read its report", Location(field="round")
            )
        report = round_report(store, record.id, at or now().date())
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2).encode()

    data = await run_in_threadpool(load)
    return Response(
        data,
        media_type="application/json",
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="round-{round_id}-report.json"',
        },
    )


@router.post("/{lang:lang}/rounds/{round_id}/{action}")
async def round_action(
    request: Request,
    lang: Lang,
    round_id: RoundId,
    action: str,
    csrf: CsrfField = "",
    entity: Annotated[str, Form(max_length=64)] = "",
    until: Annotated[str, Form(max_length=20)] = "",
    reason: Reason = "",
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    if action not in ACTIONS:
        raise InputError("unknown action", Location(field="action"), found=action)
    base = str(request.base_url)

    def run() -> None:
        store = acting(request, who)
        _, runs = visible_round(store, who, round_id)
        if not runs:
            from ictfootprint.api.security import forbid

            raise forbid("you may not run this round")
        if action == "invite":
            notices.invite(store, round_id, base_url=base)
        elif action == "remind":
            notices.remind(store, round_id, base_url=base)
        elif action == "close":
            service.close(store, round_id, reason.strip() or None)
        elif action == "exempt":
            service.exempt(store, round_id, entity, reason)
        else:
            try:
                day = date.fromisoformat(until)
            except ValueError:
                raise InputError(
                    "unreadable date", Location(field="until"), expected="YYYY-MM-DD", found=until
                ) from None
            service.extend(store, round_id, entity, day, reason.strip() or None)

    await run_in_threadpool(run)
    return RedirectResponse(
        f"/{lang}/rounds/{round_id}?done={action}", status_code=303, headers=PRIVATE
    )
