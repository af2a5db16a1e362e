"""The indicator catalogue: what the issue asks it to hold, in units the registry knows."""

from __future__ import annotations

import pytest

from ictfootprint.errors import InputError
from ictfootprint.reference.catalogue import LANGUAGES, SCOPES, catalogue, indicator, language
from ictfootprint.units import parse_unit

REQUIRED = {
    # energy
    "energy_total",
    "energy_electricity",
    "energy_electricity_renewable",
    "energy_electricity_ppa",
    "energy_electricity_eac_unbundled",
    "energy_diesel",
    # GHG
    "ghg_scope1",
    "ghg_scope2_location",
    "ghg_scope2_market",
    "ghg_scope3_total",
    "ghg_s1s2_location",
    "ghg_s1s2_market",
    "ghg_s1s2s3_location",
    "ghg_s1s2s3_market",
    "ghg_refrigerant_leakage",
    # resources, data centres, devices
    "resource_water_withdrawal",
    "resource_abiotic_depletion",
    "resource_ewaste_generated",
    "dc_pue",
    "dc_it_capacity",
    "device_placed_on_market",
    "device_refurbished_share",
    "device_embodied_emissions",
    # activity denominators
    "activity_mobile_lines",
    "activity_traffic_total",
    "activity_revenue",
    # targets
    "target_base_year",
    "target_year",
    "target_reduction",
    "target_net_zero_year",
    "target_sbti_status",
    # national and global aggregates
    "national_ict_ghg",
    "global_ict_ghg",
    "regional_ict_ghg",
    "sector_ghg_share",
    "sector_electricity",
    "sector_electricity_share",
    "ghg_grid_emission_factor",
    "sector_data_coverage",
}


def test_at_least_forty_indicators_with_everything_required() -> None:
    assert len(catalogue()) >= 40
    assert set(catalogue()) >= REQUIRED


def test_every_scope3_category_once_and_the_total_adds_them() -> None:
    scope3 = [i for i in catalogue().values() if i.scope and i.scope.startswith("3.")]
    assert sorted(i.scope for i in scope3) == sorted(f"3.{n}" for n in range(1, 16))
    assert set(indicator("ghg_scope3_total").components) == {i.id for i in scope3}


def test_totals_name_their_components() -> None:
    assert indicator("ghg_s1s2_location").components == ("ghg_scope1", "ghg_scope2_location")
    assert set(indicator("ghg_s1s2s3_market").components) == {
        "ghg_scope1",
        "ghg_scope2_market",
        "ghg_scope3_total",
    }


def test_levels_cover_entity_national_and_global() -> None:
    levels = {level for i in catalogue().values() for level in i.levels}
    assert levels == {"entity", "national", "global"}


@pytest.mark.parametrize("item", list(catalogue().values()), ids=lambda i: i.id)
def test_indicator_is_complete_and_its_unit_parses(item: object) -> None:
    from ictfootprint.reference.catalogue import Indicator

    assert isinstance(item, Indicator)
    for lang in LANGUAGES:
        assert item.name(lang) and item.definition(lang)
    assert item.scope is None or item.scope in SCOPES
    assert item.standard
    if item.value_type == "quantity":
        parse_unit(item.unit)


def test_names_are_in_their_own_script() -> None:
    electricity = indicator("energy_electricity")
    assert any("\u0600" <= ch <= "\u06ff" for ch in electricity.name("ar"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in electricity.name("zh"))
    assert any("\u0400" <= ch <= "\u04ff" for ch in electricity.name("ru"))


def test_unknown_indicator_and_language_are_clear_errors() -> None:
    with pytest.raises(InputError, match="unknown indicator"):
        indicator("ghg_scope4")
    with pytest.raises(InputError, match="unsupported language"):
        language("de")
    assert language("zh-CN") == "zh" and language("AR") == "ar"
