"""What the dashboard's pages and the reports show of the published data, read as such.

A page that shows a count, a list of years or a table of sources does not need the values
behind them: these queries count, group and pick in the database (``current_observations``
and its indexes, joined to ``observations`` only for what it alone holds) and bring back the
few rows the page shows. At 4 million values the country list, the world map and the world
report each read every value of the store (or of a year) into Python before (issue 15).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Text, case, cast, func, select

from ictfootprint.model import EntityKind, Method, StoredObservation
from ictfootprint.store.observations import _stored, current_filters
from ictfootprint.store.schema import current_observations, entities, observations

#: entities that stand for an area (their values are national or regional, not a reporter's)
AREAS: Final = (EntityKind.COUNTRY.value, EntityKind.REGION.value, EntityKind.WORLD.value)
_CHUNK: Final = 500


def in_sector_by_area(connection: Connection) -> dict[str, int]:
    """Area (a value's country, else its entity's) → how many in-sector entities (not
    areas) have a published value there: the distinct (area, entity) pairs first (hashed,
    some ten thousand at 4.4 M values), then one row per area. ``count(DISTINCT entity_id)``
    by area sorted every value instead: 2.5 s on PostgreSQL and 1.9 s on SQLite at 4.4 M
    values, 0.8 s and 1.1 s now."""
    table = current_observations.c
    pairs = select(table.area, table.entity_id).where(table.area.is_not(None)).distinct()
    placed = pairs.subquery("placed")
    query = (
        select(placed.c.area, func.count())
        .join(entities, entities.c.id == placed.c.entity_id)
        .where(entities.c.kind.not_in(AREAS))
        .group_by(placed.c.area)
    )
    return {str(area): int(count) for area, count in connection.execute(query)}


def published_ids(connection: Connection, ids: Collection[str]) -> set[str]:
    """Those of ``ids`` that are entities with at least one published value."""
    found: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), _CHUNK):
        query = select(current_observations.c.entity_id).where(
            current_observations.c.entity_id.in_(wanted[start : start + _CHUNK])
        )
        found.update(connection.execute(query.distinct()).scalars())
    return found


def area_ids(connection: Connection, kind: EntityKind, among: Collection[str]) -> list[str]:
    """The entities of ``kind`` whose id is one of ``among`` (e.g. the countries), by id."""
    query = select(entities.c.id).where(
        entities.c.kind == kind.value, entities.c.id.in_(sorted(among))
    )
    return sorted(connection.execute(query).scalars())


def indicators_with_values(
    connection: Connection, *, entity_ids: Sequence[str], indicator_ids: Sequence[str]
) -> set[str]:
    """Those of ``indicator_ids`` with a published number of one of ``entity_ids``."""
    if not entity_ids or not indicator_ids:
        return set()
    query = (
        select(current_observations.c.indicator_id)
        .join(observations, observations.c.id == current_observations.c.observation_id)
        .where(
            *current_filters(entity_ids=entity_ids, indicator_ids=indicator_ids),
            observations.c.value.is_not(None),
        )
        .distinct()
    )
    return set(connection.execute(query).scalars())


def years_with_values(
    connection: Connection, *, entity_ids: Sequence[str], indicator_ids: Sequence[str]
) -> list[int]:
    """The years with a published number of these entities and indicators, ascending."""
    query = (
        select(current_observations.c.year)
        .join(observations, observations.c.id == current_observations.c.observation_id)
        .where(
            *current_filters(entity_ids=entity_ids, indicator_ids=indicator_ids),
            observations.c.value.is_not(None),
        )
        .distinct()
        .order_by(current_observations.c.year)
    )
    return [int(year) for year in connection.execute(query).scalars()]


def in_sector_published(connection: Connection) -> tuple[int, bool]:
    """(how many in-sector entities have a published value, whether one is illustrative)."""
    query = select(
        func.count(),
        func.max(case((entities.c.illustrative, 1), else_=0)),
    ).where(
        entities.c.kind.not_in(AREAS),
        select(current_observations.c.observation_id)
        .where(current_observations.c.entity_id == entities.c.id)
        .exists(),
    )
    count, illustrative = connection.execute(query).one()
    return int(count), bool(illustrative)


def entity_names(connection: Connection, ids: Collection[str]) -> dict[str, str]:
    """Id → name of those of ``ids`` that exist (no other column read)."""
    found: dict[str, str] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), _CHUNK):
        query = select(entities.c.id, entities.c.name).where(
            entities.c.id.in_(wanted[start : start + _CHUNK])
        )
        found.update({str(i): str(n) for i, n in connection.execute(query)})
    return found


@dataclass
class Facts:
    """What a report says of the values of its selection (an area, a year): who gave them,
    their sources, the restated ones (the first ``shown``), their flags, and when the newest
    of them was recorded."""

    entity_ids: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    restatements: int = 0
    restated: list[StoredObservation] = field(default_factory=list)
    flags: dict[str, int] = field(default_factory=dict)
    newest: datetime | None = None

    def plain(self) -> dict[str, Any]:
        """As JSON values (:meth:`from_plain` reads them back)."""
        return {
            "entity_ids": self.entity_ids,
            "sources": [{**s, "method": Method(s["method"]).value} for s in self.sources],
            "restatements": self.restatements,
            "restated": [o.model_dump(mode="json") for o in self.restated],
            "flags": self.flags,
            "newest": None if self.newest is None else self.newest.isoformat(),
        }

    @classmethod
    def from_plain(cls, kept: dict[str, Any]) -> Facts:
        return cls(
            entity_ids=list(kept["entity_ids"]),
            sources=[{**s, "method": Method(s["method"])} for s in kept["sources"]],
            restatements=int(kept["restatements"]),
            restated=[StoredObservation.model_validate(o) for o in kept["restated"]],
            flags=dict(kept["flags"]),
            newest=None if kept["newest"] is None else datetime.fromisoformat(kept["newest"]),
        )


def facts(connection: Connection, *, shown: int, **filters: Any) -> Facts:
    """:class:`Facts` of the current values matching ``filters`` (``current_filters``), in
    one pass over them: grouped by entity, source, method, year and list of flags, with the
    rows, the restated ones and the latest recording of each group (the world's year of 430,000
    values is a few thousand groups). Four passes (contributors, sources, flags, newest) took
    6 s of the world report at 4.3 M values on PostgreSQL. The first ``shown`` restated values
    are read whole, and only when there are any."""
    where = current_filters(**filters)
    if filters.get("years"):  # the values' own year too: PostgreSQL then hashes that year's
        # rows of observations, not all of them (2.0 s to 1.4 s for a year of 4.3 M values)
        where.append(observations.c.year.in_([int(y) for y in filters["years"]]))
    table = current_observations.c
    joined = current_observations.join(observations, observations.c.id == table.observation_id)
    listed = cast(observations.c.quality_flags, Text)
    keys = (table.entity_id, observations.c.source, table.method, table.year, listed)
    grouped = (
        select(
            *keys,
            func.count(),
            func.sum(case((table.revision > 1, 1), else_=0)),
            func.max(observations.c.recorded_at),
        )
        .select_from(joined)
        .where(*where)
        .group_by(*keys)
    )
    found = Facts()
    entity_ids: set[str] = set()
    by_source: dict[tuple[str, str], Counter[int]] = {}
    flags: Counter[str] = Counter()
    for entity_id, source, method, year, flags_text, count, restated, latest in connection.execute(
        grouped
    ):
        entity_ids.add(str(entity_id))
        by_source.setdefault((source or "", method), Counter())[int(year)] += int(count)
        found.restatements += int(restated)
        for flag in json.loads(flags_text) if flags_text else ():
            flags[str(flag)] += int(count)
        if latest is not None and (found.newest is None or latest > found.newest):
            found.newest = latest
    found.entity_ids = sorted(entity_ids)
    found.sources = _source_rows(by_source)
    found.flags = dict(sorted(flags.items()))
    if found.restatements:
        first = (
            select(observations)
            .select_from(joined)
            .where(*where, table.revision > 1)
            .order_by(
                *code_point_order(
                    connection,
                    observations.c.entity_id,
                    observations.c.indicator_id,
                    func.coalesce(observations.c.country, ""),
                ),
                observations.c.id,
            )
            .limit(shown)
        )
        found.restated = [_stored(dict(row._mapping)) for row in connection.execute(first)]
    return found


def contributors(connection: Connection, **filters: Any) -> list[str]:
    """The entities with a matching value, by id."""
    query = select(current_observations.c.entity_id).where(*current_filters(**filters))
    return sorted(connection.execute(query.distinct()).scalars())


def sources(connection: Connection, **filters: Any) -> list[dict[str, Any]]:
    """Each distinct (source, method) of the matching values, with how many and the years."""
    table = current_observations.c
    grouped = (
        select(observations.c.source, table.method, table.year, func.count())
        .select_from(
            current_observations.join(observations, observations.c.id == table.observation_id)
        )
        .where(*current_filters(**filters))
        .group_by(observations.c.source, table.method, table.year)
    )
    by_source: dict[tuple[str, str], dict[int, int]] = {}
    for source, method, year, count in connection.execute(grouped):
        by_source.setdefault((source or "", method), {})[int(year)] = int(count)
    return _source_rows(by_source)


def _source_rows(by_source: Mapping[tuple[str, str], Mapping[int, int]]) -> list[dict[str, Any]]:
    """(source, method) → values by year, as the pages list them: how many, which years."""
    return [
        {"source": s, "method": Method(m), "count": sum(years.values()), "years": sorted(years)}
        for (s, m), years in sorted(by_source.items())
    ]


def cells(connection: Connection, **filters: Any) -> list[tuple[str, int, Method]]:
    """The distinct (indicator, year, method) of the matching values: a coverage matrix."""
    table = current_observations.c
    query = (
        select(table.indicator_id, table.year, table.method)
        .where(*current_filters(**filters))
        .distinct()
    )
    return [(str(i), int(y), Method(m)) for i, y, m in connection.execute(query)]


def sums(
    connection: Connection, *, other_than: str, **filters: Any
) -> list[tuple[str, int, str, float]]:
    """(indicator, year, unit, sum) of the matching numbers of entities other than
    ``other_than`` (a country's companies, not its national values), by unit as stored."""
    table = current_observations.c
    query = (
        select(table.indicator_id, table.year, observations.c.unit, func.sum(observations.c.value))
        .select_from(
            current_observations.join(observations, observations.c.id == table.observation_id)
        )
        .where(
            *current_filters(**filters),
            table.entity_id != other_than,
            observations.c.value.is_not(None),
            observations.c.unit.is_not(None),
        )
        .group_by(table.indicator_id, table.year, observations.c.unit)
    )
    return [(str(i), int(y), str(u), float(v)) for i, y, u, v in connection.execute(query)]


def code_point_order(connection: Connection, *columns: Any) -> list[Any]:
    """Columns ordered by code point, as Python sorts (PostgreSQL's collation may not)."""
    if connection.dialect.name == "postgresql":
        return [column.collate("C") for column in columns]
    return list(columns)


def newest(connection: Connection, **filters: Any) -> datetime | None:
    """The latest time of recording among the current values matching ``filters``."""
    query = (
        select(func.max(observations.c.recorded_at))
        .select_from(
            current_observations.join(
                observations, observations.c.id == current_observations.c.observation_id
            )
        )
        .where(*current_filters(**filters))
    )
    found: datetime | None = connection.execute(query).scalar_one()
    return found
