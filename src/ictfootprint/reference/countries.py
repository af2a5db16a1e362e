"""Countries and regions: ISO 3166, UN M49 regions, ITU regions, LDC/LLDC/SIDS.

Read from ``countries.csv`` and ``regions.csv`` (see ``docs/reference/countries.md`` for their
sources and the judgement calls behind them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.catalogue import LANGUAGES, language
from ictfootprint.reference.loader import read_csv

WORLD = "001"


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    numeric: str
    m49_region: str | None
    m49_subregion: str | None
    m49_intermediate_region: str | None
    itu_region: str | None
    itu_member: bool
    ldc: bool
    lldc: bool
    sids: bool
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names[language(lang)]


@dataclass(frozen=True)
class Region:
    code: str
    kind: str
    parent: str | None
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names[language(lang)]


def _flag(value: str, where: str) -> bool:
    if value not in ("true", "false"):
        raise ReferenceDataError(f"{where}: flag must be true or false, found {value!r}")
    return value == "true"


@cache
def countries() -> dict[str, Country]:
    """All countries and areas by ISO 3166-1 alpha-3 code."""
    result: dict[str, Country] = {}
    for number, row in enumerate(read_csv("countries.csv"), start=2):
        where = f"countries.csv, row {number}"
        country = Country(
            iso3=row["iso3"],
            iso2=row["iso2"],
            numeric=row["numeric"],
            m49_region=row["m49_region_code"] or None,
            m49_subregion=row["m49_subregion_code"] or None,
            m49_intermediate_region=row["m49_intermediate_region_code"] or None,
            itu_region=row["itu_region"] or None,
            itu_member=_flag(row["itu_member"], where),
            ldc=_flag(row["ldc"], where),
            lldc=_flag(row["lldc"], where),
            sids=_flag(row["sids"], where),
            names={lang: row[f"name_{lang}"] for lang in LANGUAGES},
        )
        if country.iso3 in result:
            raise ReferenceDataError(f"{where}: duplicate {country.iso3}")
        result[country.iso3] = country
    known_regions = regions()
    for country in result.values():
        for code in (
            country.m49_region,
            country.m49_subregion,
            country.m49_intermediate_region,
            country.itu_region,
        ):
            if code is not None and code not in known_regions:
                raise ReferenceDataError(f"countries.csv: {country.iso3} names region {code}")
    return result


@cache
def regions() -> dict[str, Region]:
    """World, UN M49 regions and sub-regions, and ITU regions, by code."""
    return {
        row["code"]: Region(
            code=row["code"],
            kind=row["kind"],
            parent=row["parent"] or None,
            names={lang: row[f"name_{lang}"] for lang in LANGUAGES},
        )
        for row in read_csv("regions.csv")
    }


def country(code: str, where: Location | None = None) -> Country:
    """Look a country up by ISO alpha-3, alpha-2 or numeric code (case-insensitive)."""
    key = code.strip().upper()
    table = countries()
    if key in table:
        return table[key]
    for candidate in table.values():
        if key in (candidate.iso2, candidate.numeric) or (
            key.isdigit() and key.zfill(3) == candidate.numeric
        ):
            return candidate
    raise InputError(
        "unknown country code",
        where or Location(field="country"),
        expected="an ISO 3166-1 code such as FRA, FR or 250",
        found=code,
    )


def region_members(code: str, where: Location | None = None) -> set[str]:
    """ISO3 codes of the countries in a region: the world (001), an M49 region, sub-region or
    intermediate region, or an ITU region.

    >>> sorted(region_members("155"))[:3]  # Western Europe
    ['AUT', 'BEL', 'CHE']
    """
    key = code.strip().upper()
    region = regions().get(key)
    if region is None or region.kind == "group":
        raise InputError(
            "unknown region",
            where or Location(field="region"),
            expected="001, an M49 region code such as 150, or an ITU region such as ITU-EUR",
            found=code,
        )
    if region.kind == "world":
        return set(countries())
    return {
        c.iso3
        for c in countries().values()
        if key in (c.m49_region, c.m49_subregion, c.m49_intermediate_region, c.itu_region)
    }


def itu_regions() -> dict[str, Region]:
    return {code: r for code, r in regions().items() if r.kind == "itu_region"}
