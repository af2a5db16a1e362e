"""Global warming potentials (GWP100) from IPCC AR4, AR5 and AR6.

The figures come from the ``globalwarmingpotentials`` package (CC0), which transcribes the IPCC
assessment reports; its version is recorded with every conversion. ``gwp.toml`` names the IPCC
table behind each set and adds what the package lacks: fossil and non-fossil methane
(``CH4_fossil``, ``CH4_non_fossil``; AR5 and AR6 only). Every value carries its table
(:class:`GwpValue`), so a calculated figure can say which GWP it used. Refrigerant blends
(R-410A, ...) are converted through their mass composition in ``refrigerants.csv`` (ASHRAE
Standard 34).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.loader import defaults, read_csv, read_toml

#: GWP sets this program offers, by the column name used in the source package.
GWP_SETS: Final = ("AR4GWP100", "AR5GWP100", "AR6GWP100")

_ALIASES: Final = {"AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR6": "AR6GWP100"}


@dataclass(frozen=True)
class GwpValue:
    """One GWP100 value and the table it comes from."""

    gas: str  # the species as the tables (and units) name it: CH4, CH4_fossil, HFC134a
    value: float
    source: str  # "IPCC AR6 WG1 Table 7.15"

    def describe(self) -> str:
        """``CH4 fossil 29.8 (IPCC AR6 WG1 Table 7.15)``"""
        return f"{self.label} ({self.source})"

    @property
    def label(self) -> str:
        """``CH4 fossil 29.8``"""
        name = self.gas.replace("_non_", " non-").replace("_", " ")
        return f"{name} {self.value:g}"


@dataclass(frozen=True)
class GwpSet:
    """One set of GWP100 values, and where it comes from."""

    name: str
    values: dict[str, float]
    source: str
    tables: dict[str, str]  # species → the table its value comes from

    def of(self, gas: str) -> float:
        """GWP100 of a species or a refrigerant blend; ``InputError`` if unknown in this set."""
        species = species_name(gas)
        if species in self.values:
            return self.values[species]
        blend = refrigerant_blends().get(_designation(gas))
        if blend is not None:
            return sum(fraction * self.of(part) for part, fraction in blend.items())
        if species in _known_species():  # in another set (fossil methane in AR4)
            raise InputError(
                f"no {self.name} GWP for {species}",
                Location(field="gas"),
                expected=f"{_alternative(species)} in {self.name[:3]}, or a set with {species}: "
                + ", ".join(_sets_with(species)),
                found=gas,
            )
        raise InputError(
            f"no {self.name} GWP for gas {gas!r}",
            Location(field="gas"),
            expected="a species of the IPCC tables (CH4, N2O, SF6, HFC134a, ...) or a "
            "refrigerant designation (R-134a, R-410A, ...)",
            found=gas,
        )

    def value_of(self, gas: str) -> GwpValue:
        """The value of one species with its table (a blend: see :meth:`values_used`)."""
        species = species_name(gas)
        return GwpValue(species, self.of(species), self.tables[species])

    def values_used(self, gases: Iterable[str]) -> tuple[GwpValue, ...]:
        """The species' values behind ``gases`` (a blend counts as its components), sorted."""
        species: set[str] = set()
        for gas in gases:
            blend = refrigerant_blends().get(_designation(gas))
            species.update(blend if blend is not None else (species_name(gas),))
        return tuple(self.value_of(s) for s in sorted(species))

    def describe(self, gases: Iterable[str]) -> str:
        """The values behind ``gases``, grouped by the table they come from::

        GWP100 AR6: CH4 27.9, N2O 273 (IPCC AR6 WG1 Table 7.SM.7, via ...); CH4 fossil 29.8
        (IPCC AR6 WG1 Table 7.15)
        """
        by_table: dict[str, list[str]] = {}
        for value in self.values_used(gases):
            by_table.setdefault(value.source, []).append(value.label)
        used = "; ".join(f"{', '.join(names)} ({table})" for table, names in by_table.items())
        return f"GWP100 {self.name[:3]}: {used}"


def _alternative(species: str) -> str:
    return "CH4" if species.startswith("CH4_") else "another gas"


def _sets_with(species: str) -> list[str]:
    return [name[:3] for name in GWP_SETS if species in gwp_set(name).values]


def gwp_set_name(name: str | None = None) -> str:
    """Normalise a user's GWP set name (``AR5`` or ``AR5GWP100``); ``None`` gives the default."""
    if name is None:
        return str(defaults()["gwp_set"])
    key = name.strip().upper().replace("GWP100", "")
    canonical = _ALIASES.get(key)
    if canonical is None:
        raise InputError(
            "unknown GWP set", Location(field="gwp_set"), expected="AR4, AR5 or AR6", found=name
        )
    return canonical


@cache
def gwp_set(name: str | None = None) -> GwpSet:
    canonical = gwp_set_name(name)
    from importlib.metadata import version

    text = (
        resources.files("globalwarmingpotentials")
        .joinpath("globalwarmingpotentials.csv")
        .read_text("utf-8")
    )
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    values: dict[str, float] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        raw = row.get(canonical, "")
        if raw not in ("", None):
            values[row["Species"]] = float(raw)
    if "CH4" not in values:
        raise ReferenceDataError(f"globalwarmingpotentials has no {canonical} column")
    values.setdefault("CO2", 1.0)
    package = f"globalwarmingpotentials {version('globalwarmingpotentials')}"
    added = read_toml("gwp.toml")[canonical]
    tables = dict.fromkeys(values, f"{added['table']}, via {package}")
    for species, entry in added.get("species", {}).items():
        if species in values:
            raise ReferenceDataError(f"gwp.toml: {canonical} {species} is in the package already")
        values[species], tables[species] = float(entry["gwp100"]), str(entry["source"])
    source = f"IPCC {canonical[:3]} GWP100 via {package} (CC0)"
    return GwpSet(canonical, values, source, tables)


def species_name(gas: str) -> str:
    """``HFC-134a``, ``R-134a``, ``hfc134a`` → ``HFC134a`` where the IPCC tables have it."""
    compact = gas.strip().replace("-", "").replace(" ", "")
    single = refrigerant_species().get(_designation(gas))
    if single is not None:
        return single
    key = compact.replace("_", "").lower()
    for known in _known_species():
        if known.replace("_", "").lower() == key:
            return known
    return compact


@cache
def _known_species() -> tuple[str, ...]:
    """Every species some set has (AR6's, then those only older sets give)."""
    names = dict.fromkeys(
        name for set_name in reversed(GWP_SETS) for name in gwp_set(set_name).values
    )
    return tuple(names)


def _designation(gas: str) -> str:
    """Refrigerant designations written ``R-410A``, ``R410a`` or ``r 410A`` → ``R-410A``."""
    match = re.fullmatch(r"\s*R\s*-?\s*(\d+[a-z]*)\s*", gas, flags=re.IGNORECASE)
    if match is None:
        return gas.strip()
    return _designations().get(f"r-{match.group(1).lower()}", f"R-{match.group(1)}")


@cache
def _designations() -> dict[str, str]:
    return {row["designation"].lower(): row["designation"] for row in read_csv("refrigerants.csv")}


@cache
def refrigerant_species() -> dict[str, str]:
    """Single-component refrigerants: designation → IPCC species name."""
    return {
        row["designation"]: row["species"]
        for row in read_csv("refrigerants.csv")
        if row["mass_fraction"] == "1"
    }


@cache
def refrigerant_blends() -> dict[str, dict[str, float]]:
    """Blends: designation → {species: mass fraction}. Fractions of a blend add up to 1."""
    blends: dict[str, dict[str, float]] = {}
    for row in read_csv("refrigerants.csv"):
        if row["mass_fraction"] != "1":
            blends.setdefault(row["designation"], {})[row["species"]] = float(row["mass_fraction"])
    for name, parts in blends.items():
        if abs(sum(parts.values()) - 1.0) > 1e-9:
            raise ReferenceDataError(f"refrigerants.csv: fractions of {name} do not add up to 1")
    return blends
