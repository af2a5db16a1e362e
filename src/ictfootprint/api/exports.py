"""Open-data exports of the published observations (CSV, XLSX, Parquet, JSON, SDMX-CSV) and
the SDMX structure they follow. Public and cached, like the other reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from ictfootprint.api.cache import cached
from ictfootprint.api.downloads import attachment
from ictfootprint.api.filters import Filters
from ictfootprint.api.problems import responses
from ictfootprint.api.reads import REFERENCE_MAX_AGE, store_of
from ictfootprint.api.security import principal

router = APIRouter(prefix="/api/v1", dependencies=[Depends(principal)])


@router.get(
    "/exports/observations",
    tags=["exports"],
    response_class=Response,
    responses={
        200: {
            "description": "The published observations as a file.",
            "content": {
                "text/csv": {},
                "application/json": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "application/vnd.apache.parquet": {},
                "application/vnd.sdmx.data+csv": {},
            },
        },
        **responses(400),
    },
)
async def export_observations(
    request: Request,
    filters: Filters,
    fmt: Annotated[
        str, Query(alias="format", pattern="^(csv|xlsx|parquet|json|sdmx-csv)$")
    ] = "csv",
) -> Response:
    """Every published observation matching the filters, as CSV, XLSX, Parquet, JSON or
    SDMX-CSV (structure: ``/api/v1/exports/structure``). Spreadsheet formulas are
    neutralised."""
    from ictfootprint.export import EXTENSIONS, MEDIA_TYPES
    from ictfootprint.export import export_observations as export

    def render() -> tuple[bytes, str, dict[str, str]]:
        store = store_of(request)
        _total, rows = filters.query(store)
        # the rows' entities only (a store has thousands)
        named = {e.id: e for e in store.entities(ids={obs.entity_id for obs, _ in rows})}
        body = export([obs for obs, _area in rows], named, fmt)
        disposition = attachment(f"ictfootprint-observations{EXTENSIONS[fmt]}", "observations")
        return body, MEDIA_TYPES[fmt], {"Content-Disposition": disposition}

    return await cached(request, render, file=True)


@router.get(
    "/exports/structure",
    tags=["exports"],
    response_class=Response,
    responses={
        200: {
            "description": "SDMX-ML 2.1 structure message.",
            "content": {"application/vnd.sdmx.structure+xml": {}},
        }
    },
)
async def export_structure(request: Request) -> Response:
    """The SDMX data structure definition (DSD), codelists and dataflow of the exports."""
    from ictfootprint.export import sdmx_structure

    return await cached(
        request,
        lambda: (sdmx_structure(), "application/vnd.sdmx.structure+xml; version=2.1"),
        max_age=REFERENCE_MAX_AGE,
    )
