"""Countries and regions reference data."""

from __future__ import annotations

import pytest

from ictfootprint.errors import InputError
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.reference.countries import countries, country, itu_regions, regions


def test_every_iso_country_and_kosovo() -> None:
    table = countries()
    assert len(table) == 250  # ISO 3166-1 (249) + XKX (Kosovo, user-assigned)
    assert table["XKX"].itu_region == "ITU-EUR"
    assert len({c.iso2 for c in table.values()}) == 250
    assert len({c.numeric for c in table.values()}) == 250


def test_flags_match_the_m49_lists() -> None:
    table = countries().values()
    assert sum(c.ldc for c in table) == 44  # after Bhutan (2023) and Sao Tome (2024) graduated
    assert sum(c.lldc for c in table) == 32
    assert sum(c.itu_member for c in table) == 193


def test_regions_of_known_countries() -> None:
    fra, ken, ind = country("FRA"), country("KEN"), country("IND")
    assert (fra.m49_region, fra.m49_subregion, fra.itu_region) == ("150", "155", "ITU-EUR")
    assert (ken.m49_region, ken.itu_region, ken.ldc) == ("002", "ITU-AFR", False)
    assert ind.itu_region == "ITU-ASP"
    assert country("EGY").itu_region == "ITU-ARB"  # Arab States, not Africa
    assert country("RUS").itu_region == "ITU-CIS"
    assert country("ETH").ldc and country("NPL").lldc and country("FJI").sids


def test_itu_regions_named_in_six_languages() -> None:
    assert set(itu_regions()) == {"ITU-AFR", "ITU-AMS", "ITU-ARB", "ITU-ASP", "ITU-CIS", "ITU-EUR"}
    for region in regions().values():
        assert all(region.names[lang] for lang in LANGUAGES)
    assert regions()["ITU-ARB"].name("en") == "Arab States"


def test_country_names_in_six_languages() -> None:
    fra = country("FRA")
    assert fra.name("fr") == "France"
    assert fra.name("zh") == "法国"
    assert fra.name("ar") == "فرنسا"
    assert fra.name("ru") == "Франция"
    assert all(all(c.names.values()) for c in countries().values())


@pytest.mark.parametrize("code", ["FRA", "fra", "FR", "250", " fra "])
def test_lookup_by_any_iso_code(code: str) -> None:
    assert country(code).iso3 == "FRA"


def test_unknown_country_code_is_a_clear_error() -> None:
    with pytest.raises(InputError) as caught:
        country("XXA")
    assert caught.value.found == "XXA"
    assert caught.value.location.field == "country"
