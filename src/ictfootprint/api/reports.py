"""``GET /api/v1/reports/...``: the printed reports (docs/reports.md) as PDF, HTML or a zip.

The world report and a country's profile are public reads of published data, cached like
the other reads (ETag, ``Cache-Control: public``): a report is computed once per data version,
language and format. A round's report is what ``GET /api/v1/rounds/{id}/report`` gives, with
the same role checks (only those who run the round; a round the caller may not see is a 404),
signed in and never cached.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ictfootprint.api.cache import cached
from ictfootprint.api.downloads import attachment
from ictfootprint.api.problems import ApiError, responses
from ictfootprint.api.reads import store_of
from ictfootprint.api.rounds import RoundId, visible_round
from ictfootprint.api.security import SignedIn, forbid, principal
from ictfootprint.api.writes import PRIVATE, store_for
from ictfootprint.reports.document import MEDIA_TYPES, Report

router = APIRouter(prefix="/api/v1", tags=["reports"])
EXTENSIONS: Final = {"pdf": "pdf", "html": "html", "zip": "zip"}
FILES: Final[dict[int | str, dict[str, Any]]] = {
    200: {
        "description": "The report: application/pdf, text/html or application/zip.",
        "content": {media: {} for media in MEDIA_TYPES.values()},
    }
}

ReportYear = Annotated[
    int | None,
    Query(ge=1900, le=2200, description="Year (default: the latest with a sector total)."),
]
ReportLang = Annotated[str, Query(max_length=8, description="Language: ar, zh, en, fr, ru or es.")]
ReportFormat = Annotated[
    str,
    Query(
        alias="format",
        max_length=8,
        description="pdf (tagged PDF/UA-1, fonts embedded), html (one self-contained file) "
        "or zip (the PDF, the HTML and a CSV of the data behind every chart).",
    ),
]


def _checked(fmt: str, lang: str) -> None:
    """A bad format or language is a 400 before any work; a machine without Pango a 503."""
    from ictfootprint.reports.document import check_format, check_language
    from ictfootprint.reports.pdf import pdf_available

    check_format(fmt)
    check_language(lang)
    reason = pdf_available()
    if fmt != "html" and reason is not None:
        raise ApiError(503, reason, field="format")


def _file(report: Report, fmt: str) -> tuple[bytes, str, dict[str, str]]:
    name = f"{report.name}.{EXTENSIONS[fmt]}"
    return report.write(fmt), MEDIA_TYPES[fmt], {"Content-Disposition": attachment(name, name)}


@router.get(
    "/reports/world",
    dependencies=[Depends(principal)],
    responses={**FILES, **responses(400, 503)},
    response_class=Response,
)
async def world_report(
    request: Request, year: ReportYear = None, lang: ReportLang = "en", fmt: ReportFormat = "pdf"
) -> Response:
    """The state of the world's ICT sector in a year: reported and estimated totals (energy,
    emissions by scope, resources), coverage, the gap to L.1470 and the reduction still
    needed, regions and countries, top movers, data quality, sources, methodology annex."""
    from ictfootprint.reports.document import world_report as build

    _checked(fmt, lang)

    def render() -> tuple[bytes, str, dict[str, str]]:
        return _file(build(store_of(request), year, lang), fmt)

    return await cached(request, render, file=True)


@router.get(
    "/reports/countries/{iso3}",
    dependencies=[Depends(principal)],
    responses={**FILES, **responses(400, 404, 503)},
    response_class=Response,
)
async def country_report(
    request: Request,
    iso3: Annotated[str, Path(pattern="^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3.")],
    year: ReportYear = None,
    lang: ReportLang = "en",
    fmt: ReportFormat = "pdf",
) -> Response:
    """A country's profile in a year: the world report's sections for one country, with the
    companies and facilities behind its figures."""
    from ictfootprint.reports.content import check_country
    from ictfootprint.reports.document import country_report as build

    _checked(fmt, lang)
    code = check_country(iso3)

    def render() -> tuple[bytes, str, dict[str, str]]:
        return _file(build(store_of(request), code, year, lang), fmt)

    return await cached(request, render, file=True)


@router.get(
    "/reports/rounds/{round_id}",
    responses={**FILES, **responses(400, 401, 403, 404, 503)},
    response_class=Response,
)
async def round_report(
    request: Request,
    who: SignedIn,
    round_id: RoundId,
    at: Annotated[
        date | None,
        Query(description="Statuses on this day (default: the day it closed, else today)."),
    ] = None,
    lang: ReportLang = "en",
    fmt: ReportFormat = "pdf",
) -> Response:
    """A collection round's report (respondents and their status, feasibility, gaps) as a
    document, for those who run the round; never cached."""
    from ictfootprint.reports.document import round_report as build

    _checked(fmt, lang)

    def render() -> tuple[bytes, str, dict[str, str]]:
        store = store_for(request, who)
        record, runs = visible_round(store, who, round_id)
        if not runs:
            raise forbid("only those who run the round read its report")
        return _file(build(store, record.id, at, lang), fmt)

    body, media_type, headers = await run_in_threadpool(render)
    return Response(body, media_type=media_type, headers={**PRIVATE, **headers})
