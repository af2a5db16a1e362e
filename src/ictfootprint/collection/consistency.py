"""Scope 1 + Scope 2 against a reported S1+2 total: one arithmetic for a submission's
check (rule ``s1s2-consistent``) and for a check of what the store already holds.

A restated component (or total) can leave a company's current Scope 1 + Scope 2 contradicting
its current S1+2 total: each value was plausible in its own submission, the series is not.
:func:`check_store` lists such series; :func:`differs_percent` is the comparison both use,
with ``[validation] total_tolerance_percent`` (defaults.toml) as the limit.

For example::

    differs_percent(300_000, [120_000, 200_000], tolerance_percent=0.1)  # 6.25
    [d.describe() for d in check_store(store, entity_ids=["op-1"])]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.loader import defaults
from ictfootprint.units import figure_text

if TYPE_CHECKING:
    from ictfootprint.store import Store

#: The reported combined figures re-checked against their components (the catalogue's).
COMBINED: Final = ("ghg_s1s2_location", "ghg_s1s2_market")


def components(combined: str) -> tuple[str, ...]:
    return catalogue()[combined].components


def tolerance_percent(settings: Mapping[str, Any] | None = None) -> float:
    """``[validation] total_tolerance_percent``: below it a difference is rounding."""
    source = settings if settings is not None else defaults()["validation"]
    return float(source["total_tolerance_percent"])


def differs_percent(
    combined: float, parts: Sequence[float], *, tolerance_percent: float
) -> float | None:
    """How far (in % of the larger) a combined figure is from the sum of its parts, or None
    when within the tolerance. Never divides by zero: 0 against 0 agrees."""
    summed = math.fsum(parts)
    scale = max(abs(combined), abs(summed))
    if scale == 0:
        return None
    gap = abs(combined - summed) / scale * 100
    return gap if gap > tolerance_percent else None


def shown(value: float) -> str:
    """A stored figure in a message: :func:`ictfootprint.units.figure_text` (thousands
    separators, every digit), and words for infinity (a value over a zero denominator)."""
    if not math.isfinite(value):
        return "infinite" if value > 0 else ("-infinite" if value < 0 else "not a number")
    return figure_text(value)


def signed_percent(change: float) -> str:
    """A relative change in percent, signed, to three significant digits: "+435 %"."""
    return f"{'+' if change > 0 else ''}{shown(float(f'{change:.3g}'))} %"


def rounded(value: float, digits: int = 6) -> str:
    """A computed ratio or expectation, to ``digits`` significant digits (not a stored value)."""
    if not math.isfinite(value) or value == 0:
        return shown(value)
    return shown(float(f"{value:.{digits}g}"))


@dataclass(frozen=True)
class Disagreement:
    """A series whose current components and current combined figure disagree."""

    entity_id: str
    year: int
    country: str | None
    subsector: str | None
    combined_id: str
    combined: float
    parts: dict[str, float]
    percent: float
    unit: str = "tCO2e"

    @property
    def summed(self) -> float:
        return math.fsum(self.parts.values())

    def describe(self) -> str:
        parts = " + ".join(f"{k} {shown(v)}" for k, v in self.parts.items())
        where = "".join(f", {x}" for x in (self.country, self.subsector) if x)
        return (
            f"{self.entity_id} {self.year}{where}: {parts} = {shown(self.summed)} {self.unit}, "
            f"but {self.combined_id} = {shown(self.combined)} {self.unit} "
            f"({self.percent:.2f} % apart)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity_id,
            "year": self.year,
            "country": self.country,
            "subsector": self.subsector,
            "combined_indicator": self.combined_id,
            "combined": self.combined,
            "components": self.parts,
            "sum": self.summed,
            "unit": self.unit,
            "percent": self.percent,
            "message": self.describe(),
        }


def check_store(
    store: Store, *, entity_ids: Sequence[str] | None = None, tolerance: float | None = None
) -> list[Disagreement]:
    """Every current series of the store whose components (Scope 1, Scope 2) and reported
    combined total (S1+2) disagree beyond the tolerance. Estimates are left out: they never
    stand in for a reported figure."""
    from ictfootprint.store.observations import best_available

    limit = tolerance_percent() if tolerance is None else tolerance
    wanted = sorted({i for c in COMBINED for i in (c, *components(c))})
    values: dict[tuple[str, int, str | None, str | None], dict[str, float]] = {}
    for obs in best_available(
        store.current_observations(
            entity_ids=list(entity_ids) if entity_ids else None,
            indicator_ids=wanted,
            methods=["reported", "statistical"],
        )
    ):
        if obs.value is not None and math.isfinite(obs.value):
            key = (obs.entity_id, obs.year, obs.country, obs.subsector)
            values.setdefault(key, {})[obs.indicator_id] = obs.value
    found = []
    for (entity, year, country, subsector), held in sorted(values.items(), key=_order):
        for combined in COMBINED:
            parts = components(combined)
            if combined not in held or any(p not in held for p in parts):
                continue
            gap = differs_percent(held[combined], [held[p] for p in parts], tolerance_percent=limit)
            if gap is not None:
                found.append(
                    Disagreement(
                        entity,
                        year,
                        country,
                        subsector,
                        combined,
                        held[combined],
                        {p: held[p] for p in parts},
                        gap,
                        catalogue()[combined].unit or "tCO2e",
                    )
                )
    return found


def _order(item: tuple[tuple[str, int, str | None, str | None], Any]) -> tuple[Any, ...]:
    entity, year, country, subsector = item[0]
    return (entity, year, country or "", subsector or "")
