"""Coverage and gap analysis against the catalogue, and the ARCEP survey mapping."""

from __future__ import annotations

from pathlib import Path

from ictfootprint.assess.coverage import coverage, survey_mapping
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.reference.respondents import respondent
from ictfootprint.store import Store


def test_a_fixture_country_lists_exactly_the_indicators_it_lacks(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "c.db"))
    store.add_entity(Entity(id="KEN", name="Kenya", kind=EntityKind.COUNTRY, country="KEN"))
    given = {
        "national_ict_ghg": Method.STATISTICAL,
        "sector_electricity": Method.REPORTED,
        "economy_electricity": Method.ESTIMATED,
    }
    units = {
        "national_ict_ghg": "MtCO2e",
        "sector_electricity": "GWh",
        "economy_electricity": "TWh",
    }
    store.record_observations(
        [
            Observation(
                entity_id="KEN",
                indicator_id=i,
                year=2023,
                value=1.0,
                unit=units[i],
                method=m,
                source="fixture",
            )
            for i, m in given.items()
        ]
    )
    result = coverage(store, ["KEN"], [2023])
    (summary,) = result.summary
    required = respondent("national-statistics").required
    assert summary["respondent"] == "national-statistics"
    assert summary["missing"] == [i for i in required if i not in given]
    assert summary["by_status"] == {
        "estimated": 1,
        "missing": len(required) - 3,
        "reported": 1,
        "statistical": 1,
    }
    assert summary["completeness_percent"] == round(100 * 3 / len(required), 1)
    status = {row["indicator"]: row["status"] for row in result.matrix}
    assert status["national_ict_ghg"] == "statistical" and len(status) == len(required)


def test_arcep_mapping_says_what_each_side_lacks() -> None:
    result = survey_mapping("arcep")
    mapped = {m["indicator"] for m in result["maps"]}
    assert {"energy_mobile_network", "dc_it_capacity", "resource_land_take"} <= mapped
    assert any("radio technology" in s["variable"] for s in result["survey_only"])
    assert "activity_revenue" in result["catalogue_only"]
    assert not set(result["catalogue_only"]) & mapped
