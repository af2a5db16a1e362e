"""Business travel (GHG Protocol Scope 3 category 6): flights, rail, road and hotel nights.

Flights: great-circle distance between the airports (haversine, vectorised over every leg),
uplifted as the factor set prescribes (DESNZ: +8 %), classed into a haul band by the
great-circle distance, times the factor of the haul, cabin and radiative-forcing choice::

    passenger_km = great_circle_km x (1 + uplift) x passengers x (2 if return else 1)
    tCO2e        = passenger_km x factor (kg CO2e / passenger-km) x 0.001

The kg → t step comes from the unit registry. Each total is rounded once, to the resolution in
``defaults.toml``. Pure: frames and a factor set in, frames out; reading files and storing
happen elsewhere (:mod:`ictfootprint.organisation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.loader import defaults
from ictfootprint.reference.travel import CABINS, FactorSet, airports
from ictfootprint.units import convert


def great_circle_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray, radius_km: float
) -> np.ndarray:
    """Haversine distance (km) between points given in degrees, element by element.

    >>> round(float(great_circle_km(np.array([0.0]), np.array([0.0]), np.array([0.0]),
    ...                             np.array([1.0]), 6371.0088)[0]), 3)
    111.195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * radius_km * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def _kg_to_t() -> float:
    return convert(1.0, "kgCO2e", "tCO2e").value


def _places() -> int:
    return int(defaults()["rounding"]["tCO2e"])


def flight_legs(legs: pd.DataFrame, factors: FactorSet, *, radiative_forcing: bool) -> pd.DataFrame:
    """Per-leg figures for ``legs`` (``origin, destination`` IATA codes, ``cabin``,
    ``passengers``, ``trips``: 1 one-way, 2 return), already checked by the reader.

    Adds ``great_circle_km, haul, passenger_km, kgco2e``. Vectorised: a million legs take
    well under a second (benchmarks/bench_travel.py).
    """
    known = airports()
    origin = known.index.get_indexer(legs.origin)
    destination = known.index.get_indexer(legs.destination)
    if (origin < 0).any() or (destination < 0).any():  # the reader refuses these first
        raise InputError("unknown airport code", Location(field="origin"))
    km = great_circle_km(
        known.lat[origin],
        known.lon[origin],
        known.lat[destination],
        known.lon[destination],
        factors.earth_radius_km,
    )
    edges = np.array([h.min_km for h in factors.hauls[1:]])
    haul_index = np.searchsorted(edges, km, side="right")
    cabin_index = pd.Categorical(legs.cabin, categories=list(CABINS)).codes
    table = _air_table(factors, radiative_forcing)
    factor = table[haul_index, cabin_index]
    passenger_km = (
        km
        * (1.0 + factors.distance_uplift)
        * legs.passengers.to_numpy(dtype=float)
        * legs.trips.to_numpy(dtype=float)
    )
    codes = np.array(factors.haul_codes())
    return legs.assign(
        great_circle_km=km,
        haul=codes[haul_index],
        passenger_km=passenger_km,
        kgco2e=passenger_km * factor,
    )


def _air_table(factors: FactorSet, radiative_forcing: bool) -> np.ndarray:
    """haul x cabin → kg CO2e per passenger-km; a missing cell is a defect of the set."""
    air = factors.air(radiative_forcing)
    table = np.full((len(factors.hauls), len(CABINS)), np.nan)
    for row in air.itertuples(index=False):
        table[factors.haul_codes().index(str(row.haul)), CABINS.index(str(row.cabin))] = float(
            row.factor
        )
    if np.isnan(table).any():
        raise InputError(
            f"factor set {factors.id} lacks an air factor for some haul and cabin",
            Location(field="factor-set"),
        )
    return table


def flights_by_haul_and_cabin(per_leg: pd.DataFrame) -> pd.DataFrame:
    """``haul, cabin, legs, passenger_km, tco2e`` (tCO2e rounded once per group)."""
    grouped = per_leg.groupby(["haul", "cabin"], as_index=False, observed=True).agg(
        legs=("trips", "sum"), passenger_km=("passenger_km", "sum"), kgco2e=("kgco2e", "sum")
    )
    grouped["tco2e"] = (grouped.pop("kgco2e") * _kg_to_t()).round(_places())
    grouped["passenger_km"] = grouped.passenger_km.round(3)
    grouped["legs"] = grouped.legs.astype(int)
    return grouped


def surface_travel(trips: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """``mode, category, passenger_km`` (rail or road) → ``mode, legs, passenger_km, tco2e``
    by mode. A category without a factor in the set is an error naming it."""
    if trips.empty:
        return pd.DataFrame(columns=["mode", "legs", "passenger_km", "tco2e"])
    factor = np.empty(len(trips))
    for position, row in enumerate(trips.itertuples(index=False)):
        known = factors.surface(str(row.mode))
        if row.category not in known:
            raise InputError(
                f"no {row.mode} factor for this category in factor set {factors.id}",
                Location(row=getattr(row, "row", None), field="detail"),
                expected=", ".join(sorted(known)),
                found=str(row.category),
            )
        factor[position] = known[row.category]
    frame = trips.assign(kgco2e=trips.passenger_km.to_numpy(dtype=float) * factor, legs=1)
    grouped = frame.groupby("mode", as_index=False).agg(
        legs=("legs", "sum"), passenger_km=("passenger_km", "sum"), kgco2e=("kgco2e", "sum")
    )
    grouped["tco2e"] = (grouped.pop("kgco2e") * _kg_to_t()).round(_places())
    return grouped


def hotel_nights(stays: pd.DataFrame, factors: FactorSet) -> dict[str, Any] | None:
    """``country, nights`` → ``{"mode": "hotel", "nights", "tco2e"}`` (None without stays).
    A country without a hotel factor in the set is an error naming it."""
    if stays.empty:
        return None
    known = factors.hotel()
    kg = 0.0
    for row in stays.itertuples(index=False):
        if row.country not in known:
            raise InputError(
                f"no hotel factor for this country in factor set {factors.id}: add one with "
                "--factor-file (its source on the row)",
                Location(row=getattr(row, "row", None), field="country"),
                found=str(row.country),
            )
        kg += float(row.nights) * known[row.country]
    return {
        "mode": "hotel",
        "nights": int(stays.nights.sum()),
        "tco2e": round(kg * _kg_to_t(), _places()),
    }


@dataclass(frozen=True)
class TravelPart:
    """One line of the business-travel breakdown (the lineage's ``breakdown`` entries)."""

    entry: dict[str, Any]

    @property
    def tco2e(self) -> float:
        return float(self.entry["tco2e"])
