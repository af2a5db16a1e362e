"""An organisation's page (issue 19): its inventory by scope and Scope 3 category per year,
its business travel (flights by haul and cabin, rail, road, hotel nights) from the
calculation's lineage, the year-on-year change with its causes, and its comparison with the
UN system's pathway (-45 % from 2010 by 2030). The figures are
:func:`ictfootprint.assess.organisation.organisation_report`'s; this module only arranges
them for the charts and tables of ``organisation.html``."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request, Response

from ictfootprint.api.reads import store_of
from ictfootprint.assess.inventory import CATEGORIES, SCOPE1, SCOPE2, TRAVEL, Inventory
from ictfootprint.assess.organisation import organisation_report
from ictfootprint.errors import NotFoundError
from ictfootprint.model import ENTITY_ID
from ictfootprint.web.pages import Lang, names, public_page

router = APIRouter(include_in_schema=False)
# the parts of the inventory chart, bottom to top
PARTS: Final = ("scope1", "scope2", "travel", "scope3_other")
CABINS: Final = ("economy", "premium_economy", "business", "first")


def inventory_chart(inventory: Inventory) -> dict[str, Any]:
    """Per year (those with a total): Scope 1, Scope 2, business travel and the other Scope 3
    categories, in tCO2e (the chart's stacks add up to the total)."""
    by_year: dict[int, dict[str, float]] = defaultdict(lambda: dict.fromkeys(PARTS, 0.0))
    scope2 = SCOPE2[inventory.basis]
    for line in inventory.lines:
        if line.year not in inventory.totals:
            continue
        part = (
            "scope1"
            if line.indicator == SCOPE1
            else "scope2"
            if line.indicator == scope2
            else "travel"
            if line.indicator == TRAVEL
            else "scope3_other"
            if line.indicator in CATEGORIES
            else None
        )
        if part is not None:
            by_year[line.year][part] += line.value
    years = sorted(inventory.totals)
    return {
        "years": years,
        "parts": {p: [round(by_year[y][p], 3) for y in years] for p in PARTS},
        "totals": [inventory.totals[y] for y in years],
    }


def flights(inventory: Inventory) -> dict[str, Any]:
    """Air travel by haul and cabin (the chart's categories) with a series per year, and the
    rows of every mode by year for the table."""
    keys: set[tuple[str, str]] = set()
    values: dict[int, dict[tuple[str, str], float]] = defaultdict(dict)
    for travel in inventory.travel:
        for row in travel.rows:
            if row.mode == "air":
                key = (row.haul or "", row.cabin or "")
                keys.add(key)
                values[travel.year][key] = values[travel.year].get(key, 0.0) + row.tco2e
    order = sorted(keys, key=lambda k: (k[0], CABINS.index(k[1]) if k[1] in CABINS else 9, k[1]))
    return {
        "categories": order,
        "series": {y: [values[y].get(k) for k in order] for y in sorted(values)},
    }


@router.get("/{lang:lang}/organisations/{entity_id}")
async def organisation_page(
    request: Request,
    lang: Lang,
    entity_id: Annotated[str, Path(min_length=1, max_length=64, pattern=ENTITY_ID)],
) -> Response:
    def build() -> dict[str, Any]:
        store = store_of(request)
        if not store.is_published(entity_id):
            raise NotFoundError(f"no published organisation {entity_id!r}")
        report = organisation_report(store, entity_id)
        return {
            **names(lang),
            "entity": report.entity,
            "report": report,
            "inventory": report.inventory,
            "stack": inventory_chart(report.inventory),
            "flights": flights(report.inventory),
            "trajectory": report.assessment.as_dict() if report.assessment else None,
            "missing": report.missing,
        }

    return await public_page(request, lang, "organisation.html", build)
