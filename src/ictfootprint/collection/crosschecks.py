"""Data rules across submissions: a file's values checked together with what the store
already accepted for the entity (and its peers) — Scope 2 against electricity whichever
submission brought each, intensities against the entity's history and its peers, and Scope 1 +
Scope 2 against a reported S1+2 total when one of them is restated.

Numbers in messages go through :func:`.consistency.shown` (``units.figure_text``: every
digit), computed intensities through :func:`.consistency.rounded` (six significant digits).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ictfootprint.collection.consistency import (
    COMBINED,
    components,
    differs_percent,
    rounded,
    shown,
    signed_percent,
    tolerance_percent,
)
from ictfootprint.collection.findings import Finding, Severity
from ictfootprint.collection.held import Figure, Held, current_values, figure, plain_figure
from ictfootprint.collection.registry import RULES, Context, Key, data_rule
from ictfootprint.model import ResolvedFactor
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.units import convert

W = Severity.WARNING
ELECTRICITY, SCOPE2 = "energy_electricity", "ghg_scope2_location"


def _finding(rule: str, held: Held, message: str, **fields: Any) -> Finding:
    assert held.item is not None
    item = held.item
    return Finding.at(
        rule,
        RULES[rule].severity,
        message,
        item.raw.where,
        indicator=item.indicator_id,
        year=item.year,
        **fields,
    )


def _cells(held: Iterable[Held], but: Held) -> tuple[str, ...]:
    return tuple(h.item.raw.where.describe() for h in held if h.item is not None and h is not but)


# Scope 2 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridBasis:
    """The factor(s) electricity is multiplied by, in tCO2e/MWh: one (``low == high``) or,
    for a group figure whose split among countries is unknown, the range of its countries'."""

    low: float
    high: float
    text: str


def _per_mwh(factor: ResolvedFactor) -> float:
    return convert(factor.value, f"MWh * ({factor.unit})", "tCO2e").value


def _named(country: str, factor: ResolvedFactor) -> str:
    return f"{country} {shown(factor.value)} {factor.unit} ({factor.year}, {factor.dataset})"


def _grid_basis(
    context: Context, held: Mapping[Key, Held], year: int, country: str | None, sub: str | None
) -> tuple[GridBasis | None, list[str]]:
    """The basis for Scope 2 of (year, country, sub-sector), or the countries lacking a factor.

    By country: that country's factor. A group figure (no country): weighted by the entity's
    own electricity by country of the same year when it reports one, else the range of the
    factors of its countries of operation (any split of electricity among them), else its
    country's factor."""
    if country is not None:
        factor = context.grid_factor(country, year)
        if factor is None:
            return None, [country]
        f = _per_mwh(factor)
        return GridBasis(f, f, f"grid factor {_named(country, factor)}"), []
    split = {
        k[2]: h.value
        for k, h in held.items()
        if k[0] == ELECTRICITY and k[1] == year and k[3] == sub and k[2] is not None
    }
    total = math.fsum(v for v in split.values() if v > 0)
    if total > 0:
        factors = {c: context.grid_factor(c, year) for c in sorted(split) if split[c] > 0}
        missing = [c for c, f in factors.items() if f is None]
        if missing:
            return None, missing
        weighted = math.fsum(split[c] / total * _per_mwh(f) for c, f in factors.items() if f)
        parts = ", ".join(
            f"{_named(c, f)} × {rounded(100 * split[c] / total, 3)} %"
            for c, f in factors.items()
            if f
        )
        text = (
            f"grid factor {shown(weighted)} tCO2e/MWh weighted by the entity's electricity "
            f"by country in {year} ({parts})"
        )
        return GridBasis(weighted, weighted, text), []
    countries = list(dict.fromkeys(c for c in (context.entity.country,) if c))
    countries += [c for c in context.entity.countries_of_operation if c not in countries]
    if not countries:
        return None, []
    found = {c: context.grid_factor(c, year) for c in countries}
    missing = [c for c, f in found.items() if f is None]
    known = {c: _per_mwh(f) for c, f in found.items() if f is not None}
    if not known:
        return None, missing
    if len(countries) == 1:
        (c,) = known
        factor = found[c]
        assert factor is not None
        return GridBasis(known[c], known[c], f"grid factor {_named(c, factor)}"), []
    named = ", ".join(_named(c, f) for c, f in found.items() if f is not None)
    unknown = f"; no factor for {', '.join(missing)}" if missing else ""
    text = (
        f"the grid factors of its countries of operation ({named}{unknown}), weights unknown "
        f"(no electricity by country for {year}): any split lies between "
        f"{shown(min(known.values()))} and {shown(max(known.values()))} tCO2e/MWh"
    )
    return GridBasis(min(known.values()), max(known.values()), text), []


@data_rule("scope2-location-plausible", W, "Scope 2 location-based far from electricity × grid")
def scope2_plausible(context: Context) -> Iterable[Finding]:
    """Location-based Scope 2 should be close to electricity × the grid factor of the country
    and year (the store's factor, as `ictfootprint factors show` gives it), whichever
    submission brought each: the file's values and the entity's accepted ones are checked
    together. A value by country uses that country's factor; a group figure uses the
    entity's own electricity by country of that year as weights, else the factors of its
    countries of operation (`--operates-in`): with the split unknown, only a figure outside
    the range of their factors is flagged. Outside `scope2_location_band_percent` it is
    flagged, naming the factors and weights used; a missing grid factor is said, not skipped
    silently."""
    band = float(context.settings["scope2_location_band_percent"]) / 100
    held = current_values(context, (ELECTRICITY, SCOPE2))
    for key, scope2 in sorted(held.items(), key=lambda kv: _order(kv[0])):
        _, year, country, sub = key
        if key[0] != SCOPE2:
            continue
        electricity = held.get((ELECTRICITY, year, country, sub))
        if electricity is None or (scope2.item is None and electricity.item is None):
            continue
        anchor = scope2 if scope2.item is not None else electricity
        basis, missing = _grid_basis(context, held, year, country, sub)
        if basis is None:
            if missing:
                yield _finding(
                    "scope2-location-plausible",
                    anchor,
                    f"no grid factor for {', '.join(missing)} in or near {year}: Scope 2 "
                    "location-based not checked against electricity (import one: "
                    "ictfootprint factors import)",
                    expected=f"a grid factor for {', '.join(missing)}",
                    found="none",
                )
            continue
        low, high = electricity.value * basis.low, electricity.value * basis.high
        reported = scope2.value
        if low * (1 - band) <= reported <= high * (1 + band):
            continue
        if low == high and low > 0:
            off = f"{signed_percent(100 * (reported / low - 1))} from"
            expected = f"{shown(low)} ± {shown(band * 100)} %"
        elif low == high:
            off, expected = "above", "0"
        else:
            off = f"outside ±{shown(band * 100)} % of"
            expected = f"{shown(low * (1 - band))} to {shown(high * (1 + band))}"
        product = shown(low) if low == high else f"{shown(low)} to {shown(high)}"
        yield _finding(
            "scope2-location-plausible",
            anchor,
            f"Scope 2 location-based {shown(reported)} tCO2e ({scope2.where}) is {off} "
            f"electricity {shown(electricity.value)} MWh ({electricity.where}) × {basis.text} "
            f"= {product} tCO2e",
            expected=expected,
            found=shown(reported),
            related=_cells((scope2, electricity), anchor),
        )


# intensities --------------------------------------------------------------------------------


def _ratios(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for text in settings["intensity_ratios"]:
        numerator, _, denominator = str(text).partition("/")
        pairs.append((numerator.strip(), denominator.strip()))
    return pairs


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator; infinite for a positive value over zero; None for 0/0 or a
    negative part (those have their own rules)."""
    if numerator < 0 or denominator < 0 or (numerator == 0 and denominator == 0):
        return None
    if denominator == 0:
        return math.inf
    ratio = numerator / denominator
    return ratio if not math.isnan(ratio) else None


@dataclass(frozen=True)
class Reference:
    """What an intensity is compared with: a range and the words that say where it is from."""

    low: float
    high: float
    text: str


def _history(
    held: Mapping[Key, Held],
    pair: tuple[str, str],
    year: int,
    country: str | None,
    sub: str | None,
    settings: Mapping[str, Any],
    years: list[int],
) -> Reference | None:
    numerator, denominator = pair
    ratios: dict[int, float] = {}
    for y in (y for y in years if y < year):  # latest first
        n = figure(held, numerator, y, country, sub)
        d = figure(held, denominator, y, country, sub)
        r = _ratio(n.value, d.value) if n and d else None
        if r is not None and math.isfinite(r):
            ratios[y] = r
        if len(ratios) >= int(settings["intensity_history_years"]):
            break
    if not ratios:
        return None
    factor = float(settings["intensity_history_factor"])
    listed = ", ".join(f"{y}: {rounded(r)}" for y, r in sorted(ratios.items()))
    return Reference(
        min(ratios.values()) / factor,
        max(ratios.values()) * factor,
        f"its own earlier years ({listed}) ÷/× {shown(factor)}",
    )


def _peers(
    context: Context, pair: tuple[str, str], year: int, settings: Mapping[str, Any]
) -> Reference | None:
    numerator, denominator = pair
    ratios = []
    for values in context.peers.values():
        n = plain_figure(values, numerator, year, None, None)
        d = plain_figure(values, denominator, year, None, None)
        r = _ratio(n, d) if n is not None and d is not None else None
        if r is not None and math.isfinite(r):
            ratios.append(r)
    if len(ratios) < max(1, int(settings["intensity_min_peers"])):
        return None
    median = statistics.median(ratios)
    factor = float(settings["intensity_peer_factor"])
    group = context.entity.subsectors[0] if context.entity.subsectors else "its sub-sector"
    return Reference(
        median / factor,
        median * factor,
        f"the median of {len(ratios)} peers in {group} in {year} ({rounded(median)}) "
        f"÷/× {shown(factor)}",
    )


@data_rule("intensity-plausible", W, "Intensity far from the entity's history and its peers")
def intensity_plausible(context: Context) -> Iterable[Finding]:
    """A value's intensity — energy per line, energy per revenue, emissions per energy (the
    pairs in `intensity_ratios`; a total missing is the sum of its components) — is compared
    with the entity's own accepted earlier years (up to `intensity_history_years`, the range
    of their intensities widened by `intensity_history_factor`) and, for group figures, with
    the median of its peers' (entities of its first sub-sector, same year, at least
    `intensity_min_peers` of them, within `intensity_peer_factor`). Outside either range it
    is flagged, with the value, the expected range and what it was compared with: a lone
    value off by 1,000 (a GWh for a MWh) cannot hide beside correct ones. A positive value
    over a zero denominator is flagged as infinite; 0 over 0 is not compared."""
    settings = context.settings
    pairs = [p for p in _ratios(settings) if p[0] in catalogue() and p[1] in catalogue()]
    wanted = {i for pair in pairs for name in pair for i in (name, *components(name))}
    held = current_values(context, wanted)
    touched = {k[1:] for k in context.by_key if k[0] in wanted}
    years = sorted({k[1] for k in held}, reverse=True)
    for year, country, sub in sorted(touched, key=lambda k: _order(("", *k))):
        for pair in pairs:
            n = figure(held, pair[0], year, country, sub)
            d = figure(held, pair[1], year, country, sub)
            if n is None or d is None or not (n.from_file or d.from_file):
                continue
            ratio = _ratio(n.value, d.value)
            if ratio is None:
                continue
            refs = [_history(held, pair, year, country, sub, settings, years)]
            if country is None and sub is None:
                refs.append(_peers(context, pair, year, settings))
            failed = [r for r in refs if r is not None and not r.low <= ratio <= r.high]
            if failed:
                yield _intensity_finding(pair, ratio, n, d, failed, _suspect(held, n, d))


def _suspect(held: Mapping[Key, Held], n: Figure, d: Figure) -> Held:
    """The file's value the finding is put on: of those in the ratio, the one furthest (in
    orders of magnitude) from its own latest earlier value; the first when none has one."""
    mine = [s for s in (*n.sources, *d.sources) if s.item is not None]

    def jump(h: Held) -> float:
        assert h.item is not None
        _, year, country, sub = h.item.key
        earlier = [
            (k[1], v.value)
            for k, v in held.items()
            if (k[0], k[2], k[3]) == (h.indicator_id, country, sub) and k[1] < year
        ]
        last = max(earlier)[1] if earlier else 0.0
        if last <= 0 or h.value <= 0:
            return 0.0
        return abs(math.log10(h.value / last))

    return max(mine, key=jump)


def _intensity_finding(
    pair: tuple[str, str],
    ratio: float,
    n: Figure,
    d: Figure,
    failed: list[Reference],
    anchor: Held,
) -> Finding:
    units = [catalogue()[name].unit or "" for name in pair]
    unit = f"{units[0]}/{units[1]}"
    ranges = "; ".join(f"{rounded(r.low)} to {rounded(r.high)} from {r.text}" for r in failed)
    return _finding(
        "intensity-plausible",
        anchor,
        f"{pair[0]} per {pair[1]} = {rounded(ratio)} {unit}: {pair[0]} {shown(n.value)} "
        f"{units[0]} ({n.where()}) over {pair[1]} {shown(d.value)} {units[1]} ({d.where()}); "
        f"expected {ranges}. A unit slip (×1,000)?",
        expected="; ".join(f"{rounded(r.low)} to {rounded(r.high)} {unit}" for r in failed),
        found=f"{rounded(ratio)} {unit}",
        related=_cells((*n.sources, *d.sources), anchor),
    )


# S1 + S2 against the S1+2 total -------------------------------------------------------------


@data_rule("s1s2-consistent", W, "Scope 1 + Scope 2 and the S1+2 total disagree across submissions")
def s1s2_consistent(context: Context) -> Iterable[Finding]:
    """When a file restates (or adds) Scope 1, Scope 2 or a reported S1+2 total, the series
    as it will stand — the file's values over the accepted ones — is checked again: the
    current Scope 1 + Scope 2 must agree with the current reported S1+2 total within
    `total_tolerance_percent`, location- and market-based alike. The finding names every
    figure, the old value of each one restated, and the gap; the file's own totals are the
    `total-components` rule's. Estimates are left out. `ictfootprint observations check`
    runs the same comparison over what is already stored."""
    limit = tolerance_percent(context.settings)
    wanted = {i for c in COMBINED for i in (c, *components(c))}
    held = current_values(context, wanted, estimates=False)
    touched = {k[1:] for k in context.by_key if k[0] in wanted}
    for year, country, sub in sorted(touched, key=lambda k: _order(("", *k))):
        for combined in COMBINED:
            ids = (combined, *components(combined))
            got = [held.get((i, year, country, sub)) for i in ids]
            present = [g for g in got if g is not None]
            if len(present) < len(ids):
                continue
            in_file = [g for g in present if g.item is not None]
            if not in_file or len(in_file) == len(present):
                continue  # nothing of this file, or all of it: total-components checks it
            total, parts = present[0], present[1:]
            gap = differs_percent(total.value, [p.value for p in parts], tolerance_percent=limit)
            if gap is None:
                continue
            summed = math.fsum(p.value for p in parts)
            anchor = in_file[0]
            added = " + ".join(f"{p.indicator_id} {shown(p.value)} ({p.where})" for p in parts)
            yield _finding(
                "s1s2-consistent",
                anchor,
                f"after this submission {year}: {added} = {shown(summed)} tCO2e, but "
                f"{combined} = {shown(total.value)} tCO2e ({total.where}): {gap:.2f} % apart, "
                f"more than {shown(limit)} %. Restate the other figure too, or say why",
                expected=shown(summed),
                found=shown(total.value),
                related=_cells(present, anchor),
            )


def _order(key: Key) -> tuple[Any, ...]:
    return (key[0], key[1], key[2] or "", key[3] or "")
