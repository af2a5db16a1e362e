"""The public pages: home (world map, world against L.1470, coverage), countries, companies and
the benchmark, the indicator catalogue and the data explorer.

Every page lives under its language (``/fr/countries/FRA``), so a link names the language it
is in and switching language keeps the page. Public pages are the same for every visitor, so
they go through the API's read cache (with ETag); they are never personalised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BeforeValidator, Field
from starlette.convertors import Convertor, register_url_convertor

from ictfootprint.api.cache import cached
from ictfootprint.api.reads import (
    counted_page,
    observation_filters,
    published_entity,
    store_of,
)
from ictfootprint.errors import NotFoundError
from ictfootprint.model import ENTITY_ID, Method
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries, regions
from ictfootprint.web import explorer, i18n, profiles, sector, worldmap
from ictfootprint.web.render import HTML, PAGE_HEADERS, figure, here, html


class LanguageConvertor(Convertor[str]):
    """``{lang:lang}`` in a route matches our six language codes only, so that any other
    first segment is simply not a page (404), not a page with a wrong parameter."""

    regex = "|".join(i18n.LANGUAGES)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("lang", LanguageConvertor())
router = APIRouter(include_in_schema=False)
Lang = Annotated[str, Path()]
# a form sends an unchosen year empty (`year=`): that is "no year chosen", not an error
YearQuery = Annotated[
    Annotated[int, Field(ge=1900, le=2200)] | None,
    BeforeValidator(lambda v: None if v == "" else v),
    Query(),
]
EXPLORE_PAGE: Final = 50


async def public_page(
    request: Request, lang: str, template: str, build: Callable[[], dict[str, Any]]
) -> Response:
    """A public page in one language, from the read cache while the data holds."""
    path = here(request)

    def render() -> tuple[bytes, str, dict[str, str]]:
        from ictfootprint.compute.sector_frame import frames_kept
        from ictfootprint.compute.sector_rows import checked_once

        # a page's parts that read the same sector frame read it once, and the rows are
        # brought up to date once
        with frames_kept(), checked_once():
            data = build()
        return html(template, lang, path, **data), HTML, PAGE_HEADERS

    return await cached(request, render)


def names(lang: str) -> dict[str, Any]:
    """Name look-ups for templates, in the page's language."""
    known, areas, indicators = countries(), regions(), catalogue()

    def area(code: str | None) -> str:
        if code is None:
            return ""
        if code in known:
            return known[code].name(lang)
        if code in areas:
            return areas[code].name(lang)
        if code in ("WORLD", "001"):  # the world entity and its M49 code
            return i18n.translator(lang).gettext("World")
        return code

    def indicator(indicator_id: str) -> str:
        return indicators[indicator_id].name(lang) if indicator_id in indicators else indicator_id

    return {"area_name": area, "indicator_name": indicator, "indicators": indicators}


@router.get("/")
def root(request: Request) -> RedirectResponse:
    """The home page in the visitor's language (Accept-Language), English by default."""
    lang = i18n.negotiate(request.headers.get("accept-language"))
    return RedirectResponse(f"/{lang}/", status_code=303, headers={"Vary": "Accept-Language"})


@router.get("/{lang:lang}/")
async def home(
    request: Request,
    lang: Lang,
    indicator: Annotated[str, Query(max_length=64)] = "",
    year: YearQuery = None,
) -> Response:
    chosen_indicator = indicator or worldmap.MAP_DEFAULT
    if (
        chosen_indicator not in catalogue()
        or "national" not in catalogue()[chosen_indicator].levels
    ):
        raise NotFoundError(f"no indicator with national values {indicator[:64]!r}")

    def build() -> dict[str, Any]:
        store = store_of(request)
        values = worldmap.country_values(store, chosen_indicator, year)
        years = sector.sector_years(store)
        trends = sector.area_trends(store, "world", "001", years)
        world = profiles.trajectory(store, "world", "001", trends=trends)
        with_data, without_data = worldmap.map_indicators(store)
        return {
            **names(lang),
            "values": values,
            "map_indicators": with_data,
            "map_indicators_empty": without_data,
            "map_spec": _map_spec(lang, values),
            "world": world,
            "latest": profiles.latest_year(world["points"]) if world else None,
            "coverage": worldmap.world_coverage(store, values),
            "headline": sector.headline(
                sector.area_series(store, "world", "001", years, trends=trends)
            ),
        }

    return await public_page(request, lang, "home.html", build)


def _map_spec(lang: str, values: worldmap.CountryValues) -> dict[str, Any]:
    """What site.js draws: each country's value, class colour and address, every country's
    name (so that one without data says so by name), all formatted here, not in the script."""
    known = countries()
    return {
        "type": "map",
        "lang": lang,
        "unit": values.unit,
        "indicator": names(lang)["indicator_name"](values.indicator),
        "geo": "/static/vendor/countries-110m.json",
        "nodata": i18n.translator(lang).gettext("no data"),
        "nodataColour": values.no_data,
        "data": [r["numeric"] for r in values.rows],
        "iso3": [r["iso3"] for r in values.rows],
        "values": [r["value"] for r in values.rows],
        "texts": [figure(r["value"], values.unit, lang) for r in values.rows],
        "colours": [r["colour"] for r in values.rows],
        "names": [known[r["iso3"]].name(lang) for r in values.rows],
        "links": [f"/{lang}/countries/{r['iso3']}" for r in values.rows],
        "countries": {c.numeric: c.name(lang) for c in known.values() if c.numeric},
    }


@router.get("/{lang:lang}/countries")
async def country_index(request: Request, lang: Lang) -> Response:
    def build() -> dict[str, Any]:
        store = store_of(request)
        with_data = profiles.entities_by_country(store)
        known = countries()
        rows = sorted(
            ({"iso3": c, "name": known[c].name(lang), "entities": n} for c, n in with_data.items()),
            key=lambda r: i18n.sort_key(str(r["name"]), lang),
        )
        return {**names(lang), "rows": rows}

    return await public_page(request, lang, "countries.html", build)


@router.get("/{lang:lang}/countries/{iso3}")
async def country_profile(
    request: Request,
    lang: Lang,
    iso3: Annotated[str, Path(pattern="^[A-Za-z]{3}$")],
    year: YearQuery = None,
    quantity: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    code = iso3.upper()
    if code not in countries():
        raise NotFoundError(f"no country {iso3!r}")
    chosen_quantity = quantity or sector.HEADLINE
    if chosen_quantity not in sector.QUANTITIES:
        raise NotFoundError(f"no sector quantity {quantity[:64]!r}")

    def build() -> dict[str, Any]:
        store = store_of(request)
        data = profiles.country_data(store, code)
        years, matrix = data.years, data.matrix
        chosen = year if year in years else (years[-1] if years else None)
        # the series and the trajectory from one computation of the country's trends
        trends = sector.area_trends(store, "country", code, years, chosen_quantity)
        return {
            **names(lang),
            "country": countries()[code],
            "iso3": code,
            "year": chosen,
            "years": years,
            "totals": sector.area_totals(store, "country", code, chosen),
            "series": sector.area_series(
                store, "country", code, years, chosen_quantity, trends=trends
            ),
            "quantity": chosen_quantity,
            "quantities": sector.QUANTITIES,
            "trajectory": profiles.trajectory(store, "country", code, trends=trends),
            "intensities": data.intensities,
            "matrix": matrix,
            "sources": data.sources,
            "entities": profiles.country_entities(store, data.entity_ids),
        }

    return await public_page(request, lang, "country.html", build)


@router.get("/{lang:lang}/companies/{entity_id}")
async def company_profile(
    request: Request,
    lang: Lang,
    entity_id: Annotated[str, Path(min_length=1, max_length=64, pattern=ENTITY_ID)],
) -> Response:
    def build() -> dict[str, Any]:
        store = store_of(request)
        entity = published_entity(store, entity_id)
        _total, rows = store.published_page(entity_ids=[entity.id])
        targets = [t for _id, t in store.targets(entity.id)]
        return {
            **names(lang),
            "entity": entity,
            "series": profiles.company_series([obs for obs, _area in rows]),
            "trajectory": profiles.company_trajectory(store, entity.id, targets),
            "targets": targets,
        }

    return await public_page(request, lang, "company.html", build)


@router.get("/{lang:lang}/benchmark")
async def benchmark(
    request: Request,
    lang: Lang,
    year: YearQuery = None,
    sort: Annotated[str, Query(pattern=f"^({'|'.join(profiles.benchmark_columns())})$")] = "rank",
    order: Annotated[str, Query(pattern="^(|asc|desc)$")] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    country: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    from ictfootprint.assess.benchmark import CRITERIA

    direction = order or profiles.first_order(sort)

    def build() -> dict[str, Any]:
        store = store_of(request)
        years = store.published_years(["ghg_scope1"])
        chosen = year if year in years else (years[-1] if years else None)
        ranked = profiles.benchmark_rows(store, chosen, lang)
        countries_shown = sorted(
            {r["country"] for r in ranked if r["country"]},
            key=lambda c: i18n.sort_key(names(lang)["area_name"](c), lang),
        )
        needle = q.strip().casefold()
        shown = [
            r
            for r in ranked
            if (not needle or needle in r["name"].casefold() or needle in r["entity_id"])
            and (not country or r["country"] == country.upper())
        ]
        profiles.sort_benchmark(shown, sort, direction, lang)
        return {
            **names(lang),
            "year": chosen,
            "years": years,
            "rows": shown,
            "total": len(ranked),
            "criteria": CRITERIA,
            "sort": sort,
            "order": direction,
            "first_order": {c: profiles.first_order(c) for c in profiles.benchmark_columns()},
            "q": q,
            "country": country.upper(),
            "countries_shown": countries_shown,
            "params": dict(request.query_params),
        }

    return await public_page(request, lang, "benchmark.html", build)


@router.get("/{lang:lang}/indicators")
async def indicator_index(
    request: Request,
    lang: Lang,
    q: Annotated[str, Query(max_length=100)] = "",
    level: Annotated[str, Query(pattern="^(|entity|national|global)$")] = "",
) -> Response:
    def build() -> dict[str, Any]:
        needle = q.strip().casefold()
        rows = [
            i
            for i in catalogue().values()
            if (not level or level in i.levels)
            and (
                not needle
                or needle in i.id
                or needle in i.name(lang).casefold()
                or needle in i.definition(lang).casefold()
            )
        ]
        return {**names(lang), "rows": rows, "q": q, "level": level}

    return await public_page(request, lang, "indicators.html", build)


@router.get("/{lang:lang}/indicators/{indicator_id}")
async def indicator_page(
    request: Request,
    lang: Lang,
    indicator_id: Annotated[str, Path(min_length=1, max_length=64, pattern=ENTITY_ID)],
) -> Response:
    if indicator_id not in catalogue():
        raise NotFoundError(f"no indicator {indicator_id!r}")

    def build() -> dict[str, Any]:
        return {**names(lang), "item": catalogue()[indicator_id]}

    return await public_page(request, lang, "indicator.html", build)


@router.get("/{lang:lang}/explore")
async def explore(
    request: Request,
    lang: Lang,
    offset: Annotated[str, Query(pattern=r"^\d{0,10}$")] = "",
) -> Response:
    params = request.query_params
    start = int(offset or 0)
    filters = await observation_filters(
        entity=[e for e in params.getlist("entity") if e] or None,
        country=[c for c in params.getlist("country") if c] or None,
        region=params.get("region") or None,
        indicator=[i for i in params.getlist("indicator") if i] or None,
        year=[int(y) for y in params.getlist("year") if y.isdigit()] or None,
        method=[Method(m) for m in params.getlist("method") if m in set(Method)] or None,
    )
    # the filters as chosen, empty ones left out: what every link of the page carries on
    chosen = {
        k: [v for v in params.getlist(k) if v]
        for k in params
        if k != "offset" and any(params.getlist(k))
    }

    def build() -> dict[str, Any]:
        store = store_of(request)
        total, rows = counted_page(request, filters, EXPLORE_PAGE, start, None)
        return {
            **names(lang),
            "total": total,
            "rows": rows,
            "offset": start,
            "page": EXPLORE_PAGE,
            "filters": explorer.filter_choices(store, filters, names(lang)["area_name"]),
            "methods": [m.value for m in Method],
            "region_groups": explorer.region_groups(),
            "params": chosen,
        }

    return await public_page(request, lang, "explore.html", build)
