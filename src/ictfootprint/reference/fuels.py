"""Fuel properties and stationary-combustion emission factors (IPCC 2006 defaults), as data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.loader import read_csv


@dataclass(frozen=True)
class Fuel:
    id: str
    name: str
    ncv_tj_per_gg: float
    co2_kg_per_tj: float
    ch4_kg_per_tj: float
    n2o_kg_per_tj: float
    density_kg_per_l: float | None
    source: str


@cache
def fuels() -> dict[str, Fuel]:
    return {
        row["fuel"]: Fuel(
            id=row["fuel"],
            name=row["names_en"],
            ncv_tj_per_gg=float(row["ncv_tj_per_gg"]),
            co2_kg_per_tj=float(row["co2_kg_per_tj"]),
            ch4_kg_per_tj=float(row["ch4_kg_per_tj"]),
            n2o_kg_per_tj=float(row["n2o_kg_per_tj"]),
            density_kg_per_l=float(row["density_kg_per_l"]) if row["density_kg_per_l"] else None,
            source=row["source"],
        )
        for row in read_csv("fuels.csv")
    }


def fuel(fuel_id: str, where: Location | None = None) -> Fuel:
    found = fuels().get(fuel_id.strip().lower())
    if found is None:
        raise InputError(
            "unknown fuel",
            where or Location(field="fuel"),
            expected=", ".join(fuels()),
            found=fuel_id,
        )
    return found
