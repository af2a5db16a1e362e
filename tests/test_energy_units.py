"""Energy units of national and company reports: tonnes of coal and oil equivalent, joules,
British thermal units; a file reporting energy in tce used to be rejected ("unknown unit")."""

from __future__ import annotations

from pathlib import Path

import pytest

from ictfootprint.collection.service import submit
from ictfootprint.errors import UnitError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.units import convert, likely_units, parse_unit, units_for

# 1 tce = 7 Gcal (international calorie) = 29.3076 GJ (GB/T 2589; UN and IEA statistics)
TCE_GJ = 29.3076


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1, "tce", "GJ", TCE_GJ),
        (1, "tonne_of_coal_equivalent", "GJ", TCE_GJ),
        (1, "kgce", "MJ", TCE_GJ),
        (1, "ktce", "TJ", TCE_GJ),
        (1, "Mtce", "PJ", TCE_GJ),
        (1, "Mtce", "MWh", TCE_GJ * 1e6 / 3.6),
        (1, "tec", "GJ", TCE_GJ),  # French: tonne d'équivalent charbon
        (1, "toe", "GJ", 41.868),  # IEA
        (1, "ktoe", "TJ", 41.868),
        (1, "Mtoe", "PJ", 41.868),
        (1, "tep", "GJ", 41.868),  # French and Spanish: tonne d'équivalent pétrole
        (1, "Mtep", "PJ", 41.868),
        (1, "MMBtu", "MJ", 1055.056),  # million Btu (ISO 31-4 Btu, 1,055.056 J)
        (1, "MMBTU", "MJ", 1055.056),
        (1, "kBtu", "kJ", 1055.056),
        (1, "Btu", "J", 1055.056),
        (1, "therm", "MJ", 105.5056),
        (1, "GJ", "MWh", 1 / 3.6),
        (1, "TJ", "MWh", 1e3 / 3.6),
        (1, "PJ", "GWh", 1e3 / 3.6),
        (1, "EJ", "TWh", 1e3 / 3.6),
    ],
)
def test_energy_units_of_reports_convert(
    value: float, source: str, target: str, expected: float
) -> None:
    result = convert(value, source, target)
    assert result.value == pytest.approx(expected, rel=1e-12)


def test_MBtu_is_refused_as_ambiguous() -> None:
    # the gas trade writes MBtu for a thousand Btu (Roman M), SI prefixes read it as a million
    with pytest.raises(UnitError, match="ambiguous") as caught:
        parse_unit("MBtu")
    assert "kBtu" in str(caught.value.expected) and "MMBtu" in str(caught.value.expected)


def test_energy_units_are_offered_and_suggested() -> None:
    offered = units_for("MWh")
    assert {"tce", "toe", "GJ", "TJ", "PJ", "MMBtu"} <= set(offered)
    assert likely_units("TCE", "MWh").endswith("did you mean tce?")
    assert likely_units("mmbtu", "MWh").endswith("did you mean MMBtu?")
    assert likely_units("kwh", "MWh").endswith("did you mean kWh?")


def test_a_file_reporting_energy_in_tce_is_accepted_and_stored_in_MWh(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}", actor="focal-point")
    store.add_entity(
        Entity(id="cn-1", name="Operator", kind=EntityKind.COMPANY, country="CHN", subsectors=())
    )
    body = 'indicator,year,value,unit\nenergy_total,2022,"1,234,567",tce\n'
    result = submit(store, body.encode(), "energy.csv", "cn-1")
    assert (result.status, result.report["errors"]) == ("validated", 0), result.report
    store.accept_submission(result.submission_id)
    (stored,) = store.current_observations(entity_ids=["cn-1"])
    assert stored.unit == "MWh" and (stored.value_received, stored.unit_received) == (
        "1,234,567",
        "tce",
    )
    assert stored.value == pytest.approx(1_234_567 * TCE_GJ / 3.6, rel=1e-12)
