"""Received values → observations in the catalogue's canonical unit.

The value and unit as received are kept beside the converted value, so a reviewer can always
see what was sent. Used by every way data comes in (files, API, examples).
"""

from __future__ import annotations

import math

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Method, Observation
from ictfootprint.reference.catalogue import SUBSECTORS
from ictfootprint.reference.catalogue import indicator as catalogue_indicator
from ictfootprint.reference.countries import country as country_of
from ictfootprint.units import convert


def observation(
    *,
    entity_id: str,
    indicator_id: str,
    year: int,
    value: str | float,
    unit: str | None,
    method: Method = Method.REPORTED,
    source: str,
    country: str | None = None,
    subsector: str | None = None,
    where: Location | None = None,
    **extra: object,
) -> Observation:
    """One received value as an :class:`Observation` in the indicator's canonical unit."""
    where = where or Location()
    entry = catalogue_indicator(indicator_id, _at(where, "indicator"))
    iso3 = country_of(country, _at(where, "country")).iso3 if country else None
    if subsector is not None and subsector not in SUBSECTORS:
        raise InputError(
            "unknown sub-sector",
            _at(where, "subsector"),
            expected=", ".join(SUBSECTORS),
            found=subsector,
        )
    received = str(value).strip()
    if entry.value_type != "quantity":
        return Observation(
            entity_id=entity_id,
            indicator_id=entry.id,
            year=year,
            value_text=received,
            value_received=received,
            method=method,
            source=source,
            country=iso3,
            subsector=subsector,
            **extra,  # type: ignore[arg-type]
        )
    try:
        number = float(received)
    except ValueError:
        raise InputError("value is not a number", _at(where, "value"), found=received) from None
    if not math.isfinite(number):
        raise InputError("value is not a finite number", _at(where, "value"), found=received)
    gwp = extra.pop("gwp_set", None)
    # A mass of another gas (t CH4) given for a CO2e indicator is converted with the GWP set,
    # which the observation then records.
    converted = convert(
        number, unit or "", entry.unit, gwp=str(gwp) if gwp else None, where=_at(where, "unit")
    )
    return Observation(
        entity_id=entity_id,
        indicator_id=entry.id,
        year=year,
        value=converted.value,
        unit=entry.unit,
        value_received=received,
        unit_received=unit,
        method=method,
        source=source,
        country=iso3,
        subsector=subsector,
        gwp_set=converted.gwp_set,
        **extra,  # type: ignore[arg-type]
    )


def _at(where: Location, field: str) -> Location:
    return Location(where.file, where.sheet, where.row, where.column or field, field)
