"""A CO2-only series beside the CO2e one, where the data allow it.

The catalogue's emission indicators are CO2e (every gas, GWP100). A value is CO2 only when its
reporter gave it in a unit of CO2 itself (``t CO2``, ``kt CO2``, not ``t CO2e``) and no other
gas was converted into it (no GWP set recorded). An entity's CO2-only series takes, for each
year, its combined total or the sum of its components, each made only of such values; sector
totals add CO2e and have no CO2-only form.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Final

from ictfootprint.errors import InputError, Location
from ictfootprint.model import StoredObservation
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available

# CO2 not followed by e / eq / _eq: "t CO2", "ktCO2", "t CO2/yr"; not "t CO2e", "tCO2eq"
_CO2_ONLY: Final = re.compile(r"CO2(?![A-Za-z_])")


def co2_only(observation: StoredObservation) -> bool:
    """Received in a unit of CO2 itself, with no other gas converted into it.

    >>> from ictfootprint.model import Method
    >>> from datetime import datetime
    >>> o = StoredObservation(entity_id="e", indicator_id="ghg_scope1", year=2020, value=1.0,
    ...     unit="tCO2e", unit_received="kt CO2", method=Method.REPORTED, source="s", id=1,
    ...     revision=1, recorded_at=datetime(2020, 1, 1))
    >>> co2_only(o), co2_only(o.model_copy(update={"unit_received": "t CO2e"}))
    (True, False)
    """
    unit = observation.unit_received or ""
    return observation.gwp_set is None and _CO2_ONLY.search(unit) is not None


def co2_entity_series(
    store: Store,
    entity_id: str,
    scope: str,
    indicators: dict[str, tuple[str, tuple[str, ...]]],
) -> dict[int, float]:
    """The entity's yearly CO2-only values for ``scope`` (``indicators``: scope → its total
    indicator and components); none is an error saying which data would give them."""
    if scope not in indicators:
        raise InputError(
            "no such combined scope",
            Location(field="scope"),
            expected=", ".join(sorted(indicators)),
            found=scope,
        )
    total, parts = indicators[scope]
    values = best_available(
        store.current_observations(entity_ids=[entity_id], indicator_ids=[total, *parts])
    )
    sums: dict[tuple[str, int], float] = defaultdict(float)
    mixed: set[tuple[str, int]] = set()
    for obs in values:
        if obs.value is None:
            continue
        if co2_only(obs):
            sums[(obs.indicator_id, obs.year)] += obs.value
        else:
            mixed.add((obs.indicator_id, obs.year))
    clean = {k: v for k, v in sums.items() if k not in mixed}
    series = {}
    for year in sorted({y for _i, y in clean}):
        if (total, year) in clean:
            series[year] = clean[(total, year)]
        elif all((p, year) in clean for p in parts):
            series[year] = sum(clean[(p, year)] for p in parts)
    if not series:
        raise InputError(
            f"no CO2-only {scope} values for entity {entity_id}: a CO2-only series needs "
            f"{total}, or {' and '.join(parts)}, received in t CO2 (not t CO2e) with no other "
            "gas converted into them",
            Location(field="gas"),
            expected="values received in t CO2",
            found="CO2e values only" if values else "no values",
        )
    return series


def co2_area_error(level: str, key: str) -> InputError:
    """Sector totals are CO2e: there is no CO2-only series of an area or sub-sector."""
    return InputError(
        f"sector totals are CO2e (every gas): {level} {key} has no CO2-only series; "
        "a CO2-only trajectory exists for an entity whose values were received in t CO2",
        Location(field="gas"),
        expected="co2e, or --level entity",
        found="co2",
    )
