"""Where a series is heading against its pathway: a least-squares projection to the target
year, and the reduction needed from the latest year to land on the pathway there.

Pure functions over ``{year: value}``; :mod:`.trajectory` compares year by year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ictfootprint.errors import InputError, Location


@dataclass(frozen=True)
class Projection:
    """Ordinary least squares over the last ``years_used`` years with a value.

    Emissions do not go below zero: when the line crosses zero before the target year,
    ``projected`` is 0, ``clamped`` is set, ``zero_year`` is the first whole year at or after
    the crossing and ``note`` says so in words."""

    method: str
    years_used: tuple[int, ...]
    slope_per_year: float
    target_year: int
    projected: float
    clamped: bool = False
    zero_year: int | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RequiredReduction:
    """From the latest actual value to the pathway value at the target year."""

    from_year: int
    from_value: float
    target_year: int
    target_value: float
    absolute_per_year: float  # a straight line: the same amount every year
    percent_per_year: float | None  # compound: the same share every year (None if target 0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def project(actual: Mapping[int, float], target_year: int, last_years: int = 5) -> Projection:
    """Fit value = a + b·year over the last ``last_years`` years that have a value.

    >>> project({2020: 100.0, 2021: 90.0, 2022: 80.0}, 2030).projected
    0.0
    >>> project({2020: 100.0, 2021: 80.0}, 2030).note
    'the trend reaches zero in 2025; projection clamped at zero'
    """
    if last_years < 2:
        raise InputError(
            "a trend needs at least 2 years", Location(field="last_years"), found=str(last_years)
        )
    years = sorted(actual)[-last_years:]
    if len(years) < 2:
        raise InputError(
            "a trend needs values for at least 2 years",
            Location(field="years"),
            found=", ".join(map(str, years)) or "none",
        )
    n = len(years)
    mean_x = sum(years) / n
    mean_y = sum(actual[y] for y in years) / n
    sxx = sum((y - mean_x) ** 2 for y in years)
    slope = sum((y - mean_x) * (actual[y] - mean_y) for y in years) / sxx
    intercept = mean_y - slope * mean_x
    line = intercept + slope * target_year
    clamped = line < 0
    # the crossing rounded first: binary noise (2025.0000000001) is not 2026
    zero_year = math.ceil(round(-intercept / slope, 6)) if clamped and slope < 0 else None
    return Projection(
        method=f"ordinary least squares over the last {n} years with a value "
        f"({years[0]}-{years[-1]})",
        years_used=tuple(years),
        slope_per_year=slope,
        target_year=target_year,
        projected=0.0 if clamped else line + 0.0,
        clamped=clamped,
        zero_year=zero_year,
        note=None
        if not clamped
        else f"the trend reaches zero in {zero_year}; projection clamped at zero"
        if zero_year is not None
        else "the trend is below zero; projection clamped at zero",
    )


def required_reduction(
    actual: Mapping[int, float], target_year: int, target_value: float
) -> RequiredReduction:
    """What it takes, from the latest year with a value, to reach ``target_value``.

    >>> r = required_reduction({2024: 820.0}, 2030, 550.0)
    >>> r.absolute_per_year, round(r.percent_per_year, 4)
    (45.0, 6.4397)
    """
    latest = max(actual)
    if latest >= target_year:
        raise InputError(
            "the latest value is at or after the target year",
            Location(field="target_year"),
            expected=f"> {latest}",
            found=str(target_year),
        )
    start, years = actual[latest], target_year - latest
    absolute = (start - target_value) / years
    percent = (
        100 * (1 - (target_value / start) ** (1 / years))
        if start > 0 and target_value > 0
        else None
    )
    return RequiredReduction(latest, start, target_year, target_value, absolute, percent)
