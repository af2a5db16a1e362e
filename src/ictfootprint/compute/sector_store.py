"""Storing the sector's totals: each area total as a ``calculated`` observation with lineage.

The totals of :mod:`ictfootprint.compute.sector` are written on the area entities the
footprint run uses (a country's ISO3 code, an ITU region's code, ``M49-<code>`` for a UN M49
region, ``WORLD``), one series per quantity and sub-sector (``subsector`` empty for the total
across sub-sectors), with the lineage ``{"rule", "level", "entities", "inputs", "tool"}``: the
entities added and the number of input observations. Recording a total equal to the current
one writes nothing, so storing twice is harmless. Only totals with a value are stored (a total
of incomplete entity rows only has none).

Coverage and denominators read statistical and reported observations only, so a stored
calculated sum is never mistaken for a national statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from ictfootprint import __version__
from ictfootprint.compute.sector import (
    ALL_SUBSECTORS,
    EVERY_LEVEL,
    check_level,
    listed_rows,
    membership,
    totals_of,
)
from ictfootprint.compute.sector_frame import entity_years
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.reference.countries import countries, regions
from ictfootprint.store import Store

WORLD_ENTITY: Final = "WORLD"
RULE: Final = "sector-totals (docs/sector-totals.md)"


@dataclass
class StoredTotals:
    """What :func:`store_sector_totals` did."""

    years: list[int]
    totals: int
    written: int
    unchanged: int


def store_sector_totals(
    store: Store,
    *,
    years: Sequence[int] | None = None,
    levels: Sequence[tuple[str, str]] = EVERY_LEVEL,
    quantities: Sequence[str] | None = None,
    engine: str = "duckdb",
) -> StoredTotals:
    """Compute the totals of ``quantities`` (all) for ``years`` (every year with data) at
    ``levels`` ((level, region kind) pairs) and store them (see the module docstring)."""
    for level, kind in levels:
        check_level(level, kind)
    frame = entity_years(store, years=years, quantities=quantities)
    found = sorted(int(y) for y in frame["year"].unique()) if years is None else list(years)
    known = {e.id: e for e in store.entities()}
    illustrative = {e.id for e in known.values() if e.illustrative}
    tool = f"ictfootprint {__version__}"
    batch: list[Observation] = []
    lists = listed_rows(frame, found)
    for level, kind in levels:
        name = _level_name(level, kind)
        lineage = _lineage(frame, level, kind)
        for totals in totals_of(
            frame, level=level, years=found, region_kind=kind, engine=engine, listed=lists
        ).values():
            for row in totals.rows:
                if row["value"] is None:
                    continue
                key = (row["area"], row["subsector"], row["year"], row["quantity"])
                entities, inputs = lineage.get(key, ([], 0))
                batch.append(
                    Observation(
                        entity_id=area_entity(store, name, row["area"], known),
                        indicator_id=row["quantity"],
                        year=row["year"],
                        subsector=None if row["subsector"] == ALL_SUBSECTORS else row["subsector"],
                        value=row["value"],
                        unit=row["unit"],
                        method=Method.CALCULATED,
                        source=f"{tool}: sum of {row['quantity']} over {row['entities']} "
                        "in-sector entities with complete figures "
                        f"({row['incomplete']} incomplete left out)",
                        quality_flags=("illustrative",)
                        if illustrative.intersection(entities)
                        else (),
                        lineage={
                            "rule": RULE,
                            "level": name,
                            "entities": entities,
                            "inputs": inputs,
                            "tool": tool,
                        },
                    )
                )
    if not batch:
        return StoredTotals(found, 0, 0, 0)
    result = store.record_observations(batch, action="sector-totals")
    return StoredTotals(found, len(batch), len(result.written), result.unchanged)


def _level_name(level: str, kind: str) -> str:
    return f"{kind}_region" if level == "region" else level


def _lineage(
    frame: pd.DataFrame, level: str, kind: str
) -> dict[tuple[str, str, int, str], tuple[list[str], int]]:
    """(area, sub-sector, year, quantity) → (the entities added, how many input observations)."""
    complete = frame[frame["status"] == "complete"].merge(membership(level, kind), on="country")
    if complete.empty:
        return {}
    complete = complete.assign(count=complete["inputs"].str.count(",") + 1)
    found: dict[tuple[str, str, int, str], tuple[list[str], int]] = {}
    for by_subsector in (True, False):
        keys = ["area", "year", "quantity", *(["subsector"] if by_subsector else [])]
        grouped = complete.groupby(keys, sort=False).agg(
            entities=("entity_id", "unique"), count=("count", "sum")
        )
        flat = grouped.reset_index()
        subsectors = flat["subsector"] if by_subsector else [ALL_SUBSECTORS] * len(flat)
        for area, subsector, year, quantity, entities, count in zip(
            flat["area"],
            subsectors,
            flat["year"],
            flat["quantity"],
            flat["entities"],
            flat["count"],
            strict=True,
        ):
            found[(str(area), str(subsector), int(year), str(quantity))] = (
                sorted(str(e) for e in entities),
                int(count),
            )
    return found


def area_entity(store: Store, level: str, code: str, known: dict[str, Entity]) -> str:
    """The entity that holds an area's totals (added when missing): a country's ISO3 code,
    an ITU region's code, ``M49-<code>`` for a UN M49 region, ``WORLD``. ``level``: country,
    itu_region, m49_region or world."""
    if level == "world":
        entity_id, name, kind = WORLD_ENTITY, regions()["001"].name(), EntityKind.WORLD
    elif level == "country":
        entity_id, name, kind = code, countries()[code].name(), EntityKind.COUNTRY
    else:
        prefix = "" if level == "itu_region" else "M49-"
        entity_id, name, kind = f"{prefix}{code}", regions()[code].name(), EntityKind.REGION
    if entity_id not in known:
        known[entity_id] = store.add_entity(
            Entity(id=entity_id, name=name, kind=kind, country=code if level == "country" else None)
        )
    return entity_id
