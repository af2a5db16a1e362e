"""The one unit registry (pint) of the whole program.

Every unit string that enters the program goes through :func:`parse_unit`, and every
conversion through :func:`convert`: nowhere else does code multiply by a conversion factor.

Traps other tools fell into, and what we do about them:

* ``C`` — carbon or coulomb? A bare ``C`` is refused as ambiguous; write ``carbon`` (or
  ``tC``/``kgC``) for carbon, ``coulomb`` for charge. ``°C``/``degC`` stay temperature.
* A plain conversion (``kg CH4`` → ``t CH4``, ``kt CO2e`` → ``Mt CO2e``) never asks for a GWP
  context; only a change of species (``CH4`` → ``CO2e``) does, and the set used is returned
  with the value (:class:`Converted`).
* An unknown unit is an :class:`~ictfootprint.errors.UnitError` naming the unit, never a
  ``KeyError`` or pint's ``UndefinedUnitError``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Final, cast

import pint

from ictfootprint.errors import Location, ReferenceDataError, UnitError
from ictfootprint.reference.gwp import GWP_SETS, gwp_set, gwp_set_name, species_name

_MASS_PREFIXES: Final = "g|kg|t|kt|Mt|Gt"

#: Tokens that mean different things to different readers: refused, with what to write instead.
AMBIGUOUS: Final = {
    "C": "'carbon' or 'tC' for carbon mass, 'coulomb' for electric charge",
    "mt": "'t' (tonne) or 'millitonne'",
    "MT": "'t' (tonne) or 'Mt' (megatonne)",
    "ton": "'t' (metric tonne), 'short_ton' or 'long_ton'",
    "tons": "'t' (metric tonne), 'short_ton' or 'long_ton'",
    "MBtu": "'kBtu' (a thousand Btu, as the gas trade writes MBtu) or 'MMBtu' (a million Btu)",
    "MBTU": "'kBtu' (a thousand Btu, as the gas trade writes MBtu) or 'MMBtu' (a million Btu)",
}
_IDENTIFIER: Final = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_TOKEN: Final = re.compile(r"(?<![°\w])[A-Za-z_µ][\w]*")


def _species_with_units() -> tuple[str, ...]:
    """IPCC species that can be units: plain identifiers (``CH4``, ``HFC134a``, ``SF6``)."""
    names = gwp_set("AR6").values.keys() | gwp_set("AR4").values.keys()
    return tuple(sorted(n for n in names if _IDENTIFIER.match(n) and n not in {"CO2"}))


def _preprocessor(species: tuple[str, ...]) -> Any:
    joined = "|".join(sorted((*species, "CO2e", "CO2eq", "CO2", "C"), key=len, reverse=True))
    glued = re.compile(rf"(?<![\w°])({_MASS_PREFIXES})\s*({joined})(?!\w)")
    # In emissions accounting "kt" is a kilotonne; pint's default reads it as a knot.
    kilotonne = re.compile(r"(?<![\w°])kt(?!\w)")

    def split(text: str) -> str:
        text = text.replace("³", "**3").replace("²", "**2")
        text = re.sub(r"Sb[\s-]?eq\b", "Sbeq", text)
        text = re.sub(r"CO2[\s-]?eq(uivalent)?\b", "CO2e", text)
        # "tCO2e" → "t CO2e", "kgCH4" → "kg CH4", "tC" → "t carbon"
        text = glued.sub(
            lambda m: f"{m.group(1)} {'carbon' if m.group(2) == 'C' else m.group(2)}", text
        )
        return kilotonne.sub("kilotonne", text)

    return split


#: pint's defaults make information (bit, byte) and counts dimensionless, so 1 PB of traffic
#: would silently convert to a percentage and a device count to a share. We load pint's own
#: definition files with these two lines changed to dimensions of their own.
_PINT_DEFAULT_PATCHES: Final = (
    ("\nbit = []\n", "\nbit = [information]\n"),
    ("\ncount = []\n", "\ncount = [item]\n"),
)


def _pint_defaults() -> list[str]:
    base = resources.files("pint")
    text = base.joinpath("default_en.txt").read_text("utf-8")
    text = text.replace(
        "@import constants_en.txt", base.joinpath("constants_en.txt").read_text("utf-8")
    )
    for old, new in _PINT_DEFAULT_PATCHES:
        if text.count(old) != 1:
            raise ReferenceDataError(f"pint's default_en.txt no longer defines {old.strip()!r}")
        text = text.replace(old, new)
    return text.splitlines()


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The program's unit registry, built once (pint's defaults + ``units.txt`` + GWP species)."""
    species = _species_with_units()
    reg: pint.UnitRegistry[Any] = pint.UnitRegistry(
        None,
        preprocessors=[_preprocessor(species)],
        autoconvert_offset_to_baseunit=True,
        cache_folder=None,
    )
    reg.load_definitions(_pint_defaults())
    definitions = resources.files("ictfootprint").joinpath("units.txt").read_text("utf-8")
    reg.load_definitions(definitions.splitlines())
    for name in species:
        reg.define(f"{name} = [ghg_{name}]")
    for set_name in GWP_SETS:
        reg.add_context(_gwp_context(reg, set_name, species))
    return reg


def _gwp_context(reg: pint.UnitRegistry[Any], set_name: str, species: tuple[str, ...]) -> Any:
    context = pint.Context(set_name)
    values = gwp_set(set_name).values
    for name in species:
        if name not in values:
            continue
        factor = values[name]
        for dims in ("[mass] * [ghg_{0}]", "[mass] * [ghg_{0}] / [time]"):
            source = dims.format(name)
            target = dims.replace("[ghg_{0}]", "[co2e]")

            def to_co2e(_r: Any, q: Any, name: str = name, factor: float = factor) -> Any:
                return q * factor * reg.CO2e / reg.Unit(name)

            def from_co2e(_r: Any, q: Any, name: str = name, factor: float = factor) -> Any:
                return q / factor * reg.Unit(name) / reg.CO2e

            context.add_transformation(source, target, cast(Any, to_co2e))
            context.add_transformation(target, source, cast(Any, from_co2e))
    return context


#: The longest unit text read: "kg CO2e / (MWh * year)" is 22 characters.
MAX_UNIT_LENGTH: Final = 64


def parse_unit(text: str, where: Location | None = None) -> pint.Unit:
    """Parse a unit string; a clear :class:`UnitError` if it is empty, unknown or ambiguous.

    >>> parse_unit("tCO2e") == parse_unit("t CO2e") == parse_unit("metric_ton * CO2e")
    True
    """
    where = where or Location(field="unit")
    if text is None or not str(text).strip():
        raise UnitError("missing unit", where, expected="a unit such as MWh or tCO2e", found="")
    stripped = str(text).strip()
    if len(stripped) > MAX_UNIT_LENGTH:
        # pint's parser is far slower than linear on long garbage: 100,000 characters took
        # minutes, holding a server thread; no real unit is a tenth of this bound
        raise UnitError(
            "unit too long",
            where,
            expected=f"at most {MAX_UNIT_LENGTH} characters, e.g. MWh or tCO2e",
            found=stripped[:MAX_UNIT_LENGTH] + "…",
        )
    for token in _TOKEN.findall(stripped):
        if token in AMBIGUOUS:
            raise UnitError(
                f"ambiguous unit {token!r}", where, expected=AMBIGUOUS[token], found=stripped
            )
    reg = registry()
    try:
        unit = reg.parse_units(stripped)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError("unknown unit", where, found=stripped) from exc
    except Exception as exc:  # pint raises a zoo of parser errors on garbage input
        raise UnitError("unreadable unit", where, found=stripped) from exc
    return unit


def is_compatible(unit: str, canonical: str) -> bool:
    """Whether ``unit`` converts to ``canonical`` without a GWP context."""
    return bool(parse_unit(unit).dimensionality == parse_unit(canonical).dimensionality)


#: Units offered (in templates, as hints) for a canonical unit: those of the same kind.
_OFFERED: Final = (
    "kWh",
    "MWh",
    "GWh",
    "TWh",
    "GJ",
    "TJ",
    "PJ",
    "toe",
    "ktoe",
    "Mtoe",
    "tce",
    "ktce",
    "Mtce",
    "MMBtu",
    "therm",
    "kgCO2e",
    "tCO2e",
    "ktCO2e",
    "MtCO2e",
    "kg",
    "t",
    "kt",
    "L",
    "m^3",
    "kL",
    "ML",
    "kg Sbeq",
    "g Sbeq",
    "kW",
    "MW",
    "GW",
    "percent",
    "dimensionless",
    "count",
    "TB",
    "PB",
    "EB",
    "USD",
    "EUR",
    "gCO2e/kWh",
    "kgCO2e/MWh",
    "kWh/line",
    "MWh/line",
    "kgCO2e/device",
    "tCO2e/device",
    "hectare",
    "m^2",
    "km^2",
)


@cache
def units_for(canonical: str) -> tuple[str, ...]:
    """Common units convertible to ``canonical`` without a GWP, canonical first.

    >>> units_for("MWh")[:4]
    ('MWh', 'kWh', 'GWh', 'TWh')
    """
    target = parse_unit(canonical).dimensionality
    same = [u for u in _OFFERED if u != canonical and parse_unit(u).dimensionality == target]
    return (canonical, *same)


def likely_units(unit: str, canonical: str) -> str:
    """What an unknown unit was probably meant to be: the indicator's units, and the one that
    matches ignoring case and spaces.

    >>> likely_units("kwh", "MWh")
    "a unit of MWh's kind: MWh, kWh, GWh, TWh, GJ, TJ; did you mean kWh?"
    """
    offered = units_for(canonical)
    key = unit.replace(" ", "").casefold()
    likely = [u for u in offered if u.replace(" ", "").casefold() == key]
    text = f"a unit of {canonical}'s kind: " + ", ".join(offered[:6])
    return f"{text}; did you mean {likely[0]}?" if likely else text


@dataclass(frozen=True)
class Converted:
    """A converted value, with the GWP set used where a species changed (else ``None``)."""

    value: float
    unit: str
    gwp_set: str | None = None


def convert(
    value: float,
    from_unit: str,
    to_unit: str,
    *,
    gwp: str | None = None,
    where: Location | None = None,
) -> Converted:
    """Convert ``value`` from one unit to another.

    A change of species (``t CH4`` → ``t CO2e``) uses the GWP set ``gwp`` (the default set when
    ``None``) and records it in the result; any other conversion never uses a context.

    >>> convert(1500, "kWh", "MWh").value
    1.5
    >>> convert(1, "t CH4", "tCO2e", gwp="AR5")
    Converted(value=28.0, unit='tCO2e', gwp_set='AR5GWP100')
    """
    try:
        scale = _scale(from_unit, to_unit, gwp_set_name(gwp))
    except UnitError as exc:
        raise UnitError(exc.message, where or exc.location, exc.expected, exc.found) from None
    if scale is not None:
        factor, set_name = scale
        return Converted(value * factor, to_unit, set_name)
    # an offset unit (°C ↔ K): no single factor, let pint do it
    reg = registry()
    converted = reg.Quantity(value, parse_unit(from_unit)).to(parse_unit(to_unit))
    return Converted(float(converted.magnitude), to_unit)


@lru_cache(maxsize=4096)
def _scale(from_unit: str, to_unit: str, set_name: str) -> tuple[float, str | None] | None:
    """The factor (and GWP set, when the gas changes) of a conversion, computed once per pair.

    ``None`` for offset units, which have no single factor. Bulk loads convert the same few
    unit pairs hundreds of thousands of times; pint's per-call cost would dominate them.
    """
    where = Location(field="unit")
    source, target = parse_unit(from_unit, where), parse_unit(to_unit, where)
    reg = registry()
    if source.dimensionality == target.dimensionality:
        zero = reg.Quantity(0.0, source).to(target).magnitude
        if zero != 0:
            return None
        return float(reg.Quantity(1.0, source).to(target).magnitude), None
    try:
        with reg.context(set_name):
            factor = reg.Quantity(1.0, source).to(target).magnitude
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"cannot convert {from_unit!r} to {to_unit!r}",
            where,
            expected=f"a unit of the same kind as {to_unit}",
            found=from_unit,
        ) from exc
    return float(factor), set_name


def co2e(value: float, gas: str, mass_unit: str = "kg", *, gwp: str | None = None) -> Converted:
    """Mass of a gas or refrigerant blend (``R-410A``) → tCO2e with the named GWP100 set.

    >>> co2e(10, "R-410A", "kg", gwp="AR5").value  # 10 kg × 1923.5 = 19.235 t
    19.235
    """
    set_name = gwp_set_name(gwp)
    mass_t = convert(value, mass_unit, "t").value
    factor = gwp_set(set_name).of(gas)
    return Converted(mass_t * factor, "tCO2e", set_name)


def round_figure(value: float, unit: str, decimals: dict[str, int]) -> float:
    """Round a computed figure once, to the resolution the reference defaults give its unit."""
    places = decimals.get(unit)
    if places is None or not math.isfinite(value):
        return value
    return round(value, places)


def figure_text(value: float) -> str:
    """A figure as a message prints it: thousands separators, no exponent, no trailing ``.0``,
    and every significant digit a float holds (15), so two figures that differ read differently.

    ``f"{x:,.6g}"`` printed 20,365,600 as "2.03656e+07": a gap of 66,100 t between a total and
    its components vanished in the rounding. An ``int`` is printed exactly. For findings,
    errors, lineage and CLI messages; not for the web pages, which format per locale.

    >>> figure_text(20365600.0), figure_text(5259727.0), figure_text(0.000123)
    ('20,365,600', '5,259,727', '0.000123')
    """
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"  # also for -0.0
    # 15 significant digits: exact for any decimal number a file writes with up to 15 digits,
    # and short of the float noise past them (0.1 + 0.2 is 0.3, not 0.30000000000000004)
    return f"{Decimal(f'{value:.15g}'):,f}"


__all__ = [
    "Converted",
    "co2e",
    "convert",
    "figure_text",
    "is_compatible",
    "parse_unit",
    "registry",
    "round_figure",
    "species_name",
    "units_for",
]
