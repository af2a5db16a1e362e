"""Benchmark: coverage, like-for-like and estimates of every quantity at world level for
10,000 entities × 10 years.

    .venv/bin/python benchmarks/bench_sector_trends.py [--entities 10000] [--years 10]
        [--level world ...] [--store]

By default the entity-year frame is synthetic (seeded): ``--entities`` companies in 190
countries and three sub-sectors, each complete in six quantities and the three activity
denominators every year (900,000 frame rows for 10,000 × 10), and national mobile and fixed
lines for every country and year. With ``--store`` the frame is read with ``entity_years``
from a SQLite store filled by ``bench_sector.build`` (every quantity, 50 countries, some
entities incomplete), with the same synthetic national lines.

Prints, per level, wall-clock and CPU seconds of each of ``coverage``, ``like_for_like`` and
``estimate_unreported`` and their sum. Issue 14: the trends must not be the slow part of
the sector roll-up (≤ 10 s for every quantity); the goal here is ≤ 5 s for the three.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictfootprint.compute.sector_estimates import estimate_unreported
from ictfootprint.compute.sector_frame import COLUMNS
from ictfootprint.compute.sector_trends import NATIONAL_COLUMNS, coverage, like_for_like
from ictfootprint.reference.countries import countries

QUANTITIES = (
    "ghg_s1s2_location",
    "ghg_scope1",
    "ghg_scope2_location",
    "energy_total",
    "energy_electricity",
    "resource_water_withdrawal",
)
DENOMINATORS = ("activity_mobile_lines", "activity_fixed_broadband_lines", "activity_revenue")
FIRST_YEAR = 2014


def synthetic_frame(entity_count: int, year_count: int, seed: int = 0) -> pd.DataFrame:
    """A complete entity-year frame (the columns of ``entity_years``)."""
    rng = np.random.default_rng(seed)
    codes = sorted(countries())[:190]
    ids = np.array([f"e{i}" for i in range(entity_count)])
    country = rng.choice(codes, entity_count)
    subsector = rng.choice(["mobile_network", "fixed_network", "data_centre"], entity_count)
    years = np.arange(FIRST_YEAR, FIRST_YEAR + year_count)
    base = pd.DataFrame(
        {
            "entity_id": np.repeat(ids, year_count),
            "country": np.repeat(country, year_count),
            "subsector": np.repeat(subsector, year_count),
            "year": np.tile(years, entity_count),
        }
    )
    parts = []
    for quantity in (*QUANTITIES, *DENOMINATORS):
        scale = 1e4 if quantity.startswith("activity_") else 1.0
        parts.append(base.assign(quantity=quantity, value=rng.uniform(1, 1000, len(base)) * scale))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.assign(
        status="complete",
        basis="reported",
        method="reported",
        missing="",
        conflict=False,
        inputs="",
        combined_value=np.nan,
        components_value=np.nan,
    )
    return frame[list(COLUMNS)]


def national_lines(countries_: Any, years: Any) -> pd.DataFrame:
    """Mobile and fixed lines of every country and year (1e9 each)."""
    rows = [
        (c, int(y), name, "", 1e9, 0)
        for c in sorted(countries_)
        for y in years
        for name in ("activity_mobile_lines", "activity_fixed_broadband_lines")
    ]
    return pd.DataFrame(rows, columns=NATIONAL_COLUMNS)


def store_frame(entity_count: int, year_count: int, folder: str) -> pd.DataFrame:
    """The frame of a SQLite store filled by ``bench_sector.build``."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_sector import FIRST_YEAR as first
    from bench_sector import build

    from ictfootprint.compute.sector_frame import entity_years
    from ictfootprint.store import Store

    store = Store.open(f"sqlite:///{Path(folder) / 'trends.db'}")
    build(store, entity_count, year_count)
    return entity_years(store, years=list(range(first, first + year_count)))


def timed(action: Any) -> tuple[float, float, Any]:
    """Wall-clock and this process's CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--level", action="append", choices=["country", "region", "world"])
    parser.add_argument("--store", action="store_true", help="read the frame from a store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.store:
            frame = store_frame(args.entities, args.years, folder)
        else:
            frame = synthetic_frame(args.entities, args.years)
    years = sorted(set(frame["year"].tolist()))
    national = national_lines(set(frame["country"].tolist()), years)
    print(f"{len(frame):,} frame rows, {args.entities:,} entities x {args.years} years")
    # the unit registry and reference tables load once per process: not the trends' cost
    coverage(frame.head(0), national, level="world")
    for level in args.level or ["world"]:
        figures = []
        for name, action in (
            ("coverage", lambda level=level: coverage(frame, national, level=level)),
            ("like_for_like", lambda level=level: like_for_like(frame, level=level)),
            ("estimates", lambda level=level: estimate_unreported(frame, national, level=level)),
        ):
            wall, cpu, rows = timed(action)
            figures.append((wall, cpu))
            print(f"{level:7} {name:13} {wall:6.2f} s ({cpu:.2f} s CPU), {len(rows):,} rows")
        total_wall = sum(w for w, _ in figures)
        total_cpu = sum(c for _, c in figures)
        print(f"{level:7} {'all three':13} {total_wall:6.2f} s ({total_cpu:.2f} s CPU)")


if __name__ == "__main__":
    main()
