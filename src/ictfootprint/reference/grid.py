"""Grid emission factors: the shipped default set, and readers for published factor files.

Readers turn a file into :class:`~ictfootprint.model.EmissionFactor` rows and stop at the first
bad row with an :class:`~ictfootprint.errors.InputError` naming file, row and field; they never
return half a file. Storing the rows is the store's job (:mod:`ictfootprint.store`).

Formats:

* ``owid`` — Our World in Data / Ember long CSV: ``iso3,country,year,carbon_intensity_g_per_kwh``.
* ``iea`` — IEA chart CSV: ``region,year,co2_intensity_g_per_kwh,value_type`` (regions named in
  English: World, United States, China, India, European Union, Southeast Asia).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ictfootprint.csvfile import parse_csv, parse_year, read_bytes
from ictfootprint.errors import InputError, Location
from ictfootprint.model import EmissionFactor
from ictfootprint.reference.countries import countries, country, regions
from ictfootprint.reference.loader import data_file, defaults, read_csv

UNIT: Final = "gCO2e/kWh"

FORMATS: Final = {
    "owid": ("iso3", "country", "year", "carbon_intensity_g_per_kwh"),
    "iea": ("region", "year", "co2_intensity_g_per_kwh", "value_type"),
}

CITATIONS: Final = {
    "owid": "Ember (2025); Energy Institute - Statistical Review of World Energy (2024) - with "
    "major processing by Our World in Data. Carbon intensity of electricity generation. CC BY 4.0",
    "iea": "IEA, CO2 intensity of electricity generation, chart data. CC BY 4.0",
}

#: IEA chart region names → the area codes of regions.csv / countries.csv.
IEA_REGIONS: Final = {
    "World": "001",
    "United States": "USA",
    "China": "CHN",
    "India": "IND",
    "European Union": "EU27",
    "Southeast Asia": "ASEAN",
}


@dataclass(frozen=True)
class FactorFile:
    """A read factor file: its rows, and what identifies it."""

    format: str
    file_name: str
    sha256: str
    citation: str
    factors: tuple[EmissionFactor, ...]


def default_dataset_name() -> str:
    return str(defaults()["grid_factor_dataset"])


def default_factors() -> tuple[EmissionFactor, ...]:
    """The grid factors shipped with the program (one recent year per country)."""
    return tuple(
        EmissionFactor(
            area=row["iso3"],
            year=int(row["year"]),
            value=float(row["value"]),
            unit=row["unit"],
            source=row["source"],
        )
        for row in read_csv("grid_factors_codecarbon.csv")
    )


def default_dataset_title() -> tuple[str, str, str]:
    entry = data_file("grid_factors_codecarbon.csv")
    return entry.title, entry.source, entry.licence


def read_factor_file(path: Path, fmt: str | None = None, citation: str | None = None) -> FactorFile:
    """Read a factor file whole, or raise an :class:`InputError` saying where it is wrong."""
    name = str(path)
    raw = read_bytes(path)
    table = parse_csv(raw, name)
    header = list(table.header)
    detected = fmt or _detect(header, name)
    expected = FORMATS.get(detected)
    if expected is None:
        raise InputError(
            "unknown factor file format",
            Location(file=name, field="format"),
            expected=" or ".join(FORMATS),
            found=detected,
        )
    if tuple(header[: len(expected)]) != expected:
        raise InputError(
            f"not a {detected} factor file",
            Location(file=name, row=1),
            expected=",".join(expected),
            found=",".join(header),
        )
    cite = citation or CITATIONS[detected]
    factors = []
    first_row: dict[tuple[str, int], int] = {}
    for row in table.rows():
        record, where, row_number = row.cells, row.where, row.number
        factor = _ROW_READERS[detected](record, where, cite)
        key = (factor.area, factor.year)
        if key in first_row:
            raise InputError(
                f"duplicate area and year (first at row {first_row[key]})",
                _field(where, header[0]),
                found=f"{factor.area} {factor.year}",
            )
        first_row[key] = row_number
        factors.append(factor)
    if not factors:
        raise InputError("file has no factor rows", Location(file=name))
    return FactorFile(detected, path.name, hashlib.sha256(raw).hexdigest(), cite, tuple(factors))


def _detect(header: list[str], name: str) -> str:
    for fmt, columns in FORMATS.items():
        if tuple(header[: len(columns)]) == columns:
            return fmt
    raise InputError(
        "unrecognised factor file header",
        Location(file=name, row=1),
        expected=" or ".join(",".join(c) for c in FORMATS.values()),
        found=",".join(header),
    )


def _intensity(value: str, where: Location) -> float:
    limit = float(defaults()["grid_factor_max_g_per_kwh"])
    try:
        number = float(value)
    except ValueError:
        raise InputError("value is not a number", where, found=value) from None
    if not math.isfinite(number) or number < 0 or number > limit:
        raise InputError(
            "carbon intensity out of range",
            where,
            expected=f"0 to {limit:g} gCO2e/kWh",
            found=value,
        )
    return number


def _field(where: Location, field: str) -> Location:
    return Location(where.file, where.sheet, where.row, field, field)


def _owid_row(record: dict[str, str], where: Location, citation: str) -> EmissionFactor:
    area = country(record["iso3"], _field(where, "iso3")).iso3
    return EmissionFactor(
        area=area,
        year=parse_year(record["year"], _field(where, "year")),
        value=_intensity(
            record["carbon_intensity_g_per_kwh"], _field(where, "carbon_intensity_g_per_kwh")
        ),
        unit=UNIT,
        source=citation,
    )


def _iea_row(record: dict[str, str], where: Location, citation: str) -> EmissionFactor:
    area = IEA_REGIONS.get(record["region"])
    if area is None or (area not in regions() and area not in countries()):
        raise InputError(
            "unknown region",
            _field(where, "region"),
            expected=", ".join(IEA_REGIONS),
            found=record["region"],
        )
    value_type = record["value_type"] or "historical"
    if value_type not in ("historical_or_estimate", "forecast", "historical"):
        raise InputError(
            "unknown value_type",
            _field(where, "value_type"),
            expected="historical_or_estimate or forecast",
            found=value_type,
        )
    return EmissionFactor(
        area=area,
        year=parse_year(record["year"], _field(where, "year")),
        value=_intensity(
            record["co2_intensity_g_per_kwh"], _field(where, "co2_intensity_g_per_kwh")
        ),
        unit=UNIT,
        value_type=value_type,
        source=citation,
    )


_ROW_READERS: Final = {"owid": _owid_row, "iea": _iea_row}
