"""The bootstrap over peers' intensities behind the estimates of the unreported part.

A peer group's intensity is a ratio of sums, Σ value / Σ denominator. Its uncertainty is the
distribution of that ratio over resamples of the peers (with replacement, as many as there
are peers). When the peers are few enough for every distinct resample to be listed (at most
``draws`` of them), the distribution is exact: each distinct resample with its multinomial
probability, so the interval can be checked by hand and needs no seed. Otherwise ``draws``
resamples are drawn from a generator seeded with the settings' seed and the group's name: the
same inputs give the same numbers, whatever else is estimated in the same run.

Intervals are percentile intervals read with the inverted distribution function (the
smallest value whose cumulative probability reaches the level), the same rule for exact and
drawn distributions.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
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
    n = len(v)
    if n == 0:
        raise ValueError("a bootstrap needs at least one peer")
    if resample_count(n) <= draws:
        return _exact(v, d)
    rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(key.encode())]))
    ratios = []
    # resamples drawn as peer positions, at most about _CELLS positions at a time
    step = max(1, _CELLS // n)
    for start in range(0, draws, step):
        picked = rng.integers(0, n, size=(min(step, draws - start), n))
        ratios.append(v[picked].sum(axis=1) / d[picked].sum(axis=1))
    drawn = np.concatenate(ratios)
    return Distribution(drawn, np.full(draws, 1.0 / draws), exact=False)


def _exact(v: Floats, d: Floats) -> Distribution:
    counts, weights = _resamples(len(v))
    return Distribution((counts @ v) / (counts @ d), weights, exact=True)


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
    parts: Sequence[tuple[Distribution, Callable[[Floats], Floats]]],
    *,
    draws: int,
    seed: int,
    key: str,
) -> tuple[Floats, Floats]:
    """The distribution of Σ f(intensity) over independent peer groups (each a distribution
    and the function of its intensity that it contributes): exact when one group, else
    ``draws`` joint draws, each group sampled from its own distribution with a generator
    seeded by ``key`` and the group's position."""
    if len(parts) == 1:
        distribution, contribution = parts[0]
        return contribution(distribution.values), distribution.weights
    total = np.zeros(draws)
    for position, (distribution, contribution) in enumerate(parts):
        rng = np.random.default_rng(
            np.random.SeedSequence([seed, zlib.crc32(key.encode()), position])
        )
        if distribution.exact:
            picked = rng.choice(distribution.values, size=draws, p=distribution.weights)
        else:  # drawn values are equally likely
            picked = distribution.values[rng.integers(0, len(distribution.values), size=draws)]
        total += contribution(picked)
    return total, np.full(draws, 1.0 / draws)
