"""Business travel against hand calculations (issue 19): flights by haul and cabin with and
without radiative forcing, rail, hotel nights; the reference data's provenance."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from ictfootprint.compute.travel import (
    flight_legs,
    flights_by_haul_and_cabin,
    hotel_nights,
    surface_travel,
)
from ictfootprint.errors import InputError
from ictfootprint.reference.loader import data_file
from ictfootprint.reference.travel import factor_set

# Coordinates written by hand (degrees, as airportsdata gives them)
GVA = (46.2381, 6.10895)
ZRH = (47.4647, 8.54917)
LHR = (51.4706, -0.46194)
JFK = (40.639928, -73.778692)
R = 6371.0088  # mean Earth radius, km


def by_hand_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine written out with the math module, independent of the code under test."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * R * math.asin(math.sqrt(h))


LEGS = pd.DataFrame(
    {
        "origin": ["GVA", "GVA", "GVA", "GVA"],
        "destination": ["ZRH", "LHR", "JFK", "JFK"],
        "cabin": ["economy", "business", "economy", "business"],
        "passengers": [1, 1, 2, 1],
        "trips": [1, 2, 1, 2],
    }
)


def test_distances_and_hauls_are_the_hand_calculation() -> None:
    per_leg = flight_legs(LEGS, factor_set(), radiative_forcing=True)
    assert per_leg.great_circle_km.tolist() == pytest.approx(
        [by_hand_km(GVA, ZRH), by_hand_km(GVA, LHR), by_hand_km(GVA, JFK), by_hand_km(GVA, JFK)],
        rel=1e-12,
    )
    # about 224 km, 752 km and 6,200 km: short, medium and long haul (bands < 500, < 3,700)
    assert per_leg.haul.tolist() == ["short", "medium", "long", "long"]


@pytest.mark.parametrize(
    ("radiative_forcing", "short_economy", "medium_business", "long_economy", "long_business"),
    [
        # DESNZ 2025 kg CO2e per passenger-km, with RF: domestic average, short-haul business,
        # long-haul economy, long-haul business
        (True, 0.22928, 0.18863, 0.11704, 0.3394),
        (False, 0.13552, 0.11152, 0.06926, 0.20083),
    ],
)
def test_three_hauls_equal_distance_times_uplift_times_factor(
    radiative_forcing: bool,
    short_economy: float,
    medium_business: float,
    long_economy: float,
    long_business: float,
) -> None:
    uplift = 1.08
    expected = {
        ("short", "economy"): by_hand_km(GVA, ZRH) * uplift * 1 * 1 * short_economy / 1000,
        ("medium", "business"): by_hand_km(GVA, LHR) * uplift * 1 * 2 * medium_business / 1000,
        ("long", "economy"): by_hand_km(GVA, JFK) * uplift * 2 * 1 * long_economy / 1000,
        ("long", "business"): by_hand_km(GVA, JFK) * uplift * 1 * 2 * long_business / 1000,
    }
    grouped = flights_by_haul_and_cabin(
        flight_legs(LEGS, factor_set(), radiative_forcing=radiative_forcing)
    )
    got = {(r.haul, r.cabin): r.tco2e for r in grouped.itertuples()}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == round(value, 6), key
    legs = {(r.haul, r.cabin): r.legs for r in grouped.itertuples()}
    assert legs == {
        ("short", "economy"): 1,
        ("medium", "business"): 2,
        ("long", "economy"): 1,
        ("long", "business"): 2,
    }


def test_business_costs_its_cabin_multiplier_over_economy() -> None:
    """DESNZ's cabin factor is the economy factor times the cabin's weighting: on the same
    long-haul leg, business / economy is the ratio of the two published factors."""
    legs = LEGS.iloc[[2, 3]].assign(passengers=1, trips=1)
    per_leg = flight_legs(legs, factor_set(), radiative_forcing=True)
    assert per_leg.kgco2e.iloc[1] / per_leg.kgco2e.iloc[0] == pytest.approx(0.3394 / 0.11704)


def test_rail_and_road_are_passenger_km_times_factor() -> None:
    trips = pd.DataFrame(
        {
            "mode": ["rail", "rail", "road"],
            "category": ["national_rail", "international_rail", "taxi"],
            "passenger_km": [1000.0, 500.0, 200.0],
        }
    )
    got = surface_travel(trips, factor_set()).set_index("mode")
    assert got.loc["rail", "tco2e"] == round((1000 * 0.03546 + 500 * 0.00446) / 1000, 6)
    assert got.loc["road", "tco2e"] == round(200 * 0.14861 / 1000, 6)
    assert got.loc["rail", "legs"] == 2


def test_hotel_nights_with_an_organisations_own_factor(tmp_path: Path) -> None:
    """The shipped set has no hotel factor (not confirmed for DESNZ 2025); an organisation
    adds its own row, with its source, and nights x factor is computed."""
    own = tmp_path / "hotel.csv"
    own.write_text(
        "factor_set,mode,category,cabin,radiative_forcing,country,value,unit,source\n"
        ",hotel,,,,CHE,12.5,kgCO2e/room_night,our hotel's own statement 2023\n",
        encoding="utf-8",
    )
    stays = pd.DataFrame({"country": ["CHE", "CHE"], "nights": [10, 6]})
    got = hotel_nights(stays, factor_set(None, own))
    assert got == {"mode": "hotel", "nights": 16, "tco2e": round(16 * 12.5 / 1000, 6)}


def test_hotel_without_a_factor_says_which_country() -> None:
    with pytest.raises(InputError) as caught:
        hotel_nights(pd.DataFrame({"country": ["KEN"], "nights": [3]}), factor_set())
    assert caught.value.location.field == "country"
    assert caught.value.found == "KEN"


def test_own_factor_may_not_replace_a_shipped_one(tmp_path: Path) -> None:
    own = tmp_path / "rail.csv"
    own.write_text(
        "factor_set,mode,category,cabin,radiative_forcing,country,value,unit,source\n"
        ",rail,national_rail,,,,0.001,kgCO2e/passenger_km,mine\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        factor_set(None, own)
    assert caught.value.location.row == 2


def test_every_factor_row_names_its_source_and_the_set_its_licence() -> None:
    fs = factor_set()
    assert fs.id == "desnz-2025" and fs.distance_uplift == 0.08
    assert "Open Government Licence v3.0" in fs.citation
    assert (fs.rows.source.str.len() > 20).all()
    assert data_file("travel_factors.csv").licence.startswith("Open Government Licence")
    # every haul x cabin x RF has a row
    assert len(fs.air(True)) == len(fs.air(False)) == 12
