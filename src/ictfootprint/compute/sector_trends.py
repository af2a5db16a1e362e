"""Coverage and like-for-like series of the sector totals (docs/sector-trends.md).

Pure functions on the entity-year frame of :mod:`ictfootprint.compute.sector_frame` (one row
per in-sector entity × country × sub-sector × year × quantity; ``value`` NaN unless
``status`` is complete) and on a frame of national denominators (:func:`national_frame`):

* :func:`coverage`: per area × sub-sector × year × quantity, the reporting sample (the
  entities whose rows are complete) and, where the countries have a national figure of the
  sub-sector's denominator (``reference/data/sector_trends.toml``), the reporters' own
  figure of it over the national one;
* :func:`like_for_like`: per area × sub-sector × quantity, the growth of the constant sample
  between consecutive years (entity rows complete in both), chained from the first year's
  reported total, so that a company joining does not read as growth.

The estimate of the unreported part is in :mod:`ictfootprint.compute.sector_estimates`.
Sub-sector ``_T`` is the total across sub-sectors (SDMX's code for a total).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from ictfootprint.compute.sector import ALL_SUBSECTORS, check_level, membership
from ictfootprint.reference.catalogue import indicator
from ictfootprint.reference.loader import defaults, read_toml
from ictfootprint.units import convert, round_figure

TOTAL: Final = ALL_SUBSECTORS
KEY: Final = ["area", "subsector", "year", "quantity"]
ROW_COLUMNS: Final = ["entity_id", "country", "subsector", "year", "quantity", "value"]
NATIONAL_COLUMNS: Final = ["country", "year", "indicator", "subsector", "value", "observation"]


@dataclass(frozen=True)
class Denominator:
    """The reporters' ``reporters`` over the country's ``national`` (a statistic), for
    ``subsector``; the national observation carries ``national_subsector`` ("" = none)."""

    subsector: str
    reporters: str
    national: str
    national_subsector: str = ""


@dataclass(frozen=True)
class EstimateSettings:
    interval: float
    draws: int
    seed: int
    min_peers: int


@cache
def denominators() -> dict[str, tuple[Denominator, ...]]:
    """Sub-sector → its denominators in order of preference (sector_trends.toml)."""
    found: dict[str, list[Denominator]] = {}
    for entry in read_toml("sector_trends.toml")["denominator"]:
        item = Denominator(**entry)
        found.setdefault(item.subsector, []).append(item)
    return {key: tuple(items) for key, items in found.items()}


@cache
def estimate_settings() -> EstimateSettings:
    return EstimateSettings(**read_toml("sector_trends.toml")["estimate"])


def national_indicators() -> list[str]:
    return sorted({d.national for items in denominators().values() for d in items})


def reporter_indicators() -> list[str]:
    return sorted({d.reporters for items in denominators().values() for d in items})


def area_of(level: str, region_kind: str = "itu") -> dict[str, str]:
    """Country (ISO3) → its area at ``level``: itself, its ITU or M49 region, the world
    (the sector totals' own membership)."""
    check_level(level, region_kind)
    areas = membership(level, region_kind)
    return dict(zip(areas["country"], areas["area"], strict=True))


def with_total(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame and, again, every row under sub-sector ``_T`` (``row_subsector`` keeps the
    real one, so that an entity's rows stay apart within the total)."""
    real = frame.assign(row_subsector=frame["subsector"])
    return pd.concat([real, real.assign(subsector=TOTAL)], ignore_index=True)


def complete_rows(
    frame: pd.DataFrame,
    level: str,
    region_kind: str,
    quantities: Sequence[str] | None,
    *,
    total: bool = True,
) -> pd.DataFrame:
    """Complete rows of the quantities asked for (all but activity denominators when None),
    each with its area, and again under ``_T`` (unless ``total`` is False)."""
    keep = (frame["status"] == "complete") & frame["value"].notna()
    if quantities is not None:
        keep &= frame["quantity"].isin(list(quantities))
    else:
        keep &= ~frame["quantity"].str.startswith("activity_")
    # only the columns used downstream: every later copy, merge and concat moves less text
    rows = frame.loc[keep, ROW_COLUMNS]
    areas = area_of(level, region_kind)
    rows = rows.assign(area=rows["country"].map(areas))
    rows = rows[rows["area"].notna()]
    return with_total(rows) if total else rows.assign(row_subsector=rows["subsector"])


def rounded(value: float | None, quantity: str) -> float | None:
    """``value`` rounded once to the resolution of the quantity's unit (defaults.toml)."""
    if value is None or value != value:
        return None
    return round_figure(float(value), _unit(quantity), defaults()["rounding"])


@cache
def _unit(quantity: str) -> str:
    return indicator(quantity).unit


def chosen_denominators(national: pd.DataFrame) -> pd.DataFrame:
    """Per country × sub-sector (``_T`` included) × year, the first denominator of the
    sub-sector with a national figure: ``reporters``, ``denominator`` (the national
    indicator), ``national_value`` in the reporters' unit, ``national_observation``."""
    columns = [
        "country",
        "subsector",
        "year",
        "reporters",
        "denominator",
        "national_value",
        "national_observation",
    ]
    if national.empty:
        return pd.DataFrame(columns=columns)
    lookup: dict[tuple[Any, ...], tuple[float, Any]] = {}
    row: Any
    for row in national.itertuples(index=False):
        key = (row.country, int(row.year), row.indicator, row.subsector)
        lookup[key] = (float(row.value), row.observation)
    years = sorted({int(y) for y in national["year"]})
    places = sorted({str(c) for c in national["country"]})
    rows = []
    for subsector, items in denominators().items():
        for country in places:
            for year in years:
                for item in items:
                    found = lookup.get((country, year, item.national, item.national_subsector))
                    if found is None:
                        continue
                    value = convert(
                        found[0], indicator(item.national).unit, indicator(item.reporters).unit
                    ).value
                    rows.append(
                        [country, subsector, year, item.reporters, item.national, value, found[1]]
                    )
                    break
    frame = pd.DataFrame(rows, columns=columns)
    frame["year"] = frame["year"].astype("int64")
    return frame


def own_denominators(frame: pd.DataFrame) -> pd.DataFrame:
    """Each entity's own figure of each reporters' indicator, by country, sub-sector and
    year (and summed across its sub-sectors under ``_T``): ``entity_id, country, subsector,
    year, reporters, own``."""
    wanted = reporter_indicators()
    keep = frame["quantity"].isin(wanted) & (frame["status"] == "complete") & frame["value"].notna()
    rows = frame.loc[keep, ROW_COLUMNS]
    keys = ["entity_id", "country", "subsector", "year", "quantity"]
    both = pd.concat([rows, rows.assign(subsector=TOTAL)], ignore_index=True)
    summed = both.groupby(keys, as_index=False).agg(own=("value", "sum"))
    return summed.rename(columns={"quantity": "reporters"}).astype({"reporters": object})


def sample_with_denominators(
    frame: pd.DataFrame,
    chosen: pd.DataFrame,
    level: str,
    region_kind: str,
    quantities: Any,
    *,
    total: bool = True,
    own: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Complete rows with their country's chosen denominator and the entity's own figure of
    it (``own`` NaN when the entity does not report it); under ``_T`` too unless ``total``
    is False. ``own``: :func:`own_denominators` of the frame, when already at hand."""
    rows = complete_rows(frame, level, region_kind, quantities, total=total)
    rows = rows.merge(chosen, on=["country", "subsector", "year"], how="left")
    # all NaN where no country has a national figure: keep them text, as the keys they meet
    rows = rows.astype({"reporters": object, "denominator": object})
    own = own_denominators(frame) if own is None else own
    # an entity's own denominator belongs to the row's real sub-sector (or to _T)
    own_key = ["entity_id", "country", "subsector", "year", "reporters"]
    per_entity = rows.groupby(
        ["entity_id", "country", "subsector", "year", "quantity", "reporters"],
        as_index=False,
        dropna=False,
    ).agg(
        area=("area", "first"),
        value=("value", "sum"),
        denominator=("denominator", "first"),
        national_value=("national_value", "first"),
    )
    per_entity = per_entity.astype({"reporters": object})
    return per_entity.merge(own, on=own_key, how="left")


def coverage(
    frame: pd.DataFrame,
    national: pd.DataFrame,
    *,
    level: str,
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
    seen: Mapping[tuple[str, int], Collection[str]] | None = None,
) -> list[dict[str, Any]]:
    """Per area × sub-sector × year × quantity: the reporting sample and its coverage.

    ``entities`` lists the sample; ``coverage`` lists, per national denominator used in the
    area, the reporters' own figure (``reporters_value``), the national one (summed over the
    area's countries that have it, with or without reporters), ``percent`` and the countries;
    ``coverage_percent`` repeats the first (in the order of sector_trends.toml);
    ``without_denominator`` lists sample entities in those countries that do not report
    their own figure (the coverage is then a lower bound).

    An area with a national figure and no reporter of a quantity that some area reports in
    the sub-sector that year has a sample of none, 0 %: a year's rows do not depend on which
    other years are asked. ``seen`` ((sub-sector, year) → those quantities, ``_T`` included):
    when ``frame`` holds some areas' rows only, the quantities reported anywhere.
    """
    chosen = chosen_denominators(national)
    sample = sample_with_denominators(frame, chosen, level, region_kind, quantities)
    areas = area_of(level, region_kind)
    result: dict[tuple[Any, ...], dict[str, Any]] = {}
    without = entity_lists(sample[sample["denominator"].notna() & sample["own"].isna()], KEY)
    for key, entities in entity_lists(sample, KEY).items():
        result[key] = {
            **dict(zip(KEY, key, strict=True)),
            "entities": entities,
            "sample": len(entities),
            "coverage": [],
            "coverage_percent": None,
            "without_denominator": without.get(key, []),
        }
    if seen is None:
        by_place = sample.groupby(["subsector", "year"])["quantity"].unique()
        seen = {(str(k[0]), int(k[1])): list(v) for k, v in by_place.items()}  # type: ignore[index]
    if chosen.empty or not seen:
        return _finish_coverage(result)
    chosen = chosen.assign(area=chosen["country"].map(areas))
    chosen = chosen[chosen["area"].notna()]
    # an area with a national figure but no reporter of a quantity: a sample of none, 0 %
    place: Any
    for place in chosen[["area", "subsector", "year"]].drop_duplicates().itertuples(index=False):
        for quantity in seen.get((place.subsector, int(place.year)), ()):
            key = (place.area, place.subsector, int(place.year), quantity)
            if key not in result:
                result[key] = {
                    **dict(zip(KEY, key, strict=True)),
                    "entities": [],
                    "sample": 0,
                    "coverage": [],
                    "coverage_percent": None,
                    "without_denominator": [],
                }
    reporters = (
        sample[sample["denominator"].notna()]
        .groupby([*KEY, "country", "denominator"], as_index=False)["own"]
        .sum(min_count=1)
    )
    nationals = {tuple(k): g for k, g in chosen.groupby(["area", "subsector", "year"])}
    ours = {
        (*k[:4], k[4]): float(g["own"].sum()) for k, g in reporters.groupby([*KEY, "denominator"])
    }
    for key_values, row in result.items():
        area, subsector, year, quantity = key_values
        places_all = nationals.get((area, subsector, year))
        if places_all is None:
            continue
        order = [d.national for d in denominators().get(str(subsector), ())]
        for name in sorted(set(places_all["denominator"]), key=order.index):
            places = places_all[places_all["denominator"] == name]
            total = float(places["national_value"].sum())
            own = ours.get((area, subsector, year, quantity, name), 0.0)
            percent = 100 * own / total if total > 0 else None
            row["coverage"].append(
                {
                    "denominator": name,
                    "reporters_value": own,
                    "national_value": total,
                    "unit": indicator(str(places["reporters"].iloc[0])).unit,
                    "percent": None if percent is None else round(percent, 2),
                    "countries": sorted(set(places["country"])),
                }
            )
    return _finish_coverage(result)


def entity_lists(rows: pd.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], list[str]]:
    """Per group of ``keys`` (no key missing), the sorted distinct entity ids of ``rows``:
    one pass over integer codes instead of a set per group."""
    if rows.empty:
        return {}
    grouped = rows.groupby(keys, sort=True)
    names = [tuple(name) for name in grouped.size().index]
    codes, uniques = pd.factorize(rows["entity_id"])
    ids = sorted(str(u) for u in uniques)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[codes_of(uniques, ids)] = np.arange(len(ids))
    width = len(ids)
    pairs = np.unique(grouped.ngroup().to_numpy(dtype=np.int64) * width + rank[codes])
    owners = pairs // width
    sorted_ids = np.asarray(ids, dtype=object)[pairs % width]
    cuts = np.flatnonzero(np.diff(owners)) + 1
    return {
        name: chunk.tolist() for name, chunk in zip(names, np.split(sorted_ids, cuts), strict=True)
    }


def codes_of(uniques: Any, ids: list[str]) -> npt.NDArray[np.int64]:
    """The position in ``uniques`` of each of ``ids``."""
    where = {str(u): i for i, u in enumerate(uniques)}
    return np.asarray([where[i] for i in ids], dtype=np.int64)


def _finish_coverage(result: dict[tuple[Any, ...], dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for key in sorted(result):
        row = result[key]
        row["year"] = int(row["year"])
        if row["coverage"]:
            row["coverage_percent"] = row["coverage"][0]["percent"]
        rows.append(row)
    return rows


def like_for_like(
    frame: pd.DataFrame,
    *,
    level: str,
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Per area × sub-sector × quantity and year: the reported total, the constant sample
    with the year before (entity rows complete in both), its growth, and the chained series.

    The series starts at the first year's reported total; each next year is the previous
    value × Σ sample(t) / Σ sample(t − 1). A year with no constant sample (no entity row in
    both years, or a sample summing to zero the year before) starts a new segment at its own
    reported total (``anchor`` True, ``growth`` None).
    """
    rows = complete_rows(frame, level, region_kind, quantities)
    if rows.empty:
        return []
    entity_key = ["area", "subsector", "quantity", "entity_id", "country", "row_subsector"]
    per_row = rows.groupby([*entity_key, "year"], as_index=False)["value"].sum()
    earlier = per_row.assign(year=per_row["year"] + 1).rename(columns={"value": "previous"})
    pairs = per_row.merge(earlier, on=[*entity_key, "year"], how="inner")
    series_key = ["area", "subsector", "quantity"]
    samples = pairs.groupby([*series_key, "year"], as_index=False).agg(
        current=("value", "sum"),
        previous=("previous", "sum"),
        sample=("entity_id", "nunique"),
    )
    reported = per_row.groupby([*series_key, "year"], as_index=False).agg(
        reported=("value", "sum"), entities=("entity_id", "nunique")
    )
    table = reported.merge(samples, on=[*series_key, "year"], how="left")
    table = table.sort_values([*series_key, "year"], ignore_index=True)
    out = []
    series: tuple[Any, ...] | None = None
    chained: float | None = None
    last_year: int | None = None
    # one pass of plain tuples in the order of the series and their years (a pandas group
    # and a named tuple per series cost 1.6 s of a country profile at 4.4 M observations)
    row: tuple[Any, ...]
    for row in table[
        [*series_key, "year", "reported", "entities", "current", "previous", "sample"]
    ].itertuples(index=False, name=None):
        area, subsector, quantity, year, reported_value, entities, current, previous, sample = row
        if row[:3] != series:
            series, chained, last_year = row[:3], None, None
        year = int(year)
        has_sample = (
            last_year == year - 1
            and sample == sample
            and previous == previous
            and float(previous) != 0.0
        )
        growth = float(current) / float(previous) if has_sample else None
        if growth is None or chained is None:
            chained, anchor = float(reported_value), True
        else:
            chained, anchor = chained * growth, False
        name = str(quantity)
        out.append(
            {
                "area": area,
                "subsector": subsector,
                "quantity": quantity,
                "unit": _unit(name),
                "year": year,
                "reported": rounded(float(reported_value), name),
                "entities": int(entities),
                "sample": int(sample) if has_sample else 0,
                "sample_previous": rounded(float(previous), name) if has_sample else None,
                "sample_current": rounded(float(current), name) if has_sample else None,
                "growth": growth,
                "change_percent": None if growth is None else 100 * (growth - 1),
                "like_for_like": rounded(chained, name),
                "anchor": anchor,
            }
        )
        last_year = year
    return out
