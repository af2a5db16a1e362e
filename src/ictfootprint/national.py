"""National statistics in the store: importing a published file, reading the denominators.

A national statistic (a country's or the world's total GHG emissions, CO2 emissions,
electricity use) is an observation with method ``statistical`` on the area's entity (the
ISO3 country, or ``WORLD``), created here if missing as the footprint run does. A national
statistics office can send the same quantities as any submission (method ``statistical``,
entity the country): both land in the same series, and :func:`national_statistics` reads
them alike. Calculated or estimated values on those entities are never read as statistics.

For example::

    result = import_national(store, Path("owid-co2-data.csv"), "owid-co2",
                             citation="Our World in Data, CO2 and GHG emissions (2025), CC BY 4.0")
    result.written  # new revisions (0 when the same file is imported again)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Connection

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Entity, EntityKind, Method, Observation, StoredObservation
from ictfootprint.national_file import FORMATS, WORLD, NationalFile, read_national_file
from ictfootprint.reference.countries import countries, regions
from ictfootprint.store import Store
from ictfootprint.store import entities as _entities
from ictfootprint.store import observations as _observations
from ictfootprint.store.observations import best_available

#: What a national statistic may be: never a calculated sum or an estimate.
STATISTIC_METHODS: Final = ("statistical", "reported")
AREA_KINDS: Final = (EntityKind.COUNTRY, EntityKind.WORLD)


@dataclass(frozen=True)
class NationalImport:
    """What an import read and wrote."""

    file: NationalFile
    citation: str
    written: int
    unchanged: int
    entities_added: tuple[str, ...]


def import_national(
    store: Store,
    path: Path,
    fmt: str,
    *,
    citation: str,
    years: tuple[int, int] | None = None,
    areas: Collection[str] | None = None,
) -> NationalImport:
    """Read the whole file, then store its values in one transaction (nothing on error).

    Values equal to the current revision are not written again; a changed value becomes the
    next revision of its series and the earlier one stays readable."""
    if not citation.strip():
        raise InputError(
            "the file's origin is not stated: every value is recorded with its source",
            Location(file=str(path), field="source"),
            expected='--source "publisher, title, version or date, licence"',
        )
    read = read_national_file(path, fmt, years=years, areas=areas)
    meaning = {c.name: c.meaning for c in FORMATS[fmt]}
    # made one at a time as they are stored: 100,000 of them at once were 135 MB of the
    # import's peak
    batch = (
        Observation(
            entity_id=v.area,
            indicator_id=v.indicator,
            year=v.year,
            value=v.value,
            unit=v.unit,
            value_received=v.received,
            unit_received=v.unit_received,
            method=Method.STATISTICAL,
            source=f"{citation.strip()}: {meaning[v.column]} (column {v.column})",
            lineage={
                "format": fmt,
                "file": read.file_name,
                "sha256": read.sha256,
                "row": v.row,
                "column": v.column,
            },
        )
        for v in read.values
    )
    with store.transaction() as connection:
        added = [
            _area_entity(connection, area).id
            for area in read.areas
            if _existing_area(connection, area) is None
        ]
        result = _observations.record(connection, batch, store.actor)
        if result.written or added:
            store.audit(
                connection,
                "import-national",
                "observations",
                None,
                {
                    "file": read.file_name,
                    "sha256": read.sha256,
                    "format": fmt,
                    "written": len(result.written),
                    "unchanged": result.unchanged,
                    "entities_added": added,
                },
            )
    return NationalImport(
        read, citation.strip(), len(result.written), result.unchanged, tuple(added)
    )


def _existing_area(connection: Connection, area: str) -> Entity | None:
    found = _entities.get(connection, area, missing_ok=True)
    if found is not None and found.kind not in AREA_KINDS:
        raise InputError(
            f"entity {area} exists and is a {found.kind.value}, not a country: national "
            "statistics go on the area's own entity",
            Location(field="entity"),
            found=area,
        )
    return found


def _area_entity(connection: Connection, area: str) -> Entity:
    if area == WORLD:
        entity = Entity(id=WORLD, name=regions()["001"].name(), kind=EntityKind.WORLD)
    else:
        entity = Entity(
            id=area, name=countries()[area].name(), kind=EntityKind.COUNTRY, country=area
        )
    return _entities.add(connection, entity)


def national_statistics(
    store: Store,
    indicator_ids: Sequence[str],
    *,
    years: Sequence[int] | None = None,
) -> dict[tuple[str, str, int], StoredObservation]:
    """The national statistics held for these indicators, by (area, indicator, year): only
    statistical or reported values on country and world entities, the best one of each
    series (reported before statistical), a value split by country or sub-sector left out."""
    areas = {e.id for e in store.entities() if e.kind in AREA_KINDS}
    found = best_available(
        o
        for o in store.current_observations(
            indicator_ids=list(indicator_ids), years=years, methods=list(STATISTIC_METHODS)
        )
        if o.entity_id in areas
        and o.subsector is None
        and o.country in (None, o.entity_id)
        and o.value is not None
    )
    return {(o.entity_id, o.indicator_id, o.year): o for o in found}
