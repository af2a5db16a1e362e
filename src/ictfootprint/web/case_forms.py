"""The forms of case studies: write and revise (a member, their own), submit, attach a file;
publish or return (an editor). Every form carries the session's CSRF value; every write goes
through :mod:`ictfootprint.portal.cases` as ``web:<user>``, so the audit trail says who.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.cases import CaseId, _editor, _poster, portal_errors, visible_case
from ictfootprint.api.problems import ApiError
from ictfootprint.errors import InputError, Location
from ictfootprint.portal import cases
from ictfootprint.portal.attachments import MAX_BYTES, clean_name, sniff
from ictfootprint.portal.cases import CaseContent
from ictfootprint.portal.markdown import MAX_CHARS
from ictfootprint.web import session
from ictfootprint.web.pages import Lang
from ictfootprint.web.work import PRIVATE, CsrfField, acting, private_page, required_user

router = APIRouter(include_in_schema=False)
Long = Annotated[str, Form(max_length=MAX_CHARS)]
Short = Annotated[str, Form(max_length=300)]
FIELDS = ("title", "summary", "body", "country", "subsector", "objective", "measures",
          "results", "barriers", "contact")  # fmt: skip


def parse_figures(text: str) -> list[dict[str, Any]]:
    """One linked figure a line: ``entity[:COUNTRY], indicator, year year ...[, note]``.

    >>> parse_figures("op-a, energy_electricity, 2022 2023, before and after")[0]["years"]
    [2022, 2023]
    """
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",", 3)]
        try:
            years = [int(y) for y in parts[2].split()] if len(parts) > 2 else []
        except ValueError:
            years = []
        if len(parts) < 3 or not years:
            raise InputError(
                "a linked figure is not 'entity, indicator, years'",
                Location(field="figures", row=number),
                expected="e.g. op-a, energy_electricity, 2022 2023",
                found=line[:80],
            )
        entity, _, country = parts[0].partition(":")
        out.append(
            {
                "entity_id": entity.strip(),
                "country": country.strip().upper() or None,
                "indicator_id": parts[1],
                "years": years,
                "note": parts[3] if len(parts) > 3 else "",
            }
        )
    return out


def _content(lang: str, form: dict[str, str], figures: str) -> CaseContent:
    values: dict[str, Any] = {k: v.strip() for k, v in form.items()}
    for optional in ("country", "subsector", "objective"):
        values[optional] = values[optional] or None
    if values["country"]:
        values["country"] = values["country"].upper()
    return CaseContent.checked({**values, "lang": lang, "figures": parse_figures(figures)})


@router.get("/{lang:lang}/cases/new")
async def new_case_form(request: Request, lang: Lang) -> Response:
    who = await required_user(request)
    _poster(who)
    return private_page(
        request, lang, "case_form.html", section="portal", case=None, content=None,
        figures="", text_lang=lang,
    )  # fmt: skip


@router.get("/{lang:lang}/cases/{case_id}/edit")
async def edit_case_form(
    request: Request,
    lang: Lang,
    case_id: CaseId,
    text_lang: Annotated[str, Query(pattern="^(|ar|en|es|fr|ru|zh)$")] = "",
) -> Response:
    """The form filled with the newest version in ``text_lang`` (a new language: empty)."""
    who = await required_user(request)
    case = await run_in_threadpool(visible_case, acting(request, who), who, case_id)
    if case.author != who.name:
        raise ApiError(403, "only the author edits a case study")
    chosen = text_lang or (lang if lang in case.latest else next(iter(case.latest)))
    version = case.latest.get(chosen)
    content = version.content if version else None
    figures = "\n".join(
        f"{f.entity_id}{':' + f.country if f.country else ''}, {f.indicator_id}, "
        f"{' '.join(map(str, f.years))}" + (f", {f.note}" if f.note else "")
        for f in (content.figures if content else [])
    )
    return private_page(
        request, lang, "case_form.html", section="portal", case=case, content=content,
        figures=figures, text_lang=chosen,
    )  # fmt: skip


@router.post("/{lang:lang}/cases/new")
@router.post("/{lang:lang}/cases/{case_id}/edit")
async def save_case(
    request: Request,
    lang: Lang,
    title: Short,
    text_lang: Annotated[str, Form(pattern="^(ar|en|es|fr|ru|zh)$")],
    case_id: CaseId | None = None,
    csrf: CsrfField = "",
    summary: Long = "",
    body: Long = "",
    country: Annotated[str, Form(max_length=3)] = "",
    subsector: Annotated[str, Form(max_length=40)] = "",
    objective: Annotated[str, Form(max_length=40)] = "",
    measures: Long = "",
    results: Long = "",
    barriers: Long = "",
    contact: Short = "",
    figures: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    _poster(who)
    form = dict(zip(FIELDS, (title, summary, body, country, subsector, objective, measures,
                             results, barriers, contact), strict=True))  # fmt: skip
    content = _content(text_lang, form, figures)
    store = acting(request, who)

    def write() -> str:
        if case_id is None:
            return str(portal_errors(lambda: cases.create(store, who.name, content)))
        visible_case(store, who, case_id)
        portal_errors(lambda: cases.revise(store, case_id, who.name, content))
        return case_id

    saved = await run_in_threadpool(write)
    return RedirectResponse(f"/{lang}/cases/{saved}", status_code=303, headers=PRIVATE)


@router.post("/{lang:lang}/cases/{case_id}/{action}")
async def case_action(
    request: Request,
    lang: Lang,
    case_id: CaseId,
    action: str,
    csrf: CsrfField = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """submit (the author), publish and return (an editor)."""
    who = await required_user(request)
    session.check_csrf(request, csrf)
    store = acting(request, who)

    def write() -> None:
        visible_case(store, who, case_id)
        if action == "submit":
            _poster(who)
            portal_errors(lambda: cases.submit(store, case_id, who.name))
        elif action == "publish":
            _editor(who)
            cases.publish(store, case_id, who.name, comment.strip() or None)
        elif action == "return":
            _editor(who)
            cases.return_to_author(store, case_id, who.name, comment)
        else:
            raise ApiError(404, f"no action {action[:20]!r} on a case study")

    await run_in_threadpool(write)
    return RedirectResponse(f"/{lang}/cases/{case_id}", status_code=303, headers=PRIVATE)


@router.post("/{lang:lang}/cases/{case_id}/attachments/new")
async def attach_file(
    request: Request,
    lang: Lang,
    case_id: CaseId,
    file: Annotated[UploadFile, File()],
    csrf: CsrfField = "",
) -> Response:
    who = await required_user(request)
    session.check_csrf(request, csrf)
    _poster(who)
    data = await file.read(MAX_BYTES + 1)
    name = clean_name(file.filename)
    store = acting(request, who)

    def write() -> None:
        visible_case(store, who, case_id)
        media_type = sniff(name, data)
        portal_errors(
            lambda: cases.add_attachment(store, case_id, who.name, name, data, media_type)
        )

    await run_in_threadpool(write)
    return RedirectResponse(f"/{lang}/cases/{case_id}", status_code=303, headers=PRIVATE)
