"""``GET /api/v1/aggregates/trends``: coverage, like-for-like series and estimates of the
unreported part of the sector totals (docs/sector-trends.md). A public read, cached."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from ictfootprint.api.cache import cached
from ictfootprint.api.problems import responses
from ictfootprint.api.reads import JSON
from ictfootprint.api.schemas import Out
from ictfootprint.api.security import principal

router = APIRouter(prefix="/api/v1", dependencies=[Depends(principal)])


class SectorTrendsOut(Out):
    level: str
    region_kind: str
    years: list[int]
    quantities: list[str]
    interval: float = Field(description="Level of the two-sided bootstrap interval (0.9 = 90 %).")
    method: str
    coverage: list[dict[str, Any]] = Field(
        description="Per area × sub-sector (_T = all) × year × quantity: the reporting sample "
        "and its share of the national denominators."
    )
    like_for_like: list[dict[str, Any]] = Field(
        description="Per area × sub-sector × quantity and year: the reported total, the "
        "constant sample with the year before, its change and the chained series."
    )
    estimates: list[dict[str, Any]] = Field(
        description="Per area × sub-sector × year × quantity: the reported total, the "
        "estimated unreported part (flagged estimated, never added in) with its interval, "
        "their sum and the reported share."
    )


@router.get(
    "/aggregates/trends",
    response_model=SectorTrendsOut,
    tags=["data"],
    responses=responses(400),
)
async def aggregate_trends(
    request: Request,
    level: Annotated[str, Query(pattern="^(country|region|world)$")] = "world",
    regions: Annotated[str, Query(pattern="^(itu|m49)$")] = "itu",
    year: Annotated[
        list[Annotated[int, Query(ge=1900, le=2200)]] | None,
        Query(max_length=50, description="Years (default: every year with a value)."),
    ] = None,
    quantity: Annotated[
        list[Annotated[str, Query(max_length=64)]] | None,
        Query(
            max_length=30,
            description="Quantity ids, e.g. ghg_s1s2_location (default: every quantity but "
            "the activity denominators).",
        ),
    ] = None,
) -> Response:
    """The sector beyond its reporters: coverage of national denominators, like-for-like
    series (a company joining does not read as growth) and estimates of the unreported
    part with their interval, beside the reported totals."""
    from ictfootprint.compute.trends import sector_trends

    def render() -> tuple[bytes, str]:
        result = sector_trends(
            request.app.state.store,
            level=level,
            years=year or None,
            region_kind=regions,
            quantities=quantity or None,
        )
        body = SectorTrendsOut(
            level=result.level,
            region_kind=result.region_kind,
            years=result.years,
            quantities=result.quantities,
            interval=result.interval,
            method=result.method,
            coverage=result.coverage,
            like_for_like=result.like_for_like,
            estimates=result.estimates,
        )
        return body.model_dump_json().encode(), JSON

    return await cached(request, render)
