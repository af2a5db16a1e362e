"""An organisation's yearly inventory in the UN "Greening the Blue" categories (CSV).

One row a quantity: ``year, category, quantity, unit`` and, as the category needs them,
``detail`` (fuel, refrigerant gas or travel category) and ``country`` (ISO3: where the
electricity was used or the hotel stood). Each category maps to one GHG Protocol scope and
category (docs/organisation-footprint.md):

==================  ===============================================  =====================
category            Greening the Blue source                         GHG Protocol
==================  ===============================================  =====================
buildings_fuel      building-related fuel combustion                 Scope 1
vehicles_fuel       vehicle fleet (mobile combustion)                Scope 1
refrigerants        refrigerants (fugitive)                          Scope 1
electricity         purchased electricity                            Scope 2 (location)
purchased_heat      purchased heat, steam and cooling                Scope 2 (location)
rail                other travel: rail (passenger-km)                Scope 3.6
road                other travel: taxi, bus, coach (passenger-km)    Scope 3.6
hotel               hotel nights (room-nights)                       Scope 3.6
staff_commuting     optional emissions: personnel commuting          Scope 3.7
==================  ===============================================  =====================

Air travel is not a row here: it is computed from the flight list (``organisation
import-flights``). A category's figure may also be given already computed, in ``tCO2e``
(a supplier's statement for purchased heat, for example), except rail, road and hotel, whose
passenger-km and nights the inventory reports.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ictfootprint.collection.characters import refused_character
from ictfootprint.collection.encoding import decode
from ictfootprint.csvfile import CsvFile, CsvRow, parse_year, read_bounded
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.countries import countries

#: category → (indicator, what the quantity measures)
CATEGORIES: Final = {
    "buildings_fuel": ("ghg_scope1", "fuel"),
    "vehicles_fuel": ("ghg_scope1", "fuel"),
    "refrigerants": ("ghg_scope1", "refrigerant"),
    "electricity": ("ghg_scope2_location", "electricity"),
    "purchased_heat": ("ghg_scope2_location", "computed"),
    "rail": ("ghg_scope3_c06", "passenger_km"),
    "road": ("ghg_scope3_c06", "passenger_km"),
    "hotel": ("ghg_scope3_c06", "nights"),
    "staff_commuting": ("ghg_scope3_c07", "computed"),
}
COLUMNS: Final = ("year", "category", "quantity", "unit", "detail", "country")
REQUIRED: Final = ("year", "category", "quantity", "unit")
MAX_ROWS: Final = 100_000


@dataclass(frozen=True)
class InventoryRow:
    number: int
    year: int
    category: str
    quantity: float
    unit: str
    detail: str
    country: str

    @property
    def where(self) -> Location:
        return Location(row=self.number)


def read_inventory(path: Path, *, encoding: str | None = None) -> list[InventoryRow]:
    name = str(path)
    text, _used = decode(read_bounded(path), name, encoding)
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    header = tuple(c.strip().lower() for c in first)
    for column in REQUIRED:
        if column not in header:
            raise InputError(
                f"missing column {column!r}",
                Location(file=name, row=1, field=column),
                expected=",".join(COLUMNS) + " (detail and country as the category needs)",
                found=",".join(header)[:200],
            )
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0][:40]!r}",
            Location(file=name, row=1, column=unknown[0][:40]),
            expected="only " + ",".join(COLUMNS),
        )
    rows: list[InventoryRow] = []
    for raw in CsvFile(name, header, text).rows():
        if len(rows) >= MAX_ROWS:
            raise InputError(
                "too many rows for one inventory",
                Location(file=name, row=raw.number),
                expected=f"at most {MAX_ROWS:,}",
            )
        rows.append(_row(raw))
    if not rows:
        raise InputError("no row in the inventory", Location(file=name))
    return rows


def _row(raw: CsvRow) -> InventoryRow:
    cells = {c: raw.cells.get(c, "") for c in COLUMNS}
    for column, value in cells.items():
        bad = refused_character(value)
        if bad is not None:
            raise InputError("character not allowed", raw.at(column), found=bad)
    year = parse_year(cells["year"], raw.at("year"))
    category = cells["category"].lower()
    if category == "air_travel":
        raise InputError(
            "air travel comes from the flight list: ictfootprint organisation import-flights",
            raw.at("category"),
            found=category,
        )
    if category not in CATEGORIES:
        raise InputError(
            "unknown category", raw.at("category"), expected=", ".join(CATEGORIES), found=category
        )
    try:
        quantity = float(cells["quantity"])
    except ValueError:
        raise InputError("not a number", raw.at("quantity"), found=cells["quantity"][:40]) from None
    if not math.isfinite(quantity):
        raise InputError("not a finite number", raw.at("quantity"), found=cells["quantity"])
    if quantity < 0:
        what = "distance" if CATEGORIES[category][1] == "passenger_km" else "quantity"
        raise InputError(
            f"negative {what}", raw.at("quantity"), expected="0 or more", found=cells["quantity"]
        )
    country = cells["country"].upper()
    if country and country not in countries():
        raise InputError(
            "unknown country",
            raw.at("country"),
            expected="an ISO 3166-1 alpha-3 code",
            found=country[:40],
        )
    needs = CATEGORIES[category][1]
    if needs in ("electricity", "nights") and not country and cells["unit"] != "tCO2e":
        raise InputError(f"{category} needs a country", raw.at("country"), expected="ISO3")
    if (
        needs in ("fuel", "refrigerant", "passenger_km")
        and not cells["detail"]
        and (cells["unit"] != "tCO2e")
    ):
        raise InputError(f"{category} needs a detail ({needs})", raw.at("detail"))
    if cells["unit"] == "tCO2e" and needs in ("passenger_km", "nights"):
        raise InputError(
            f"{category} is reported as activity, not as a computed figure",
            raw.at("unit"),
            expected="passenger_km" if needs == "passenger_km" else "nights",
            found="tCO2e",
        )
    units = {"passenger_km": ("passenger_km", "pkm"), "nights": ("nights", "room_nights")}
    if needs in units and cells["unit"] not in units[needs]:
        raise InputError(
            f"{category} is counted in {needs}",
            raw.at("unit"),
            expected=" or ".join(units[needs]),
            found=cells["unit"][:40],
        )
    if needs == "computed" and cells["unit"] != "tCO2e":
        raise InputError(f"{category} is given in tCO2e", raw.at("unit"), found=cells["unit"])
    return InventoryRow(
        raw.number, year, category, quantity, cells["unit"], cells["detail"], country
    )
