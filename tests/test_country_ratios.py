"""The ratios of a country page (``profiles.country_data``): the country's own published
ratios as they are, its companies' as one figure per indicator and year (the median of each
one's best available value, in the catalogue's unit, with how many and the lowest and
highest), and the two derived from its companies' sums; on SQLite and PostgreSQL. Nothing
pinned the median of best values before (taking every value instead fails here: tried)."""

from __future__ import annotations

from typing import Any

from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.web.profiles import country_data


def _value(entity: str, indicator: str, value: float, unit: str, method: Method) -> Observation:
    return Observation(
        entity_id=entity,
        indicator_id=indicator,
        year=2023,
        value=value,
        unit=unit,
        method=method,
        source=f"{entity} report",
    )


def _shown(store: Store) -> dict[tuple[str, str | None], dict[str, Any]]:
    """Each figure of Kenya's page by indicator and method."""
    return {(f["indicator"], f["method"]): f for f in country_data(store, "KEN").intensities}


def test_companies_ratios_are_the_median_of_their_best_values(db_url: str) -> None:
    store = Store.open(db_url)
    store.add_entity(Entity(id="KEN", name="Kenya", kind=EntityKind.COUNTRY, country="KEN"))
    for name in ("dc-a", "dc-b", "dc-c", "dc-d"):
        store.add_entity(
            Entity(id=name, name=name, kind=EntityKind.COMPANY, country="KEN", subsectors=())
        )
    store.record_observations(
        [
            _value("KEN", "dc_pue", 1.62, "dimensionless", Method.STATISTICAL),
            # dc-a reported 1.5: its estimate of 2.4 is not its best value
            _value("dc-a", "dc_pue", 1.5, "dimensionless", Method.REPORTED),
            _value("dc-a", "dc_pue", 2.4, "dimensionless", Method.ESTIMATED),
            _value("dc-b", "dc_pue", 1.7, "dimensionless", Method.CALCULATED),
            _value("dc-c", "dc_pue", 1.9, "dimensionless", Method.REPORTED),
            # one company's renewable share, in percent: its own value, as it is
            _value("dc-d", "energy_electricity_renewable_share", 40, "percent", Method.REPORTED),
            # the sums: 300 of 1,000 MWh renewable, 50 t of Scope 2 = 50 g/kWh
            _value("dc-a", "energy_electricity", 600, "MWh", Method.REPORTED),
            _value("dc-b", "energy_electricity", 0.4, "GWh", Method.REPORTED),
            _value("dc-b", "energy_electricity_renewable", 300, "MWh", Method.REPORTED),
            _value("dc-c", "ghg_scope2_location", 50, "tCO2e", Method.REPORTED),
        ]
    )
    shown = _shown(store)
    national = shown[("dc_pue", Method.STATISTICAL)]
    assert (national["value"], national["spread"], national["source"]) == (1.62, None, "KEN report")
    companies = shown[("dc_pue", "calculated")]
    assert companies["value"] == 1.7  # median of 1.5, 1.7 and 1.9, not of 2.4
    assert companies["spread"] == (3, 1.5, 1.9) and companies["source"] is None
    alone = shown[("energy_electricity_renewable_share", Method.REPORTED)]
    assert (alone["value"], alone["spread"], alone["source"]) == (40, (1, 40, 40), "dc-d report")
    derived = shown[("energy_electricity_renewable_share", "calculated")]
    assert derived["value"] == 30.0  # 300 / (600 + 400) MWh
    assert derived["derived"] == ("energy_electricity_renewable", "energy_electricity")
    assert round(shown[("ghg_grid_emission_factor", "calculated")]["value"], 9) == 50.0
