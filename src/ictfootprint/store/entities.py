"""Entities: reporting companies, facilities and organisations, and the areas aggregates use."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, insert, select

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.codes import subsector_code
from ictfootprint.reference.countries import country
from ictfootprint.store.database import now
from ictfootprint.store.schema import entities


def check(entity: Entity) -> Entity:
    """Normalise country codes to ISO alpha-3 and sub-sector codes to the catalogue's spelling
    (``mobile-network`` → ``mobile_network``)."""
    home = country(entity.country, Location(field="country")).iso3 if entity.country else None
    operating = tuple(
        country(code, Location(field="countries_of_operation")).iso3
        for code in entity.countries_of_operation
    )
    subsectors = tuple(subsector_code(s, Location(field="subsector")) for s in entity.subsectors)
    return entity.model_copy(
        update={"country": home, "countries_of_operation": operating, "subsectors": subsectors}
    )


def add(connection: Connection, entity: Entity) -> Entity:
    entity = check(entity)
    if get(connection, entity.id, missing_ok=True) is not None:
        raise InputError("entity already exists", Location(field="id"), found=entity.id)
    connection.execute(
        insert(entities).values(
            id=entity.id,
            name=entity.name,
            kind=entity.kind.value,
            country=entity.country,
            countries_of_operation=list(entity.countries_of_operation),
            subsectors=list(entity.subsectors),
            lei=entity.lei,
            isin=entity.isin,
            illustrative=entity.illustrative,
            created_at=now(),
        )
    )
    return entity


def entity_of(row: Any) -> Entity:
    """The entity of an ``entities`` row."""
    return Entity(
        id=row.id,
        name=row.name,
        kind=row.kind,
        country=row.country,
        countries_of_operation=tuple(row.countries_of_operation),
        subsectors=tuple(row.subsectors),
        lei=row.lei,
        isin=row.isin,
        illustrative=row.illustrative,
    )


def get(connection: Connection, entity_id: str, *, missing_ok: bool = False) -> Entity | None:
    row = connection.execute(select(entities).where(entities.c.id == entity_id)).first()
    if row is None:
        if missing_ok:
            return None
        raise NotFoundError(f"no entity {entity_id!r}")
    return entity_of(row)


def all_entities(
    connection: Connection, ids: Collection[str] | None = None, kind: EntityKind | None = None
) -> list[Entity]:
    """Every entity, or those of ``ids`` (an export names only its rows' entities), or those
    of one ``kind`` (the countries: 200 rows, not the 10,000 reporters)."""
    if kind is not None:
        query = select(entities).where(entities.c.kind == kind.value).order_by(entities.c.id)
        of_kind = [entity_of(row) for row in connection.execute(query)]
        return of_kind if ids is None else [e for e in of_kind if e.id in ids]
    if ids is None:
        query = select(entities).order_by(entities.c.id)
        return [entity_of(row) for row in connection.execute(query)]
    wanted = sorted(ids)
    found: list[Entity] = []
    for start in range(0, len(wanted), 500):
        query = select(entities).where(entities.c.id.in_(wanted[start : start + 500]))
        found.extend(entity_of(row) for row in connection.execute(query.order_by(entities.c.id)))
    return found
