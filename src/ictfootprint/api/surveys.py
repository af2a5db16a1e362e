"""Public reads of national surveys (issue 16, items 6 and 7): a shipped survey's mapping,
its published figures compared with the country's accepted submissions, and the national
focal points' monitoring arrangements. Only shipped surveys are named here (never a path)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import Field

from ictfootprint.api.cache import cached
from ictfootprint.api.problems import responses
from ictfootprint.api.reads import JSON, store_of
from ictfootprint.api.schemas import Out
from ictfootprint.api.security import principal
from ictfootprint.errors import NotFoundError

router = APIRouter(prefix="/api/v1", dependencies=[Depends(principal)], tags=["surveys"])
SurveyId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern="^[a-z0-9][a-z0-9_-]*$",
        description="A shipped survey.",
    ),
]


class ComparisonOut(Out):
    survey: dict[str, Any]
    country: str
    years: list[int]
    lines: list[dict[str, Any]] = Field(
        description="Each published figure (line, year) against the sum of the country's "
        "accepted submissions: published, ours, difference (ours - published, in the "
        "indicator's unit) and difference_percent (of published), the entities summed, and "
        "the likely causes (coverage, scope, method)."
    )
    not_comparable: list[dict[str, Any]]


class ArrangementsOut(Out):
    year: int | None
    respondent: str
    countries_answered: int
    mandated: int
    counts: dict[str, dict[str, int]] = Field(
        description="For each question, how many countries gave each answer."
    )
    regions: list[dict[str, Any]]
    countries: list[dict[str, Any]]


def _shipped(survey: str) -> str:
    from ictfootprint.surveys.mapping import shipped_surveys

    if survey not in shipped_surveys():
        raise NotFoundError(f"no such survey: {survey}")
    return survey


@router.get(
    "/surveys/{survey}/comparison", response_model=ComparisonOut, responses=responses(400, 404)
)
async def survey_comparison(
    request: Request,
    survey: SurveyId,
    year: Annotated[list[int] | None, Query(description="Years (default: all).")] = None,
) -> Response:
    """A survey's published figures, value by value, against the sum of the country's
    accepted submissions, with the difference and its likely causes."""
    from ictfootprint.surveys.compare import compare

    def render() -> tuple[bytes, str]:
        result = compare(store_of(request), _shipped(survey), years=year or None)
        return ComparisonOut(**result.as_dict()).model_dump_json().encode(), JSON

    return await cached(request, render)


@router.get("/arrangements", response_model=ArrangementsOut, responses=responses(400))
async def arrangements(
    request: Request,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    region: Annotated[str | None, Query(pattern="^ITU-[A-Z]{3}$")] = None,
) -> Response:
    """Who has a mandate for what: the national focal points' accepted answers on their
    monitoring arrangements, by country, with counts overall and by ITU region."""
    from ictfootprint.surveys.arrangements import world_arrangements

    def render() -> tuple[bytes, str]:
        result = world_arrangements(store_of(request), year=year, region=region)
        return ArrangementsOut(**result.as_dict()).model_dump_json().encode(), JSON

    return await cached(request, render)
