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

from collections.abc import Sequence
from operator import itemgetter
from typing import Final

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Float, String, and_, case, cast, extract, func, or_, select

from ictfootprint.compute.combined import (
    COLUMNS,
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
from ictfootprint.model import EntityKind
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.store import Store
from ictfootprint.store.schema import entities, observations
from ictfootprint.units import convert

IN_SECTOR: Final = (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)
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
    "resolve_combined",
    "resolved_of",
]


def entity_years(
    store: Store,
    *,
    years: Sequence[int] | None = None,
    quantities: Sequence[str] | None = None,
    entity_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The entity-year frame of the in-sector entities (or of ``entity_ids``, whatever their
    kind) for ``years`` (all when ``None``) and ``quantities`` (all when ``None``).

    Columns (COLUMNS): ``entity_id, country, subsector, year, quantity`` (the row's keys),
    ``value`` (float, the quantity's unit; NaN unless complete), ``status`` ("complete" or
    "incomplete"), ``basis`` ("reported", "components", or "" when incomplete), ``method``
    (the weakest of the inputs used), ``missing`` (the absent components, comma separated),
    ``conflict`` (a combined figure and its components' sum disagree), ``inputs`` (the
    observation ids used, comma separated), and beside them ``combined_value`` and
    ``components_value`` (the two figures compared; NaN when absent).
    """
    return frame_of(store, chosen(quantities), years=years, entity_ids=entity_ids)


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
) -> Resolved | None:
    """:func:`frame_of` as numbers (:class:`Resolved`; ``None`` when there is no row): what
    a roll-up reads without building the frame's text columns."""
    inputs = sorted({name for q in wanted for name in q.inputs})
    raw = _current(_read(store, inputs, years, entity_ids), inputs)
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
    fields = np.column_stack(
        [
            raw[name].to_numpy(dtype="float64")[row]
            for name in ("value", "rank", "recorded_at", "id")
        ]
    )
    width = max(len(q.components) for q in wanted) + 1
    arrays = wide(len(unique), inverse.reshape(-1), slot, fields, width)
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
    raw = _current(_read(store, inputs, years, entity_ids), inputs)
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


def _read(
    store: Store,
    indicators: list[str],
    years: Sequence[int] | None,
    entity_ids: Sequence[str] | None,
) -> pd.DataFrame:
    """Every revision of the series of ``indicators`` (by the methods read) of in-sector
    entities (or ``entity_ids``): one query, the needed columns only, coded as numbers where
    they can be (the indicator's position, the method's rank, the age of the revision; the
    unit only where it is not the indicator's own). Restatements are few, so reading the
    earlier revisions too and keeping the latest in the frame costs less than ranking them in
    the database (a window over every series, or a join back on the series key, measured
    1.5-2x slower on SQLite)."""
    o = observations.c
    known = catalogue()
    # over many years the quantities' indicators are most of the table: a plain scan beats
    # the (indicator, year) index, which SQLite would otherwise walk row by row
    indicator = o.indicator_id if years is not None and len(years) <= 2 else o.indicator_id + ""
    where = [indicator.in_(indicators), o.method.in_(METHODS)]
    if years is not None:
        where.append(o.year.in_(list(years)))
    if entity_ids is not None:
        where.append(o.entity_id.in_(list(entity_ids)))
    dialect = store.engine.dialect.name
    age = (
        func.julianday(o.recorded_at) * 86400.0
        if dialect == "sqlite"
        else cast(extract("epoch", o.recorded_at), Float)
    )
    own_unit = case({i: known[i].unit for i in indicators}, value=o.indicator_id)
    # the indicator's position, the method's rank, the year and the revision in one number:
    # a column fetched is a Python object per row, the driver's main cost
    kinds = 4 * len(indicators)
    code = (
        case({name: 4 * n for n, name in enumerate(indicators)}, value=o.indicator_id)
        + case({m: n for n, m in enumerate(METHODS)}, value=o.method)
        + (cast(o.revision, BigInteger) * _YEARS + o.year) * kinds
    )
    # the observation's own country, sub-sector and unit (when not the indicator's) in one
    # text, NULL when none is given (most rows)
    plain = and_(o.country.is_(None), o.subsector.is_(None), o.unit == own_unit)
    place = case(
        (plain, None),
        else_=func.coalesce(o.country, "")
        + _SEPARATOR
        + func.coalesce(o.subsector, "")
        + _SEPARATOR
        + case((o.unit == own_unit, ""), else_=o.unit),
    )
    query = select(o.id, o.entity_id, code.label("code"), place.label("place"), o.value, age).where(
        *where
    )
    if entity_ids is None:
        query = query.join(entities, o.entity_id == entities.c.id).where(
            entities.c.kind.in_([k.value for k in IN_SECTOR]),
            # an organisation in no ICT sub-sector (a ministry, an international organisation
            # storing its own footprint) is outside the ICT sector
            or_(
                entities.c.kind != EntityKind.ORGANISATION.value,
                cast(entities.c.subsectors, String).notin_(["[]", ""]),
            ),
        )
    with store.engine.connect() as connection:
        result = connection.execute(query)
        try:
            # the driver's plain tuples: a row object per observation costs more than the query
            rows = result.cursor.fetchall() if result.cursor is not None else []
        finally:
            result.close()
    # column by column, numbers straight into arrays (``zip(*rows)`` costs 5x more)
    n = len(rows)
    ids, codes, values, ages = (
        np.fromiter(map(itemgetter(c), rows), dtype=t, count=n)
        for c, t in ((0, "int64"), (2, "int64"), (4, "float64"), (5, "float64"))
    )
    entity_id = np.array(list(map(itemgetter(1), rows)), dtype=object)
    places = list(map(itemgetter(3), rows))
    del rows
    rest, rank = np.divmod(codes, 4)
    rest, position = np.divmod(rest, len(indicators))
    revision, year = np.divmod(rest, _YEARS)
    frame = pd.DataFrame(
        {
            "id": ids,
            "entity_id": pd.array(entity_id, dtype="str"),
            "indicator": position,
            "year": year,
            "obs_country": None,
            "obs_subsector": None,
            "value": values,
            "unit": None,
            "rank": rank,
            "revision": revision,
            "recorded_at": ages,
        }
    )
    given = [n for n, text in enumerate(places) if text is not None]
    if given:
        parts = np.array([places[n].split(_SEPARATOR) for n in given], dtype=object)
        parts[parts == ""] = None
        for column, name in enumerate(("obs_country", "obs_subsector", "unit")):
            frame[name] = frame[name].astype(object)
            frame.loc[given, name] = parts[:, column]
    return frame


#: Years a revision is apart in the fetched code (revision × _YEARS + year).
_YEARS: Final = 10_000
#: Between the country, sub-sector and unit in the fetched ``place`` (not in any of them).
_SEPARATOR: Final = "\x1f"


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
