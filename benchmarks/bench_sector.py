"""Benchmark: the sector's totals of every quantity for 10,000 entities × 10 years.

    .venv/bin/python benchmarks/bench_sector.py [--entities 10000] [--years 10] [--db URL]

Builds a store (a fresh SQLite file, or the PostgreSQL database ``--db`` names, which must
be empty) with ``--entities`` in-sector companies over ``--years`` years, in 50 countries and
five sub-sectors, each reporting about three quarters of the inputs of every quantity of
``reference/data/quantities.toml`` (a seeded random choice: some only a combined figure, some
only components, some both, some part of the components): about 1.6 million observations for
10,000 × 10. The store is filled through the store's own bulk record path
(``store.observations.record_rows``, the path accepting a submission takes: no model object
per value, SQLite's executemany), 1,000 entities a transaction.

Then times, for every level (country, ITU region, UN M49 region, world), the totals of every
quantity: every level for all years from one read (``sector_levels``) and each level for one
year (``sector_totals``); wall-clock and CPU seconds. Issue 14's goal: every quantity for
10,000 entities × 10 years in 10 s or less on this 2-core machine.

The DuckDB backend is imported and connected once before the timings (a one-off per
process: 0.5 s with compiled bytecode, about 3 s where Python may not write it, as here with
PYTHONDONTWRITEBYTECODE=1), and its time printed apart.

Measured 2026-12-01 on the 2 shared cores, SQLite, 1,560,735 observations → 1,727,323 entity
rows (43,680 incomplete, 42,105 conflicts), before and after in the same minutes (other work
loading the cores: load average 2.3-2.5), backend warmed first, every quantity at every level
for 10 years (``sector_levels``): before 24.5 s wall (23.0 s CPU), after 17.9-18.8 s (16.2-17.5
s CPU). By stage (CPU): the store's read 5.3-5.8 → 4.9-5.2 s, each level's roll-up 1.8-2.4 →
0.7-0.8 s (the rest of the frame unchanged, 4-5 s). The goal of 10 s is not met yet on SQLite:
SQLite's row-by-row fetch (a Python object per value fetched) is about 5 s of it. The changes:
integer keys coded once for every level, distinct entities counted in two group-bys, the
indicator, method and year fetched as one number, the rows turned into columns without pandas'
inference. Before that work the roll-up built a model object per observation and read the store
once per year and level.

Second round, 2026-12-02, on a machine loaded far beyond its 2 cores (load average 10-22:
wall-clock times 4-9x the CPU times, so only CPU seconds compare): the frame
(``entity_years``, every quantity, 10 years) 11.1 s CPU before, 9.6 s after, same process,
identical frames (``pandas.testing.assert_frame_equal``); the read alone 6.0 → 4.4 s CPU
(``zip(*rows)`` had cost 1.7 s of it); rule 1 (current revision, best method) 0.1 s on integer
codes; each level's roll-up 0.6-0.9 s CPU in DuckDB plus 0.3 s less to hand it over (Arrow
instead of a pandas frame); the records of the incomplete rows and conflicts 3 s → 0.2 s.
The 10 s wall goal could not be shown on this machine in this round.

Third round, 2026-12-02, machine again loaded far beyond its 2 cores (load average 10-16,
eight sessions' tests). The totals now roll up the resolved entity rows as numbers
(``combined.Resolved``; the frame's text columns, built only to be factorised again, cost
4-6 s) and SQLite's read fetches the entity's row number instead of its id. Same totals,
incomplete rows and conflicts as before on this store (to DuckDB's last bit on unrounded
units). ``sector_levels`` of main's code and of this round run alternately in the same
minutes: 21.0-22.8 s CPU before, 14.5 s CPU after (wall 150-230 s for both: meaningless).
This script at load 14: ``entity_years`` 13.0 s CPU, ``sector_levels`` median of 3 16.8 s
CPU, 177 s wall (``/usr/bin/time``: 42.5 s user + 31.1 s sys for the whole script). At low
load at the start of the round main's code took 32.4 s wall, 14.9 s CPU. By stage (CPU,
loaded): the read 7.6 s (SQLite's fetch most of it), DuckDB 1.1-1.4 s a level, rule 2's
arrays 1.5 s, rule 2 1.0-1.4 s, the listed rows 0.7 s. The 10 s wall goal is still not shown.

Fourth round, 2026-12-02, on a quiet machine (load average 0.7-1.0), same store: the four
levels of every quantity over ten years from the observations (``computed_levels``, what
``sector_levels`` runs for several levels) **9.67 s wall (10.85 s CPU), median of 3: the goal
of 10 s is met** (11.7 s at stop 23, 24.5 s at first). Changes: every level in one DuckDB
query (the rows handed over once), the fetch in chunks with the entity's row number packed
into the code and no observation id when no lineage is listed, the wide arrays filled a
field at a time. Beside it, the stored rows (migration 0016): the full build 22.5 s (21.1 s
CPU, 1,727,323 rows), then the four levels over ten years rolled up in SQLite 33.0 s (so
several levels go the computed way), one level for one year 0.57-0.73 s.
Fifth round, 2026-12-02, quiet machine (load 0.1-0.9), the tree of stop 25 (0c10a59), the
store built afresh (1,560,735 observations in 75.8 s): ``computed_levels`` 9.49 s wall (11.13
s CPU), median of 3, on the first run after the build; 6.78 s (8.08 s CPU) on a second run of
the script (the file in the page cache). The frame computed from the observations
(``frame_of``, every quantity, ten years) 7.6 s; the same frame read from ``sector_rows``
(what ``entity_years`` now does for the in-sector entities) 15.6 s: a Python object per
stored column and row. Smaller frames (printed by this script, best of 2), stored / computed:
one year of every quantity 1.42 / 0.81 s here, 0.70 / 0.75 s on the 4.4 M-observation store
of ``generate_store.py`` (revisions and several methods per series, so more observations per
entity row); the trends' frame of one quantity 2.41 / 1.62 s here, 1.15 / 2.36 s there.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from ictfootprint.compute.engine import connect
from ictfootprint.compute.quantities import chosen, quantities
from ictfootprint.compute.sector import computed_levels, sector_levels, sector_totals
from ictfootprint.compute.sector_frame import entity_years, frame_of
from ictfootprint.compute.sector_rows import refresh
from ictfootprint.compute.trends import reporter_indicators
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries
from ictfootprint.store import Store
from ictfootprint.store import observations as _observations
from ictfootprint.store.schema import entities, sector_stale

SUBSECTORS = (
    "mobile_network",
    "fixed_network",
    "data_centre",
    "user_equipment",
    "software_services",
)
LEVELS = (("country", "itu"), ("region", "itu"), ("region", "m49"), ("world", "itu"))
FIRST_YEAR = 2015
#: sector_levels at 10,000 × 10 on SQLite before issue 14's work (wall, CPU seconds; the
#: docstring says when): printed beside this run's figures.
BEFORE = (24.5, 23.0)


def build(store: Store, entity_count: int, year_count: int, seed: int = 14) -> int:
    """Fill the store; return the number of observations written."""
    rng = random.Random(seed)
    codes = sorted(c for c, info in countries().items() if info.itu_region and info.m49_region)
    codes = codes[:: max(1, len(codes) // 50)][:50]
    units = {i.id: i.unit for i in catalogue().values()}
    every = list(quantities().values())
    written = 0
    for start in range(0, entity_count, 1000):
        batch = [
            Entity(
                id=f"co-{n:05d}",
                name=f"Company {n}",
                kind=EntityKind.COMPANY,
                country=codes[n % len(codes)],
                subsectors=(SUBSECTORS[n % len(SUBSECTORS)],),
            )
            for n in range(start, min(start + 1000, entity_count))
        ]
        store.add_entities(batch, file_name="bench")
        rows: list[dict[str, Any]] = []
        for entity in batch:
            for year in range(FIRST_YEAR, FIRST_YEAR + year_count):
                rows.extend(_entity_year(rng, entity.id, year, every, units))
        with store.transaction() as connection:
            written += len(_observations.record_rows(connection, rows, "bench").written)
    return written


def _entity_year(
    rng: random.Random, entity_id: str, year: int, every: list[Any], units: dict[str, str]
) -> list[dict[str, Any]]:
    values: dict[str, float] = {}
    for q in every:
        if not q.components:
            if q.id not in values and rng.random() < 0.8:
                values[q.id] = round(rng.uniform(1, 10_000), 3)
            continue
        parts = [values.get(c) for c in q.components]
        choice = rng.random()
        if choice < 0.2:  # only the combined figure
            values[q.id] = round(rng.uniform(1, 20_000), 3)
        elif choice < 0.4 and all(p is not None for p in parts):  # both, agreeing
            values[q.id] = round(sum(p or 0.0 for p in parts), 3)
        elif choice < 0.9:  # components only (some may be missing: incomplete)
            for c in q.components:
                if c not in values and rng.random() < 0.8:
                    values[c] = round(rng.uniform(1, 10_000), 3)
    return [
        {
            **_observations.ROW_DEFAULTS,
            "entity_id": entity_id,
            "indicator_id": indicator,
            "year": year,
            "value": value,
            "unit": units[indicator],
            "method": "reported",
            "source": "bench",
            "quality_flags": [],
            "lineage": {},
        }
        for indicator, value in values.items()
    ]


def timed(action: Any) -> tuple[float, float, Any]:
    """Wall-clock and this process's CPU seconds (the CPU figure says what the work costs
    when other processes share the cores)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--db", help="A PostgreSQL URL (empty database); default: SQLite")
    parser.add_argument("--keep", help="Use (or build once and keep) this SQLite file")
    parser.add_argument("--repeat", type=int, default=3, help="runs of sector_levels (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.keep) if args.keep else Path(folder) / "sector.db"
        url = args.db or f"sqlite:///{path}"
        fresh = args.db is not None or not path.exists()
        store = Store.open(url)
        if fresh:
            wall, cpu, count = timed(lambda: build(store, args.entities, args.years))
            print(f"built {count:,} observations in {wall:.1f} s ({store.engine.dialect.name})")
        years = list(range(FIRST_YEAR, FIRST_YEAR + args.years))
        wall, cpu, _backend = timed(lambda: connect("duckdb"))
        print(f"DuckDB backend imported and connected (once per process): {wall:.2f} s")
        wall, cpu, frame = timed(lambda: frame_of(store, chosen(None), years=years))
        print(
            f"the frame computed from the observations (frame_of), every quantity, "
            f"{args.years} years: {wall:.2f} s ({cpu:.2f} s CPU), "
            f"{len(frame):,} entity rows ({(frame.status == 'incomplete').sum():,} incomplete, "
            f"{frame.conflict.sum():,} conflicts)"
        )
        runs = [timed(lambda: computed_levels(store, years=years)) for _ in range(args.repeat)]
        every = runs[-1][2]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rows = sum(len(t.rows) for series in every.values() for t in series.values())
        print(
            f"computed_levels (from the observations), every quantity, every level (country, "
            f"ITU, M49, world), {args.years} years, one read, median of {args.repeat}: "
            f"{wall:.2f} s ({cpu:.2f} s CPU), {rows:,} total rows"
        )
        print(
            f"  side by side: before {BEFORE[0]:.1f} s ({BEFORE[1]:.1f} s CPU, recorded), "
            f"now {wall:.1f} s ({cpu:.1f} s CPU); the goal 10 s"
        )
        with store.engine.begin() as connection:  # every entity's rows built again
            connection.execute(
                insert(sector_stale).from_select(
                    ["entity_id"],
                    select(entities.c.id).where(entities.c.id.notin_(select(sector_stale))),
                )
            )
        wall, cpu, built = timed(lambda: refresh(store))
        print(
            f"full build of sector_rows: {wall:.2f} s ({cpu:.2f} s CPU), "
            f"{built.entities:,} entities, {built.rows:,} rows"
        )
        wall, cpu, frame = timed(lambda: entity_years(store, years=years))
        print(
            f"the same frame read from sector_rows (entity_years): {wall:.2f} s "
            f"({cpu:.2f} s CPU), {len(frame):,} entity rows"
        )
        trend = sorted({"ghg_s1s2_location", *reporter_indicators()})
        for name, asked, named in (
            ("one year, every quantity", years[-1:], None),
            ("the trends' quantities, every year", None, trend),
        ):
            stored = min(
                timed(lambda a=asked, n=named: entity_years(store, years=a, quantities=n))[0]
                for _ in range(2)
            )
            computed = min(
                timed(lambda a=asked, n=named: frame_of(store, chosen(n), years=a))[0]
                for _ in range(2)
            )
            print(f"  frame of {name}: stored {stored:.2f} s, computed {computed:.2f} s")
        runs = [
            timed(
                lambda: {
                    (level, kind): sector_levels(store, years=years, levels=[(level, kind)])[
                        (level, kind)
                    ]
                    for level, kind in LEVELS
                }
            )
            for _ in range(args.repeat)
        ]
        stored = runs[-1][2]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        # the databases add floats in another order: equal to the last few bits
        same = all(
            math.isclose(a["value"] or 0.0, b["value"] or 0.0, rel_tol=1e-12)
            for key in every
            for y in years
            for a, b in zip(stored[key][y].rows, every[key][y].rows, strict=True)
        )
        print(
            f"sector_levels level by level (stored rows, rolled up in the database), the same, "
            f"median of "
            f"{args.repeat}: {wall:.2f} s ({cpu:.2f} s CPU); same values as computed: {same}"
        )
        for level, kind in LEVELS:
            wall, cpu, _totals = timed(
                lambda level=level, kind=kind: sector_totals(
                    store, level=level, year=years[-1], region_kind=kind
                )
            )
            print(
                f"sector_totals {level:8} {kind:4} one year (stored): {wall:5.2f} s "
                f"({cpu:.2f} s CPU)"
            )


if __name__ == "__main__":
    main()
