"""The entity rows of the sector's roll-up as integer codes, and their areas at a level.

The engine groups and counts numbers faster than texts: the keys (entity, country,
sub-sector, quantity) are coded once for every level (:func:`coded_of` straight from the
resolved entity rows, :func:`coded` from an entity-year frame), each country is given its
area at a level (:func:`area_lookup`), and the few total rows get their names back
(:meth:`Coded.named`). See :mod:`ictfootprint.compute.sector`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from ictfootprint.compute.combined import Resolved
from ictfootprint.reference.countries import countries

if TYPE_CHECKING:
    from ictfootprint.compute.sector import SectorTotals

#: The sub-sector code of a total across sub-sectors (SDMX's "_T").
ALL_SUBSECTORS: Final = "_T"
WORLD: Final = "001"


def membership(level: str, region_kind: str = "itu") -> pd.DataFrame:
    """country → area at ``level`` (countries outside every region of the kind are left out
    of regional totals, and said so by their absence)."""
    rows = []
    for c in countries().values():
        if level == "country":
            area: str | None = c.iso3
        elif level == "world":
            area = WORLD
        else:
            area = c.itu_region if region_kind == "itu" else c.m49_region
        if area:
            rows.append({"country": c.iso3, "area": area})
    return pd.DataFrame(rows, columns=["country", "area"])


@dataclass(frozen=True)
class Coded:
    """An entity-year frame's keys as integer codes into their names (the engine groups and
    counts numbers faster than texts; the few total rows get their names back)."""

    entity: np.ndarray
    country: np.ndarray
    countries: np.ndarray
    subsector: np.ndarray
    subsectors: np.ndarray
    quantity: np.ndarray
    quantities: np.ndarray
    year: np.ndarray
    value: np.ndarray
    complete: np.ndarray

    def named(self, rolled: pd.DataFrame) -> pd.DataFrame:
        """Rolled-up rows (:func:`rollup`) with their sub-sector and quantity names (the
        sub-sector code -1 is the total across sub-sectors, ``_T``)."""
        subsector = rolled["subsector"].to_numpy(dtype="int64")
        subsectors = np.append(self.subsectors, ALL_SUBSECTORS)  # -1: the last one
        return rolled.assign(
            subsector=subsectors[subsector],
            quantity=self.quantities[rolled["quantity"].to_numpy(dtype="int64")],
        )


def coded(frame: pd.DataFrame) -> Coded:
    """:class:`Coded` of an entity-year frame (once for every level)."""
    parts = {name: pd.factorize(frame[name]) for name in ("country", "subsector", "quantity")}
    return Coded(
        entity=pd.factorize(frame["entity_id"])[0],
        country=parts["country"][0],
        countries=np.asarray(parts["country"][1], dtype=object),
        subsector=parts["subsector"][0],
        subsectors=np.asarray(parts["subsector"][1], dtype=object),
        quantity=parts["quantity"][0],
        quantities=np.asarray(parts["quantity"][1], dtype=object),
        year=frame["year"].to_numpy(dtype="int64"),
        value=frame["value"].to_numpy(dtype="float64"),
        complete=(frame["status"] == "complete").to_numpy(dtype=bool),
    )


def coded_of(rows: Resolved) -> Coded:
    """:class:`Coded` straight from the resolved entity rows (their keys are codes
    already; no text column is built and factorised again)."""
    keys = rows.keys
    return Coded(
        entity=keys.codes["entity_id"],
        country=keys.codes["country"],
        countries=keys.names["country"],
        subsector=keys.codes["subsector"],
        subsectors=keys.names["subsector"],
        quantity=keys.quantity,
        quantities=np.asarray([q.id for q in rows.wanted], dtype=object),
        year=np.asarray(keys.year, dtype="int64"),
        value=rows.value,
        complete=rows.complete,
    )


def area_lookup(
    codes: Coded, level: str, region_kind: str = "itu"
) -> tuple[np.ndarray, np.ndarray]:
    """By country code of ``codes``, its area's position in the level's areas (sorted), -1
    for a country in no area of the kind; and the areas."""
    members = membership(level, region_kind)
    areas = np.sort(members["area"].unique())
    area_of = dict(zip(members["country"], np.searchsorted(areas, members["area"]), strict=True))
    return np.array([area_of.get(c, -1) for c in codes.countries], dtype="int64"), areas


def of_area(
    every: dict[tuple[str, str], dict[int, SectorTotals]], area: str
) -> dict[tuple[str, str], dict[int, SectorTotals]]:
    """One level's totals of ``area`` alone: its rows, and the incomplete rows and conflicts
    of its countries (what the stored path selects in the database)."""
    for (level, kind), by_year in every.items():
        areas = membership(level, kind)
        inside = set(areas.loc[areas["area"] == area, "country"])
        for totals in by_year.values():
            totals.rows = [r for r in totals.rows if r["area"] == area]
            totals.incomplete = [r for r in totals.incomplete if r["country"] in inside]
            totals.conflicts = [r for r in totals.conflicts if r["country"] in inside]
    return every
