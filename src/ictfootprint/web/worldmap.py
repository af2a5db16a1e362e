"""The world map on the home page: each country's value of one indicator, in banded classes.

The sector's emissions (``national_ict_ghg``) come from the very computation the world headline
and its L.1470 chart use, the sector totals (:mod:`ictfootprint.compute.sector`: Scope 1 + 2
location-based of in-sector entities, best value available), so a company accepted in a new
country shows on the map, in its table and in the count of countries the moment the headline
rises. Other indicators are the countries' own published values.

Classes are fixed at the server, not a continuous scale: quantile breaks rounded to two
significant digits (as Our World in Data's maps band theirs), a sequential palette whose
lightest class stands apart from the no-data grey (contrast ≥ 1.5:1), and a legend that names
"no data". Values are shown in one unit chosen so the largest is between 1 and 999.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from ictfootprint.model import EntityKind, StoredObservation
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries
from ictfootprint.store import Store
from ictfootprint.store import published_summary as _summary
from ictfootprint.units import convert
from ictfootprint.web.render import scaled

MAP_DEFAULT: Final = "national_ict_ghg"
# the sector's Scope 1 + 2 location-based: the headline's own computation
SECTOR_INDICATOR: Final = "national_ict_ghg"
SECTOR_QUANTITY: Final = "ghg_s1s2_location"
SECTOR_INPUTS: Final = ("ghg_scope1", "ghg_scope2_location", "ghg_s1s2_location")
SECTOR_SOURCE: Final = (
    "sum of the Scope 1 + 2 (location-based) of the country's in-sector reporting entities"
)
# ColorBrewer Blues, lightest to darkest; the lightest is dark enough to stand 1.5:1 from
# NO_DATA (see tests/test_web_map.py), each class 1.3:1 or more from the next
PALETTE: Final = ("#9ecae1", "#5da2d0", "#2b7bba", "#0b559f", "#08306b")
NO_DATA: Final = "#f2f2f2"
CLASSES: Final = 5


def map_indicators(store: Store) -> tuple[list[str], list[str]]:
    """Indicators with national values, as (those with published data, those without yet),
    kept between requests while the data holds (:mod:`ictfootprint.compute.kept_answers`)."""
    from ictfootprint.compute.kept_answers import answer

    return answer(
        store,
        "map_indicators",
        {},
        lambda: _map_indicators(store),
        list,
        lambda kept: (list(kept[0]), list(kept[1])),
    )


def _map_indicators(store: Store) -> tuple[list[str], list[str]]:
    national = [i.id for i in catalogue().values() if "national" in i.levels]
    with store.engine.connect() as connection:
        areas = _summary.area_ids(connection, EntityKind.COUNTRY, countries())
        found = _summary.indicators_with_values(
            connection, entity_ids=areas, indicator_ids=national
        )
    if _sector_years(store):
        found.add(SECTOR_INDICATOR)
    return [i for i in national if i in found], [i for i in national if i not in found]


@dataclass
class Band:
    low: float
    high: float
    colour: str


@dataclass
class CountryValues:
    """One indicator's national values for the chosen year, in one display unit."""

    indicator: str
    unit: str | None
    years: list[int]
    year: int | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    no_data: str = NO_DATA


def country_values(store: Store, indicator_id: str, year: int | None) -> CountryValues:
    """The map's data: each country's value for ``year`` (the latest year when None or a year
    without values), kept between requests while the data holds
    (:mod:`ictfootprint.compute.kept_answers`): the sector's country totals, converted and
    banded, were 31 ms of the home page at 4.4 M values on PostgreSQL. The question names
    only a year with values, so a visitor trying years keeps nothing new."""
    from ictfootprint.compute.kept_answers import answer

    asked = year if year is not None and year in _years(store, indicator_id) else None
    return answer(
        store,
        "country_values",
        {"indicator": indicator_id, "year": asked},
        lambda: _country_values(store, indicator_id, asked),
        _values_plain,
        _values_back,
    )


def _years(store: Store, indicator_id: str) -> list[int]:
    """The years with a value of the map's ``indicator_id``."""
    if indicator_id == SECTOR_INDICATOR:
        return _sector_years(store)
    with store.engine.connect() as connection:
        return _summary.years_with_values(
            connection, entity_ids=sorted(countries()), indicator_ids=[indicator_id]
        )


def _values_plain(values: CountryValues) -> dict[str, Any]:
    return {**asdict(values), "bands": [[b.low, b.high, b.colour] for b in values.bands]}


def _values_back(kept: dict[str, Any]) -> CountryValues:
    bands = [Band(float(low), float(high), colour) for low, high, colour in kept["bands"]]
    return CountryValues(**{**kept, "bands": bands})


def _country_values(store: Store, indicator_id: str, year: int | None) -> CountryValues:
    years = _years(store, indicator_id)
    chosen = year if year in years else (years[-1] if years else None)
    if indicator_id == SECTOR_INDICATOR:
        found = _sector_rows(store, chosen) if chosen is not None else []
    else:
        known = sorted(countries())
        national: list[StoredObservation] = []
        if chosen is not None:
            _total, published = store.published_page(
                entity_ids=known, indicator_ids=[indicator_id], years=[chosen], with_count=False
            )
            national = [o for o, _a in published if o.value is not None]
        found = [
            {
                "iso3": obs.entity_id,
                "value": float(obs.value or 0.0),
                "unit": obs.unit or catalogue()[indicator_id].unit,
                "method": str(obs.method),
                "source": obs.source,
                "flags": list(obs.quality_flags),
            }
            for obs in national
            if obs.year == chosen
        ]
    unit = _display_unit(found) or catalogue()[indicator_id].unit or None
    rows = []
    for row in sorted(found, key=lambda r: -float(r["value"])):
        value = float(row["value"])
        if unit and row["unit"] != unit:
            value = convert(value, row["unit"], unit).value
        rows.append(
            {**row, "value": value, "unit": unit, "numeric": countries()[row["iso3"]].numeric}
        )
    result = CountryValues(
        indicator_id, unit, years, chosen, rows, bands([r["value"] for r in rows])
    )
    for row in rows:
        row["colour"] = colour_of(row["value"], result.bands)
    return result


def _display_unit(rows: list[dict[str, Any]]) -> str | None:
    """The unit that puts the largest value between 1 and 999 (all rows share a unit)."""
    if not rows:
        return None
    largest = max(rows, key=lambda r: abs(float(r["value"])))
    return scaled(float(largest["value"]), str(largest["unit"]))[1]


def _sector_years(store: Store) -> list[int]:
    return store.published_years(list(SECTOR_INPUTS))


def _sector_rows(store: Store, year: int) -> list[dict[str, Any]]:
    from ictfootprint.compute.sector import ALL_SUBSECTORS, sector_totals

    totals = sector_totals(store, level="country", year=year, quantities=[SECTOR_QUANTITY])
    return [
        {
            "iso3": row["area"],
            "value": float(row["value"]),
            "unit": row["unit"],
            "method": "calculated",
            "source": SECTOR_SOURCE,
            "flags": [],
        }
        for row in totals.rows
        if row["subsector"] == ALL_SUBSECTORS
        and row["value"] is not None
        and row["value"] == row["value"]  # NaN: no complete entity, no value on the map
    ]


def bands(values: list[float], classes: int = CLASSES) -> list[Band]:
    """Quantile classes with edges rounded to two significant digits, lowest from 0.

    >>> [(b.low, b.high) for b in bands([9.48, 16.5, 74.1])]
    [(0.0, 14.0), (14.0, 36.0), (36.0, 75.0)]
    """
    found = sorted(values)
    if not found:
        return []
    distinct = len(set(found))
    count = max(1, min(classes, distinct))
    low = 0.0 if found[0] >= 0 else -_nice(-found[0], up=True)
    high = _nice(found[-1], up=True) if found[-1] > 0 else 0.0
    edges = [low]
    for k in range(1, count):
        cut = _nice(_quantile(found, k / count), up=False)
        if edges[-1] < cut < high:
            edges.append(cut)
    edges.append(max(high, edges[-1]))
    picks = _spread(len(edges) - 1)
    return [Band(edges[i], edges[i + 1], PALETTE[picks[i]]) for i in range(len(edges) - 1)]


def colour_of(value: float, found: list[Band]) -> str:
    for band in found:
        if value < band.high:
            return band.colour
    return found[-1].colour if found else NO_DATA


def _spread(count: int) -> list[int]:
    """``count`` palette positions, evenly from lightest to darkest."""
    if count <= 1:
        return [len(PALETTE) // 2]
    return [round(i * (len(PALETTE) - 1) / (count - 1)) for i in range(count)]


def _quantile(ordered: list[float], share: float) -> float:
    position = share * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _nice(value: float, *, up: bool) -> float:
    """``value`` rounded to two significant digits (up, or to the nearest)."""
    if value == 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(abs(value))) - 1)
    count = math.ceil(value / step) if up else round(value / step)
    return float(f"{count * step:.12g}")


@dataclass
class Coverage:
    """How much of the world the published data covers."""

    countries_with_values: int
    countries_total: int
    entities: int
    years: list[int]
    illustrative: bool  # some published data is the fictitious example, which the page says


def world_coverage(store: Store, values: CountryValues) -> Coverage:
    """How much of the world the map covers. The count of in-sector entities with a published
    value is kept between requests while the data holds
    (:mod:`ictfootprint.compute.kept_answers`): 10,200 probes, 60 ms of the home page at 4.4 M
    values on PostgreSQL."""
    from ictfootprint.compute.kept_answers import answer

    def counted() -> tuple[int, bool]:
        with store.engine.connect() as connection:
            return _summary.in_sector_published(connection)

    entities, illustrative = answer(
        store, "in_sector_published", {}, counted, list, lambda kept: (int(kept[0]), kept[1])
    )
    return Coverage(
        countries_with_values=len(values.rows),
        countries_total=sum(1 for c in countries().values() if c.itu_member),
        entities=entities,
        years=values.years,
        illustrative=illustrative,
    )
