"""``GET /api/v1/aggregates`` (the sector's totals of a level, or of one area, and the first
page of the rows they leave out and the conflicts they resolve) and ``GET
/api/v1/aggregates/listed`` (those lists, paged by keyset). Public reads, cached.

The totals of a level are bounded (areas × sub-sectors × quantities: 8,000 rows for every
country), the lists are not: at 4.4 M observations a year's incomplete rows and conflicts are
11,600, 2.2 MB of the 3.4 MB an answer of every country was, and building them was most of
its 200 ms. So an aggregate carries each list's count and first page, and a link to the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from ictfootprint.api.cache import cached
from ictfootprint.api.cursor import opened, wrapped
from ictfootprint.api.problems import responses
from ictfootprint.api.reads import JSON, Limit, Year, page_limit, store_of
from ictfootprint.api.schemas import AggregatesOut, ListedPage
from ictfootprint.api.security import principal
from ictfootprint.errors import InputError, Location, NotFoundError

if TYPE_CHECKING:
    from ictfootprint.compute.sector_listed import ListedKey
    from ictfootprint.store import Store

router = APIRouter(prefix="/api/v1", dependencies=[Depends(principal)])

Level = Annotated[str, Query(pattern="^(country|region|world)$")]
Regions = Annotated[str, Query(pattern="^(itu|m49)$")]
Area = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=20,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="One area of the level (a country's ISO alpha-3, a region's code): its "
        "totals, and the rows left out and conflicts of its countries. Default: every area.",
    ),
]
Quantities = Annotated[
    list[str] | None,
    Query(max_length=64, description="Quantities to total (repeatable; default: all)."),
]
ListName = Annotated[
    str, Query(alias="list", pattern="^(incomplete|conflicts)$", description="Which list.")
]
ListedCursor = Annotated[
    str,
    Query(
        max_length=300,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="Where the page starts: the cursor of the previous page's `next` link. "
        "Empty: the first page.",
    ),
]

VERSION: Final = "L1"
_TEXT: Final = r"([A-Za-z0-9_.:-]{0,64})"
_FORM: Final = re.compile(rf"L1\|([0-9]{{1,4}})\|{_TEXT}\|{_TEXT}\|{_TEXT}\|([0-9]{{1,10}})")


def encode(after: ListedKey, position: int) -> str:
    return wrapped(VERSION, *after, position)


def decode(cursor: str) -> tuple[ListedKey, int]:
    """The row a cursor names and the position of the page it starts; 400 for anything else."""
    order, entity, country, subsector, position = opened(cursor, _FORM).groups()
    return (int(order), entity, country, subsector), int(position)


def _inside(request: Request, level: str, regions: str, area: str | None) -> tuple[str, str] | None:
    """The ``sector_areas`` level and area the lists are of (``None``: every country's); an
    area the level does not have is a 404, an area of the world a 400."""
    from ictfootprint.compute.sector_listed import known_area
    from ictfootprint.compute.sector_rows import area_level

    if area is None:
        return None
    if level == "world":
        raise InputError(
            "the world has no areas",
            Location(field="area"),
            expected="no area with level=world, or level=country or region",
            found=area,
        )
    if not known_area(store_of(request), level, regions, area):
        raise NotFoundError(f"no {area_level(level, regions)} area {area!r}")
    return area_level(level, regions), area


def _asked(
    request: Request, level: str, regions: str, area: str | None, quantity: list[str] | None
) -> tuple[list[str] | None, tuple[str, str] | None]:
    """The quantities asked (None: all) and the area whose countries' rows are listed."""
    from ictfootprint.compute.quantities import chosen

    wanted = None if quantity is None else [q.id for q in chosen(quantity)]
    return wanted, _inside(request, level, regions, area)


def _page(
    request: Request,
    which: str,
    *,
    year: int,
    size: int,
    wanted: list[str] | None,
    inside: tuple[str, str] | None,
    after: ListedKey | None = None,
    position: int = 0,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of list ``which`` from ``after`` (the first: None) and the link to the next
    (None when it was the last)."""
    from ictfootprint.compute.sector_listed import listed_page

    items, last = listed_page(
        store_of(request),
        which=which,
        year=year,
        limit=size,
        quantities=wanted,
        inside=inside,
        after=after,
    )
    return items, _link(request, which, size, last, position + len(items))


def _link(
    request: Request, which: str, size: int, last: Sequence[Any] | None, end: int
) -> str | None:
    """The link to the page of list ``which`` after the row ``last`` (None: there is none),
    with the request's own filters."""
    if last is None:
        return None
    params = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k in ("year", "level", "regions", "area", "quantity")
    ]
    params += [("list", which), ("limit", str(size)), ("cursor", encode(tuple(last), end))]
    return f"/api/v1/aggregates/listed?{urlencode(params)}"


def kept_aggregate(
    store: Store,
    *,
    level: str,
    year: int,
    regions: str,
    area: str | None,
    wanted: list[str] | None,
    inside: tuple[str, str] | None,
    size: int,
) -> dict[str, Any]:
    """What an aggregate says, as JSON values: its totals' ``rows``, each list's ``counts``
    and first ``pages`` (``items``, and the key of the last when more follow: ``last``).
    Kept between requests while the data holds (:mod:`ictfootprint.compute.kept_answers`):
    every country's totals of a year took 136 ms to build at 4.4 M values on PostgreSQL
    (8,000 rows described, two lists sorted by the database), so 50 clients were served 12
    a second. The links, which repeat the request's own parameters, are made per request.
    Read only: the answer is shared by the requests of this process."""
    from ictfootprint.compute.kept_answers import answer
    from ictfootprint.compute.sector import sector_totals
    from ictfootprint.compute.sector_listed import LISTS, listed_counts, listed_page

    # the order and repeats of the quantities asked change nothing: one question for them all
    wanted = None if wanted is None else sorted(set(wanted))

    def compute() -> dict[str, Any]:
        totals = sector_totals(
            store,
            level=level,
            year=year,
            region_kind=regions,
            quantities=wanted,
            area=area,
            listed=False,
        )
        counts = listed_counts(store, year=year, quantities=wanted, inside=inside)
        pages: dict[str, dict[str, Any]] = {}
        for which in LISTS:
            items: list[dict[str, Any]] = []
            last: ListedKey | None = None
            if counts[which]:
                items, last = listed_page(
                    store, which=which, year=year, limit=size, quantities=wanted, inside=inside
                )
            pages[which] = {"items": items, "last": None if last is None else list(last)}
        return {"rows": totals.rows, "counts": counts, "pages": pages}

    question = {
        "level": level,
        "year": year,
        "regions": regions,
        "area": area,
        "quantities": wanted,
        "limit": size,
    }
    return answer(store, "aggregates", question, compute, dict, dict, shared=True)


@router.get(
    "/aggregates", response_model=AggregatesOut, tags=["data"], responses=responses(400, 404)
)
async def aggregates(
    request: Request,
    year: Year,
    level: Level = "world",
    regions: Regions = "itu",
    area: Area = None,
    quantity: Quantities = None,
    limit: Limit = None,
) -> Response:
    """ICT-sector totals of every quantity (energy, Scope 1, Scope 2, Scope 1 + 2, resources,
    activity; Scope 3 and life-cycle beside) by area and sub-sector, with the total across
    sub-sectors (``_T``), from in-sector entities' complete figures. The incomplete entity rows
    left out and the conflicts resolved: how many, the first `limit` of each, and a link to
    the next page of each (`/api/v1/aggregates/listed`)."""
    size = page_limit(request, limit)

    def render() -> tuple[bytes, str]:
        wanted, inside = _asked(request, level, regions, area, quantity)
        kept = kept_aggregate(
            store_of(request),
            level=level,
            year=year,
            regions=regions,
            area=area,
            wanted=wanted,
            inside=inside,
            size=size,
        )
        counts = kept["counts"]
        pages = {
            which: (page["items"], _link(request, which, size, page["last"], len(page["items"])))
            for which, page in kept["pages"].items()
        }
        out = AggregatesOut.model_construct(
            level=level,
            year=year,
            region_kind=regions,
            area=area,
            rows=kept["rows"],
            incomplete=pages["incomplete"][0],
            conflicts=pages["conflicts"][0],
            incomplete_total=counts["incomplete"],
            conflicts_total=counts["conflicts"],
            incomplete_next=pages["incomplete"][1],
            conflicts_next=pages["conflicts"][1],
        )
        return out.model_dump_json().encode(), JSON

    return await cached(request, render)


@router.get(
    "/aggregates/listed", response_model=ListedPage, tags=["data"], responses=responses(400, 404)
)
async def aggregates_listed(
    request: Request,
    year: Year,
    which: ListName,
    level: Level = "world",
    regions: Regions = "itu",
    area: Area = None,
    quantity: Quantities = None,
    limit: Limit = None,
    cursor: ListedCursor = "",
) -> Response:
    """One list of an aggregate, paged: the incomplete entity rows its totals leave out
    (`list=incomplete`: entity_id, country, subsector, year, quantity, missing) or the
    conflicts they resolve (`list=conflicts`: entity_id, country, year, quantity, combined,
    components, used), in the quantities' order, then by entity, country and sub-sector, of
    every country (or of the countries of `area`). Follow `next` (a cursor) to page through:
    every page is as fast as the first."""
    from ictfootprint.compute.sector_listed import listed_counts

    size = page_limit(request, limit)
    after, position = decode(cursor) if cursor else (None, 0)

    def render() -> tuple[bytes, str]:
        wanted, inside = _asked(request, level, regions, area, quantity)
        counts = listed_counts(store_of(request), year=year, quantities=wanted, inside=inside)
        items, link = _page(
            request,
            which,
            year=year,
            size=size,
            wanted=wanted,
            inside=inside,
            after=after,
            position=position,
        )
        page = ListedPage.model_construct(
            listed=which,
            year=year,
            total=counts[which],
            limit=size,
            offset=position,
            next=link,
            items=items,
        )
        return page.model_dump_json().encode(), JSON

    return await cached(request, render)
