"""The sector's totals from a Parquet export of their inputs, on any Ibis engine (Spark too).

The store path (:mod:`ictfootprint.compute.sector_frame`, then :func:`sector.rollup`) reads
the store into memory; a global analysis that outgrows one database reads instead the folder
``ictfootprint export --sector-inputs`` writes (:mod:`ictfootprint.export.sector_inputs`) and
runs every step in the engine: the completeness rules of docs/sector-totals.md written again
as Ibis expressions (rule 1 a window, rules 3-4 windows, rule 2 a grouped aggregate), then the
very same :func:`sector.rollup`. Only the few total rows, incomplete rows and conflicts come
back to the driver. DuckDB and Spark give the totals of the store path, figure for figure
(tests/test_sector_parquet.py); docs/scale.md.

For example::

    totals = parquet_levels("inputs/", years=[2023], engine="spark")
    totals[("world", "itu")][2023].rows[0]["value"]
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import ibis
import numpy as np
import pandas as pd

from ictfootprint.compute.combined import METHODS
from ictfootprint.compute.engine import connect, table
from ictfootprint.compute.quantities import Quantity, chosen
from ictfootprint.compute.sector import (
    ALL_SUBSECTORS,
    EVERY_LEVEL,
    WORLD,
    SectorTotals,
    check_level,
    listed_rows,
    rollup,
)

# the naming, units and rounding of rolled-up rows: one place for both paths
from ictfootprint.compute.sector import _described as described
from ictfootprint.compute.sector import _records as records
from ictfootprint.compute.sector_frame import IN_SECTOR
from ictfootprint.export.sector_inputs import read_manifest
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.loader import defaults
from ictfootprint.units import convert

KEYS: Final = ["quantity", "entity_id", "country", "subsector", "year"]


def parquet_totals(
    folder: Path | str,
    *,
    level: str,
    year: int,
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
    engine: str = "duckdb",
) -> SectorTotals:
    """:func:`sector.sector_totals` from an export of the inputs."""
    found = parquet_levels(
        folder, years=[year], levels=[(level, region_kind)], quantities=quantities, engine=engine
    )
    return found[(level, region_kind)][year]


def parquet_levels(
    folder: Path | str,
    *,
    years: Sequence[int],
    levels: Sequence[tuple[str, str]] = EVERY_LEVEL,
    quantities: Sequence[str] | None = None,
    engine: str = "duckdb",
) -> dict[tuple[str, str], dict[int, SectorTotals]]:
    """:func:`sector.sector_levels` from an export of the inputs (``folder``), run on
    ``engine``: the entity rows are computed once in the engine and rolled up per level."""
    levels = list(dict.fromkeys(levels))
    for level, kind in levels:
        check_level(level, kind)
    wanted = chosen(quantities)
    path = Path(folder)
    manifest = read_manifest(path)
    result = {
        (level, kind): {int(y): SectorTotals(level, int(y), kind) for y in years}
        for level, kind in levels
    }
    if manifest.rows.get("observations", 0) == 0:
        return result
    backend = connect(engine)
    inputs = {name: _read(backend, path / name, name) for name in ("observations", "entities")}
    units = [(str(i), str(u)) for i, u in manifest.units]
    frame = entity_rows(inputs["observations"], inputs["entities"], wanted, years, units)
    with _materialised(backend, frame) as rows:
        rolled, lists = _rolled(backend, path, rows, manifest.subsectors, levels, wanted, years)
    for n, ((level, _kind), by_year) in enumerate(result.items()):
        named = described(rolled[rolled["position"] == str(n)].drop(columns="position"), level)
        for year, totals in by_year.items():
            totals.rows = records(named[named["year"] == year])
            totals.incomplete, totals.conflicts = lists.get(year, ([], []))
    return result


def _rolled(
    backend: Any,
    path: Path,
    rows: Any,
    subsectors: Sequence[str],
    levels: Sequence[tuple[str, str]],
    wanted: Sequence[Quantity],
    years: Sequence[int],
) -> tuple[pd.DataFrame, dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]]]:
    """Every level's totals from the entity rows in one roll-up (each row's area as
    ``position:area``, its sub-sector named), and the lists of incomplete rows and conflicts."""
    subsectors = list(subsectors)
    codes = table(
        backend,
        pd.DataFrame({"subsector": subsectors, "code": np.arange(len(subsectors))}),
        "subsectors",
    )
    coded = rows.join(codes, "subsector").drop("subsector").rename(subsector="code")
    areas = _read(backend, path / "areas", "areas")
    # every level in one roll-up (one job on a cluster): the area keyed by the level's position
    placed = [
        _placed(coded, areas, level, kind, key=str(n)) for n, (level, kind) in enumerate(levels)
    ]
    union = placed[0].union(*placed[1:]) if len(placed) > 1 else placed[0]
    rolled = rollup(union).to_pandas()
    keyed = [str(a).split(":", 1) for a in rolled["area"]]  # the few total rows
    position = np.array([k[0] for k in keyed], dtype=object)
    area = np.array([k[1] for k in keyed], dtype=object)
    names = np.append(np.asarray(subsectors, dtype=object), ALL_SUBSECTORS)
    rolled = rolled.assign(area=area, subsector=names[rolled["subsector"].to_numpy(dtype="int64")])
    lists = listed_rows(_listed(rows, wanted), years)
    return rolled.assign(position=position), lists


def entity_rows(
    observations: Any,
    entities: Any,
    wanted: Sequence[Quantity],
    years: Sequence[int],
    units: Sequence[tuple[str, str]] = (),
) -> Any:
    """The entity-year frame as an Ibis table (keys, ``value``, ``complete``, and what the
    lists of incomplete rows and conflicts need): rules 1-4 of docs/sector-totals.md, as
    :func:`sector_frame.entity_years` applies them in pandas. ``units``: the (indicator,
    unit) pairs found (the export's manifest), converted to the indicator's own unit."""
    inputs = sorted({name for q in wanted for name in q.inputs})
    o = observations.mutate(year=observations.year.cast("int64"))
    o = o.filter(o.indicator_id.isin(inputs), o.method.isin(list(METHODS)), o.year.isin(years))
    ranks = ibis.memtable({"method": list(METHODS), "rank": list(range(len(METHODS)))})
    o = o.join(ranks, "method")
    # rule 1: per series, the best method's latest revision; a text there leaves no value
    series = ["entity_id", "indicator_id", "year", "country", "subsector"]
    first = ibis.row_number().over(group_by=series, order_by=[o["rank"], o.revision.desc()])
    current = o.mutate(first=first).filter(lambda t: t["first"] == 0)
    current = current.filter(current.value.notnull()).drop("first")
    current = _in_own_unit(current, units)
    e = entities.filter(entities.kind.isin([k.value for k in IN_SECTOR])).select(
        entity_id=entities.id, home=entities.country, first_subsector=entities.subsector
    )
    t = current.join(e, "entity_id")
    t = t.mutate(
        has_country=t.country.notnull().cast("int64"),
        has_subsector=t.subsector.notnull().cast("int64"),
        country=t.country.coalesce(t.home),
    )
    t = t.filter(t.country.notnull())  # no country of its own or its entity's: nowhere to add
    slots = ibis.memtable(
        pd.DataFrame(
            [
                {"indicator_id": name, "quantity": q.id, "slot": slot, "bit": 1 << slot >> 1}
                for q in wanted
                for slot, name in enumerate(q.inputs)
            ]
        )
    )
    t = t.join(slots, "indicator_id")
    # rules 3 and 4: where some of an entity's rows say their country (then sub-sector), only those
    # (a window in a filter compiles wrongly for Spark: the windows are columns first)
    t = t.mutate(split=t.has_country.max().over(group_by=["quantity", "entity_id", "year"]))
    t = t.filter((t.has_country == 1) | (t.split == 0))
    t = t.mutate(
        split=t.has_subsector.max().over(group_by=["quantity", "entity_id", "year", "country"])
    )
    t = t.filter((t.has_subsector == 1) | (t.split == 0))
    t = t.mutate(subsector=t.subsector.coalesce(t.first_subsector))
    return _resolved(t, wanted)


def _in_own_unit(current: Any, units: Sequence[tuple[str, str]]) -> Any:
    """Values in the indicator's own unit (the few other units, converted by pint)."""
    known = catalogue()
    other = [(i, u) for i, u in units if i in known and u != known[i].unit]
    if not other:
        return current
    factors = ibis.memtable(
        pd.DataFrame(
            {
                "indicator_id": [i for i, _ in other],
                "unit": [u for _, u in other],
                "factor": [convert(1.0, u, known[i].unit).value for i, u in other],
            }
        )
    )
    joined = current.left_join(factors, ["indicator_id", "unit"])
    return joined.mutate(value=joined.value * joined.factor.fill_null(1.0)).select(current.columns)


def _resolved(t: Any, wanted: Sequence[Quantity]) -> Any:
    """Rule 2 (:func:`combined.resolve`) as one grouped aggregate: the combined figure (slot
    0) against the sum of its components."""
    tolerance = float(defaults()["validation"]["total_tolerance_percent"]) / 100
    own, part = t.slot == 0, t.slot > 0
    g = t.group_by(KEYS).aggregate(
        v0=t.value.max(where=own),
        has0=own.cast("int64").sum() > 0,
        age0=t.recorded_at.max(where=own),
        parts=part.cast("int64").sum(),
        parts_sum=t.value.sum(where=part),
        parts_age=t.recorded_at.max(where=part),
        # each component once (a slot a row): their bits add up
        present=t.bit.sum(where=part),
    )
    counts = ibis.memtable(
        {"quantity": [q.id for q in wanted], "count": [len(q.components) for q in wanted]}
    )
    g = g.join(counts, "quantity")
    parts_sum = g.parts_sum.fill_null(0.0)
    all_parts = (g["count"] > 0) & (g.parts == g["count"])
    scale = ibis.greatest(g.v0.fill_null(0.0).abs(), parts_sum.abs(), ibis.literal(1e-12))
    conflict = g.has0 & all_parts & ((g.v0.fill_null(0.0) - parts_sum).abs() / scale > tolerance)
    newer = (g.age0 > g.parts_age).fill_null(False)
    use_combined = g.has0 & (~all_parts | (conflict & newer))
    use_parts = all_parts & ~use_combined
    return g.select(
        *KEYS,
        value=use_combined.ifelse(g.v0, use_parts.ifelse(parts_sum, ibis.null("float64"))),
        complete=use_combined | use_parts,
        conflict=conflict,
        basis=use_combined.ifelse("reported", use_parts.ifelse("components", "")),
        combined_value=g.v0,
        components_value=all_parts.ifelse(parts_sum, ibis.null("float64")),
        present=g.present.fill_null(0),
    )


def _listed(rows: Any, wanted: Sequence[Quantity]) -> pd.DataFrame:
    """The incomplete rows and conflicts (few) as the pandas frame :func:`listed_rows` reads,
    each with the components it misses, in a fixed order."""
    few = rows.filter(~rows.complete | rows.conflict).to_pandas()
    components = {q.id: q.components for q in wanted}
    few["missing"] = [
        ""
        if complete
        else ",".join(c for k, c in enumerate(components[quantity]) if not int(bits) >> k & 1)
        for complete, quantity, bits in zip(
            few["complete"], few["quantity"], few["present"], strict=True
        )
    ]
    few["status"] = np.where(few["complete"].astype(bool), "complete", "incomplete")
    few["conflict"] = few["conflict"].astype(bool)
    few["year"] = few["year"].astype("int64")
    ordered: pd.DataFrame = few.sort_values(
        ["entity_id", "country", "subsector", "year", "quantity"]
    )
    return ordered.reset_index(drop=True)


def _placed(coded: Any, areas: Any, level: str, region_kind: str, *, key: str) -> Any:
    """The entity rows with their area at ``level`` (:func:`sector.placed` over the export's
    table of areas), as ``key:area``: rows in no area of the kind left out."""
    if level == "country":
        area = areas.country
    elif level == "world":
        area = ibis.literal(WORLD)
    else:
        area = areas.itu_region if region_kind == "itu" else areas.m49_region
    members = areas.select(country=areas.country, area=area)
    members = members.filter(members.area.notnull())
    t = coded.join(members, "country")
    return t.select(
        area=ibis.literal(f"{key}:") + t.area,
        entity=t.entity_id,
        subsector=t.subsector,
        year=t.year,
        quantity=t.quantity,
        value=t.value,
        complete=t.complete,
    )


@contextmanager
def _materialised(backend: Any, expr: Any) -> Iterator[Any]:
    """``expr`` computed once and kept by the engine while the levels read it, then released
    (Ibis' ``cache()`` on Spark forgets the in-memory tables the expression joins: a cached
    view there)."""
    if backend.name != "pyspark":
        with expr.cache() as cached:
            yield cached
        return
    name = f"ictfootprint_entity_rows_{uuid.uuid4().hex}"
    backend.create_view(name, expr)
    backend.raw_sql(f"CACHE TABLE {name}")
    try:
        yield backend.table(name)
    finally:
        backend.raw_sql(f"UNCACHE TABLE IF EXISTS {name}")
        backend.drop_view(name, force=True)


def _read(backend: Any, folder: Path, name: str) -> Any:
    """One table of the export: a folder of Parquet files (Hive partitions read as columns)."""
    if backend.name == "duckdb":
        return backend.read_parquet(
            str(folder / "**" / "*.parquet"), table_name=name, hive_partitioning=True
        )
    return backend.read_parquet(str(folder), table_name=name)
