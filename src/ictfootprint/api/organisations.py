"""Public read of an organisation's report (issue 19): its inventory by scope and category,
its business travel by mode, haul and cabin, the year-on-year change with its causes, and its
comparison with the UN system's pathway (or the data that comparison still needs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import Field

from ictfootprint.api.cache import cached
from ictfootprint.api.problems import responses
from ictfootprint.api.reads import JSON, published_entity, store_of
from ictfootprint.api.schemas import Out
from ictfootprint.api.security import principal
from ictfootprint.model import ENTITY_ID

router = APIRouter(prefix="/api/v1", dependencies=[Depends(principal)])


class OrganisationOut(Out):
    entity: dict[str, Any]
    illustrative: bool = Field(description="The inventory is illustrative, not a real one.")
    inventory: dict[str, Any] = Field(
        description="`lines`: every stored figure (indicator, scope, year, value, unit, method, "
        "source, observation id); `totals`: Scope 1 + Scope 2 (`basis`) + the Scope 3 "
        "categories of the inventory, by year, in `unit`; `incomplete`: years without a "
        "total and what they lack; `travel`: each year's business-travel breakdown (mode, "
        "haul, cabin, legs, passenger_km, nights, tco2e) with its factor set, source, "
        "radiative forcing and distance uplift; `changes`: each year against the year "
        "before, `ratio` and its `causes` (emissions by indicator, travel measures by mode)."
    )
    pathway_id: str
    scope: str
    trajectory: dict[str, Any] | None = Field(
        description="The inventory's totals against the pathway (as /trajectories gives it)."
    )
    missing: dict[str, Any] | None = Field(
        description="When the pathway's base year has no total: that year, the indicators "
        "that would complete it, and the message (submit or import them)."
    )


@router.get(
    "/organisations/{entity_id}",
    response_model=OrganisationOut,
    tags=["assessment"],
    responses=responses(400, 404),
)
async def organisation(
    request: Request,
    entity_id: Annotated[str, Path(min_length=1, max_length=64, pattern=ENTITY_ID)],
    basis: Annotated[
        str,
        Query(pattern="^(location|market)$", description="Scope 2 in the totals."),
    ] = "location",
) -> Response:
    """An organisation's own footprint: inventory, business travel, year-on-year change with
    its causes, and the comparison with the UN system's pathway (-45 % from 2010 by 2030)."""
    from ictfootprint.assess.organisation import organisation_report

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        published_entity(store, entity_id)
        report = organisation_report(store, entity_id, basis=basis)
        return OrganisationOut(**report.as_dict()).model_dump_json().encode(), JSON

    return await cached(request, render)
