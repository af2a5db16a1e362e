"""Public reads: the catalogue, published entities and observations, aggregates, trajectories,
coverage, the company benchmark, and open-data exports. The same for every caller, so cached."""

from __future__ import annotations

from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, TypeAdapter

from ictfootprint.api import cursor as cursors
from ictfootprint.api.cache import cached
from ictfootprint.api.cursor import Cursor
from ictfootprint.api.filters import Filters
from ictfootprint.api.filters import ObservationFilters as ObservationFilters
from ictfootprint.api.filters import observation_filters as observation_filters
from ictfootprint.api.problems import responses
from ictfootprint.api.schemas import (
    BenchmarkOut,
    CoverageOut,
    EntityOut,
    EntityPage,
    IndicatorOut,
    IndicatorPage,
    ObservationPage,
    TargetOut,
    TrajectoryOut,
)
from ictfootprint.api.security import principal
from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.model import ENTITY_ID
from ictfootprint.reference.catalogue import catalogue, indicator
from ictfootprint.reference.loader import defaults
from ictfootprint.reference.pathways import pathways
from ictfootprint.store import Store

# a token sent with a public read must still be valid: a client is never quietly served as
# the public when it believes it is signed in
router = APIRouter(prefix="/api/v1", dependencies=[Depends(principal)])
JSON: Final = "application/json"
REFERENCE_MAX_AGE: Final = 3600
# the most the schema offers; a server may be configured to allow fewer (then 400)
MAX_PAGE: Final = int(defaults()["api"]["max_page_size"])

Limit = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_PAGE,
        description="Rows per page (default and maximum set by the server).",
    ),
]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Rows to skip.")]
SlowOffset = Annotated[
    int,
    Query(
        ge=0,
        le=10**9,
        description="Rows to skip (read and skipped: slower the deeper; prefer `cursor`).",
    ),
]
Year = Annotated[int, Query(ge=1900, le=2200)]
Id = Annotated[str, Path(min_length=1, max_length=64, pattern=ENTITY_ID)]


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _json(model: BaseModel) -> tuple[bytes, str]:
    return model.model_dump_json().encode(), JSON


def page_limit(request: Request, limit: int | None) -> int:
    settings = request.app.state.settings
    if limit is None:
        return int(settings.page_size)
    if limit > settings.max_page_size:
        raise InputError(
            "page too large",
            Location(field="limit"),
            expected=f"at most {settings.max_page_size}",
            found=str(limit),
        )
    return limit


def next_url(request: Request, total: int, limit: int, offset: int) -> str | None:
    """The next page, as a path and query (no host: the same body serves every host name)."""
    if offset + limit >= total:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "limit")]
    params += [("limit", str(limit)), ("offset", str(offset + limit))]
    return f"{request.url.path}?{urlencode(params)}"


def counted_page(
    request: Request,
    filters: ObservationFilters,
    limit: int,
    offset: int,
    after: tuple[str, int] | None,
    *,
    shown: bool = False,
) -> Any:
    """(count, page) of the published values, the count from ``app.state.counts`` while the
    data version holds (every page of a query has the same one); ``shown``: the page as the
    API shows it (:meth:`ObservationFilters.query`)."""
    state = request.app.state
    version, key = state.versions.value, filters.key()
    start = 0 if after else offset
    total = state.counts.get(key, version)
    if total is None:
        with state.counts.counting(key):  # one request counts, the others wait for its count
            total = state.counts.get(key, version)
            if total is None:
                found, rows = filters.query(store_of(request), limit, start, after, shown=shown)
                state.counts.put(key, version, found)
                return found, rows
    return filters.query(store_of(request), limit, start, after, total=total, shown=shown)


def cursor_url(request: Request, limit: int, cursor: str | None) -> str | None:
    """The next page by keyset, as a path and query (None on the last page)."""
    if cursor is None:
        return None
    params = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in ("offset", "limit", "cursor")
    ]
    params += [("limit", str(limit)), ("cursor", cursor)]
    return f"{request.url.path}?{urlencode(params)}"


def published_entity(store: Store, entity_id: str) -> Any:
    """The entity if it has published data; otherwise 404, as for one that does not exist."""
    entity = store.find_entity(entity_id)
    if entity is None or not store.is_published(entity.id):
        raise NotFoundError(f"no published entity {entity_id!r}")
    return entity


@router.get(
    "/indicators", response_model=IndicatorPage, tags=["reference"], responses=responses(400)
)
async def indicators(request: Request, limit: Limit = None, offset: Offset = 0) -> Response:
    """The indicator catalogue, with names and definitions in the six UN languages, paged
    like every list."""
    size = page_limit(request, limit)

    def render() -> tuple[bytes, str]:
        every = list(catalogue().values())
        return _json(
            IndicatorPage(
                total=len(every),
                limit=size,
                offset=offset,
                next=next_url(request, len(every), size, offset),
                items=[IndicatorOut.of(i) for i in every[offset : offset + size]],
            )
        )

    return await cached(request, render, max_age=REFERENCE_MAX_AGE)


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorOut,
    tags=["reference"],
    responses=responses(404),
)
async def one_indicator(request: Request, indicator_id: Id) -> Response:
    """One indicator: unit, levels, sub-sectors, scope, standards, components, names and
    definitions in the six UN languages."""
    if indicator_id not in catalogue():
        raise NotFoundError(f"no indicator {indicator_id!r}")
    return await cached(
        request,
        lambda: _json(IndicatorOut.of(indicator(indicator_id))),
        max_age=REFERENCE_MAX_AGE,
    )


@router.get("/entities", response_model=EntityPage, tags=["data"], responses=responses(400))
async def entities(request: Request, limit: Limit = None, offset: Offset = 0) -> Response:
    """Entities (companies, facilities, countries...) that have published data."""
    size = page_limit(request, limit)

    def render() -> tuple[bytes, str]:
        total, shown = store_of(request).published_entities(limit=size, offset=offset)
        return _json(
            EntityPage(
                total=total,
                limit=size,
                offset=offset,
                next=next_url(request, total, size, offset),
                items=[EntityOut.of(e) for e in shown],
            )
        )

    return await cached(request, render)


@router.get(
    "/entities/{entity_id}", response_model=EntityOut, tags=["data"], responses=responses(404)
)
async def one_entity(request: Request, entity_id: Id) -> Response:
    """One entity with published data (404 for one without, as for one that does not exist)."""
    return await cached(
        request, lambda: _json(EntityOut.of(published_entity(store_of(request), entity_id)))
    )


@router.get(
    "/entities/{entity_id}/targets",
    response_model=list[TargetOut],
    tags=["data"],
    responses=responses(404),
)
async def entity_targets(request: Request, entity_id: Id) -> Response:
    """The entity's current targets (revisions supersede earlier ones, which are kept)."""

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        published_entity(store, entity_id)
        rows = [TargetOut(id=i, **t.model_dump()) for i, t in store.targets(entity_id)]
        return TypeAdapter(list[TargetOut]).dump_json(rows), JSON

    return await cached(request, render)


@router.get(
    "/observations", response_model=ObservationPage, tags=["data"], responses=responses(400)
)
async def observations(
    request: Request,
    filters: Filters,
    limit: Limit = None,
    offset: SlowOffset = 0,
    cursor: Cursor = "",
) -> Response:
    """Published values (the current revision of each series), filtered and paged in a stable
    order. Values under review are never here. Follow `next` (a cursor) to page through:
    every page is as fast as the first; `offset` reads and skips the rows before the page."""
    size = page_limit(request, limit)
    begin = cursors.start(cursor, offset)

    def render() -> tuple[bytes, str]:
        total, rows = counted_page(request, filters, size, offset, begin.after, shown=True)
        after = None
        if rows and begin.position + len(rows) < total:
            last = rows[-1]
            after = cursors.encode((last["method"], last["id"]), begin.position + len(rows))
        page = {
            "total": total,
            "limit": size,
            "offset": begin.position,
            "next": cursor_url(request, size, after),
            "items": rows,  # as ObservationOut's fields: validated here, as any other page
        }
        return _json(ObservationPage.model_validate(page))

    return await cached(request, render)


@router.get(
    "/trajectories",
    response_model=TrajectoryOut,
    tags=["assessment"],
    responses=responses(400, 404),
)
async def trajectories(
    request: Request,
    level: Annotated[str, Query(pattern="^(entity|country|region|world|subsector)$")] = "world",
    key: Annotated[
        str,
        Query(alias="id", min_length=1, max_length=64, description="Entity, area or sub-sector."),
    ] = "001",
    scope: Annotated[str, Query(max_length=20)] = "1+2-location",
    pathway: Annotated[
        str, Query(max_length=64, description="A shipped pathway: " + ", ".join(pathways()))
    ] = "l1470-sector",
    target_year: Annotated[int, Query(ge=2000, le=2100)] = 2030,
    gas: Annotated[
        str,
        Query(
            pattern="^(co2e|co2)$",
            description="co2e, or co2: an entity's CO2-only series (values received in t CO2) "
            "against the pathway's CO2 variant.",
        ),
    ] = "co2e",
) -> Response:
    """Actual emissions against a pathway (L.1470 by default): gap, projection (clamped at
    zero, with a note), reduction still needed, and whether the comparison is indicative
    (a pathway applied to what it was not derived for) with the alternatives."""
    from ictfootprint.assess.trajectories import assess_trajectory, load_pathway

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        if level == "entity":
            published_entity(store, key)
        result = assess_trajectory(
            store,
            level=level,
            key=key,
            scope=scope,
            pathway=load_pathway(pathway, None),
            target_year=target_year,
            gas=gas,
        )
        return _json(TrajectoryOut(**result.as_dict()))

    return await cached(request, render)


@router.get(
    "/coverage", response_model=CoverageOut, tags=["assessment"], responses=responses(400, 404)
)
async def coverage(
    request: Request,
    entity: Annotated[list[str], Query(min_length=1, max_length=200)],
    year: Annotated[
        list[Annotated[int, Query(ge=1900, le=2200)]], Query(min_length=1, max_length=50)
    ],
) -> Response:
    """Which required indicators each entity has published for each year, and completeness."""
    from ictfootprint.assess.coverage import coverage as coverage_of

    def render() -> tuple[bytes, str]:
        store = store_of(request)
        for item in entity:
            published_entity(store, item)
        result = coverage_of(store, entity, year)
        return _json(CoverageOut(years=result.years, matrix=result.matrix, summary=result.summary))

    return await cached(request, render)


@router.get("/benchmark", response_model=BenchmarkOut, tags=["assessment"])
async def benchmark(request: Request, year: Year) -> Response:
    """The largest digital companies ranked on emissions trend, Scope 3 completeness,
    renewable electricity, targets, verification and disclosure (ITU/WBA-style weights)."""
    from ictfootprint.assess.benchmark import WEIGHTS_FILE, rank
    from ictfootprint.assess.benchmark_store import companies_from_store

    def render() -> tuple[bytes, str]:
        ranked = rank(companies_from_store(store_of(request), year))
        return _json(
            BenchmarkOut(
                year=year,
                weights=f"ictfootprint reference/data/{WEIGHTS_FILE}",
                companies=[r.as_dict() for r in ranked],
            )
        )

    return await cached(request, render)
