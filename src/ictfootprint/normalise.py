"""Received values → observations in the catalogue's canonical unit.

The value and unit as received are kept beside the converted value, so a reviewer can always
see what was sent. Used by every way data comes in (files, API, examples).
"""

from __future__ import annotations

import math
from typing import Any

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Method, Observation
from ictfootprint.reference.catalogue import SUBSECTORS, catalogue
from ictfootprint.reference.catalogue import indicator as catalogue_indicator
from ictfootprint.reference.codes import subsector_code
from ictfootprint.reference.countries import countries
from ictfootprint.reference.countries import country as country_of
from ictfootprint.reference.loader import defaults
from ictfootprint.units import convert, figure_text


class MagnitudeError(InputError):
    """A value that is infinite, NaN, or beyond ``[validation] max_abs_value`` in its
    indicator's canonical unit (as received or once converted)."""


def max_abs_value() -> float:
    """The largest absolute value accepted in any canonical unit (defaults.toml)."""
    return float(defaults()["validation"]["max_abs_value"])


def normalised_fields(
    *,
    indicator_id: str,
    value: str | float,
    unit: str | None,
    country: str | None = None,
    subsector: str | None = None,
    where: Location | None = None,
    received: str | None = None,
    gwp: str | None = None,
) -> dict[str, Any]:
    """The canonical fields of one received value (no model built: the bulk path's core).

    Returns ``indicator_id, value, unit, value_text, value_received, unit_received, country,
    subsector, gwp_set``; raises :class:`InputError` at ``where`` (with the field) otherwise.
    A mass of another gas (t CH4) given for a CO2e indicator is converted with the GWP set,
    which is returned as ``gwp_set``.
    """
    where = where or Location()
    entry = catalogue().get(indicator_id) or catalogue_indicator(
        indicator_id, _at(where, "indicator")
    )
    iso3 = None
    if country:
        # the exact alpha-3 code is the common case: no location is built unless it fails
        known = countries().get(country)
        iso3 = known.iso3 if known else country_of(country, _at(where, "country")).iso3
    if subsector is not None and subsector not in SUBSECTORS:
        # ``mobile-network`` or ``Mobile_Network`` in a file is the code the CLI accepts too
        subsector = subsector_code(subsector, _at(where, "subsector"))
    received = received if received is not None else _text_of(value)
    fields: dict[str, Any] = {
        "indicator_id": entry.id,
        "value": None,
        "unit": None,
        "value_text": None,
        "value_received": received,
        "unit_received": None,
        "country": iso3,
        "subsector": subsector,
        "gwp_set": None,
    }
    if entry.value_type != "quantity":
        fields["value_text"] = str(value).strip()
        return fields
    try:
        number = float(value)
    except ValueError:
        raise InputError("value is not a number", _at(where, "value"), found=received) from None
    except OverflowError:  # an integer of hundreds of digits
        number = math.inf
    bound = max_abs_value()
    if not math.isfinite(number):
        raise MagnitudeError(
            "value is not a finite number",
            _at(where, "value"),
            expected=(
                f"a finite number, at most {figure_text(bound)} {entry.unit} in absolute value"
            ),
            found=received[:40],
        )
    try:
        converted = convert(number, unit or "", entry.unit, gwp=gwp)
    except InputError as error:
        raise error.at(**_at(where, "unit").__dict__) from None
    if not abs(converted.value) <= bound:  # also false for infinity and NaN
        raise MagnitudeError(
            f"value beyond any plausible magnitude once converted to {entry.unit}",
            _at(where, "value"),
            expected=f"at most {figure_text(bound)} {entry.unit} in absolute value",
            found=f"{received[:40]} {unit or ''}".strip(),
        )
    fields.update(
        value=converted.value, unit=entry.unit, unit_received=unit, gwp_set=converted.gwp_set
    )
    return fields


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
    **extra: Any,
) -> Observation:
    """One received value as an :class:`Observation` in the indicator's canonical unit."""
    gwp = extra.pop("gwp_set", None)
    fields = normalised_fields(
        indicator_id=indicator_id,
        value=value,
        unit=unit,
        country=country,
        subsector=subsector,
        where=where,
        gwp=str(gwp) if gwp else None,
    )
    return Observation(
        entity_id=entity_id, year=year, method=method, source=source, **fields, **extra
    )


def _text_of(value: str | float) -> str:
    """The value as received, as text (an integer too long for ``str()`` is described)."""
    if isinstance(value, int) and value.bit_length() > 3000:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    return str(value).strip()


def _at(where: Location, field: str) -> Location:
    return Location(where.file, where.sheet, where.row, where.column or field, field)
