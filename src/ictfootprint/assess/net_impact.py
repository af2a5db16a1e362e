"""Net GHG impact of an ICT solution (ITU-T L.1480), with a seeded Monte Carlo.

Net impact = the solution's own first-order footprint (embodied + use phase)
+ its second-order effects (changes in other sectors' emissions, usually reductions, so
negative) + higher-order effects (e.g. rebound, usually positive). A negative net impact means
the solution avoids emissions.

Every effect is uncertain, so each is given as a distribution; :func:`net_impact` draws all of
them ``draws`` times from ``numpy.random.default_rng(seed)`` and reports the median and the
90 % interval (5th to 95th percentile) of their sum. The same seed gives bit-identical results.
Effects are drawn one after another in file order, each taking ``draws`` numbers from the one
generator, so appending an effect never changes the draws of the effects before it.

The scenario file and its grammar: :mod:`ictfootprint.assess.scenario`.

Contribution of an effect: its mean divided by the sum of the absolute means of all effects.
It keeps the effect's sign (a reduction contributes a negative share) and the absolute
contributions add up to 1, so a large reduction and a large rebound both show as large.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ictfootprint.assess.scenario import (
    DISTRIBUTIONS,
    ORDERS,
    TIER3_REASON,
    Distribution,
    Effect,
    Order,
    Scenario,
    check_draws,
    check_unit,
    is_int,
    load_scenario,
    scenario_from_dict,
)
from ictfootprint.errors import InputError, Location
from ictfootprint.units import convert


@dataclass(frozen=True)
class Summary:
    """Statistics of a sample: mean, median and the 90 % interval (p5..p95)."""

    mean: float
    median: float
    p5: float
    p95: float

    @staticmethod
    def of(sample: npt.NDArray[np.float64]) -> Summary:
        p5, median, p95 = (float(x) for x in np.percentile(sample, [5, 50, 95]))
        return Summary(mean=float(np.mean(sample)), median=median, p5=p5, p95=p95)


@dataclass(frozen=True)
class EffectResult:
    name: str
    order: Order
    distribution: str
    mean: float
    median: float
    p5: float
    p95: float
    #: mean / sum of |mean| over all effects (signed; see the module docstring)
    contribution: float


@dataclass(frozen=True)
class OrderTotal:
    """The sum of all effects of one order (zero when the scenario has none of that order)."""

    order: Order
    effects: int
    mean: float
    median: float
    p5: float
    p95: float


@dataclass(frozen=True)
class NetImpact:
    """Result of :func:`net_impact`; negative values mean avoided emissions."""

    title: str
    illustrative: bool
    unit: str
    period_years: float
    tier: int
    public_claims_allowed: bool
    public_claims_reason: str | None
    seed: int
    draws: int
    median: float
    p5: float
    p95: float
    mean: float
    by_order: tuple[OrderTotal, ...]
    effects: tuple[EffectResult, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: Python floats, and lists (what JSON gives back) for tuples."""
        data = asdict(self)
        data["by_order"] = list(data["by_order"])
        data["effects"] = list(data["effects"])
        return data


def net_impact(
    scenario: Scenario,
    *,
    seed: int | None = None,
    draws: int | None = None,
    unit: str | None = None,
) -> NetImpact:
    """Monte Carlo net impact of ``scenario``; ``seed``/``draws`` override the file's.

    ``unit`` (default: the scenario's) is any mass of CO2e to report in.

    >>> s = scenario_from_dict({"title": "t", "tier": 1, "unit": "tCO2e", "effect": [
    ...     {"name": "own", "order": "first", "value": {"distribution": "fixed", "value": 50}},
    ...     {"name": "cut", "order": "second", "value": {"distribution": "fixed", "value": -800}},
    ... ]}, "doc")
    >>> net_impact(s, unit="ktCO2e").median
    -0.75
    """
    if seed is not None and (not is_int(seed) or seed < 0):
        raise InputError("bad seed", Location(field="seed"), "an integer >= 0", repr(seed))
    used_seed = scenario.seed if seed is None else seed
    used_draws = scenario.draws if draws is None else check_draws(draws, None)
    out_unit = scenario.unit if unit is None else check_unit(unit, None)
    factor = convert(1.0, scenario.unit, out_unit).value

    rng = np.random.default_rng(used_seed)
    # Drawn strictly in file order from one generator: see the module docstring.
    samples = [e.value.sample(rng, used_draws) * factor for e in scenario.effects]
    total = np.sum(samples, axis=0) if samples else np.zeros(used_draws)
    net = Summary.of(total)

    means = [float(np.mean(s)) for s in samples]
    scale = sum(abs(m) for m in means)
    results = []
    for effect, sample, mean in zip(scenario.effects, samples, means, strict=True):
        s = Summary.of(sample)
        results.append(
            EffectResult(
                name=effect.name,
                order=effect.order,
                distribution=effect.value.kind,
                mean=s.mean,
                median=s.median,
                p5=s.p5,
                p95=s.p95,
                contribution=mean / scale if scale else 0.0,
            )
        )

    by_order = []
    for order in ORDERS:
        mine = [s for e, s in zip(scenario.effects, samples, strict=True) if e.order == order]
        o = Summary.of(np.sum(mine, axis=0) if mine else np.zeros(used_draws))
        by_order.append(OrderTotal(order, len(mine), o.mean, o.median, o.p5, o.p95))

    allowed = scenario.tier != 3
    return NetImpact(
        title=scenario.title,
        illustrative=scenario.illustrative,
        unit=out_unit,
        period_years=scenario.period_years,
        tier=scenario.tier,
        public_claims_allowed=allowed,
        public_claims_reason=None if allowed else TIER3_REASON,
        seed=used_seed,
        draws=used_draws,
        median=net.median,
        p5=net.p5,
        p95=net.p95,
        mean=net.mean,
        by_order=tuple(by_order),
        effects=tuple(results),
    )


__all__ = [
    "DISTRIBUTIONS",
    "ORDERS",
    "TIER3_REASON",
    "Distribution",
    "Effect",
    "EffectResult",
    "NetImpact",
    "OrderTotal",
    "Scenario",
    "Summary",
    "load_scenario",
    "net_impact",
    "scenario_from_dict",
]
