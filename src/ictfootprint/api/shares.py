"""Public read of the ICT sector's shares of national totals and its intensities."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from ictfootprint.api.cache import cached
from ictfootprint.api.problems import responses
from ictfootprint.api.reads import JSON, Year, store_of
from ictfootprint.api.schemas import Out
from ictfootprint.api.security import principal

router = APIRouter(prefix="/api/v1", dependencies=[Depends(principal)])


class SharesOut(Out):
    level: str
    year: int
    region_kind: str
    shares: list[dict[str, Any]] = Field(
        description="ICT share of national electricity (sector_electricity_share) and GHG "
        "(sector_ghg_share) in percent, by area: numerator (the sector total, its entities), "
        "denominator (the national statistic, its source) and the sample: a share of the "
        "reporters' sum is the reporters' share."
    )
    intensities: list[dict[str, Any]] = Field(
        description="Energy and emissions per mobile line, fixed line, TB and US dollar, on "
        "the entities that report both figures."
    )
    missing: list[dict[str, Any]] = Field(
        description="Areas with a sector total but no national statistic to divide by, and why."
    )


@router.get("/shares", response_model=SharesOut, tags=["data"], responses=responses(400))
async def shares(
    request: Request,
    year: Year,
    level: Annotated[str, Query(pattern="^(country|region|world)$")] = "world",
    regions: Annotated[str, Query(pattern="^(itu|m49)$")] = "itu",
) -> Response:
    """The ICT sector's share of national electricity and GHG emissions where a national
    statistic exists, and its intensities per line, per TB and per US dollar."""
    from ictfootprint.compute.shares import sector_shares

    def render() -> tuple[bytes, str]:
        result = sector_shares(store_of(request), level=level, year=year, region_kind=regions)
        out = SharesOut(
            level=level,
            year=year,
            region_kind=regions,
            shares=result.shares,
            intensities=result.intensities,
            missing=result.missing,
        )
        return out.model_dump_json().encode(), JSON

    return await cached(request, render)
