"""Progress of commitments, from the entity's accepted values: baseline, latest value, the
straight-line path to the target, the share of the way done, on or off track.

The arithmetic is the targets' (:func:`ictfootprint.assess.targets.progress`): nothing is
computed twice. The series a commitment follows is its indicator's current values for the
entity as a whole (estimates excluded), or, without an indicator, the target's combined scope
by the sector's rules (:func:`ictfootprint.assess.trajectories.entity_series`). Read at each
request, so that a value accepted a moment ago moves the progress at once.

Hand-computed example (tests/test_endorsements.py): base 2020 = 1,000 tCO2e, target −42 % by
2030, latest 2024 = 800 → goal 580, path at 2024 = 1,000 − 420 × 0.4 = 832, achieved 20 %,
47.6 % of the way (20 / 42), on track (800 ≤ 832).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ictfootprint.assess.targets import progress
from ictfootprint.model import Target
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.store import Store
from ictfootprint.store.endorsements import Commitment


@dataclass(frozen=True)
class CommitmentProgress:
    commitment: str
    objective: str
    entity: str | None
    indicator: str | None
    unit: str | None
    target: int | None
    base_year: int | None
    baseline: float | None
    target_year: int | None
    goal: float | None
    latest_year: int | None
    latest: float | None
    path: float | None
    achieved_percent: float | None
    way_percent: float | None  # share of the promised reduction already achieved
    status: str  # on-track, off-track, no-data, no-target

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def indicator_series(store: Store, entity_id: str, indicator_id: str) -> dict[int, float]:
    """The entity's current values of one indicator by year, estimates excluded: its value
    for the entity as a whole; where it reported a quantity by country only, the sum of its
    countries' values (no sub-sector breakdown is ever added)."""
    rows = [
        o
        for o in store.current_observations(entity_ids=[entity_id], indicator_ids=[indicator_id])
        if o.value is not None and o.subsector is None and o.method != "estimated"
    ]
    whole = {o.year: float(o.value) for o in rows if o.country is None and o.value is not None}
    known = catalogue().get(indicator_id)
    if known is None or known.value_type != "quantity":
        return whole
    by_country: dict[int, float] = {}
    for o in rows:
        if o.country is not None and o.value is not None and o.year not in whole:
            by_country[o.year] = by_country.get(o.year, 0.0) + float(o.value)
    return dict(sorted({**by_country, **whole}.items()))


def _series(
    store: Store, item: Commitment, target: Target | None
) -> tuple[dict[int, float], str | None]:
    if item.entity_id is None:
        return {}, None
    if item.indicator_id is not None:
        unit = catalogue()[item.indicator_id].unit if item.indicator_id in catalogue() else None
        return indicator_series(store, item.entity_id, item.indicator_id), unit
    if target is not None and "+" in target.scope:
        from ictfootprint.assess.trajectories import entity_series

        return entity_series(store, item.entity_id, target.scope), "tCO2e"
    return {}, None


def commitment_progress(store: Store, item: Commitment) -> CommitmentProgress:
    target = None
    if item.target_id is not None and item.entity_id is not None:
        target = dict(store.targets(item.entity_id)).get(item.target_id)
    series, unit = _series(store, item, target)
    base: dict[str, Any] = {
        "commitment": item.id,
        "objective": item.objective,
        "entity": item.entity_id,
        "indicator": item.indicator_id,
        "unit": unit,
        "target": item.target_id,
    }
    if target is None:
        years = sorted(series)
        return CommitmentProgress(
            **base,
            base_year=years[0] if years else None,
            baseline=series[years[0]] if years else None,
            target_year=None,
            goal=None,
            latest_year=years[-1] if years else None,
            latest=series[years[-1]] if years else None,
            path=None,
            achieved_percent=None,
            way_percent=None,
            status="no-target" if years else "no-data",
        )
    found = progress(target, series)
    baseline = target.base_value if target.base_value is not None else series.get(target.base_year)
    way = None
    if found.achieved_percent is not None and target.reduction_percent > 0:
        way = 100 * found.achieved_percent / target.reduction_percent
    status = (
        "no-data" if found.on_track is None else ("on-track" if found.on_track else "off-track")
    )
    return CommitmentProgress(
        **base,
        base_year=target.base_year,
        baseline=baseline,
        target_year=target.target_year,
        goal=found.target_value,
        latest_year=found.latest_year,
        latest=found.latest_value,
        path=found.path_value,
        achieved_percent=found.achieved_percent,
        way_percent=way,
        status=status,
    )


def objective_progress(found: Sequence[CommitmentProgress]) -> dict[str, dict[str, Any]]:
    """Per objective: commitments, how many on and off track, without data, and the mean share
    of the way done of those with a target and data."""
    result: dict[str, dict[str, Any]] = {}
    for item in found:
        entry = result.setdefault(
            item.objective,
            {
                "commitments": 0,
                "on-track": 0,
                "off-track": 0,
                "no-data": 0,
                "no-target": 0,
                "ways": [],
            },
        )
        entry["commitments"] += 1
        entry[item.status] += 1
        if item.way_percent is not None:
            entry["ways"].append(item.way_percent)
    for entry in result.values():
        ways = entry.pop("ways")
        entry["mean_way_percent"] = sum(ways) / len(ways) if ways else None
    return dict(sorted(result.items(), key=lambda kv: int(kv[0][4:])))
