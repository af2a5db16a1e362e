"""The ICT sector's totals: the one roll-up of every quantity, entity → country → region → world.

From the entity-year frame (:mod:`ictfootprint.compute.sector_frame`, where the completeness
rules are applied) the complete entity rows are added up by area (country, ITU or UN M49
region, world), by sub-sector and across sub-sectors (sub-sector ``_T``, SDMX's code for the
total). Incomplete entity rows are never added: each total counts them and they are listed;
conflicts between a reported combined figure and its components are listed too. Scope 3 and
life-cycle figures are totals of their own, ``beside`` the Scope 1 + 2 ones, never added into
them (DESIGN.md §4). See docs/sector-totals.md.

For example::

    totals = sector_totals(store, level="world", year=2023, quantities=["ghg_s1s2_location"])
    totals.rows[0]  # {"area": "001", "subsector": "_T", "quantity": "ghg_s1s2_location", ...}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from ictfootprint.compute.quantities import chosen
from ictfootprint.compute.sector_codes import (
    ALL_SUBSECTORS,
    WORLD,
    Coded,
    area_lookup,
    coded,
    coded_of,
    membership,
    of_area,
)
from ictfootprint.compute.sector_frame import resolved_of
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.countries import countries, regions
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store

__all__ = [
    "ALL_SUBSECTORS",
    "EVERY_LEVEL",
    "LEVELS",
    "REGION_KINDS",
    "WORLD",
    "Coded",
    "SectorTotals",
    "check_level",
    "coded",
    "coded_of",
    "computed_levels",
    "listed_rows",
    "membership",
    "rollup",
    "sector_levels",
    "sector_series",
    "sector_totals",
    "totals_of",
]

LEVELS: Final = ("country", "region", "world")
REGION_KINDS: Final = ("itu", "m49")


@dataclass
class SectorTotals:
    """Totals at one level for one year: ``rows`` (one per area × sub-sector × quantity),
    the ``incomplete`` entity rows left out, and the ``conflicts`` resolved on the way."""

    level: str
    year: int
    region_kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    incomplete: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)


def sector_totals(
    store: Store,
    *,
    level: str,
    year: int,
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
    engine: str = "duckdb",
    area: str | None = None,
    listed: bool = True,
) -> SectorTotals:
    """Totals of ``quantities`` (all when ``None``) at ``level`` (country, region or world)
    for ``year``, by sub-sector and across them (``_T``); of one ``area`` only, when given
    (its rows, and the incomplete rows and conflicts of its countries). ``listed`` False:
    the totals alone, the lists left empty (the API pages them: ``sector_listed.listed_page``)."""
    return sector_series(
        store,
        level=level,
        years=[year],
        region_kind=region_kind,
        quantities=quantities,
        engine=engine,
        area=area,
        listed=listed,
    )[year]


def sector_series(
    store: Store,
    *,
    level: str,
    years: Sequence[int],
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
    engine: str = "duckdb",
    area: str | None = None,
    listed: bool = True,
) -> dict[int, SectorTotals]:
    """:func:`sector_totals` for several years at once (one read of the store)."""
    every = sector_levels(
        store,
        years=years,
        levels=[(level, region_kind)],
        quantities=quantities,
        engine=engine,
        area=area,
        listed=listed,
    )
    return every[(level, region_kind)]


#: (level, region kind) of every level.
EVERY_LEVEL: Final = (("country", "itu"), ("region", "itu"), ("region", "m49"), ("world", "itu"))


def sector_levels(
    store: Store,
    *,
    years: Sequence[int],
    levels: Sequence[tuple[str, str]] = EVERY_LEVEL,
    quantities: Sequence[str] | None = None,
    engine: str = "duckdb",
    area: str | None = None,
    listed: bool = True,
) -> dict[tuple[str, str], dict[int, SectorTotals]]:
    """:func:`sector_series` for several (level, region kind) pairs (``area``: one level's
    totals of that area alone; ``listed``: as :func:`sector_totals`). Read from the totals
    kept per area in the store's database
    (:mod:`.sector_stored`: ``area_totals``, computed again where stale, over ``sector_rows``,
    refreshed first where stale); another ``engine`` (Spark) by :func:`computed_levels`, from
    the observations. Every level at once, one year, every quantity, at 1 M observations
    (``bench_aggregates.py``): 0.10 s kept against 1.7 s computed on SQLite, 0.24 s against
    1.8 s on PostgreSQL at 4.4 M. Before the totals were kept, several levels were computed
    (each level was a pass of the database, where the computed path reads once)."""
    for level, kind in levels:
        check_level(level, kind)
    wanted = chosen(quantities)  # an unknown name is an error before any read
    if area is not None and len(levels) != 1:
        raise ValueError("the totals of one area are those of one level")
    if engine != "duckdb":
        every = computed_levels(
            store, years=years, levels=levels, quantities=quantities, engine=engine
        )
        if not listed:
            for at in (t for by_year in every.values() for t in by_year.values()):
                at.incomplete, at.conflicts = [], []
        return every if area is None else of_area(every, area)
    from ictfootprint.compute.sector_stored import stored_levels

    return stored_levels(
        store,
        years=years,
        levels=levels,
        quantities=None if quantities is None else [q.id for q in wanted],
        area=area,
        listed=listed,
    )


def computed_levels(
    store: Store,
    *,
    years: Sequence[int],
    levels: Sequence[tuple[str, str]] = EVERY_LEVEL,
    quantities: Sequence[str] | None = None,
    engine: str = "duckdb",
) -> dict[tuple[str, str], dict[int, SectorTotals]]:
    """:func:`sector_levels` computed from the observations, from one read: the completeness
    rules applied in Python, rolled up on ``engine``. The entity rows stay numbers
    (:func:`sector_frame.resolved_of`): only the listed ones (incomplete rows, conflicts)
    become texts. What the stored path must equal."""
    for level, kind in levels:
        check_level(level, kind)
    rows = resolved_of(store, chosen(quantities), years=years, lineage=False)
    if rows is None or len(rows) == 0:
        return {
            (level, kind): {int(y): SectorTotals(level, int(y), kind) for y in years}
            for level, kind in levels
        }
    lists = listed_rows(rows.frame(~rows.complete | rows.conflict), years)
    return _totals(coded_of(rows), lists, levels=levels, years=years, engine=engine)


def check_level(level: str, region_kind: str) -> None:
    if level not in LEVELS:
        raise InputError(
            "unknown level", Location(field="level"), expected=", ".join(LEVELS), found=level
        )
    if region_kind not in REGION_KINDS:
        raise InputError(
            "unknown region kind",
            Location(field="regions"),
            expected="itu or m49",
            found=region_kind,
        )


def totals_of(
    frame: pd.DataFrame,
    *,
    level: str,
    years: Sequence[int],
    region_kind: str = "itu",
    engine: str = "duckdb",
    listed: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] | None = None,
    codes: Coded | None = None,
) -> dict[int, SectorTotals]:
    """The roll-up of an entity-year frame (pure: frame in, totals out), by year.
    ``listed`` (:func:`listed_rows`) and ``codes`` (:func:`coded`) of the same frame, when
    several levels share it."""
    if frame.empty:
        return {int(y): SectorTotals(level, int(y), region_kind) for y in years}
    codes = codes if codes is not None else coded(frame)
    lists = listed if listed is not None else listed_rows(frame, years)
    every = _totals(codes, lists, levels=[(level, region_kind)], years=years, engine=engine)
    return every[(level, region_kind)]


def _totals(
    codes: Coded,
    lists: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]],
    *,
    levels: Sequence[tuple[str, str]],
    years: Sequence[int],
    engine: str,
) -> dict[tuple[str, str], dict[int, SectorTotals]]:
    """Every level's totals in one query: the entity rows are handed to the engine once
    (Arrow, no copy), each level joins them to its areas (a few hundred rows), and one
    roll-up of the union groups by an area key that also says the level (area position ×
    levels + level), so no per-level copy of the rows is made in Python."""
    # Ibis imported here, not with the module: one stored level (the CLI's aggregate, the
    # API, the pages) never needs it, and a process saves its import (0.1 s)
    from ictfootprint.compute.engine import connect, table

    backend = connect(engine)
    rows = table(
        backend,
        cast(
            Any,
            pa.table(
                {
                    "country": codes.country,
                    "entity": codes.entity,
                    "subsector": codes.subsector,
                    "year": codes.year,
                    "quantity": codes.quantity,
                    "value": codes.value,
                    "complete": codes.complete,
                }
            ),
        ),
        "rows",
    )
    placed, areas = [], []
    for n, (level, kind) in enumerate(levels):
        lookup, named = area_lookup(codes, level, kind)
        inside = np.flatnonzero(lookup >= 0)
        members = table(
            backend,
            cast(Any, pa.table({"country": inside, "area": lookup[inside] * len(levels) + n})),
            f"areas_{n}",
        )
        placed.append(rows.join(members, "country").select(*_PLACED))
        areas.append(named)
    union = placed[0].union(*placed[1:]) if len(placed) > 1 else placed[0]
    rolled = backend.to_pandas(rollup(union))
    key = rolled["area"].to_numpy(dtype="int64")
    position, level_of = np.divmod(key, len(levels))
    result: dict[tuple[str, str], dict[int, SectorTotals]] = {}
    for n, (level, kind) in enumerate(levels):
        mine = level_of == n
        at_level = rolled[mine].assign(area=areas[n][position[mine]])
        rows_of = _described(codes.named(at_level), level)
        by_year = {int(y): SectorTotals(level, int(y), kind) for y in years}
        for year, totals in by_year.items():
            totals.rows = _records(rows_of[rows_of["year"] == year])
            totals.incomplete, totals.conflicts = lists.get(year, ([], []))
        result[(level, kind)] = by_year
    return result


#: The columns :func:`rollup` reads.
_PLACED: Final = ("area", "entity", "subsector", "year", "quantity", "value", "complete")


def listed_rows(
    frame: pd.DataFrame, years: Sequence[int]
) -> dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """By year, the incomplete entity rows and the conflicts of an entity-year frame (the
    same at every level), in the quantities' order, then by entity, country and sub-sector
    (whatever order the frame's rows came in)."""
    position = {q.id: n for n, q in enumerate(chosen(None))}
    frame = frame.assign(_order=frame["quantity"].map(position)).sort_values(
        ["_order", "quantity", "entity_id", "country", "subsector", "year"], kind="stable"
    )
    incomplete = frame[frame["status"] == "incomplete"]
    conflicts = frame[frame["conflict"]].rename(
        columns={"combined_value": "combined", "components_value": "components"}
    )
    conflicts = conflicts.assign(
        used=conflicts["basis"].map({"reported": "combined", "components": "components"})
    )
    return {
        int(year): (
            _records(
                incomplete.loc[
                    incomplete["year"] == year,
                    ["entity_id", "country", "subsector", "year", "quantity", "missing"],
                ]
            ),
            _records(
                conflicts.loc[
                    conflicts["year"] == year,
                    ["entity_id", "country", "year", "quantity", "combined", "components", "used"],
                ]
            ),
        )
        for year in years
    }


def rollup(entity_rows: Any) -> Any:
    """Complete entity rows added up by area, sub-sector, year and quantity, and across
    sub-sectors (sub-sector code -1, ``_T``); incomplete ones counted (distinct entities),
    never added. Ibis: ``entity_rows`` (each row in its area: ``area, entity, subsector, year,
    quantity, value, complete``) in, an Ibis table out. Distinct entities are counted in two
    steps (by entity first, then entities with a complete or an incomplete row): a grouped
    count of distinct values with a filter cost DuckDB twice as much."""
    import ibis

    t = entity_rows
    per_subsector = t.group_by(["area", "subsector", "year", "quantity", "entity"]).aggregate(
        value=t.value.sum(where=t.complete),
        complete=t.complete.any(),
        incomplete=(~t.complete).any(),
    )
    per_area = per_subsector.group_by(["area", "year", "quantity", "entity"]).aggregate(
        value=per_subsector.value.sum(),
        complete=per_subsector.complete.any(),
        incomplete=per_subsector.incomplete.any(),
    )
    by_subsector = _counted(per_subsector, ["area", "subsector", "year", "quantity"])
    across = _counted(per_area, ["area", "year", "quantity"]).mutate(
        subsector=ibis.literal(-1, type=t.subsector.type())
    )
    order = ["area", "subsector", "year", "quantity", "value", "entities", "incomplete"]
    return by_subsector.select(order).union(across.select(order))


def _counted(per_entity: Any, keys: list[str]) -> Any:
    """By ``keys``: the entities' values added up, the entities with a complete row and
    those with an incomplete one counted."""
    return per_entity.group_by(keys).aggregate(
        value=per_entity.value.sum(),
        entities=per_entity.complete.cast("int64").sum(),
        incomplete=per_entity.incomplete.cast("int64").sum(),
    )


def _described(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    """Names, families, units, rounding and the shown order added to the rolled-up rows."""
    every = chosen(None)
    position = {q.id: n for n, q in enumerate(every)}
    rows = rows.assign(
        family=rows["quantity"].map({q.id: q.family for q in every}),
        unit=rows["quantity"].map({q.id: q.unit for q in every}),
        beside=rows["quantity"].map({q.id: q.beside for q in every}).astype(bool),
        method="calculated",
        area_name=rows["area"].map(_area_names(level, rows["area"].unique())),
        value=rows["value"].astype("float64"),
        entities=rows["entities"].astype("int64"),
        incomplete=rows["incomplete"].astype("int64"),
        year=rows["year"].astype("int64"),
    )
    places = defaults()["rounding"]
    for unit in rows["unit"].unique():
        if unit in places:
            mask = rows["unit"] == unit
            rows.loc[mask, "value"] = rows.loc[mask, "value"].round(int(places[unit]))
    rows["_order"] = rows["quantity"].map(position)
    rows["_total"] = rows["subsector"] == ALL_SUBSECTORS
    rows = rows.sort_values(["year", "area", "_order", "_total", "subsector"], kind="stable")
    return rows[
        [
            "area",
            "area_name",
            "subsector",
            "year",
            "quantity",
            "family",
            "unit",
            "value",
            "method",
            "entities",
            "incomplete",
            "beside",
        ]
    ]


def _area_names(level: str, codes: Any) -> dict[str, str]:
    if level == "country":
        known = countries()
        return {str(c): known[str(c)].name() for c in codes}
    names = regions()
    return {str(c): names[str(c)].name() for c in codes}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain records: NaN as None, numpy scalars as Python ones. Column by column
    (``tolist`` gives Python scalars at once; ``to_dict`` boxes every cell on its own, and
    iterates Arrow text columns one element at a time)."""
    names = [str(c) for c in frame.columns]
    columns = []
    for name in names:
        values = frame[name].tolist()
        if frame[name].dtype.kind == "f":
            values = [None if v != v else v for v in values]
        columns.append(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
