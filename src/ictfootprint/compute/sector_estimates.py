"""Estimates of the unreported part of the sector (docs/sector-trends.md), flagged
``estimated`` and never added into the reported totals.

For a country, sub-sector, year and quantity where the country has a national figure of the
sub-sector's denominator (``reference/data/sector_trends.toml``):

    unreported = I × (N − D) − V₀, at least 0

* ``N``: the national figure (a statistic, never a calculated sum), in the reporters' unit;
* ``D``: the reporters' own figures of the denominator (reporters = entities whose rows of
  the quantity are complete);
* ``V₀``: the quantity of reporters that do not report their own denominator (their share of
  ``N`` is counted as V₀ / I, so that it is not estimated a second time);
* ``I``: the peers' intensity, a ratio of sums Σ quantity / Σ denominator over the peers
  (entity rows of the sub-sector and year with both): the country's own reporters when they
  are at least ``min_peers``, else its ITU region's, else the world's (said in ``peers_from``).

The interval is a percentile interval of the bootstrap over the peers
(:mod:`ictfootprint.compute.bootstrap`). An area's estimate is the sum of its countries'
(a sub-sector ``_T``: of every sub-sector's); the world figure is the reported total plus it,
with the reported share stated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from ictfootprint.compute.bootstrap import Distribution, Floats, combined, ratio_distributions
from ictfootprint.compute.bootstrap import interval as percentile_interval
from ictfootprint.compute.sector_trends import (
    TOTAL,
    EstimateSettings,
    area_of,
    chosen_denominators,
    complete_rows,
    estimate_settings,
    own_denominators,
    rounded,
    sample_with_denominators,
)
from ictfootprint.reference.catalogue import indicator
from ictfootprint.reference.countries import countries

METHOD: Final = "unreported-scaled-by-denominator"


@dataclass(frozen=True)
class CountryEstimate:
    country: str
    subsector: str
    year: int
    quantity: str
    denominator: str
    reporters: str
    national: float
    reporters_denominator: float
    without_denominator_value: float
    group: tuple[Any, ...]
    peers: tuple[str, ...]
    peers_from: str
    intensity: float

    def unreported(self, intensity: Floats | float) -> Any:
        gap = self.national - self.reporters_denominator
        return np.maximum(np.asarray(intensity) * gap - self.without_denominator_value, 0.0)


@cache
def itu_regions() -> dict[str, str]:
    """Country → its ITU region ("" when none): where a country's regional peers come from."""
    return {c.iso3: c.itu_region or "" for c in countries().values()}


def _peers(frame: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """Entity rows with the quantity complete and their own denominator above zero: one row
    per entity × country × sub-sector × year × quantity × reporters' indicator."""
    rows = complete_rows(frame, "country", "itu", None, total=False)
    rows = rows.groupby(
        ["entity_id", "country", "subsector", "year", "quantity"], as_index=False
    ).agg(value=("value", "sum"))
    peers = rows.merge(own, on=["entity_id", "country", "subsector", "year"], how="inner")
    peers = peers[peers["own"] > 0]
    region = itu_regions()
    return peers.assign(region=peers["country"].map(region))


@dataclass(frozen=True)
class PeerGroup:
    """The peers an intensity comes from: their values, denominators and ids."""

    values: Floats
    denominators: Floats
    entities: tuple[str, ...]


@dataclass(frozen=True)
class _Candidates:
    quantity: str
    values: Floats
    denominators: Floats
    entities: npt.NDArray[np.object_]
    by_country: dict[str, npt.NDArray[np.intp]]
    by_region: dict[str, npt.NDArray[np.intp]]


def _candidates(peers: pd.DataFrame) -> dict[tuple[Any, ...], list[_Candidates]]:
    """Peers by (sub-sector, year, reporters' indicator), one entry per quantity, with the
    positions of each country's and each region's (one sort of the whole frame, then
    slices: no per-group frame)."""
    found: dict[tuple[Any, ...], list[_Candidates]] = {}
    if peers.empty:
        return found
    grouped = peers.groupby(["subsector", "year", "reporters", "quantity"], sort=True)
    names: list[Any] = list(grouped.size().index)
    ids = grouped.ngroup().to_numpy(dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(ids[order])) + 1, [len(order)]])
    values = peers["value"].to_numpy(dtype="float64")[order]
    own = peers["own"].to_numpy(dtype="float64")[order]
    entities = peers["entity_id"].to_numpy(dtype=object)[order]
    country_codes, country_names = pd.factorize(peers["country"])
    region_codes, region_names = pd.factorize(peers["region"])
    country_codes, region_codes = country_codes[order], region_codes[order]
    country_list, region_list = [str(c) for c in country_names], [str(r) for r in region_names]
    for name, start, end in zip(names, bounds[:-1], bounds[1:], strict=True):
        subsector, year, reporters, quantity = name
        found.setdefault((subsector, int(year), reporters), []).append(
            _Candidates(
                quantity=str(quantity),
                values=values[start:end],
                denominators=own[start:end],
                entities=entities[start:end],
                by_country=_positions(country_codes[start:end], country_list),
                by_region=_positions(region_codes[start:end], region_list),
            )
        )
    return found


def _positions(codes: npt.NDArray[np.intp], names: list[str]) -> dict[str, npt.NDArray[np.intp]]:
    """Name → the positions (0..n-1, ascending) where the codes (of ``names``) hold it."""
    order = np.argsort(codes, kind="stable").astype(np.intp)
    keys, starts = np.unique(codes[order], return_index=True)
    ends = [*starts[1:].tolist(), len(order)]
    # views of one array; -1: no name (a country without a region)
    return {
        names[key]: order[start:end]
        for key, start, end in zip(keys.tolist(), starts.tolist(), ends, strict=True)
        if key >= 0
    }


def country_estimates(
    frame: pd.DataFrame, national: pd.DataFrame, settings: EstimateSettings
) -> tuple[list[CountryEstimate], dict[tuple[Any, ...], PeerGroup]]:
    """Every country × sub-sector × year × quantity that can be estimated, and the peer
    groups (group key → the peers) their intensities come from."""
    chosen = chosen_denominators(national)
    chosen = chosen[chosen["subsector"] != TOTAL]
    if chosen.empty:
        return [], {}
    own = own_denominators(frame)
    sample = sample_with_denominators(frame, chosen, "country", "itu", None, total=False, own=own)
    sample = sample.assign(without=sample["value"].where(sample["own"].isna(), 0.0))
    sums = sample.groupby(["country", "subsector", "year", "quantity"]).agg(
        known=("own", "sum"), without=("without", "sum")
    )
    reporters = dict(zip(sums.index, zip(sums["known"], sums["without"], strict=True), strict=True))
    candidates = _candidates(_peers(frame, own))
    region = itu_regions()
    found: list[CountryEstimate] = []
    groups: dict[tuple[Any, ...], PeerGroup] = {}
    for country, subsector, year, r, denominator, national_value in zip(
        chosen["country"],
        chosen["subsector"],
        chosen["year"],
        chosen["reporters"],
        chosen["denominator"],
        chosen["national_value"],
        strict=True,
    ):
        for item in candidates.get((subsector, int(year), r), []):
            positions, scope, code = _peer_scope(item, str(country), region, settings)
            key = (subsector, int(year), r, item.quantity, scope, code)
            if key not in groups:
                groups[key] = PeerGroup(
                    item.values[positions],
                    item.denominators[positions],
                    tuple(sorted(set(item.entities[positions]))),
                )
            group = groups[key]
            known, without = reporters.get((country, subsector, year, item.quantity), (0.0, 0.0))
            found.append(
                CountryEstimate(
                    country=str(country),
                    subsector=str(subsector),
                    year=int(year),
                    quantity=item.quantity,
                    denominator=str(denominator),
                    reporters=str(r),
                    national=float(national_value),
                    reporters_denominator=float(known),
                    without_denominator_value=float(without),
                    group=key,
                    peers=group.entities,
                    peers_from=scope if scope != "region" else f"region {code}",
                    intensity=float(group.values.sum() / group.denominators.sum()),
                )
            )
    return found, groups


def _peer_scope(
    item: _Candidates, country: str, region: dict[str, str], settings: EstimateSettings
) -> tuple[npt.NDArray[np.intp], str, str]:
    """The country's own peers when enough, else its ITU region's, else the world's."""
    own = item.by_country.get(country)
    if own is not None and len(own) >= settings.min_peers:
        return own, "country", country
    near = item.by_region.get(region.get(country, ""))
    if region.get(country) and near is not None and len(near) >= settings.min_peers:
        return near, "region", region[country]
    return np.arange(len(item.values)), "world", "001"


#: The peers' origins, nearest first (:func:`_peer_scope`).
SCOPES: Final = ("country", "region", "world")


def widest_peers(
    frame: pd.DataFrame,
    national: pd.DataFrame,
    members: Sequence[str],
    quantities: Sequence[str],
    settings: EstimateSettings | None = None,
) -> str | None:
    """The widest origin of peers (``SCOPES``) that the estimates of the countries
    ``members`` take in ``frame``, for the quantities of ``quantities`` (None: they have no
    estimate, no national denominator). A quantity without any peer in ``frame`` counts as
    the world. The peers are chosen country, then region, then world, so a frame that holds
    a country's own rows gives exactly its estimates when this says ``country``, and one that
    holds its ITU region's rows when this says ``country`` or ``region``."""
    settings = settings or estimate_settings()
    chosen = chosen_denominators(national)
    chosen = chosen[(chosen["subsector"] != TOTAL) & chosen["country"].isin(list(members))]
    if chosen.empty:
        return None
    candidates = _candidates(_peers(frame, own_denominators(frame)))
    region = itu_regions()
    widest = 0
    for country, subsector, year, reporters in zip(
        chosen["country"], chosen["subsector"], chosen["year"], chosen["reporters"], strict=True
    ):
        found = {
            item.quantity: item for item in candidates.get((subsector, int(year), reporters), [])
        }
        for quantity in quantities:
            item = found.get(quantity)
            if item is None:
                return "world"
            widest = max(widest, SCOPES.index(_peer_scope(item, str(country), region, settings)[1]))
            if SCOPES[widest] == "world":
                return "world"
    return SCOPES[widest]


def estimate_unreported(
    frame: pd.DataFrame,
    national: pd.DataFrame,
    *,
    level: str,
    region_kind: str = "itu",
    settings: EstimateSettings | None = None,
) -> list[dict[str, Any]]:
    """Per area × sub-sector (``_T`` included) × year × quantity with at least one country
    estimate: the reported total, the estimated unreported part with its interval, their
    sum and the reported share."""
    settings = settings or estimate_settings()
    estimates, groups = country_estimates(frame, national, settings)
    if not estimates:
        return []
    distributions = _distributions(groups, settings)
    areas = area_of(level, region_kind)
    reported = complete_rows(frame, level, region_kind, None)
    sums = reported.groupby(["area", "subsector", "year", "quantity"]).agg(
        value=("value", "sum"), entities=("entity_id", "nunique")
    )
    reported_sums, reported_entities = sums["value"], sums["entities"]
    by_area: dict[tuple[Any, ...], list[CountryEstimate]] = {}
    for item in estimates:
        area = areas.get(item.country)
        if area is None:
            continue
        for subsector in (item.subsector, TOTAL):
            by_area.setdefault((area, subsector, item.year, item.quantity), []).append(item)
    rows = []
    for key in sorted(by_area):
        items = by_area[key]
        rows.append(
            _area_row(
                key,
                items,
                distributions,
                settings,
                float(reported_sums.get(key, 0.0)),
                int(reported_entities.get(key, 0)),
            )
        )
    return rows


def _distributions(
    groups: dict[tuple[Any, ...], PeerGroup], settings: EstimateSettings
) -> dict[tuple[Any, ...], Distribution]:
    """Each peer group's bootstrap distribution; the quantities of one group (same
    sub-sector, year, denominator and peers' origin) share its draw of the peers."""
    together: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for key, peers in groups.items():
        base = (*key[:3], *key[4:])
        together.setdefault((base, len(peers.values)), []).append(key)
    found: dict[tuple[Any, ...], Distribution] = {}
    for (base, _), keys in together.items():
        drawn = ratio_distributions(
            np.column_stack([groups[key].values for key in keys]),
            np.column_stack([groups[key].denominators for key in keys]),
            draws=settings.draws,
            seed=settings.seed,
            key=repr(base),
        )
        found.update(zip(keys, drawn, strict=True))
    return found


def _area_row(
    key: tuple[Any, ...],
    items: list[CountryEstimate],
    distributions: dict[tuple[Any, ...], Distribution],
    settings: EstimateSettings,
    reported: float,
    entities: int,
) -> dict[str, Any]:
    area, subsector, year, quantity = key
    by_group: dict[tuple[Any, ...], list[CountryEstimate]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    parts: list[tuple[Distribution, Floats, Floats]] = [
        (distributions[group], *_terms(members)) for group, members in sorted(by_group.items())
    ]
    values, weights = combined(parts, draws=settings.draws, seed=settings.seed, key=repr(key))
    low, high = percentile_interval(values, weights, settings.interval)
    estimated = float(sum(float(item.unreported(item.intensity)) for item in items))
    total = reported + estimated
    exact = len(parts) == 1 and parts[0][0].exact
    return {
        "area": area,
        "subsector": subsector,
        "year": int(year),
        "quantity": quantity,
        "unit": indicator(str(quantity)).unit,
        "reported": rounded(reported, quantity),
        "reported_entities": entities,
        "estimated": rounded(estimated, quantity),
        "estimated_low": rounded(low, quantity),
        "estimated_high": rounded(high, quantity),
        "total": rounded(total, quantity),
        "total_low": rounded(reported + low, quantity),
        "total_high": rounded(reported + high, quantity),
        "reported_share_percent": round(100 * reported / total, 2) if total > 0 else None,
        "interval": settings.interval,
        "bootstrap": "exact" if exact else f"{settings.draws} draws, seed {settings.seed}",
        "method": METHOD,
        "countries": [
            {
                "country": item.country,
                "subsector": item.subsector,
                "denominator": item.denominator,
                "national": item.national,
                "reporters_denominator": item.reporters_denominator,
                "without_denominator_value": item.without_denominator_value,
                "intensity": item.intensity,
                "unreported": rounded(float(item.unreported(item.intensity)), quantity),
                "peers_from": item.peers_from,
                "peers": list(item.peers),
            }
            for item in sorted(items, key=lambda i: (i.country, i.subsector))
        ],
        "peers": sorted({p for item in items for p in item.peers}),
    }


def _terms(members: Sequence[CountryEstimate]) -> tuple[Floats, Floats]:
    """The gaps N − D and values without a denominator V₀ of the members: each contributes
    max(0, I × (N − D) − V₀) for an intensity I."""
    gaps = np.asarray([m.national - m.reporters_denominator for m in members])
    without = np.asarray([m.without_denominator_value for m in members])
    return gaps, without
