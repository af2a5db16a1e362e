"""What a report prints, picked from the functions the pages already use (nothing recomputed):

- the totals and who is left out: :func:`ictfootprint.web.sector.area_totals`;
- the headline (reported, estimated, share reported, sample, coverage, like-for-like):
  :func:`ictfootprint.web.sector.area_series` and :func:`~ictfootprint.web.sector.headline`;
- the gap to L.1470 and the reduction still needed: :func:`ictfootprint.web.profiles.trajectory`;
- the regional and country breakdown: :func:`ictfootprint.compute.sector.sector_totals`;
- top movers: the like-for-like change of :func:`ictfootprint.compute.trends.sector_trends`;
- a country's operators, ratios and sources: :mod:`ictfootprint.web.profiles`.

Every function takes the store and returns plain data; the templates only lay it out.
The report is dated by its data (the newest time of recording among what it reads), so the
same data give the same document.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.reference.countries import countries, regions
from ictfootprint.store import Store, published_summary
from ictfootprint.store.submissions import tally
from ictfootprint.web import profiles, sector

HEADLINE: Final = sector.HEADLINE
# the totals the breakdown tables show, one column each (the family totals, Scope 3 beside)
BREAKDOWN: Final = ("energy_total", "ghg_s1s2_location", "ghg_scope3_total")
MOVERS: Final = 10
RESTATEMENTS_SHOWN: Final = 40
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def check_year(store: Store, year: int | None) -> tuple[int, list[int]]:
    """The report's year (the latest with a sector total when ``None``) and the years up to
    it; a year without data is an error naming the years that have some."""
    years = sector.sector_years(store)
    if not years:
        raise InputError(
            "no sector total has been published yet", Location(field="year"), expected="data"
        )
    chosen = years[-1] if year is None else year
    if chosen not in years:
        raise InputError(
            f"no sector total for {chosen}",
            Location(field="year"),
            expected="one of " + ", ".join(str(y) for y in years),
            found=str(chosen),
        )
    return chosen, [y for y in years if y <= chosen]


def check_country(iso3: str) -> str:
    code = iso3.upper()
    if code not in countries():
        raise NotFoundError(f"no country {iso3!r} (expected an ISO 3166-1 alpha-3 code, e.g. FRA)")
    return code


def area_report(store: Store, level: str, key: str, year: int | None) -> dict[str, Any]:
    """The world's (``level`` world, ``key`` 001) or a country's report data for ``year``."""
    from ictfootprint.compute.sector_frame import frames_kept

    with frames_kept():  # the series, the trajectory and the movers read one sector frame
        return _area_report(store, level, key, year)


def _area_report(store: Store, level: str, key: str, year: int | None) -> dict[str, Any]:
    chosen, years = check_year(store, year)
    trends = sector.area_trends(store, level, key, years)  # the series' and the trajectory's
    series = sector.area_series(store, level, key, years, HEADLINE, trends=trends)
    totals = sector.area_totals(store, level, key, chosen)
    # what the report says of the values is counted and picked in the database: the world's
    # year alone is a tenth of the store's values
    where: dict[str, Any] = {"countries": [key]} if level == "country" else {}
    of_year = year_facts(store, chosen, where)
    # a country's report is dated by its newest value of any year, the world's of its year
    if where:
        with store.engine.connect() as connection:
            newest = published_summary.newest(connection, **where)
    else:
        newest = of_year.newest
    trajectory = profiles.trajectory(store, level, key, trends=trends)
    data: dict[str, Any] = {
        "level": level,
        "key": key,
        "year": chosen,
        "years": years,
        "totals": totals,
        "series": series,
        "headline": _headline_of(series, chosen),
        "trajectory": trajectory,
        "pathway_point": _point_of(trajectory, chosen),
        "quality": quality(store, of_year, totals),
        "sources": of_year.sources,
        "methodology": methodology(totals, series, trajectory),
        "dated": dated(newest),
    }
    if level == "country":
        country = profiles.country_data(store, key)
        data["entities"] = profiles.country_entities(store, country.entity_ids)
        data["intensities"] = [f for f in country.intensities if f["year"] == chosen]
    else:
        data["regions"], data["countries"] = breakdowns(store, chosen)
        data["movers"] = movers(store, chosen)
    return data


def year_facts(store: Store, year: int, where: dict[str, Any]) -> published_summary.Facts:
    """What the report says of the values of ``year`` (of ``where``'s countries), kept
    between requests while the data holds (:mod:`ictfootprint.compute.kept_answers`): the
    world's year of 430,000 values took 1.2 s to group on PostgreSQL at 4.4 M values."""
    from ictfootprint.compute.kept_answers import answer

    def compute() -> published_summary.Facts:
        with store.engine.connect() as connection:
            return published_summary.facts(
                connection, shown=RESTATEMENTS_SHOWN, years=[year], **where
            )

    question = {"shown": RESTATEMENTS_SHOWN, "years": [year], **where}
    kept = published_summary.Facts
    return answer(store, "facts", question, compute, kept.plain, kept.from_plain)


def _headline_of(series: sector.AreaSeries, year: int) -> dict[str, Any] | None:
    """:func:`sector.headline` of the report's year (the series stops at it)."""
    found = sector.headline(series)
    return found if found is not None and found["year"] == year else None


def _point_of(trajectory: dict[str, Any] | None, year: int) -> dict[str, Any] | None:
    if trajectory is None:
        return None
    return next(
        (p for p in trajectory["points"] if p["year"] == year and p["actual"] is not None), None
    )


def breakdowns(store: Store, year: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per ITU region, and one per country, with a total: the totals of
    :data:`BREAKDOWN` across sub-sectors, the entities added and those left out (both levels
    from one read of the store, :func:`~ictfootprint.compute.sector.sector_levels`)."""
    from ictfootprint.compute.sector import sector_levels

    levels = sector_levels(
        store, years=[year], levels=[("region", "itu"), ("country", "itu")], quantities=BREAKDOWN
    )
    return (
        _breakdown(levels[("region", "itu")][year].rows),
        _breakdown(levels[("country", "itu")][year].rows),
    )


def _breakdown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_area: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["subsector"] != sector.ALL:
            continue
        area = by_area.setdefault(row["area"], {"area": row["area"], "values": {}, "units": {}})
        area["values"][row["quantity"]] = sector._value(row)
        area["units"][row["quantity"]] = row["unit"]
        if row["quantity"] == HEADLINE:
            area["entities"] = row["entities"]
            area["incomplete"] = row["incomplete"]
    known = {**regions(), **countries()}
    found = [a for a in by_area.values() if a["area"] in known]
    return sorted(found, key=lambda a: (-(a["values"].get(HEADLINE) or 0.0), a["area"]))


def movers(store: Store, year: int) -> dict[str, list[dict[str, Any]]]:
    """The countries whose like-for-like Scope 1 + 2 changed most from the year before (the
    same entities in both years, so a company joining is not a rise): falls and rises."""
    from ictfootprint.compute.trends_kept import kept_trends

    trends = kept_trends(
        store, level="country", years=[year - 1, year], region_kind="itu", quantities=[HEADLINE]
    )
    changes = [
        r
        for r in trends.like_for_like
        if r["year"] == year and r["subsector"] == sector.ALL and r["change_percent"] is not None
    ]
    changes.sort(key=lambda r: (r["change_percent"], r["area"]))
    falls = [_mover(r) for r in changes if r["change_percent"] < 0][:MOVERS]
    rises = [_mover(r) for r in reversed(changes) if r["change_percent"] > 0][:MOVERS]
    return {"falls": falls, "rises": rises}


def _mover(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "area": row["area"],
        "change": row["change_percent"] / 100,
        "like_for_like": row["like_for_like"],
        "sample": row["sample"],
        "unit": row.get("unit"),
    }


def quality(
    store: Store, facts: published_summary.Facts, totals: sector.AreaTotals
) -> dict[str, Any]:
    """Data quality of the year: the submissions' findings (errors and warnings by entity),
    values restated since first published, flagged values, the entity rows left out of a
    total (incomplete) and the disagreements resolved (conflicts)."""
    restated = facts.restated
    with store.engine.connect() as connection:
        submitted = tally(connection, facts.entity_ids)
        names = published_summary.entity_names(connection, {o.entity_id for o in restated})
    return {
        "submissions": submitted.submissions,
        "statuses": submitted.statuses,
        "errors": submitted.errors,
        "warnings": submitted.warnings,
        "restatements": facts.restatements,
        "restated": [
            {
                "entity_id": o.entity_id,
                "name": names.get(o.entity_id, o.entity_id),
                "indicator": o.indicator_id,
                "revision": o.revision,
                "value": o.value,
                "unit": o.unit,
                "recorded_at": o.recorded_at,
            }
            for o in restated[:RESTATEMENTS_SHOWN]
        ],
        "flags": facts.flags,
        "incomplete": totals.incomplete_total,
        "conflicts": totals.conflicts_total,
    }


def methodology(
    totals: sector.AreaTotals, series: sector.AreaSeries, trajectory: dict[str, Any] | None
) -> dict[str, Any]:
    """The rules and settings this report's figures were computed with: the quantities it
    totals (with the components that stand in for them, and those beside), the tolerance of
    the components' check, the estimate's method and interval, the pathway."""
    from ictfootprint.compute.quantities import quantities
    from ictfootprint.reference.loader import defaults

    present = {r["quantity"] for r in totals.rows}
    applied = [q for q in quantities().values() if q.id in present]
    settings = _estimate_settings()
    return {
        "quantities": [
            {"id": q.id, "family": q.family, "components": list(q.components), "beside": q.beside}
            for q in applied
        ],
        "tolerance": float(defaults()["validation"]["total_tolerance_percent"]) / 100,
        "estimated": series.estimated_method,
        "interval": settings.get("interval"),
        "min_peers": settings.get("min_peers"),
        "draws": settings.get("draws"),
        "seed": settings.get("seed"),
        "pathway_id": trajectory.get("pathway_id") if trajectory else None,
        "trajectory": trajectory,
        "incomplete": totals.incomplete_total,
        "conflicts": totals.conflicts_total,
    }


def _estimate_settings() -> dict[str, Any]:
    import tomllib
    from importlib.resources import files

    text = files("ictfootprint.reference").joinpath("data/sector_trends.toml").read_text("utf-8")
    found: dict[str, Any] = tomllib.loads(text).get("estimate", {})
    return found


def dated(newest: datetime | None) -> datetime:
    """The newest time of recording among the report's values: the report's date."""
    if newest is None:
        return EPOCH
    return newest if newest.tzinfo else newest.replace(tzinfo=UTC)
