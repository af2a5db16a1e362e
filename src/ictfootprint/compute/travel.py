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


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dictionaries (a few: factor rows, inventory lines)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _kg_to_t() -> float:
    return convert(1.0, "kgCO2e", "tCO2e").value


def _places() -> int:
    return int(defaults()["rounding"]["tCO2e"])


def positions(values: Any, index: pd.Index) -> np.ndarray:
    """The position of each value in ``index`` (-1 when absent), looked up once per distinct
    value: a million legs name a few thousand airports."""
    codes, uniques = pd.factorize(values)
    found = index.get_indexer(pd.Index(np.asarray(uniques, dtype=object), dtype=object))
    return np.where(codes < 0, -1, found[codes])


def flight_legs(legs: pd.DataFrame, factors: FactorSet, *, radiative_forcing: bool) -> pd.DataFrame:
    """Per-leg figures for ``legs`` (``origin, destination`` IATA codes, ``cabin``,
    ``passengers``, ``trips``: 1 one-way, 2 return), already checked by the reader.

    Adds ``great_circle_km, haul`` (categorical), ``passenger_km, kgco2e``. Vectorised: a
    million legs take about a second (benchmarks/bench_travel.py).
    """
    known = airports()
    origin = positions(legs.origin, known.index)
    destination = positions(legs.destination, known.index)
    cabin_index = positions(legs.cabin, pd.Index(list(CABINS), dtype=object))
    if (origin < 0).any() or (destination < 0).any() or (cabin_index < 0).any():
        raise InputError(  # the reader refuses these first, naming the row
            "unknown airport code or cabin", Location(field="origin")
        )
    km = great_circle_km(
        known.lat[origin],
        known.lon[origin],
        known.lat[destination],
        known.lon[destination],
        factors.earth_radius_km,
    )
    edges = np.array([h.min_km for h in factors.hauls[1:]])
    haul_index = np.searchsorted(edges, km, side="right")
    factor = _air_table(factors, radiative_forcing)[haul_index, cabin_index]
    passenger_km = (
        km
        * (1.0 + factors.distance_uplift)
        * legs.passengers.to_numpy(dtype=float)
        * legs.trips.to_numpy(dtype=float)
    )
    return legs.assign(
        great_circle_km=km,
        haul=pd.Categorical.from_codes(haul_index, categories=pd.Index(list(factors.haul_codes()))),
        passenger_km=passenger_km,
        kgco2e=passenger_km * factor,
    )


def _air_table(factors: FactorSet, radiative_forcing: bool) -> np.ndarray:
    """haul x cabin → kg CO2e per passenger-km; a missing cell is a defect of the set."""
    air = factors.air(radiative_forcing)
    table = np.full((len(factors.hauls), len(CABINS)), np.nan)
    for row in records(air):
        table[factors.haul_codes().index(str(row["haul"])), CABINS.index(str(row["cabin"]))] = (
            float(row["factor"])
        )
    if np.isnan(table).any():
        raise InputError(
            f"factor set {factors.id} lacks an air factor for some haul and cabin",
            Location(field="factor-set"),
        )
    return table


def flights_by_haul_and_cabin(per_leg: pd.DataFrame) -> pd.DataFrame:
    """``haul, cabin, legs, passenger_km, tco2e`` for each haul and cabin flown (tCO2e
    rounded once per group); sums by integer key (``np.bincount``), not by text."""
    hauls = list(per_leg.haul.cat.categories)
    cabin = positions(per_leg.cabin, pd.Index(list(CABINS), dtype=object))
    key = per_leg.haul.cat.codes.to_numpy() * len(CABINS) + cabin
    size = len(hauls) * len(CABINS)
    legs = np.bincount(key, weights=per_leg.trips.to_numpy(dtype=float), minlength=size)
    pkm = np.bincount(key, weights=per_leg.passenger_km.to_numpy(), minlength=size)
    kg = np.bincount(key, weights=per_leg.kgco2e.to_numpy(), minlength=size)
    flown = np.flatnonzero(np.bincount(key, minlength=size))
    return pd.DataFrame(
        {
            "haul": [hauls[k // len(CABINS)] for k in flown],
            "cabin": [CABINS[k % len(CABINS)] for k in flown],
            "legs": legs[flown].astype(int),
            "passenger_km": pkm[flown].round(3),
            "tco2e": (kg[flown] * _kg_to_t()).round(_places()),
        }
    )


def surface_travel(trips: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """``mode, category, passenger_km`` (rail or road) → ``mode, legs, passenger_km, tco2e``
    by mode. A category without a factor in the set is an error naming it."""
    if trips.empty:
        return pd.DataFrame(columns=["mode", "legs", "passenger_km", "tco2e"])
    factor = np.empty(len(trips))
    for position, row in enumerate(records(trips)):
        known = factors.surface(str(row["mode"]))
        if row["category"] not in known:
            raise InputError(
                f"no {row['mode']} factor for this category in factor set {factors.id}",
                Location(row=row.get("row"), field="detail"),
                expected=", ".join(sorted(known)),
                found=str(row["category"]),
            )
        factor[position] = known[row["category"]]
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
    for row in records(stays):
        if row["country"] not in known:
            raise InputError(
                f"no hotel factor for this country in factor set {factors.id}: add one with "
                "--factor-file (its source on the row)",
                Location(row=row.get("row"), field="country"),
                found=str(row["country"]),
            )
        kg += float(row["nights"]) * known[row["country"]]
    return {
        "mode": "hotel",
        "nights": int(stays.nights.sum()),
        "tco2e": round(kg * _kg_to_t(), _places()),
    }
