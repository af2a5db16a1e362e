"""Rule 2 of the sector's totals: a reported combined figure against the sum of its components.

For each entity row, given the quantity's own figure (slot 0) and its components' (slots
1..k): if only one side is there (the components only when all of them are) it is used; both
agreeing within ``[validation] total_tolerance_percent`` → the components; both disagreeing →
the newer (same age → the components) and a *conflict*; some components and no combined
figure → an *incomplete* row, never a partial sum. Vectorised over arrays (one row per entity
row, one column per slot); :func:`resolve_combined` takes long rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from ictfootprint.compute.quantities import Quantity
from ictfootprint.reference.loader import defaults

#: Methods read into the frame, best first; ``estimated`` never.
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
KEYS: Final = ["quantity", "entity_id", "country", "subsector", "year"]
#: The columns of a complete-only frame (``entity_years(complete_only=True)``): what the
#: trends read of a complete row, its keys, value and status (the first seven columns).
COMPLETE_COLUMNS: Final = COLUMNS[: COLUMNS.index("status") + 1]


def empty_frame() -> pd.DataFrame:
    """A frame with the columns and dtypes of the entity-year frame and no row."""
    types = {"year": "int64", "value": "float64", "conflict": "bool"}
    types |= {"combined_value": "float64", "components_value": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "object")) for c in COLUMNS})


@dataclass(frozen=True)
class Keys:
    """The keys of n entity rows, coded: ``codes[name]`` indexes ``names[name]`` for
    entity_id, country and subsector; ``quantity`` indexes the quantities wanted."""

    codes: dict[str, np.ndarray]
    names: dict[str, np.ndarray]
    year: np.ndarray
    quantity: np.ndarray

    def __len__(self) -> int:
        return len(self.year)


def resolve_combined(long: pd.DataFrame, wanted: Sequence[Quantity]) -> pd.DataFrame:
    """Rule 2 on long input rows: ``quantity, entity_id, country, subsector, year`` (the
    keys), ``slot`` (0 the quantity itself, 1.. its components in order), ``value``,
    ``rank`` (0 reported, 1 statistical, 2 calculated), ``recorded_at`` (a number: larger
    is newer) and ``id``; one entity row per key, with the columns of the entity-year frame."""
    if long.empty:
        return empty_frame()
    factorized: dict[str, tuple[np.ndarray, Any]] = {
        name: pd.factorize(long[name]) for name in KEYS if name != "year"
    }
    position = {q.id: n for n, q in enumerate(wanted)}
    factorized["quantity"] = (
        long["quantity"].map(position).to_numpy(dtype="int64"),
        np.asarray([q.id for q in wanted], dtype=object),
    )
    codes = np.column_stack(
        [factorized[name][0] for name in KEYS if name != "year"] + [long["year"].to_numpy()]
    )
    unique, inverse = np.unique(codes, axis=0, return_inverse=True)
    keys = Keys(
        codes={
            name: unique[:, n] for n, name in enumerate(("entity_id", "country", "subsector"), 1)
        },
        names={name: np.asarray(factorized[name][1], dtype=object) for name in factorized},
        year=unique[:, 4],
        quantity=unique[:, 0],
    )
    arrays = wide(
        len(unique),
        inverse.reshape(-1),
        long["slot"].to_numpy(dtype="int64"),
        [long[name].to_numpy(dtype="float64") for name in ("value", "rank", "recorded_at", "id")],
        max((len(q.components) for q in wanted), default=0) + 1,
    )
    return resolve(keys, arrays, wanted)


def wide(
    n: int,
    row: np.ndarray,
    slot: np.ndarray,
    fields: Sequence[np.ndarray],
    width: int,
    take: np.ndarray | None = None,
) -> np.ndarray:
    """(field, key, slot) arrays of NaN filled from long rows: ``fields`` holds value, rank,
    age and id, a column each (taken at ``take`` when given, one field at a time, so that no
    rows × fields copy is made); ``row`` and ``slot`` say where each goes."""
    out = np.full((len(fields), n, width), np.nan)
    for index, field in enumerate(fields):
        out[index, row, slot] = field if take is None else field[take]
    return out


def resolve(keys: Keys, arrays: np.ndarray, wanted: Sequence[Quantity]) -> pd.DataFrame:
    """The entity rows of ``keys`` from ``arrays`` (:func:`wide`: value, rank, age and id ×
    entity row × slot) as the entity-year frame."""
    return resolved(keys, arrays, wanted).frame()


@dataclass(frozen=True)
class Resolved:
    """Rule 2's outcome for n entity rows, as numbers: what the entity-year frame shows,
    before any text column is built (a roll-up needs only the keys' codes, the values and
    which rows are complete; the texts of a few listed rows are built on demand)."""

    keys: Keys
    wanted: Sequence[Quantity]
    value: np.ndarray
    complete: np.ndarray
    conflict: np.ndarray
    basis: np.ndarray
    weakest: np.ndarray
    absent_bits: np.ndarray
    combined_value: np.ndarray
    components_value: np.ndarray
    ids: np.ndarray | None
    use_combined: np.ndarray
    used_parts: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The entity-year frame (COLUMNS) of every row, or of ``rows`` (a mask or
        positions) in their order. Text columns are built from codes in Arrow, never a
        Python string per row."""
        pick = slice(None) if rows is None else rows
        keys, wanted = self.keys, self.wanted
        columns = {
            name: _strings(keys.codes[name][pick], keys.names[name])
            for name in ("entity_id", "country", "subsector")
        }
        return pd.DataFrame(
            {
                **columns,
                "year": pd.Series(keys.year[pick], dtype="int64"),
                "quantity": _strings(
                    keys.quantity[pick], np.asarray([q.id for q in wanted], dtype=object)
                ),
                "value": self.value[pick],
                "status": _strings(
                    np.where(self.complete[pick], 0, 1), np.array(["complete", "incomplete"])
                ),
                "basis": _strings(self.basis[pick], np.array(["reported", "components", ""])),
                "method": _strings(
                    np.clip(np.nan_to_num(self.weakest[pick], nan=0.0), 0, len(METHODS) - 1).astype(
                        "int64"
                    ),
                    np.asarray(METHODS),
                ),
                "missing": _missing(
                    np.where(self.complete[pick], 0, self.absent_bits[pick]),
                    keys.quantity[pick],
                    wanted,
                ),
                "conflict": self.conflict[pick].astype(bool),
                "inputs": None
                if self.ids is None
                else _inputs(self.ids[pick], self.use_combined[pick], self.used_parts[pick]),
                "combined_value": self.combined_value[pick],
                "components_value": self.components_value[pick],
            }
        )[list(COLUMNS)]


def resolved(keys: Keys, arrays: np.ndarray, wanted: Sequence[Quantity]) -> Resolved:
    """Rule 2 on the entity rows of ``keys`` from ``arrays`` (:func:`wide`: value, rank, age
    and id × entity row × slot), as numbers."""
    tolerance = float(defaults()["validation"]["total_tolerance_percent"]) / 100
    value, rank, age = arrays[:3]
    ids = arrays[3] if len(arrays) > 3 else None
    n = len(keys)
    count = np.array([len(q.components) for q in wanted], dtype="int64")[keys.quantity]
    v0 = value[:, 0]
    has0 = ~np.isnan(v0)
    all_parts = count > 0
    parts_sum = np.zeros(n)
    parts_rank = np.full(n, -1.0)
    parts_age = np.full(n, -np.inf)
    absent_bits = np.zeros(n, dtype="int64")
    present = np.zeros((n, value.shape[1]), dtype=bool)
    for slot in range(1, value.shape[1]):
        needed = count >= slot
        present[:, slot] = needed & ~np.isnan(value[:, slot])
        all_parts &= present[:, slot] | ~needed
        parts_sum += np.where(present[:, slot], value[:, slot], 0.0)
        parts_rank = np.where(present[:, slot], np.fmax(parts_rank, rank[:, slot]), parts_rank)
        parts_age = np.where(present[:, slot], np.fmax(parts_age, age[:, slot]), parts_age)
        absent_bits |= (needed & ~present[:, slot]).astype("int64") << (slot - 1)
    scale = np.maximum(np.maximum(np.abs(np.nan_to_num(v0)), np.abs(parts_sum)), 1e-12)
    conflict = has0 & all_parts & (np.abs(np.nan_to_num(v0) - parts_sum) / scale > tolerance)
    newer = np.nan_to_num(age[:, 0], nan=-np.inf) > parts_age
    use_combined = has0 & (~all_parts | (conflict & newer))
    use_parts = all_parts & ~use_combined
    complete = use_combined | use_parts
    weakest = np.where(
        use_combined, rank[:, 0], np.where(use_parts, parts_rank, np.fmax(rank[:, 0], parts_rank))
    )
    return Resolved(
        keys=keys,
        wanted=wanted,
        value=np.where(use_combined, v0, np.where(use_parts, parts_sum, np.nan)),
        complete=complete,
        conflict=conflict.astype(bool),
        basis=np.where(use_combined, 0, np.where(use_parts, 1, 2)),
        weakest=weakest,
        absent_bits=absent_bits,
        combined_value=v0,
        components_value=np.where(all_parts, parts_sum, np.nan),
        ids=ids,
        use_combined=use_combined,
        used_parts=use_parts[:, None] & present,
    )


def _strings(codes: np.ndarray, names: np.ndarray) -> pd.Series:
    """A text column (pandas' ``str``) from codes into ``names``, built in Arrow."""
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype="int32")), pa.array(list(names), pa.string())
    )
    return pd.Series(dictionary.cast(pa.string()).to_pandas(types_mapper=_TEXT.get))


#: The text columns' type (Arrow-backed, missing as NaN).
TEXT: Final = pd.StringDtype("pyarrow", na_value=np.nan)
_TEXT: Final = {pa.string(): TEXT}


def _missing(bits: np.ndarray, quantity: np.ndarray, wanted: Sequence[Quantity]) -> pd.Series:
    """The absent components' names, comma separated, from a bit per component."""
    width = 1 << max((len(q.components) for q in wanted), default=0)
    code = quantity * width + bits
    unique, inverse = np.unique(code, return_inverse=True)
    names = [
        ",".join(
            name
            for k, name in enumerate(wanted[int(c) // width].components)
            if (int(c) % width) >> k & 1
        )
        for c in unique
    ]
    return _strings(inverse.reshape(-1), np.asarray(names, dtype=object))


def _inputs(ids: np.ndarray, use_combined: np.ndarray, use_parts: np.ndarray) -> pd.Series:
    """The observation ids used, comma separated ("" for an incomplete row), in Arrow."""
    used = [use_combined, *(use_parts[:, slot] for slot in range(1, ids.shape[1]))]
    texts = [
        pc.fill_null(pc.cast(pa.array(_whole(ids[:, slot]), mask=~chosen), pa.string()), "")
        for slot, chosen in enumerate(used)
    ]
    joined = texts[0]
    for text in texts[1:]:
        # "" stands for "none" (null_handling="skip" drops rows in this pyarrow)
        both = pc.binary_join_element_wise(joined, text, ",")
        either = pc.if_else(pc.equal(text, ""), joined, both)
        joined = pc.if_else(pc.equal(joined, ""), text, either)
    return pd.Series(joined.to_pandas(types_mapper=_TEXT.get))


def _whole(ids: np.ndarray) -> np.ndarray:
    whole: np.ndarray = np.nan_to_num(ids).astype("int64")
    return whole
