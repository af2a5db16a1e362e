"""Data-collection templates to download: ``GET /api/v1/templates?respondent=…&lang=…&
years=2021-2023&format=xlsx|csv``. Public (a template holds no data), cached like every read,
and every parameter checked, so that a wrong one is one clear 4xx naming it.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query, Request, Response

from ictfootprint.api import problems
from ictfootprint.api.cache import cached
from ictfootprint.collection.template import template_bytes
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.reference.respondents import respondent as find_respondent

router = APIRouter(prefix="/api/v1", tags=["collection"])
MEDIA: Final = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FIRST_YEAR: Final = 1990
LAST_YEAR: Final = 2100
MOST_YEARS: Final = 30


def parse_years(text: str) -> list[int]:
    """``2022``, ``2020-2024`` or ``2021,2023`` → the years (``InputError`` naming ``years``).

    >>> parse_years("2021-2023"), parse_years("2023,2021")
    ([2021, 2022, 2023], [2021, 2023])
    """
    expected = f"2022, 2020-2024 or 2021,2023: 1 to {MOST_YEARS} years, {FIRST_YEAR}-{LAST_YEAR}"
    try:
        if "-" in text:
            start, end = (int(p) for p in text.split("-", 1))
            years = list(range(start, end + 1))
        else:
            years = sorted({int(p) for p in text.split(",")})
    except ValueError:
        raise InputError(
            "unreadable years", Location(field="years"), expected=expected, found=text[:40]
        ) from None
    if not years or len(years) > MOST_YEARS or years[0] < FIRST_YEAR or years[-1] > LAST_YEAR:
        raise InputError(
            "years out of range", Location(field="years"), expected=expected, found=text[:40]
        )
    return years


@router.get(
    "/templates",
    responses={
        200: {"content": {m: {} for m in MEDIA.values()}, "description": "The template file"},
        **problems.responses(400),
    },
)
async def template(
    request: Request,
    respondent: Annotated[str, Query(min_length=1, max_length=64)],
    lang: Annotated[str, Query(max_length=8)] = "en",
    years: Annotated[str, Query(min_length=1, max_length=40)] = "2023",
    format: Annotated[str, Query(max_length=8)] = "xlsx",
) -> Response:
    """The data-collection template of a respondent type, in a language, for some years."""
    find_respondent(respondent)  # 400 naming the known types
    if lang not in LANGUAGES:
        raise InputError(
            "unknown language", Location(field="lang"), expected=", ".join(LANGUAGES), found=lang
        )
    if format not in MEDIA:
        raise InputError(
            "unknown template format",
            Location(field="format"),
            expected="xlsx or csv",
            found=format,
        )
    wanted = parse_years(years)
    span = str(wanted[0]) if len(wanted) == 1 else f"{wanted[0]}-{wanted[-1]}"
    name = f"{respondent}-{lang}-{span}.{format}"

    def render() -> tuple[bytes, str, dict[str, str]]:
        body = template_bytes(respondent, lang, wanted, format)
        return body, MEDIA[format], {"Content-Disposition": f'attachment; filename="{name}"'}

    return await cached(request, render, max_age=3600, file=True)
