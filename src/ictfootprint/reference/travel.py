"""Business-travel factor sets (travel_factors.toml + travel_factors.csv) and airports.

A factor set names its citation and licence, the distance uplift its method prescribes, the
Earth radius of the great-circle distance and the haul bands; its rows are factors per
passenger-km (air by haul, cabin and radiative forcing; rail and road by category) or per
room-night (hotel, by country), each with its source. An organisation may add rows of its
own (``--factor-file``, same columns, every row with a source): they extend the shipped set
and may not replace one of its rows silently.

Airport coordinates come from the ``airportsdata`` package (MIT), read once, offline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ictfootprint.csvfile import parse_csv, read_bytes
from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.countries import countries
from ictfootprint.reference.loader import read_csv, read_toml

CABINS: Final = ("economy", "premium_economy", "business", "first")
MODES: Final = ("air", "rail", "road", "hotel")
COLUMNS: Final = (
    "factor_set",
    "mode",
    "category",
    "cabin",
    "radiative_forcing",
    "country",
    "value",
    "unit",
    "source",
)
UNITS: Final = {
    "air": "kgCO2e/passenger_km",
    "rail": "kgCO2e/passenger_km",
    "road": "kgCO2e/passenger_km",
    "hotel": "kgCO2e/room_night",
}


@dataclass(frozen=True)
class Haul:
    code: str
    min_km: float
    max_km: float


@dataclass(frozen=True)
class FactorSet:
    """One factor set: its method and its rows (a frame with :data:`COLUMNS`)."""

    id: str
    title: str
    citation: str
    licence: str
    distance_uplift: float
    earth_radius_km: float
    hauls: tuple[Haul, ...]
    rows: pd.DataFrame

    @property
    def source(self) -> str:
        """The human citation with its licence (what the lineage records)."""
        return f"{self.citation} ({self.licence})"

    def haul_codes(self) -> tuple[str, ...]:
        return tuple(h.code for h in self.hauls)

    def air(self, radiative_forcing: bool) -> pd.DataFrame:
        """``haul, cabin, factor`` (kg CO2e per passenger-km) for the RF choice."""
        rf = "true" if radiative_forcing else "false"
        air = self.rows[(self.rows["mode"] == "air") & (self.rows.radiative_forcing == rf)]
        return air.rename(columns={"category": "haul", "value": "factor"})[
            ["haul", "cabin", "factor"]
        ].reset_index(drop=True)

    def surface(self, mode: str) -> dict[str, float]:
        """category → kg CO2e per passenger-km, for rail or road."""
        part = self.rows[self.rows["mode"] == mode]
        return dict(zip(part.category, part.value.astype(float), strict=True))

    def hotel(self) -> dict[str, float]:
        """country (ISO3) → kg CO2e per room-night."""
        part = self.rows[self.rows["mode"] == "hotel"]
        return dict(zip(part.country, part.value.astype(float), strict=True))


def default_set_id() -> str:
    return str(read_toml("travel_factors.toml")["default"])


def set_ids() -> tuple[str, ...]:
    return tuple(read_toml("travel_factors.toml")["set"])


@cache
def _shipped_rows() -> pd.DataFrame:
    rows = pd.DataFrame(list(read_csv("travel_factors.csv")), columns=list(COLUMNS))
    try:
        _check_rows(rows, "travel_factors.csv")
    except InputError as error:
        raise ReferenceDataError(error.one_line()) from None
    return rows


def factor_set(set_id: str | None = None, extra: Path | None = None) -> FactorSet:
    """The factor set ``set_id`` (the default when ``None``), with the rows of ``extra``."""
    chosen = set_id or default_set_id()
    sets = read_toml("travel_factors.toml")["set"]
    if chosen not in sets:
        raise InputError(
            "unknown factor set",
            Location(field="factor-set"),
            expected=", ".join(sets),
            found=chosen,
        )
    meta = sets[chosen]
    shipped = _shipped_rows()
    rows = shipped[shipped.factor_set == chosen]
    if extra is not None:
        rows = pd.concat([rows, read_factor_file(extra, chosen)], ignore_index=True)
    return FactorSet(
        id=chosen,
        title=str(meta["title"]),
        citation=str(meta["citation"]),
        licence=str(meta["licence"]),
        distance_uplift=float(meta["distance_uplift"]),
        earth_radius_km=float(meta["earth_radius_km"]),
        hauls=tuple(
            Haul(str(h["code"]), float(h["min_km"]), float(h["max_km"])) for h in meta["haul"]
        ),
        rows=rows.reset_index(drop=True),
    )


def read_factor_file(path: Path, set_id: str) -> pd.DataFrame:
    """An organisation's own factor rows (the columns of travel_factors.csv), for ``set_id``.
    A row that repeats a shipped one (same mode, category, cabin, RF, country) is refused."""
    name = str(path)
    parsed = parse_csv(read_bytes(path), name, lower_header=True)
    missing = [c for c in COLUMNS if c not in parsed.header]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            Location(file=name, row=1, field=missing[0]),
            expected=",".join(COLUMNS),
        )
    rows = pd.DataFrame([r.cells for r in parsed.rows()], columns=list(parsed.header))
    rows = rows[list(COLUMNS)].copy() if len(rows) else pd.DataFrame(columns=list(COLUMNS))
    rows["factor_set"] = rows.factor_set.replace("", set_id)
    _check_rows(rows, name)
    wrong_set = rows.index[rows.factor_set != set_id]
    if len(wrong_set):
        raise InputError(
            "factor row of another set",
            Location(file=name, row=int(wrong_set[0]) + 2, field="factor_set"),
            expected=set_id,
            found=str(rows.factor_set.iloc[wrong_set[0]]),
        )
    key = ["mode", "category", "cabin", "radiative_forcing", "country"]
    shipped = _shipped_rows()
    clash = rows.reset_index().merge(shipped[shipped.factor_set == set_id][key], on=key)
    if len(clash):
        raise InputError(
            "this factor is in the shipped set already: name another category or set",
            Location(file=name, row=int(clash["index"].iloc[0]) + 2, field="category"),
            found=str(clash.category.iloc[0] or clash.country.iloc[0]),
        )
    return rows


def _check_rows(rows: pd.DataFrame, name: str) -> None:
    """Every row: a known mode, a cabin and RF for air, a country for hotels, a positive
    finite value in the mode's unit, a source."""
    records = [{str(k): str(v) for k, v in r.items()} for r in rows.to_dict(orient="records")]
    for index, row in enumerate(records, start=2):

        def bad(
            message: str, field: str, found: str, expected: str | None = None, at: int = index
        ) -> InputError:
            return InputError(message, Location(name, None, at, field, field), expected, found)

        if row["mode"] not in MODES:
            raise bad("unknown mode", "mode", row["mode"], ", ".join(MODES))
        if row["mode"] == "air":
            if row["cabin"] not in CABINS:
                raise bad("unknown cabin", "cabin", row["cabin"], ", ".join(CABINS))
            if row["radiative_forcing"] not in ("true", "false"):
                raise bad("radiative_forcing must be true or false", "radiative_forcing", "")
        if row["mode"] == "hotel" and row["country"] not in countries():
            raise bad("unknown country", "country", row["country"], "an ISO 3166-1 alpha-3 code")
        if row["mode"] != "hotel" and not row["category"]:
            raise bad("a category is needed", "category", "")
        try:
            value = float(row["value"])
        except ValueError:
            raise bad("not a number", "value", row["value"]) from None
        if not math.isfinite(value) or value <= 0:
            raise bad("a factor must be positive", "value", row["value"])
        if row["unit"] != UNITS[row["mode"]]:
            raise bad("wrong unit", "unit", row["unit"], UNITS[row["mode"]])
        if not row["source"].strip():
            raise bad("every factor needs its source", "source", "")


@dataclass(frozen=True)
class Airports:
    """IATA codes with their coordinates (degrees) and ISO2 country, as arrays."""

    index: pd.Index
    lat: np.ndarray
    lon: np.ndarray


@cache
def airports() -> Airports:
    """Every airport with an IATA code in ``airportsdata`` (MIT), loaded once."""
    import airportsdata

    table = airportsdata.load("IATA")
    codes = sorted(table)
    return Airports(
        index=pd.Index(codes),
        lat=np.array([float(table[c]["lat"]) for c in codes]),
        lon=np.array([float(table[c]["lon"]) for c in codes]),
    )


def airports_version() -> str:
    import airportsdata

    return f"airportsdata {airportsdata.__version__} (MIT)"
