"""The ICT sector's intensities: energy and emissions per line, per TB and per US dollar.

Computed on a matched sample: an entity row counts only when both its numerator and its
denominator are complete for the same entity, country and year, so that a company reporting
energy but no lines does not inflate the ratio. Per-line intensities take the numerator of the
sub-sector (mobile network per mobile line, fixed network per fixed line) as the sector totals
attribute it. Units are converted through the pint registry. See docs/national-statistics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from ictfootprint import __version__
from ictfootprint.compute.engine import connect, table
from ictfootprint.compute.quantities import quantities
from ictfootprint.compute.sector import ALL_SUBSECTORS, membership
from ictfootprint.reference.countries import countries, regions
from ictfootprint.units import registry


@dataclass(frozen=True)
class IntensitySpec:
    id: str
    numerator: str  # a sector quantity
    denominator: str  # an activity quantity of the same entities
    unit: str
    subsector: str | None = None  # numerator only from this sub-sector
    indicator: str | None = None  # the catalogue indicator it is stored as, if any


INTENSITIES: Final = (
    IntensitySpec(
        "energy_per_mobile_line",
        "energy_total",
        "activity_mobile_lines",
        "kWh/line",
        "mobile_network",
        "energy_per_line_mobile",
    ),
    IntensitySpec(
        "energy_per_fixed_line",
        "energy_total",
        "activity_fixed_broadband_lines",
        "kWh/line",
        "fixed_network",
        "energy_per_line_fixed_broadband",
    ),
    IntensitySpec("energy_per_tb", "energy_total", "activity_traffic_total", "kWh/TB"),
    IntensitySpec("energy_per_revenue", "energy_total", "activity_revenue", "kWh/USD"),
    IntensitySpec(
        "ghg_per_mobile_line",
        "ghg_s1s2_location",
        "activity_mobile_lines",
        "kgCO2e/line",
        "mobile_network",
    ),
    IntensitySpec(
        "ghg_per_fixed_line",
        "ghg_s1s2_location",
        "activity_fixed_broadband_lines",
        "kgCO2e/line",
        "fixed_network",
    ),
    IntensitySpec("ghg_per_revenue", "ghg_s1s2_location", "activity_revenue", "gCO2e/USD"),
)
ENTITY_KEYS: Final = ["entity_id", "country", "year"]


def intensities_of(
    frame: pd.DataFrame, *, level: str, region_kind: str, year: int, engine: str = "duckdb"
) -> list[dict[str, Any]]:
    """Intensities on matched entity rows, by area (pure: frame in, rows out)."""
    complete = frame[(frame["status"] == "complete") & (frame["year"] == year)]
    if complete.empty:
        return []
    backend = connect(engine)
    rows_in = table(
        backend,
        complete[["entity_id", "country", "subsector", "year", "quantity", "value"]],
        "intensity_rows",
    )
    areas = table(backend, membership(level, region_kind), "intensity_areas")
    names = _names(level)
    found: list[dict[str, Any]] = []
    every = quantities()
    for spec in INTENSITIES:
        numerator = rows_in.filter(rows_in.quantity == spec.numerator)
        if spec.subsector is not None:
            numerator = numerator.filter(numerator.subsector == spec.subsector)
        numerator = numerator.group_by(ENTITY_KEYS).aggregate(numerator=numerator.value.sum())
        denominator = rows_in.filter(rows_in.quantity == spec.denominator)
        denominator = denominator.group_by(ENTITY_KEYS).aggregate(
            denominator=denominator.value.sum()
        )
        matched = numerator.join(denominator, ENTITY_KEYS).join(areas, "country")
        by_area = backend.to_pandas(
            matched.group_by("area")
            .aggregate(
                numerator=matched.numerator.sum(),
                denominator=matched.denominator.sum(),
                entities=matched.entity_id.nunique(),
            )
            .order_by("area")
        )
        num_unit, den_unit = every[spec.numerator].unit, every[spec.denominator].unit
        for item in by_area.to_dict(orient="records"):
            if not item["denominator"] > 0:
                continue
            ratio = registry().Quantity(float(item["numerator"]), num_unit) / registry().Quantity(
                float(item["denominator"]), den_unit
            )
            entities = int(item["entities"])
            found.append(
                {
                    "area": str(item["area"]),
                    "area_name": names(str(item["area"])),
                    "entity_id": area_entity_id(level, region_kind, str(item["area"])),
                    "year": year,
                    "intensity": spec.id,
                    "indicator": spec.indicator,
                    "value": float(ratio.to(spec.unit).magnitude),
                    "unit": spec.unit,
                    "method": "calculated",
                    "numerator": {
                        "quantity": spec.numerator,
                        "subsector": spec.subsector or ALL_SUBSECTORS,
                        "value": float(item["numerator"]),
                        "unit": num_unit,
                    },
                    "denominator": {
                        "quantity": spec.denominator,
                        "value": float(item["denominator"]),
                        "unit": den_unit,
                    },
                    "entities": entities,
                    "sample": (
                        f"{entities} {'entity' if entities == 1 else 'entities'} reporting "
                        f"both {spec.numerator} and {spec.denominator} in {year}"
                    ),
                    "source": (
                        f"ictfootprint {__version__}: sum of {spec.numerator}"
                        f"{' (' + spec.subsector + ')' if spec.subsector else ''} / sum of "
                        f"{spec.denominator}, same {entities} entities"
                    ),
                }
            )
    return found


def _names(level: str) -> Any:
    def name(area: str) -> str:
        if level == "country":
            return countries()[area].name()
        return regions()[area].name()

    return name


def area_entity_id(level: str, region_kind: str, area: str) -> str:
    """The entity an area's figures are stored on (as sector_store.area_entity names them)."""
    if level == "world":
        return "WORLD"
    if level == "region" and region_kind == "m49":
        return f"M49-{area}"
    return area
