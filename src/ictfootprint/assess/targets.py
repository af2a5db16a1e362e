"""Targets: progress against each, and an implied temperature rise per target and entity.

Temperature: the CDP-WWF Temperature Rating Methodology v1 (CDP and WWF, 2020), as the SBTi
finance tool implements it. A target's annual linear reduction (LAR, % of base-year emissions
a year) maps through a regression of end-of-century warming on LAR, fitted on IPCC SR1.5
scenarios, for the target's time frame (target year − reference year: short ≤ 4 years, mid
≤ 15, long ≤ 30): temperature = param × LAR + intercept, never below the floor. Absolute
targets use the Kyoto-gases regression, intensity targets the Kyoto-gases-per-GDP one. A time
frame without a target gets the method's default score (3.2 °C). Parameters and thresholds
are data (``temperature_regression.csv``, ``[temperature]`` in ``defaults.toml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Final

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Target
from ictfootprint.reference.loader import data_file, defaults, read_csv

TIME_FRAMES: Final = ("short", "mid", "long")
_SLOPES: Final = {"short": "slope5", "mid": "slope15", "long": "slope30"}


@dataclass(frozen=True)
class Temperature:
    time_frame: str | None
    annual_reduction_percent: float
    celsius: float
    param: float | None
    intercept: float | None
    method: str


@dataclass(frozen=True)
class Progress:
    latest_year: int | None
    latest_value: float | None
    target_value: float | None
    path_value: float | None  # where a straight line from base to target stands now
    achieved_percent: float | None
    on_track: bool | None


@cache
def _regressions() -> dict[tuple[str, str], tuple[float, float]]:
    return {
        (r["target_kind"], r["slope"]): (float(r["param"]), float(r["intercept"]))
        for r in read_csv("temperature_regression.csv")
    }


STATUSES: Final = ("committed", "validated")
KINDS: Final = ("absolute", "intensity")


def new_target(entity_id: str, **fields: Any) -> Target:
    """A target from outside input (the CLI's options, the API's body), checked: a known
    combined scope, kind and status, and the record's own ranges. Base-year emissions are
    tCO2e."""
    from pydantic import ValidationError

    from ictfootprint.errors import from_validation
    from ictfootprint.reference.catalogue import SCOPES

    for name, allowed in (("scope", SCOPES), ("kind", KINDS), ("status", STATUSES)):
        if name in fields and fields[name] not in allowed:
            raise InputError(
                f"unknown {name}",
                Location(field=name),
                expected=", ".join(allowed),
                found=str(fields[name]),
            )
    if fields.get("base_value") is not None:
        fields["unit"] = "tCO2e"
    try:
        target = Target(entity_id=entity_id, **fields)
    except ValidationError as exc:
        raise from_validation(exc) from None
    if target.target_year <= target.base_year:
        raise InputError(
            "target year not after the base year",
            Location(field="target_year"),
            expected=f"> {target.base_year}",
            found=str(target.target_year),
        )
    return target


def time_frame(target_year: int, reference_year: int) -> str | None:
    settings = defaults()["temperature"]
    years = target_year - reference_year
    if years < 0:
        return None
    if years <= settings["short_term_max_years"]:
        return "short"
    if years <= settings["mid_term_max_years"]:
        return "mid"
    if years <= settings["long_term_max_years"]:
        return "long"
    return None


def temperature(target: Target, reference_year: int) -> Temperature:
    """Implied temperature rise of one target (CDP-WWF v1; see the module docstring).

    >>> from ictfootprint.model import Target
    >>> t = Target(entity_id="e", scope="1+2-market", base_year=2020, target_year=2030,
    ...            reduction_percent=42, source="x")
    >>> round(temperature(t, 2026).celsius, 4)  # short term: -0.2127 × 4.2 + 2.5743
    1.681
    """
    if target.target_year <= target.base_year:
        raise InputError(
            "target year not after base year",
            Location(field="target_year"),
            expected=f"> {target.base_year}",
            found=str(target.target_year),
        )
    if target.kind not in ("absolute", "intensity"):
        raise InputError(
            "unknown target kind",
            Location(field="kind"),
            expected="absolute or intensity",
            found=target.kind,
        )
    lar = target.reduction_percent / (target.target_year - target.base_year)
    frame = time_frame(target.target_year, reference_year)
    source = data_file("temperature_regression.csv").source
    settings = defaults()["temperature"]
    if frame is None:
        return Temperature(
            None,
            lar,
            float(settings["default_score_celsius"]),
            None,
            None,
            "default score: target year past or beyond the long term",
        )
    param, intercept = _regressions()[(target.kind, _SLOPES[frame])]
    celsius = max(param * lar + intercept, float(settings["floor_celsius"]))
    return Temperature(
        frame,
        lar,
        celsius,
        param,
        intercept,
        f"CDP-WWF v1 regression ({target.kind}, {frame} term): {source}",
    )


def entity_temperature(targets: list[Target], reference_year: int) -> dict[str, Any]:
    """Per time frame: the mean of the targets' scores there, else the default score."""
    default = float(defaults()["temperature"]["default_score_celsius"])
    scores: dict[str, list[float]] = {frame: [] for frame in TIME_FRAMES}
    for target in targets:
        result = temperature(target, reference_year)
        if result.time_frame is not None:
            scores[result.time_frame].append(result.celsius)
    return {
        frame: {"celsius": sum(v) / len(v) if v else default, "targets": len(v), "default": not v}
        for frame, v in scores.items()
    }


def progress(target: Target, actual: Mapping[int, float]) -> Progress:
    """Where the entity stands against a target: latest value, the straight-line path from base
    to target at that year, the reduction achieved, and whether it is at or below the path."""
    base = target.base_value if target.base_value is not None else actual.get(target.base_year)
    later = [y for y in actual if y > target.base_year]
    if base is None or not later:
        return Progress(None, None, None, None, None, None)
    year = max(later)
    goal = base - base * target.reduction_percent / 100  # 1,000 − 420, as by hand
    share = min(1.0, (year - target.base_year) / (target.target_year - target.base_year))
    path = base + (goal - base) * share
    value = actual[year]
    return Progress(
        year, value, goal, path, 100 * (1 - value / base) if base else None, value <= path
    )


def as_dict(item: Temperature | Progress) -> dict[str, Any]:
    return asdict(item)
