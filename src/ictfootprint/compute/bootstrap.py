"""The bootstrap over peers' intensities behind the estimates of the unreported part.

A peer group's intensity is a ratio of sums, Σ value / Σ denominator. Its uncertainty is the
distribution of that ratio over resamples of the peers (with replacement, as many as there
are peers). When the peers are few enough for every distinct resample to be listed (at most
``draws`` of them), the distribution is exact: each distinct resample with its multinomial
probability, so the interval can be checked by hand and needs no seed. Otherwise ``draws``
resamples are drawn from a generator seeded with the settings' seed and the group's name
(sub-sector, year, denominator and where the peers come from: one draw of the peers serves
every quantity of the group): the same inputs give the same numbers, whatever else is
estimated in the same run.

Intervals are percentile intervals read with the inverted distribution function (the
smallest value whose cumulative probability reaches the level), the same rule for exact and
drawn distributions.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations_with_replacement

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
# peer positions drawn at once (bounds memory to a few tens of MB)
_CELLS = 2_000_000


@dataclass(frozen=True)
class Distribution:
    """Values with their probabilities (summing to 1); ``exact`` when every resample was
    listed rather than drawn."""

    values: Floats
    weights: Floats
    exact: bool


def resample_count(peers: int) -> int:
    """How many distinct resamples ``peers`` peers have: C(2n − 1, n)."""
    return math.comb(2 * peers - 1, peers)


def ratio_distribution(
    values: Sequence[float] | Floats,
    denominators: Sequence[float] | Floats,
    *,
    draws: int,
    seed: int,
    key: str,
) -> Distribution:
    """The bootstrap distribution of Σ value / Σ denominator over the peers given.

    >>> d = ratio_distribution([1.0, 3.0], [1.0, 1.0], draws=100, seed=1, key="k")
    >>> [(float(v), float(w)) for v, w in zip(d.values, d.weights)]
    [(1.0, 0.25), (2.0, 0.5), (3.0, 0.25)]
    """
    v = np.asarray(values, dtype="float64")
    d = np.asarray(denominators, dtype="float64")
    return ratio_distributions(v[:, None], d[:, None], draws=draws, seed=seed, key=key)[0]


def ratio_distributions(
    values: Floats, denominators: Floats, *, draws: int, seed: int, key: str
) -> list[Distribution]:
    """The bootstrap distributions of Σ value / Σ denominator for each column of ``values``
    and ``denominators`` (n peers × k ratios), over the same resamples of the n peers (one
    draw of the peers serves every quantity of a peer group; seeded by ``key`` alone)."""
    n = values.shape[0]
    if n == 0:
        raise ValueError("a bootstrap needs at least one peer")
    k = values.shape[1]
    if resample_count(n) <= draws:
        counts, weights = _resamples(n)
        return [
            Distribution(
                (counts @ np.ascontiguousarray(values[:, i]))
                / (counts @ np.ascontiguousarray(denominators[:, i])),
                weights,
                exact=True,
            )
            for i in range(k)
        ]
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(key.encode())]))
    chunks = []
    # resamples drawn as peer positions, at most about _CELLS positions at a time, and
    # counted per resample (a row of counts), so that one product sums every column
    both = np.concatenate([values, denominators], axis=1)
    step = max(1, _CELLS // n)
    for start in range(0, draws, step):
        rows = min(step, draws - start)
        picked = rng.integers(0, n, size=(rows, n), dtype=np.int32)
        picked += (np.arange(rows, dtype=np.int32) * n)[:, None]
        tally = np.bincount(picked.ravel(), minlength=rows * n).reshape(rows, n)
        # einsum's own loop, not BLAS: its threads only spin on a small product
        chunks.append(np.einsum("ij,jk->ik", tally.astype("float64"), both))
    sums = np.concatenate(chunks)
    weights = np.full(draws, 1.0 / draws)
    return [Distribution(sums[:, i] / sums[:, k + i], weights, exact=False) for i in range(k)]


@lru_cache(maxsize=64)
def _resamples(n: int) -> tuple[Floats, Floats]:
    """Every distinct resample of ``n`` peers as a row of counts, with its probability
    n! / (k₁! … kₙ!) / nⁿ (computed once per ``n``)."""
    rows = []
    weights = []
    scale = math.factorial(n) / n**n
    for combination in combinations_with_replacement(range(n), n):
        counts = Counter(combination)
        row = np.zeros(n)
        ways = scale
        for i, k in counts.items():
            row[i] = k
            ways /= math.factorial(k)
        rows.append(row)
        weights.append(ways)
    matrix = np.asarray(rows)
    probabilities = np.asarray(weights)
    matrix.setflags(write=False)
    probabilities.setflags(write=False)
    return matrix, probabilities


def quantile(values: Floats, weights: Floats, level: float) -> float:
    """The smallest value whose cumulative probability reaches ``level`` (inverted CDF)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    # probabilities are sums of floats: 0.05 reached as 0.04999999999 still counts
    index = int(np.searchsorted(cumulative, level - 1e-12, side="left"))
    return float(values[order][min(index, len(order) - 1)])


def interval(values: Floats, weights: Floats, level: float) -> tuple[float, float]:
    """The two-sided ``level`` (e.g. 0.90) percentile interval: (low, high)."""
    tail = (1.0 - level) / 2
    return quantile(values, weights, tail), quantile(values, weights, 1.0 - tail)


def combined(
    parts: Sequence[tuple[Distribution, Floats, Floats]],
    *,
    draws: int,
    seed: int,
    key: str,
) -> tuple[Floats, Floats]:
    """The distribution of Σ max(0, I × gap − without) over independent peer groups, each
    a distribution of its intensity I and the gaps and values without a denominator of the
    countries it serves: exact when one group, else ``draws`` joint draws, every group
    sampled from its own distribution with one generator seeded by ``key``."""
    if len(parts) == 1:
        distribution, gaps, without = parts[0]
        return contribution(distribution.values, gaps, without), distribution.weights
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(key.encode())]))
    uniform = rng.random((len(parts), draws))
    picked = np.empty((len(parts), draws))
    alike: dict[int, list[int]] = {}
    # exact distributions of as many peers share one array of weights (``_resamples``):
    # the first value whose cumulative probability reaches u, found for all of them at once
    exact: dict[int, tuple[Floats, list[int]]] = {}
    for position, (distribution, _, _) in enumerate(parts):
        if distribution.exact:
            exact.setdefault(id(distribution.weights), (distribution.weights, []))[1].append(
                position
            )
        else:  # drawn values are equally likely: picked together, by size
            alike.setdefault(len(distribution.values), []).append(position)
    for weights, positions in exact.values():
        table = np.stack([parts[p][0].values for p in positions])
        at = np.searchsorted(np.cumsum(weights), uniform[positions])
        picked[positions] = np.take_along_axis(table, np.minimum(at, len(weights) - 1), axis=1)
    for size, positions in alike.items():
        table = np.stack([parts[p][0].values for p in positions])
        at = np.minimum((uniform[positions] * size).astype(np.intp), size - 1)
        picked[positions] = np.take_along_axis(table, at, axis=1)
    owner = np.concatenate([np.full(len(p[1]), i) for i, p in enumerate(parts)])
    gaps = np.concatenate([p[1] for p in parts])
    without = np.concatenate([p[2] for p in parts])
    terms = np.maximum(picked[owner] * gaps[:, None] - without[:, None], 0.0)
    return terms.sum(axis=0), np.full(draws, 1.0 / draws)


def contribution(intensity: Floats, gaps: Floats, without: Floats) -> Floats:
    """Σ over countries of max(0, I × gap − without), for every intensity I given."""
    terms = np.maximum(np.outer(np.asarray(intensity), gaps) - without, 0.0)
    summed: Floats = terms.sum(axis=1)
    return summed
