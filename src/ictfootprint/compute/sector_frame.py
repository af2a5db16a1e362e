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
from typing import Final

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, func, select

from ictfootprint.compute.quantities import Quantity, chosen
from ictfootprint.model import EntityKind
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store
from ictfootprint.store.schema import entities, observations
from ictfootprint.units import convert

IN_SECTOR: Final = (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)
#: Methods read into the frame, best first (rule 1); ``estimated`` never.
METHODS: Final = ("reported", "statistical", "calculated")
COLUMNS: Final = (
    "entity_id",
    "country",
    "subsector",
    "year",
    "quantity",
    "value",
    "status",
    "basis",
    "method",
    "missing",
    "conflict",
    "inputs",
    "combined_value",
    "components_value",
)
#: The keys of an entity row.
KEYS: Final = ["quantity", "entity_id", "country", "subsector", "year"]


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
    inputs = sorted({name for q in wanted for name in q.inputs})
    raw = _read(store, inputs, years, entity_ids)
    if raw.empty:
        return empty_frame()
    raw = _canonical_units(_best_method(raw))
    raw["home_subsector"] = _first_subsector(raw)
    long = raw.merge(_slots(wanted), on="indicator", how="inner")
    long = _place(long)
    return resolve_combined(long, wanted)


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
    raw = _read(store, inputs, years, entity_ids)
    if raw.empty:
        return empty_frame()
    raw = _canonical_units(_best_method(raw))
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
    return resolve_combined(summed.merge(_slots(wanted), on="indicator", how="inner"), wanted)


def empty_frame() -> pd.DataFrame:
    """A frame with the columns and dtypes of :func:`entity_years` and no row."""
    return pd.DataFrame(
        {
            "entity_id": pd.Series(dtype="object"),
            "country": pd.Series(dtype="object"),
            "subsector": pd.Series(dtype="object"),
            "year": pd.Series(dtype="int64"),
            "quantity": pd.Series(dtype="object"),
            "value": pd.Series(dtype="float64"),
            "status": pd.Series(dtype="object"),
            "basis": pd.Series(dtype="object"),
            "method": pd.Series(dtype="object"),
            "missing": pd.Series(dtype="object"),
            "conflict": pd.Series(dtype="bool"),
            "inputs": pd.Series(dtype="object"),
            "combined_value": pd.Series(dtype="float64"),
            "components_value": pd.Series(dtype="float64"),
        }
    )


def _read(
    store: Store,
    indicators: list[str],
    years: Sequence[int] | None,
    entity_ids: Sequence[str] | None,
) -> pd.DataFrame:
    """The current revision of every series of ``indicators``, one query, needed columns."""
    o = observations.c
    where = [o.indicator_id.in_(indicators), o.method.in_(METHODS)]
    if years is not None:
        where.append(o.year.in_(list(years)))
    if entity_ids is not None:
        where.append(o.entity_id.in_(list(entity_ids)))
    ranked = (
        select(
            o.id,
            o.entity_id,
            o.indicator_id,
            o.year,
            o.country,
            o.subsector,
            o.value,
            o.unit,
            o.method,
            o.recorded_at,
            func.row_number()
            .over(partition_by=o.series_key, order_by=o.revision.desc())
            .label("latest"),
        )
        .where(*where)
        .subquery()
    )
    r = ranked.c
    query = (
        select(
            r.id,
            r.entity_id,
            r.indicator_id.label("indicator"),
            r.year,
            r.country.label("obs_country"),
            r.subsector.label("obs_subsector"),
            r.value,
            r.unit,
            r.method,
            r.recorded_at,
            entities.c.country.label("home"),
            cast(entities.c.subsectors, String).label("subsectors"),
        )
        .join_from(ranked, entities, r.entity_id == entities.c.id)
        .where(r.latest == 1, r.value.is_not(None))
    )
    if entity_ids is None:
        query = query.where(entities.c.kind.in_([k.value for k in IN_SECTOR]))
    with store.engine.connect() as connection:
        result = connection.execute(query)
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    frame["value"] = frame["value"].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    # the age of a value as a number (comparable with NaN for "absent" once pivoted)
    frame["recorded_at"] = (
        pd.to_datetime(frame["recorded_at"], utc=True).astype("int64").astype("float64")
    )
    return frame


_RANK: Final = {m: i for i, m in enumerate(METHODS)}


def _best_method(raw: pd.DataFrame) -> pd.DataFrame:
    """Rule 1: one value per series (entity, indicator, year, country, sub-sector)."""
    raw["rank"] = raw["method"].map(_RANK).astype("int64")
    series = ["entity_id", "indicator", "year", "obs_country", "obs_subsector"]
    return raw.sort_values("rank", kind="stable").drop_duplicates(series, keep="first")


def _canonical_units(raw: pd.DataFrame) -> pd.DataFrame:
    """Values in their indicator's catalogue unit (the store keeps them so; a value recorded in
    another unit is converted, never summed as it is)."""
    known = catalogue()
    target = raw["indicator"].map({i: known[i].unit for i in raw["indicator"].unique()})
    differs = raw["unit"].notna() & (raw["unit"] != target)
    if differs.any():
        pair = raw.loc[differs, "unit"] + " -> " + target[differs]
        factor = {key: convert(1.0, *key.split(" -> ")).value for key in pair.unique()}
        raw.loc[differs, "value"] = raw.loc[differs, "value"] * pair.map(factor).astype("float64")
    return raw


def _first_subsector(raw: pd.DataFrame) -> pd.Series:
    """Each row's entity's first sub-sector (read from its JSON list once per entity)."""
    per_entity = raw.drop_duplicates("entity_id").set_index("entity_id")["subsectors"]
    first = per_entity.astype("string").str.extract(r'"([^"]+)"', expand=False)
    return raw["entity_id"].map(first).fillna("unspecified").astype("object")


def _slots(wanted: Sequence[Quantity]) -> pd.DataFrame:
    """indicator → (quantity, slot): slot 0 is the quantity itself, 1.. its components."""
    return pd.DataFrame(
        [
            {"indicator": name, "quantity": q.id, "slot": slot}
            for q in wanted
            for slot, name in enumerate(q.inputs)
        ]
    )


def _place(long: pd.DataFrame) -> pd.DataFrame:
    """Rules 3 and 4: the row's country and sub-sector, a split replacing the unsplit figure."""
    has_country = long["obs_country"].notna()
    split = has_country.groupby(
        [long["quantity"], long["entity_id"], long["year"]], sort=False
    ).transform("any")
    long = long[has_country | ~split].copy()
    long["country"] = long["obs_country"].fillna(long["home"])
    long = long[long["country"].notna()]
    has_subsector = long["obs_subsector"].notna()
    split = has_subsector.groupby(
        [long["quantity"], long["entity_id"], long["year"], long["country"]], sort=False
    ).transform("any")
    long = long[has_subsector | ~split].copy()
    long["subsector"] = long["obs_subsector"].fillna(long["home_subsector"])
    return long


def resolve_combined(long: pd.DataFrame, wanted: Sequence[Quantity]) -> pd.DataFrame:
    """Rule 2 on long input rows (``quantity, entity_id, country, subsector, year, slot``
    — slot 0 the quantity itself, 1.. its components — ``value, rank`` (0 reported,
    1 statistical, 2 calculated), ``recorded_at, id``): one entity row per key, with the
    columns of :func:`entity_years`."""
    if long.empty:
        return empty_frame()
    tolerance = float(defaults()["validation"]["total_tolerance_percent"]) / 100
    long = long.drop_duplicates([*KEYS, "slot"], keep="first")
    wide = long.set_index([*KEYS, "slot"])[["value", "rank", "recorded_at", "id"]].unstack("slot")
    keys = wide.index.to_frame(index=False)
    n = len(keys)
    slots = sorted(int(s) for s in wide.columns.get_level_values(1).unique())
    count = keys["quantity"].map({q.id: len(q.components) for q in wanted}).to_numpy()

    def column(field: str, slot: int) -> np.ndarray:
        if slot in slots:
            return wide[(field, slot)].to_numpy(dtype="float64")
        return np.full(n, np.nan)

    v0 = column("value", 0)
    has0 = ~np.isnan(v0)
    width = max((len(q.components) for q in wanted), default=0)
    all_parts = count > 0
    parts_sum = np.zeros(n)
    parts_rank = np.full(n, -1.0)
    parts_time = np.full(n, np.nan)
    missing = np.full(n, "", dtype=object)
    used_ids = np.full(n, "", dtype=object)
    for slot in range(1, width + 1):
        needed = count >= slot
        value = column("value", slot)
        present = needed & ~np.isnan(value)
        all_parts &= present | ~needed
        parts_sum += np.where(present, value, 0.0)
        parts_rank = np.where(present, np.fmax(parts_rank, column("rank", slot)), parts_rank)
        parts_time = np.where(present, np.fmax(parts_time, column("recorded_at", slot)), parts_time)
        names = keys["quantity"].map(
            {q.id: q.components[slot - 1] for q in wanted if len(q.components) >= slot}
        )
        missing = _joined(missing, np.where(needed & ~present, names.fillna("").to_numpy(), ""))
        used_ids = _joined(used_ids, _ids(column("id", slot), present))

    scale = np.maximum(np.maximum(np.abs(v0), np.abs(parts_sum)), 1e-12)
    both = has0 & all_parts
    conflict = both & (np.abs(np.nan_to_num(v0) - parts_sum) / scale > tolerance)
    combined_newer = np.nan_to_num(column("recorded_at", 0), nan=-np.inf) > np.nan_to_num(
        parts_time, nan=np.inf
    )
    use_combined = has0 & (~all_parts | (conflict & combined_newer))
    use_parts = all_parts & ~use_combined
    complete = use_combined | use_parts
    rank0 = column("rank", 0)
    rank = np.where(
        use_combined, rank0, np.where(use_parts, parts_rank, np.fmax(rank0, parts_rank))
    )
    frame = keys.assign(
        value=np.where(use_combined, v0, np.where(use_parts, parts_sum, np.nan)),
        status=np.where(complete, "complete", "incomplete"),
        basis=np.where(use_combined, "reported", np.where(use_parts, "components", "")),
        method=np.asarray(METHODS, dtype=object)[np.clip(rank, 0, len(METHODS) - 1).astype(int)],
        missing=np.where(complete, "", missing),
        conflict=conflict,
        inputs=np.where(use_combined, _ids(column("id", 0), has0), used_ids),
        combined_value=v0,
        components_value=np.where(all_parts, parts_sum, np.nan),
    )
    frame.loc[~complete, "inputs"] = ""
    frame["year"] = frame["year"].astype("int64")
    frame["conflict"] = frame["conflict"].astype("bool")
    return frame[list(COLUMNS)].reset_index(drop=True)


def _ids(ids: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Observation ids as text where present, "" elsewhere."""
    filled = np.where(present, ids, 0)
    text = pd.Series(filled).astype("float64").astype("int64").astype(str).to_numpy(dtype=object)
    out: np.ndarray = np.where(present, text, "")
    return out


def _joined(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Element-wise ``left,right``, leaving out empty sides."""
    both = (left != "") & (right != "")
    out: np.ndarray = np.where(both, left + "," + right, left + right)
    return out
