"""The world and region pages: the sector's footprint of an area, every quantity by sub-sector
with the total across sub-sectors, who is counted and who is left out, and the headline series
with its coverage and like-for-like trend (what :mod:`ictfootprint.web.sector` arranges)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from ictfootprint.api.reads import store_of
from ictfootprint.errors import NotFoundError
from ictfootprint.reference.countries import regions
from ictfootprint.web import sector
from ictfootprint.web.pages import Lang, YearQuery, names, public_page

router = APIRouter(include_in_schema=False)
QuantityQuery = Annotated[str, Query(max_length=64)]
REGION_KINDS = ("itu_region", "m49_region", "m49_subregion", "m49_intermediate_region")


@router.get("/{lang:lang}/world")
async def world_page(
    request: Request, lang: Lang, year: YearQuery = None, quantity: QuantityQuery = ""
) -> Response:
    return await _area_page(request, lang, "world", "001", year, quantity)


@router.get("/{lang:lang}/regions/{code}")
async def region_page(
    request: Request,
    lang: Lang,
    code: Annotated[str, Path(pattern="^[A-Za-z0-9-]{3,12}$")],
    year: YearQuery = None,
    quantity: QuantityQuery = "",
) -> Response:
    key = code.upper()
    if key not in regions() or regions()[key].kind not in REGION_KINDS:
        raise NotFoundError(f"no region {code!r}")
    return await _area_page(request, lang, "region", key, year, quantity)


async def _area_page(
    request: Request, lang: Lang, level: str, key: str, year: int | None, quantity: str
) -> Response:
    chosen_quantity = quantity or sector.HEADLINE
    if chosen_quantity not in sector.QUANTITIES:
        raise NotFoundError(f"no sector quantity {quantity[:64]!r}")

    def build() -> dict[str, Any]:
        store = store_of(request)
        years = sector.sector_years(store)
        chosen = year if year in years else (years[-1] if years else None)
        series = sector.area_series(store, level, key, years, chosen_quantity)
        return {
            **names(lang),
            "level": level,
            "key": key,
            "year": chosen,
            "years": years,
            "quantity": chosen_quantity,
            "quantities": sector.QUANTITIES,
            "totals": sector.area_totals(store, level, key, chosen),
            "series": series,
            "headline": sector.headline(series),
            "itu_regions": [r.code for r in regions().values() if r.kind == "itu_region"],
        }

    return await public_page(request, lang, "area.html", build)
