"""The entity-year frame: one row per in-sector entity × country × sub-sector × year × quantity.

The one place where the completeness rules of the sector's totals are applied
(docs/sector-totals.md):

1. the best available value per series: reported, else statistical, else calculated; an
   estimated value is never read here (estimates stand beside reported totals, never in them);
2. a quantity with components (Scope 1 + 2 = Scope 1 and Scope 2): if only the reported
   combined figure or only the complete set of components is there, it is used; when both are
   there and agree within ``[validation] total_tolerance_percent`` the components are used;
   when they disagree the newer one wins (same age: the components) and the row is a
   *conflict*; some components without a combined figure make an *incomplete* row, never a sum;
3. an observation's own country, else the entity's; an entity that splits a quantity by country
   for a year contributes the split, and its country-less figure is not added again;
4. sub-sectors likewise (an observation's own, else the entity's first, else "unspecified").

Read with one SQL query (the current revision of each series, only the needed columns), then
vectorised pandas: no object per observation, no loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, select

from ictfootprint.compute.combined import (
    COLUMNS,
    COMPLETE_COLUMNS,
    KEYS,
    METHODS,
    Keys,
    Resolved,
    empty_frame,
    resolve_combined,
    resolved,
    wide,
)
from ictfootprint.compute.quantities import Quantity, chosen
from ictfootprint.compute.sector_read import IN_SECTOR, read_rows
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.store import Store
from ictfootprint.store.schema import entities
from ictfootprint.units import convert

UNSPECIFIED: Final = "unspecified"

__all__ = [
    "COLUMNS",
    "IN_SECTOR",
    "KEYS",
    "METHODS",
    "empty_frame",
    "entity_totals",
    "entity_years",
    "frame_of",
    "frames_kept",
    "resolve_combined",
    "resolved_of",
]


def entity_years(
    store: Store,
    *,
    years: Sequence[int] | None = None,
    quantities: Sequence[str] | None = None,
    entity_ids: Sequence[str] | None = None,
    complete_only: bool = False,
    countries: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The entity-year frame of the in-sector entities (or of ``entity_ids``, whatever their
    kind) for ``years`` (all when ``None``) and ``quantities`` (all when ``None``), of the
    rows of ``countries`` (all when ``None``; the in-sector frame only).

    Columns (COLUMNS): ``entity_id, country, subsector, year, quantity`` (the row's keys),
    ``value`` (float, the quantity's unit; NaN unless complete), ``status`` ("complete" or
    "incomplete"), ``basis`` ("reported", "components", or "" when incomplete), ``method``
    (the weakest of the inputs used), ``missing`` (the absent components, comma separated),
    ``conflict`` (a combined figure and its components' sum disagree), ``inputs`` (the
    observation ids used, comma separated), and beside them ``combined_value`` and
    ``components_value`` (the two figures compared; NaN when absent).

    ``complete_only``: only the complete rows with a value, and only the columns
    ``entity_id, country, subsector, year, quantity, value, status`` (what the trends read).

    The in-sector frame is kept in the store (``sector_rows``, refreshed where stale) and
    read from there; the frame of ``entity_ids`` is computed from their observations.
    """
    if entity_ids is None:
        return _stored(store, years, quantities, complete_only, countries)
    if countries is not None:
        raise ValueError("countries= reads the in-sector frame, not the frame of entity_ids")
    frame = frame_of(store, chosen(quantities), years=years, entity_ids=entity_ids)
    if not complete_only:
        return frame
    keep = (frame["status"] == "complete") & frame["value"].notna()
    return frame.loc[keep, list(COMPLETE_COLUMNS)].reset_index(drop=True)


#: The in-sector frames read within a :func:`frames_kept` block, by question.
_KEPT: ContextVar[dict[tuple[Any, ...], pd.DataFrame] | None] = ContextVar(
    "ictfootprint_frames_kept", default=None
)


@contextmanager
def frames_kept() -> Iterator[None]:
    """Within the block, :func:`entity_years` of the in-sector entities reads ``sector_rows``
    once per question (store, years, quantities, ``complete_only``): the parts of one page
    or report that ask for the same frame (a country's series and its trajectory) share one
    read. For a block that reads only: a write within it is not seen by a frame kept."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def _stored(
    store: Store,
    years: Sequence[int] | None,
    quantities: Sequence[str] | None,
    complete_only: bool,
    countries: Sequence[str] | None,
) -> pd.DataFrame:
    from ictfootprint.compute.sector_stored import stored_frame

    def read() -> pd.DataFrame:
        return stored_frame(
            store,
            years=years,
            quantities=quantities,
            complete_only=complete_only,
            countries=countries,
        )

    kept = _KEPT.get()
    if kept is None:
        return read()
    key = (
        id(store),
        None if years is None else tuple(int(y) for y in years),
        None if quantities is None else tuple(quantities),
        complete_only,
        None if countries is None else tuple(sorted(countries)),
    )
    if key not in kept:
        kept[key] = read()
    # copy-on-write: a caller that changes its frame changes its own copy, never the kept one
    return kept[key].copy(deep=False)


def frame_of(
    store: Store,
    wanted: Sequence[Quantity],
    *,
    years: Sequence[int] | None = None,
    entity_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`entity_years` for quantities given as :class:`Quantity` (a caller may combine
    any catalogue indicator with its components, e.g. Scope 1 + 2 + 3 for a trajectory)."""
    rows = resolved_of(store, wanted, years=years, entity_ids=entity_ids)
    return empty_frame() if rows is None else rows.frame()


def resolved_of(
    store: Store,
    wanted: Sequence[Quantity],
    *,
    years: Sequence[int] | None = None,
    entity_ids: Sequence[str] | None = None,
    lineage: bool = True,
) -> Resolved | None:
    """:func:`frame_of` as numbers (:class:`Resolved`; ``None`` when there is no row): what
    a roll-up reads without building the frame's text columns. Without ``lineage`` the
    observation ids are not read (the frame's ``inputs`` are then missing)."""
    inputs = sorted({name for q in wanted for name in q.inputs})
    raw = _current(read_rows(store, inputs, years, entity_ids, ids=lineage), inputs)
    if raw.empty:
        return None
    entity, entity_names = pd.factorize(raw["entity_id"])
    home, first = _homes(store, entity_names)
    has_country = raw["obs_country"].notna().to_numpy()
    country, country_names = pd.factorize(
        np.where(has_country, raw["obs_country"].to_numpy(dtype=object), home[entity])
    )
    has_subsector = raw["obs_subsector"].notna().to_numpy()
    subsector, subsector_names = pd.factorize(
        np.where(has_subsector, raw["obs_subsector"].to_numpy(dtype=object), first[entity])
    )
    placed = country >= 0  # an entity without a country, reporting none: nowhere to add
    year = raw["year"].to_numpy(dtype="int64")
    # rows × (quantity, slot): an indicator feeds each quantity it is the figure or a part of
    pairs = [
        [(n, s) for n, q in enumerate(wanted) for s, i in enumerate(q.inputs) if i == name]
        for name in inputs
    ]
    counts = np.array([len(p) for p in pairs])[raw["indicator"].to_numpy()] * placed
    row = np.repeat(np.arange(len(raw)), counts)
    flat = np.array([pair for p in pairs for pair in p] or [(0, 0)], dtype="int64")
    starts = np.concatenate([[0], np.cumsum([len(p) for p in pairs])])[:-1]
    offset = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    chosen_pair = flat[starts[raw["indicator"].to_numpy()[row]] + offset]
    quantity, slot = chosen_pair[:, 0], chosen_pair[:, 1]
    low = int(year.min())
    sizes = (len(wanted), len(entity_names), int(year.max()) - low + 1, len(country_names))
    group = _composite((quantity, entity[row], year[row] - low), sizes[:3])
    keep = _rule_split(group, has_country[row])  # rule 3
    row, quantity, slot, group = row[keep], quantity[keep], slot[keep], group[keep]
    group = group * sizes[3] + country[row]
    keep = _rule_split(group, has_subsector[row])  # rule 4
    row, quantity, slot, group = row[keep], quantity[keep], slot[keep], group[keep]
    key = group * max(len(subsector_names), 1) + subsector[row]
    unique, inverse = np.unique(key, return_inverse=True)
    # column by column: a mixed-type frame's to_numpy() copies every block first
    fields = [
        raw[name].to_numpy(dtype="float64") for name in ("value", "rank", "recorded_at", "id")
    ]
    width = max(len(q.components) for q in wanted) + 1
    arrays = wide(len(unique), inverse.reshape(-1), slot, fields, width, take=row)
    rest, sub = np.divmod(unique, max(len(subsector_names), 1))
    rest, cty = np.divmod(rest, sizes[3])
    rest, yr = np.divmod(rest, sizes[2])
    qty, ent = np.divmod(rest, sizes[1])
    keys = Keys(
        codes={"entity_id": ent, "country": cty, "subsector": sub},
        names={
            "entity_id": np.asarray(entity_names, dtype=object),
            "country": np.asarray(country_names, dtype=object),
            "subsector": np.asarray(subsector_names, dtype=object),
        },
        year=yr + low,
        quantity=qty,
    )
    return resolved(keys, arrays, wanted)


def entity_totals(
    store: Store,
    wanted: Sequence[Quantity],
    entity_ids: Sequence[str],
    *,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """The entities' own totals, all countries and sub-sectors together (``country`` and
    ``subsector`` empty), by the same rules: each indicator's split by country (else its
    unsplit figure) added up, then rule 2 between a combined figure and its components.
    What an entity's trajectory reads."""
    inputs = sorted({name for q in wanted for name in q.inputs})
    raw = _current(read_rows(store, inputs, years, entity_ids), inputs)
    if raw.empty:
        return empty_frame()
    raw["indicator"] = np.asarray(inputs, dtype=object)[raw["indicator"].to_numpy()]
    for column in ("obs_country", "obs_subsector"):
        given = raw[column].notna()
        split = given.groupby(
            [raw["entity_id"], raw["indicator"], raw["year"]], sort=False
        ).transform("any")
        raw = raw[given | ~split]
    summed = (
        raw.groupby(["entity_id", "indicator", "year"], as_index=False, sort=False)
        .agg(
            value=("value", "sum"),
            rank=("rank", "max"),
            recorded_at=("recorded_at", "max"),
            id=("id", "max"),
        )
        .assign(country="", subsector="")
    )
    slots = pd.DataFrame(
        [
            {"indicator": name, "quantity": q.id, "slot": slot}
            for q in wanted
            for slot, name in enumerate(q.inputs)
        ]
    )
    return resolve_combined(summed.merge(slots, on="indicator", how="inner"), wanted)


def _current(raw: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    """Rule 1: one value per series (entity, indicator, year, country, sub-sector): the
    latest revision of the best method's, in the indicator's own unit. A current revision
    without a number (a text) leaves the series without a value: an earlier one never
    stands in. On integer codes: one sort of the rows, no text compared."""
    if raw.empty:
        return raw
    year = raw["year"].to_numpy(dtype="int64")
    parts = [
        pd.factorize(raw["entity_id"])[0],
        raw["indicator"].to_numpy(dtype="int64"),
        year - year.min(),
        pd.factorize(raw["obs_country"])[0] + 1,  # a missing one is -1: 0
        pd.factorize(raw["obs_subsector"])[0] + 1,
    ]
    series = _composite(parts, [int(p.max()) + 1 for p in parts])
    rank = raw["rank"].to_numpy(dtype="int64")
    revision = raw["revision"].to_numpy(dtype="int64")
    order = np.lexsort((-revision, rank, series))
    first = np.ones(len(order), dtype=bool)
    first[1:] = series[order][1:] != series[order][:-1]
    kept = order[first]
    # in the order of the rows sorted by method, then latest revision first (stable)
    kept = kept[np.lexsort((kept, -revision[kept], rank[kept]))]
    raw = raw.iloc[kept]
    raw = raw[raw["value"].notna()].reset_index(drop=True)
    other = raw["unit"].notna()
    if other.any():
        known = catalogue()
        own = pd.Series(np.asarray(inputs, dtype=object)[raw.loc[other, "indicator"]]).map(
            lambda i: known[i].unit
        )
        pair = raw.loc[other, "unit"].to_numpy(dtype=object) + " -> " + own.to_numpy(dtype=object)
        factor = {p: convert(1.0, *p.split(" -> ")).value for p in set(pair)}
        raw.loc[other, "value"] *= np.array([factor[p] for p in pair])
    return raw


def _homes(store: Store, names: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Each entity's country and first sub-sector (else "unspecified"), by entity code."""
    query = select(entities.c.id, entities.c.country, cast(entities.c.subsectors, String)).where(
        entities.c.id.in_(list(names))
    )
    with store.engine.connect() as connection:
        found = {row[0]: (row[1], row[2]) for row in connection.execute(query)}
    frame = pd.DataFrame([found.get(n, (None, None)) for n in names], columns=["home", "list"])
    first = frame["list"].astype("string").str.extract(r'"([^"]+)"', expand=False)
    return (
        frame["home"].to_numpy(dtype=object),
        first.fillna(UNSPECIFIED).to_numpy(dtype=object),
    )


def _composite(parts: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """One int64 key from several small codes (mixed radix)."""
    key = np.zeros(len(parts[0]), dtype="int64")
    for part, size in zip(parts, sizes, strict=True):
        key = key * size + part
    return key


def _rule_split(group: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Rows to keep: in a group where some rows say where (a country, a sub-sector), only
    those; elsewhere all."""
    if not given.any():  # nothing said where (most stores): every row stays
        return np.ones(len(group), dtype=bool)
    _unique, inverse = np.unique(group, return_inverse=True)
    inverse = inverse.reshape(-1)
    split = np.bincount(inverse, weights=given.astype("float64")) > 0
    keep: np.ndarray = given | ~split[inverse]
    return keep
