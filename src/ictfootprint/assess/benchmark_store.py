"""The benchmark's company-years, read from the store's published values and targets.

For each company with published values in ``year`` (:class:`CompanyYear` says what each field
means):

- Scope 1 + 2 market-based: the entity's series for ``1+2-market`` (the total where reported,
  else Scope 1 + Scope 2 market-based), in ``year`` and in the base year: the base year of its
  1+2 target when the series has it, else the first year of the series;
- Scope 3 categories reported: how many of ``ghg_scope3_c01..c15`` carry a value in ``year``;
- target: ``validated`` when a stored target or ``target_sbti_status`` says the SBTi validated
  it (``targets_set``), ``set`` when the entity has a target on record, ``committed`` when its
  SBTi status is committed, else ``none``;
- verification: ``ghg_assurance_level`` in ``year``, else the ``assurance`` of its Scope 1
  value, else ``none``;
- disclosure completeness: the share of its respondent type's required indicators published
  for ``year`` (:func:`ictfootprint.assess.coverage.coverage`);
- renewable share: ``energy_electricity_renewable_share`` where reported, else renewable over
  total electricity (``energy_electricity_renewable`` / ``energy_electricity``) summed over
  every country the company reported for ``year``, the same ratio as the country pages';
- net-zero year: the earliest of its targets' and ``target_net_zero_year``.
"""

from __future__ import annotations

from ictfootprint.assess.benchmark import PERCENT, TARGETS, VERIFICATION, CompanyYear
from ictfootprint.assess.coverage import coverage
from ictfootprint.assess.trajectories import entity_series
from ictfootprint.model import EntityKind, StoredObservation, Target
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available
from ictfootprint.units import convert

ELECTRICITY = "energy_electricity"
RENEWABLE = "energy_electricity_renewable"
RENEWABLE_SHARE = "energy_electricity_renewable_share"
SCOPE3_CATEGORIES = tuple(f"ghg_scope3_c{n:02d}" for n in range(1, 16))
SBTI_STATUS = {"committed": "committed", "targets_set": "validated"}


def companies_from_store(store: Store, year: int) -> list[CompanyYear]:
    companies = []
    for entity in store.entities():
        if entity.kind is not EntityKind.COMPANY:
            continue
        values = best_available(store.current_observations(entity_ids=[entity.id], years=[year]))
        if not values:
            continue
        companies.append(_company_year(store, entity.id, entity.name, year, values))
    return companies


def _company_year(
    store: Store, entity_id: str, name: str, year: int, values: list[StoredObservation]
) -> CompanyYear:
    by_indicator: dict[str, StoredObservation] = {}
    for obs in values:
        by_indicator.setdefault(obs.indicator_id, obs)
    targets = [t for _id, t in store.targets(entity_id)]
    series = entity_series(store, entity_id, "1+2-market")
    earlier = sorted(y for y in series if y < year)
    bases = [t.base_year for t in targets if t.scope.startswith("1+2") and t.base_year in earlier]
    base_year = (bases[0] if bases else earlier[0]) if earlier and year in series else None
    completeness = coverage(store, [entity_id], [year]).summary[0]["completeness_percent"]
    return CompanyYear(
        entity_id=entity_id,
        name=name,
        year=year,
        scope3_categories_reported=sum(
            1 for i in SCOPE3_CATEGORIES if i in by_indicator and by_indicator[i].value is not None
        ),
        target=_target(targets, by_indicator),
        verified=_verified(by_indicator),
        disclosure_completeness_percent=float(completeness),
        s1s2_market=series.get(year),
        s1s2_market_base=series.get(base_year) if base_year is not None else None,
        base_year=base_year,
        renewable_share_percent=_renewable_share(values),
        net_zero_year=_net_zero(targets, by_indicator),
    )


def _target(targets: list[Target], by_indicator: dict[str, StoredObservation]) -> str:
    levels = ["none"]
    for target in targets:
        levels.append("validated" if target.status == "validated" else "set")
    sbti = by_indicator.get("target_sbti_status")
    if sbti is not None and sbti.value_text in SBTI_STATUS:
        levels.append(SBTI_STATUS[sbti.value_text])
    return max(levels, key=TARGETS.index)


def _verified(by_indicator: dict[str, StoredObservation]) -> str:
    level = by_indicator.get("ghg_assurance_level")
    if level is not None and level.value_text in VERIFICATION:
        return level.value_text
    scope1 = by_indicator.get("ghg_scope1")
    if scope1 is not None and scope1.assurance in VERIFICATION:
        return scope1.assurance
    return "none"


def _renewable_share(values: list[StoredObservation]) -> float | None:
    """The reported share, else Σ renewable / Σ electricity over the year's countries.

    Companies report MWh far more often than the share: reading the share alone scored every
    such company 0 on the criterion while the country page showed its real share.
    """
    reported = [
        o.value for o in values if o.indicator_id == RENEWABLE_SHARE and o.value is not None
    ]
    if reported:
        return reported[0]
    sums = {ELECTRICITY: 0.0, RENEWABLE: 0.0}
    for obs in values:
        if obs.indicator_id in sums and obs.value is not None and obs.unit is not None:
            sums[obs.indicator_id] += convert(obs.value, obs.unit, "MWh").value
    if sums[ELECTRICITY] <= 0 or not any(o.indicator_id == RENEWABLE for o in values):
        return None
    # a renewable figure above the total is a reporting error the validation flags: cap it
    return min(sums[RENEWABLE] / sums[ELECTRICITY] * PERCENT, PERCENT)


def _net_zero(targets: list[Target], by_indicator: dict[str, StoredObservation]) -> int | None:
    years = [t.net_zero_year for t in targets if t.net_zero_year is not None]
    obs = by_indicator.get("target_net_zero_year")
    if obs is not None and obs.value is not None:
        years.append(int(obs.value))
    return min(years) if years else None
