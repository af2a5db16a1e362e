"""Generate a realistic store through the project's public store path, for benchmarks.

    .venv/bin/python benchmarks/generate_store.py --db bench.db [--observations 1000000]
        [--countries 200] [--entities 10200] [--years 10] [--indicators 40] [--seed 1]

Builds what a national-plus-global database looks like at the scale of the real thing (issue
15): ``--countries`` real countries (ISO 3166 alpha-3), ``--entities`` fictitious reporters
spread over them, ``--years`` years ending in 2024, ``--indicators`` indicators of the
catalogue in their canonical units. Every entity reports every indicator every year, as a
smooth series (a base size, a steady trend and a little noise; ratios, a PUE and an IT
capacity drawn in plausible ranges, ``PLAUSIBLE``); the method of a series is reported for
most, estimated or calculated for the rest, 5 % of reported series also carry a calculated
value beside them, and 3 % are restated once (a second revision). Half the entities
give each value's country, the others leave it to the entity's.

Everything goes through ``Store.add_entities`` and ``Store.record_observations`` in batches of
about ``--batch`` values (one transaction each), on SQLite (a file path) or PostgreSQL (a URL
of an empty database). ``--observations`` sizes the store (the number of entities is derived
from it); the default is the full 10,200 entities (≈ 4.3 M current values, plus revisions).
Prints the rows written per second and the peak memory of the process.

Importable: ``generate(db, Shape(...))`` returns a ``Generated`` summary; other benchmarks
(``bench_reads.py``) build their store with it.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries
from ictfootprint.store import Store

SOURCE: Final = "benchmarks/generate_store.py (generated, fictitious)"
LAST_YEAR: Final = 2024
#: values per series beyond the first: a calculated value beside a reported one, a restatement
BESIDE_SHARE: Final = 0.05
RESTATED_SHARE: Final = 0.03
SUBSECTORS: Final = ("mobile_network", "fixed_network", "data_centre")
#: Indicators that do not grow with the reporter's size, and the range their values are drawn
#: in (log-uniform), in the catalogue's unit: a PUE, energy per line a year (ARCEP's survey
#: publishes these per technology), a data centre's IT capacity in MW. They were sized like
#: totals before (a PUE of 20,000).
PLAUSIBLE: Final = {
    "dc_pue": (1.1, 2.0),
    "energy_per_line_mobile": (10.0, 40.0),
    "energy_per_line_fixed_broadband": (20.0, 100.0),
    "energy_per_line_ftth": (5.0, 30.0),
    "energy_per_line_copper": (30.0, 120.0),
    "dc_it_capacity": (0.5, 200.0),
}


@dataclass(frozen=True)
class Shape:
    countries: int = 200
    entities: int = 10_200
    years: int = 10
    indicators: int = 40
    seed: int = 1
    batch: int = 50_000

    @classmethod
    def for_observations(cls, observations: int, **fields: int) -> Shape:
        """The shape whose current values number about ``observations``."""
        shape = cls(**fields)
        per_entity = shape.years * shape.indicators * (1 + BESIDE_SHARE)
        entities = max(1, math.ceil(observations / per_entity))
        return cls(**{**fields, "entities": entities})


@dataclass(frozen=True)
class Generated:
    rows: int
    entities: int
    seconds: float
    peak_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def indicators(count: int) -> list[tuple[str, str]]:
    """The first ``count`` numeric indicators of the catalogue, with their canonical units."""
    chosen = [
        (key, item.unit)
        for key, item in catalogue().items()
        if item.unit and not key.startswith("target_") and "share" not in key
    ]
    if count > len(chosen):
        raise SystemExit(f"--indicators: at most {len(chosen)} numeric indicators")
    return chosen[:count]


def entity_list(shape: Shape) -> list[Entity]:
    codes = sorted(countries())
    if shape.countries > len(codes):
        raise SystemExit(f"--countries: at most {len(codes)}")
    codes = codes[: shape.countries]
    return [
        Entity(
            id=f"e{number:05d}",
            name=f"Generated operator {number} (fictitious)",
            kind=EntityKind.COMPANY,
            country=codes[number % len(codes)],
            subsectors=(SUBSECTORS[number % len(SUBSECTORS)],),
            illustrative=True,
        )
        for number in range(shape.entities)
    ]


def _bounded(indicator: str, value: float) -> float:
    """``value`` rounded, and kept in the indicator's plausible range if it has one (a trend
    or a restatement never takes a PUE below 1.1)."""
    if indicator in PLAUSIBLE:
        low, high = PLAUSIBLE[indicator]
        value = min(max(value, low), high)
    return round(value, 3)


def _series(
    entity: Entity, number: int, shape: Shape, items: list[tuple[str, str]]
) -> Iterator[tuple[Observation, Observation | None]]:
    """Every value of one entity, each with its restatement if it has one."""
    rng = random.Random(shape.seed * 1_000_003 + number)
    size = 10 ** rng.uniform(2, 5)  # from a small reporter to a large operator
    country = entity.country if number % 2 == 0 else None
    subsector = entity.subsectors[0]
    first = LAST_YEAR - shape.years + 1
    for position, (indicator, unit) in enumerate(items):
        roll = rng.random()
        method = (
            Method.REPORTED
            if roll < 0.8
            else Method.ESTIMATED
            if roll < 0.92
            else Method.CALCULATED
        )
        beside = method is Method.REPORTED and rng.random() < BESIDE_SHARE / 0.8
        draw = rng.uniform(0.5, 1.5)  # the same draws for every indicator: other series
        trend = rng.uniform(-0.06, 0.04)  # stay those of the stores generated before
        if indicator in PLAUSIBLE:
            low, high = PLAUSIBLE[indicator]
            base = low * (high / low) ** (draw - 0.5)
            trend /= 3  # an efficiency moves slowly: at most -2 % a year
        else:
            base = size * (1 + position % 7) * draw
        for year in range(first, LAST_YEAR + 1):
            smooth = base * (1 + trend) ** (year - first) * (1 + rng.gauss(0, 0.02))
            value = _bounded(indicator, smooth)

            common = {
                "entity_id": entity.id,
                "indicator_id": indicator,
                "year": year,
                "unit": unit,
                "source": SOURCE,
                "country": country,
                "subsector": subsector,
            }

            restated = None
            if rng.random() < RESTATED_SHARE:
                restated = Observation(
                    **common,
                    value=_bounded(indicator, value * rng.uniform(0.9, 1.1)),
                    method=method,
                    reason="restated",
                )
            yield Observation(**common, value=value, method=method), restated
            if beside:
                yield (
                    Observation(
                        **common,
                        value=_bounded(indicator, value * rng.uniform(0.95, 1.05)),
                        method=Method.CALCULATED,
                    ),
                    None,
                )


def generate(db: str, shape: Shape, *, progress: bool = False) -> Generated:
    """Build the store in ``db`` (an empty SQLite file or PostgreSQL database)."""
    items = indicators(shape.indicators)
    store = Store.open(db, actor="generate_store")
    everyone = entity_list(shape)
    start = time.perf_counter()
    for offset in range(0, len(everyone), 2000):
        store.add_entities(everyone[offset : offset + 2000], file_name="generate_store.py")
    rows = 0
    batch: list[Observation] = []
    restatements: list[Observation] = []

    def flush() -> None:
        nonlocal rows
        for part in (batch, restatements):
            if part:
                rows += len(store.record_observations(part).written)
        batch.clear()
        restatements.clear()
        if progress:
            elapsed = time.perf_counter() - start
            print(f"  {rows:>10,} rows  {rows / elapsed:>9,.0f} rows/s", file=sys.stderr)

    for number, entity in enumerate(everyone):
        for value, restated in _series(entity, number, shape, items):
            batch.append(value)
            if restated is not None:
                restatements.append(restated)
        if len(batch) >= shape.batch:
            flush()
    flush()
    seconds = time.perf_counter() - start
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Generated(rows, len(everyone), seconds, peak)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="SQLite file path or PostgreSQL URL (empty)")
    parser.add_argument("--observations", type=int, help="size the store by its current values")
    defaults = Shape()
    for name in ("countries", "entities", "years", "indicators", "seed", "batch"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    args = parser.parse_args(argv)
    fields = {
        name: getattr(args, name)
        for name in ("countries", "entities", "years", "indicators", "seed", "batch")
    }
    if args.observations:
        fields.pop("entities")
        shape = Shape.for_observations(args.observations, **fields)
    else:
        shape = Shape(**fields)
    done = generate(args.db, shape, progress=True)
    print(
        f"{done.rows:,} rows ({done.entities:,} entities, {shape.countries} countries, "
        f"{shape.years} years, {shape.indicators} indicators) in {done.seconds:.1f} s: "
        f"{done.rows_per_second:,.0f} rows/s, peak memory {done.peak_mb:,.0f} MB"
    )


if __name__ == "__main__":
    main()
