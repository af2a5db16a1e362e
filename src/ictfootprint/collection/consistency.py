"""Scope 1 + Scope 2 against a reported S1+2 total, in a submission and in the store.

A restated component (or total) can leave a company's current Scope 1 + Scope 2 contradicting
its current S1+2 total: each value was plausible in its own submission, the series is not.
Rule ``s1s2-consistent`` compares a file's values over the accepted ones with
:func:`differs_percent`; :func:`check_store` lists what is already stored as the sector's
entity-year frame marks it (its ``conflict`` flag, vectorised, the same formula). Both take
``[validation] total_tolerance_percent`` (defaults.toml) as the limit.

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
    summed: float
    percent: float
    unit: str = "tCO2e"

    def describe(self) -> str:
        parts = " + ".join(components(self.combined_id))
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
            "components": list(components(self.combined_id)),
            "sum": self.summed,
            "unit": self.unit,
            "percent": self.percent,
            "message": self.describe(),
        }


def check_store(store: Store, *, entity_ids: Sequence[str] | None = None) -> list[Disagreement]:
    """Every current entity row whose components (Scope 1 + Scope 2) and reported combined
    total (S1+2) disagree beyond ``total_tolerance_percent``: the rows the sector's entity-year
    frame (:func:`ictfootprint.compute.sector_frame.entity_years`, its rules 1-4: best method,
    never estimates, the entity's country and first sub-sector where a value has none) marks
    as a *conflict*, so that this list and the conflicts of the sector totals are one."""
    from ictfootprint.compute.sector_frame import entity_years

    frame = entity_years(
        store, quantities=list(COMBINED), entity_ids=list(entity_ids) if entity_ids else None
    )
    found = []
    for row in frame[frame["conflict"]].to_dict("records"):
        combined, summed = float(row["combined_value"]), float(row["components_value"])
        scale = max(abs(combined), abs(summed))
        found.append(
            Disagreement(
                str(row["entity_id"]),
                int(row["year"]),
                str(row["country"]) if row["country"] else None,
                None if row["subsector"] in (None, "", "unspecified") else str(row["subsector"]),
                str(row["quantity"]),
                combined,
                summed,
                abs(combined - summed) / scale * 100 if scale else 0.0,
                catalogue()[str(row["quantity"])].unit or "tCO2e",
            )
        )
    return sorted(found, key=lambda d: (d.entity_id, d.year, d.country or "", d.combined_id))
