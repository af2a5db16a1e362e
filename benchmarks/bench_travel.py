"""Business travel: 1,000,000 flight legs computed (great circle, haul, factor, breakdown).

Issue 19 asks for 1,000,000 legs in at most 5 s on the project's 2-core machine. The legs
are drawn (seeded) from the airports of the shipped package; the figure printed is the time
of ``compute.travel.flight_legs`` + ``flights_by_haul_and_cabin`` (what an import computes),
and, for information, of reading the same legs from a CSV flight list.

    PYTHONPATH=src python benchmarks/bench_travel.py [--legs 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ictfootprint.compute.travel import flight_legs, flights_by_haul_and_cabin
from ictfootprint.organisation.flights_file import read_flights
from ictfootprint.reference.travel import CABINS, airports, factor_set


def legs_frame(count: int, seed: int = 19) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = np.asarray(airports().index[:2000], dtype=object)
    origin = rng.integers(0, len(codes), count)
    destination = (origin + rng.integers(1, len(codes), count)) % len(codes)
    return pd.DataFrame(
        {
            "origin": codes[origin],
            "destination": codes[destination],
            "cabin": np.asarray(CABINS, dtype=object)[rng.integers(0, 4, count)],
            "passengers": rng.integers(1, 3, count),
            "trips": rng.integers(1, 3, count),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--legs", type=int, default=1_000_000)
    args = parser.parse_args()
    factors = factor_set()
    airports()  # loaded once per process, like the reference data
    legs = legs_frame(args.legs)
    start = time.perf_counter()
    per_leg = flight_legs(legs, factors, radiative_forcing=True)
    breakdown = flights_by_haul_and_cabin(per_leg)
    seconds = time.perf_counter() - start
    print(
        f"{args.legs:,} flight legs computed in {seconds:.2f} s "
        f"({args.legs / seconds:,.0f} legs/s); {breakdown.tco2e.sum():,.1f} tCO2e "
        f"in {len(breakdown)} haul x cabin groups"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "flights.csv"
        legs.assign(trip=np.where(legs.trips == 2, "return", "one-way"), date="2023-06-01").drop(
            columns="trips"
        ).to_csv(path, index=False)
        start = time.perf_counter()
        read = read_flights(path, 2023)
        print(
            f"reading and checking the same {len(read):,} legs from a "
            f"{path.stat().st_size / 2**20:.0f} MB CSV: {time.perf_counter() - start:.2f} s"
        )


if __name__ == "__main__":
    main()
