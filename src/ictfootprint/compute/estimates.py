"""Estimates for missing entity-years, always flagged ``estimated`` with the method named.

* **Interpolation**: a gap between two years that have a value is filled linearly between
  them (never extrapolated beyond the first or last year).
* **Intensity**: an entity with an activity denominator (mobile lines, by default) but no
  emissions for a year gets the median intensity of its sub-sector's peers that have both,
  times its own denominator.

Estimates are stored as their own series (method ``estimated``): a reported value for the
same entity-year is never replaced, and stays first in ``best_available``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Final

from ictfootprint import __version__
from ictfootprint.model import EntityKind, Method, Observation, StoredObservation
from ictfootprint.reference.catalogue import indicator as catalogue_indicator
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available
from ictfootprint.units import round_figure

DEFAULT_INDICATORS: Final = ("ghg_scope1", "ghg_scope2_location", "ghg_scope2_market")


@dataclass
class EstimateRun:
    method: str
    estimates: list[dict[str, Any]] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0


def _known(store: Store, indicators: Sequence[str]) -> list[StoredObservation]:
    """Best non-estimated values: estimates are never built on estimates."""
    return best_available(
        store.current_observations(
            indicator_ids=list(indicators), methods=["reported", "statistical", "calculated"]
        )
    )


def interpolate(
    store: Store, indicators: Sequence[str] = DEFAULT_INDICATORS, *, write: bool = True
) -> EstimateRun:
    run = EstimateRun("linear-interpolation")
    places = defaults()["rounding"]
    series: dict[tuple[Any, ...], list[StoredObservation]] = defaultdict(list)
    for obs in _known(store, indicators):
        if obs.value is not None:
            series[(obs.entity_id, obs.indicator_id, obs.country, obs.subsector)].append(obs)
    batch = []
    for (entity_id, indicator_id, country, subsector), items in series.items():
        items.sort(key=lambda o: o.year)
        for left, right in pairwise(items):
            assert left.value is not None and right.value is not None
            for year in range(left.year + 1, right.year):
                share = (year - left.year) / (right.year - left.year)
                value = round_figure(
                    left.value + (right.value - left.value) * share, left.unit or "", places
                )
                batch.append(
                    Observation(
                        entity_id=entity_id,
                        indicator_id=indicator_id,
                        year=year,
                        country=country,
                        subsector=subsector,
                        value=value,
                        unit=left.unit,
                        method=Method.ESTIMATED,
                        source=f"ictfootprint {__version__}: linear interpolation between "
                        f"{left.year} ({left.method.value}) and {right.year} "
                        f"({right.method.value})",
                        quality_flags=("estimated:linear-interpolation",),
                        lineage={"inputs": [left.id, right.id]},
                    )
                )
    return _finish(store, run, batch, write)


def intensity(
    store: Store,
    year: int,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    *,
    denominator: str = "activity_mobile_lines",
    write: bool = True,
) -> EstimateRun:
    run = EstimateRun(f"intensity:{denominator}")
    places = defaults()["rounding"]
    entities = {
        e.id: e
        for e in store.entities()
        if e.kind in (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)
    }
    values = {
        (o.entity_id, o.indicator_id): o
        for o in _known(store, [*indicators, denominator])
        if o.year == year and o.value is not None and o.entity_id in entities
    }
    batch = []
    for indicator_id in indicators:
        unit = catalogue_indicator(indicator_id).unit
        peers: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for entity in entities.values():
            emissions, activity = (
                values.get((entity.id, indicator_id)),
                values.get((entity.id, denominator)),
            )
            if emissions and activity and activity.value:
                assert emissions.value is not None
                peers[_group(entity.subsectors)].append(
                    (emissions.value / activity.value, entity.id)
                )
        for entity in entities.values():
            activity = values.get((entity.id, denominator))
            group = peers.get(_group(entity.subsectors), [])
            if (entity.id, indicator_id) in values or activity is None or len(group) < 2:
                continue
            assert activity.value is not None
            median = statistics.median(v for v, _ in group)
            batch.append(
                Observation(
                    entity_id=entity.id,
                    indicator_id=indicator_id,
                    year=year,
                    country=activity.country,
                    value=round_figure(activity.value * median, unit, places),
                    unit=unit,
                    method=Method.ESTIMATED,
                    source=f"ictfootprint {__version__}: {denominator} × median intensity of "
                    f"{len(group)} {_group(entity.subsectors)} peers ({median:.6g} {unit} "
                    "per unit)",
                    quality_flags=(f"estimated:intensity-median-of-{len(group)}-peers",),
                    lineage={"inputs": [activity.id], "peers": sorted(e for _, e in group)},
                )
            )
    return _finish(store, run, batch, write)


def _group(subsectors: Sequence[str]) -> str:
    return subsectors[0] if subsectors else "unspecified"


def _finish(store: Store, run: EstimateRun, batch: list[Observation], write: bool) -> EstimateRun:
    run.estimates = [
        o.model_dump(
            mode="json",
            include={"entity_id", "indicator_id", "year", "country", "value", "unit", "source"},
        )
        for o in batch
    ]
    if write and batch:
        result = store.record_observations(batch, action=f"estimate {run.method}")
        run.written, run.unchanged = len(result.written), result.unchanged
    return run
