"""An ITU-T L.1480 scenario file: effects of an ICT solution with their uncertainty.

Scenario grammar (TOML)::

    title = "..."            # required, non-empty text
    illustrative = true      # optional, default false: the figures are made up
    tier = 3                 # required, 1, 2 or 3 (L.1480 assessment tier); tier 3 is a
                             #   screening result and not for public claims
    unit = "tCO2e"           # required, the unit of every effect: any mass of CO2e
                             #   (kgCO2e, tCO2e, ktCO2e, MtCO2e...)
    period_years = 1         # optional, default 1, > 0: the period the effects cover
    seed = 42                # optional, default 0, integer >= 0; the API may override it
    draws = 10000            # optional, default 10000, integer 100..1000000; API may override

    [[effect]]               # at least one
    name = "..."             # required, non-empty, unique within the file
    order = "first"          # required: first | second | higher
    value = { distribution = "normal", mean = -800, sd = 120 }

``value`` is one of (every parameter a finite number, no other keys)::

    { distribution = "fixed", value = V }
    { distribution = "normal", mean = M, sd = S }               # S > 0
    { distribution = "lognormal", mean = M, sd = S }            # M != 0, S > 0
    { distribution = "uniform", low = L, high = H }             # L < H
    { distribution = "triangular", low = L, mode = C, high = H }  # L <= C <= H, L < H

Lognormal ``mean`` and ``sd`` are those of the variable itself, not of its logarithm, because
that is what an assessor knows ("about 300 t, give or take 100"). They become the parameters
of the underlying normal as sigma² = ln(1 + sd²/mean²) and mu = ln|mean| − sigma²/2. A negative
mean gives the mirror image (−X, X lognormal with mean |mean|): a reduction whose size is
lognormal, never turning into an increase.

Errors in a scenario are :class:`~ictfootprint.errors.InputError` naming the file and the field,
e.g. ``effect[2].value.sd``; effects are numbered from 1, as a reader counts the
``[[effect]]`` tables in the file.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt

from ictfootprint.errors import InputError, Location, UnitError
from ictfootprint.units import is_compatible

Order = Literal["first", "second", "higher"]
ORDERS: Final[tuple[Order, ...]] = ("first", "second", "higher")

#: Parameters of each distribution, in the order the sampler takes them.
DISTRIBUTIONS: Final[dict[str, tuple[str, ...]]] = {
    "fixed": ("value",),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
}

MIN_DRAWS: Final = 100
MAX_DRAWS: Final = 1_000_000
DEFAULT_DRAWS: Final = 10_000
#: Used when neither the file nor the caller gives a seed, so every run stays reproducible.
DEFAULT_SEED: Final = 0
#: The unit every scenario unit must be a mass of (checked by dimension, never by name).
_CO2E_MASS: Final = "tCO2e"
TIER3_REASON: Final = "tier-3 screening result: not for public claims"

_TOP_KEYS: Final = {"title", "illustrative", "tier", "unit", "period_years", "seed", "draws"}
_EFFECT_KEYS: Final = {"name", "order", "value"}


@dataclass(frozen=True)
class Distribution:
    """One uncertain quantity: a distribution name and its parameters."""

    kind: str
    params: tuple[tuple[str, float], ...]

    def param(self, name: str) -> float:
        return dict(self.params)[name]

    def sample(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
        """``n`` draws; ``fixed`` takes nothing from ``rng`` (it has no uncertainty)."""
        p = dict(self.params)
        if self.kind == "fixed":
            return np.full(n, p["value"], dtype=np.float64)
        if self.kind == "normal":
            return rng.normal(p["mean"], p["sd"], n)
        if self.kind == "lognormal":
            mean, sd = p["mean"], p["sd"]
            sigma2 = math.log1p((sd / mean) ** 2)
            mu = math.log(abs(mean)) - sigma2 / 2
            return math.copysign(1.0, mean) * rng.lognormal(mu, math.sqrt(sigma2), n)
        if self.kind == "uniform":
            return rng.uniform(p["low"], p["high"], n)
        if self.kind == "triangular":
            return rng.triangular(p["low"], p["mode"], p["high"], n)
        raise AssertionError(f"unvalidated distribution {self.kind!r}")


@dataclass(frozen=True)
class Effect:
    name: str
    order: Order
    value: Distribution


@dataclass(frozen=True)
class Scenario:
    """A validated L.1480 scenario; build it with :func:`load_scenario` or
    :func:`scenario_from_dict`."""

    title: str
    illustrative: bool
    tier: int
    unit: str
    period_years: float
    seed: int
    draws: int
    effects: tuple[Effect, ...]
    source: str


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario TOML file."""
    where = Location(file=str(path))
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError("cannot read scenario file", where, found=str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("scenario file is not UTF-8 text", where) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("scenario file is not valid TOML", where, found=str(exc)) from exc
    return scenario_from_dict(data, str(path))


def scenario_from_dict(data: Mapping[str, Any], name: str) -> Scenario:
    """Validate parsed scenario data; ``name`` (a file name) goes into every error."""

    def err(field: str, message: str, expected: str | None, found: Any) -> InputError:
        shown = None if found is _MISSING else repr(found)
        return InputError(message, Location(file=name, field=field), expected, shown)

    if not isinstance(data, Mapping):
        raise err("", "scenario is not a table", "a TOML table", data)
    unknown = sorted(set(data) - _TOP_KEYS - {"effect"})
    if unknown:
        raise err(unknown[0], "unknown key", f"one of {sorted(_TOP_KEYS | {'effect'})}", None)

    title = data.get("title", _MISSING)
    if not isinstance(title, str) or not title.strip():
        raise err("title", "missing or empty title", "non-empty text", title)
    illustrative = data.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise err("illustrative", "not a boolean", "true or false", illustrative)
    tier = data.get("tier", _MISSING)
    if not is_int(tier) or tier not in (1, 2, 3):
        raise err("tier", "bad assessment tier", "1, 2 or 3", tier)
    unit = check_unit(data.get("unit", _MISSING), name)
    period = data.get("period_years", 1)
    if not _is_number(period) or period <= 0:
        raise err("period_years", "bad period", "a number > 0", period)
    seed = data.get("seed", DEFAULT_SEED)
    if not is_int(seed) or seed < 0:
        raise err("seed", "bad seed", "an integer >= 0", seed)
    draws = check_draws(data.get("draws", DEFAULT_DRAWS), name)

    raw_effects = data.get("effect", _MISSING)
    if not isinstance(raw_effects, list) or not raw_effects:
        raise err("effect", "no effects", "at least one [[effect]] table", raw_effects)
    effects: list[Effect] = []
    for number, raw in enumerate(raw_effects, start=1):
        effect = _check_effect(raw, f"effect[{number}]", name)
        if any(e.name == effect.name for e in effects):
            raise err(
                f"effect[{number}].name", "duplicate effect name", "a unique name", effect.name
            )
        effects.append(effect)
    return Scenario(
        title=title.strip(),
        illustrative=illustrative,
        tier=int(tier),
        unit=unit,
        period_years=float(period),
        seed=int(seed),
        draws=draws,
        effects=tuple(effects),
        source=name,
    )


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Final = _Missing()


def is_int(x: object) -> bool:
    # bool is an int subclass: `tier = true` must not pass as tier 1
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def check_unit(unit: object, file: str | None) -> str:
    where = Location(file=file, field="unit")
    expected = f"a mass of CO2e such as {_CO2E_MASS} or kgCO2e"
    if not isinstance(unit, str) or not unit.strip():
        found = None if unit is _MISSING else repr(unit)
        raise InputError("missing unit", where, expected, found)
    try:
        ok = is_compatible(unit, _CO2E_MASS)
    except UnitError as exc:
        raise InputError(exc.message, where, exc.expected or expected, exc.found) from exc
    if not ok:
        raise InputError("not a mass of CO2e", where, expected, unit)
    return unit.strip()


def check_draws(draws: object, file: str | None) -> int:
    if not is_int(draws) or not MIN_DRAWS <= cast(int, draws) <= MAX_DRAWS:
        raise InputError(
            "bad number of draws",
            Location(file=file, field="draws"),
            f"an integer from {MIN_DRAWS} to {MAX_DRAWS}",
            repr(draws),
        )
    return cast(int, draws)


def _check_effect(raw: object, path: str, file: str) -> Effect:
    def err(field: str, message: str, expected: str | None, found: Any) -> InputError:
        shown = None if found is _MISSING else repr(found)
        return InputError(message, Location(file=file, field=field), expected, shown)

    if not isinstance(raw, Mapping):
        raise err(path, "effect is not a table", "an [[effect]] table", raw)
    unknown = sorted(set(raw) - _EFFECT_KEYS)
    if unknown:
        raise err(f"{path}.{unknown[0]}", "unknown key", f"one of {sorted(_EFFECT_KEYS)}", None)
    name = raw.get("name", _MISSING)
    if not isinstance(name, str) or not name.strip():
        raise err(f"{path}.name", "missing or empty effect name", "non-empty text", name)
    order = raw.get("order", _MISSING)
    if order not in ORDERS:
        raise err(f"{path}.order", "unknown effect order", " | ".join(ORDERS), order)
    value = raw.get("value", _MISSING)
    vpath = f"{path}.value"
    if not isinstance(value, Mapping):
        raise err(vpath, "missing or bad value", "a table such as { distribution = ... }", value)
    kind = value.get("distribution", _MISSING)
    if kind not in DISTRIBUTIONS:
        raise err(f"{vpath}.distribution", "unknown distribution", " | ".join(DISTRIBUTIONS), kind)
    names = DISTRIBUTIONS[kind]
    extra = sorted(set(value) - set(names) - {"distribution"})
    if extra:
        raise err(f"{vpath}.{extra[0]}", f"unknown parameter of {kind}", ", ".join(names), None)
    params: dict[str, float] = {}
    for p in names:
        x = value.get(p, _MISSING)
        if not _is_number(x):
            raise err(f"{vpath}.{p}", f"missing or bad parameter of {kind}", "a finite number", x)
        params[p] = float(x)
    _check_shape(kind, params, vpath, err)
    return Effect(
        name=name.strip(),
        order=cast(Order, order),
        value=Distribution(kind, tuple((p, params[p]) for p in names)),
    )


def _check_shape(kind: str, p: dict[str, float], vpath: str, err: Any) -> None:
    """The relations between parameters that make a distribution valid."""
    if kind in ("normal", "lognormal") and p["sd"] <= 0:
        raise err(f"{vpath}.sd", "standard deviation must be positive", "sd > 0", p["sd"])
    if kind == "lognormal" and p["mean"] == 0:
        raise err(f"{vpath}.mean", "lognormal mean cannot be 0", "mean != 0", p["mean"])
    if kind in ("uniform", "triangular") and not p["low"] < p["high"]:
        raise err(f"{vpath}.high", "high must be above low", f"high > {p['low']}", p["high"])
    if kind == "triangular" and not p["low"] <= p["mode"] <= p["high"]:
        expected = f"{p['low']} <= mode <= {p['high']}"
        raise err(f"{vpath}.mode", "mode outside low..high", expected, p["mode"])
