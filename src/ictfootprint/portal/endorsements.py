"""The register of endorsements of the COP29 Declaration on Green Digital Action, and of the
commitments made under it: every write checked first, then stored with its audit row in one
transaction (a refusal stores nothing). Kept by editors and admins (``can_moderate``).

    store = Store.open("footprint.db")
    add_endorsement(store, endorsement_id="gov-fra", kind="government", name="France",
                    country="FRA", endorsed_on=date(2024, 11, 16), channel="note-verbale",
                    objectives=["gda-1", "gda-3"])
    add_commitment(store, "gov-fra", objective="gda-3", description="...",
                   entity_id="orange-fr", indicator_id="ghg_s1s2_market", target_id=7)
    withdraw_endorsement(store, "gov-fra", reason="letter of 2025-03-01")

A change is a new revision; a withdrawal is a revision in state ``withdrawn``: nothing is
ever deleted. Objectives are the reference data's (:mod:`ictfootprint.reference.objectives`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection

from ictfootprint.errors import ConflictError, InputError, Location, NotFoundError
from ictfootprint.portal import documents, endorsement_index
from ictfootprint.portal.endorsement_checks import (
    CHANNELS as CHANNELS,
)
from ictfootprint.portal.endorsement_checks import (
    KINDS as KINDS,
)
from ictfootprint.portal.endorsement_checks import (
    TEXT_LIMIT,
    check_id,
    checked_endorsement,
    clean_text,
)
from ictfootprint.portal.endorsement_checks import (
    parse_day as parse_day,
)
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries
from ictfootprint.reference.objectives import objective
from ictfootprint.store import Store
from ictfootprint.store import endorsements as _register
from ictfootprint.store import entities as _entities
from ictfootprint.store import targets as _targets
from ictfootprint.store.endorsements import Commitment, EndorsementRecord


def _entity(connection: Connection, entity_id: str | None) -> str | None:
    if entity_id is None or not entity_id.strip():
        return None
    if _entities.get(connection, entity_id.strip(), missing_ok=True) is None:
        raise InputError("unknown entity", Location(field="entity"), found=entity_id[:64])
    return entity_id.strip()


def _audit_detail(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def store_endorsement(
    store: Store,
    connection: Connection,
    endorsement_id: str,
    values: dict[str, Any],
    document: tuple[str, bytes] | None = None,
) -> None:
    """Within a transaction: a new endorsement with its first revision (and document)."""
    if _register.exists(connection, endorsement_id):
        raise ConflictError(
            f"endorsement {endorsement_id!r} already exists: revise it instead",
            Location(field="id"),
        )
    values["entity_id"] = _entity(connection, values.get("entity_id"))
    _register.create(connection, endorsement_id, store.actor)
    if document is not None:
        values["document_id"] = _store_document(store, connection, endorsement_id, *document)
    _register.add_revision(connection, endorsement_id, values, store.actor, None)
    endorsement_index.index(connection, endorsement_id, values)
    store.audit(connection, "add", "endorsement", endorsement_id, _audit_detail(values))


def _store_document(
    store: Store, connection: Connection, endorsement_id: str, file_name: str, content: bytes
) -> int:
    media_type = documents.sniff(content, file_name)
    name = clean_text(file_name, "file name", 200)
    document_id = _register.add_document(
        connection,
        endorsement_id,
        file_name=name,
        media_type=media_type,
        content=content,
        actor=store.actor,
    )
    store.audit(
        connection,
        "add-document",
        "endorsement",
        endorsement_id,
        {"document": document_id, "file": name, "type": media_type, "size": len(content)},
    )
    return document_id


def add_endorsement(
    store: Store,
    *,
    endorsement_id: str,
    document: tuple[str, bytes] | None = None,
    **fields: Any,
) -> EndorsementRecord:
    """Record an endorsement (and the document received), or nothing."""
    endorsement_id = check_id(endorsement_id)
    values = checked_endorsement(**fields)
    if document is not None:
        documents.sniff(document[1], document[0])  # refuse before opening a transaction
    with store.transaction() as connection:
        store_endorsement(store, connection, endorsement_id, values, document)
    return get_endorsement(store, endorsement_id)


def revise_endorsement(
    store: Store,
    endorsement_id: str,
    *,
    reason: str,
    document: tuple[str, bytes] | None = None,
    **changes: Any,
) -> EndorsementRecord:
    """A new revision with ``changes`` (and a new document), the rest as it was."""
    why = clean_text(reason, "reason", TEXT_LIMIT)
    with store.transaction() as connection:
        record = _register.get(connection, endorsement_id)
        values = record.current.fields()
        if values["state"] != "endorsed":
            raise ConflictError(
                f"endorsement {endorsement_id!r} is withdrawn", Location(field="state")
            )
        given = {k: v for k, v in changes.items() if v is not None}
        merged = {**values, **given}
        checked = checked_endorsement(
            **{
                k: merged[k]
                for k in (
                    "kind",
                    "name",
                    "country",
                    "endorsed_on",
                    "channel",
                    "objectives",
                    "entity_id",
                    "illustrative",
                )
            }
        )
        checked["document_id"] = values["document_id"]
        checked["entity_id"] = _entity(connection, checked["entity_id"])
        if document is not None:
            checked["document_id"] = _store_document(store, connection, endorsement_id, *document)
        _register.add_revision(connection, endorsement_id, checked, store.actor, why)
        endorsement_index.index(connection, endorsement_id, checked)
        store.audit(
            connection,
            "revise",
            "endorsement",
            endorsement_id,
            {**_audit_detail(given), "reason": why},
        )
    return get_endorsement(store, endorsement_id)


def withdraw_endorsement(store: Store, endorsement_id: str, *, reason: str) -> EndorsementRecord:
    """The endorser withdrew: a revision in state ``withdrawn`` (its history stays)."""
    why = clean_text(reason, "reason", TEXT_LIMIT)
    with store.transaction() as connection:
        record = _register.get(connection, endorsement_id)
        if record.current.state == "withdrawn":
            raise ConflictError(
                f"endorsement {endorsement_id!r} is already withdrawn", Location(field="state")
            )
        values = {**record.current.fields(), "state": "withdrawn"}
        _register.add_revision(connection, endorsement_id, values, store.actor, why)
        endorsement_index.drop(connection, endorsement_id)
        store.audit(connection, "withdraw", "endorsement", endorsement_id, {"reason": why})
    return get_endorsement(store, endorsement_id)


# commitments ----------------------------------------------------------------------------------
def add_commitment(
    store: Store,
    endorsement_id: str,
    *,
    objective_id: str,
    description: str,
    entity_id: str | None = None,
    indicator_id: str | None = None,
    target_id: int | None = None,
) -> Commitment:
    """A commitment under one of the endorsement's objectives; its progress follows the
    entity's target (a target of that entity) and series (an indicator of the catalogue)."""
    oid = objective(objective_id).id
    text = clean_text(description, "description", TEXT_LIMIT)
    if indicator_id is not None and indicator_id not in catalogue():
        raise InputError("unknown indicator", Location(field="indicator"), found=indicator_id[:64])
    with store.transaction() as connection:
        record = _register.get(connection, endorsement_id)
        if record.current.state != "endorsed":
            raise ConflictError(
                f"endorsement {endorsement_id!r} is withdrawn", Location(field="state")
            )
        if oid not in record.current.objectives:
            raise InputError(
                "objective not endorsed by this endorser",
                Location(field="objective"),
                expected=", ".join(record.current.objectives),
                found=oid,
            )
        entity = _entity(connection, entity_id) or record.current.entity_id
        if (target_id is not None or indicator_id is not None) and entity is None:
            raise InputError(
                "a target or series needs an entity",
                Location(field="entity"),
                expected="the id of an entity in the store",
            )
        if target_id is not None:
            assert entity is not None
            if target_id not in {i for i, _ in _targets.current(connection, entity)}:
                raise InputError(
                    "not a current target of the entity",
                    Location(field="target"),
                    expected=f"the id of a current target of {entity}",
                    found=str(target_id),
                )
        values = {
            "state": "active",
            "objective": oid,
            "description": text,
            "entity_id": entity,
            "indicator_id": indicator_id,
            "target_id": target_id,
        }
        item = _register.add_commitment_revision(
            connection, endorsement_id, None, values, store.actor, None
        )
        store.audit(
            connection,
            "add-commitment",
            "endorsement",
            endorsement_id,
            {"commitment": item.id, **values},
        )
    return item


def withdraw_commitment(
    store: Store, endorsement_id: str, number: int, *, reason: str
) -> Commitment:
    why = clean_text(reason, "reason", TEXT_LIMIT)
    with store.transaction() as connection:
        record = _register.get(connection, endorsement_id)
        current = next((c for c in record.commitments if c.number == number), None)
        if current is None:
            raise NotFoundError(f"no commitment {number} of endorsement {endorsement_id!r}")
        if current.state == "withdrawn":
            raise ConflictError(f"commitment {current.id} is already withdrawn")
        values = {
            "state": "withdrawn",
            "objective": current.objective,
            "description": current.description,
            "entity_id": current.entity_id,
            "indicator_id": current.indicator_id,
            "target_id": current.target_id,
        }
        item = _register.add_commitment_revision(
            connection, endorsement_id, number, values, store.actor, why
        )
        store.audit(
            connection,
            "withdraw-commitment",
            "endorsement",
            endorsement_id,
            {"commitment": item.id, "reason": why},
        )
    return item


# reads ----------------------------------------------------------------------------------------
def get_endorsement(store: Store, endorsement_id: str) -> EndorsementRecord:
    with store.engine.connect() as connection:
        return _register.get(connection, endorsement_id)


def list_endorsements(
    store: Store,
    *,
    kind: str | None = None,
    region: str | None = None,
    objective_id: str | None = None,
    state: str | None = "endorsed",
) -> list[EndorsementRecord]:
    """The register, by name, filtered: kind, region (an ITU region or an M49 region,
    sub-region or intermediate region code), objective, state (None: every state)."""
    with store.engine.connect() as connection:
        found = _register.load(connection)
    known = countries()
    rows = []
    for record in found:
        current = record.current
        if state is not None and current.state != state:
            continue
        if kind is not None and current.kind != kind:
            continue
        if objective_id is not None and objective_id not in current.objectives:
            continue
        if region is not None and region not in regions_of(known.get(current.country)):
            continue
        rows.append(record)
    return sorted(rows, key=lambda r: (r.current.name.casefold(), r.id))


def regions_of(country: Any) -> set[str]:
    if country is None:
        return set()
    return {
        code
        for code in (
            country.itu_region,
            country.m49_region,
            country.m49_subregion,
            country.m49_intermediate_region,
        )
        if code
    }


def counts(records: Sequence[EndorsementRecord]) -> dict[str, dict[str, int]]:
    """Endorsements by ITU region, M49 region, kind and objective (of those given)."""
    known = countries()
    result: dict[str, dict[str, int]] = {"itu": {}, "m49": {}, "kind": {}, "objective": {}}
    for record in records:
        current = record.current
        country = known.get(current.country)
        for group, key in (
            ("itu", country.itu_region if country else None),
            ("m49", country.m49_region if country else None),
            ("kind", current.kind),
        ):
            name = key or "none"
            result[group][name] = result[group].get(name, 0) + 1
        for oid in current.objectives:
            result["objective"][oid] = result["objective"].get(oid, 0) + 1
    return {group: dict(sorted(found.items())) for group, found in result.items()}


def commitments(
    store: Store, *, objective_id: str | None = None, entity_id: str | None = None
) -> list[Commitment]:
    """Active commitments of endorsements in force, filtered by objective and entity."""
    with store.engine.connect() as connection:
        found = _register.load(connection)
    return [
        c
        for r in found
        if r.current.state == "endorsed"
        for c in r.commitments
        if c.state == "active"
        and (objective_id is None or c.objective == objective_id)
        and (entity_id is None or c.entity_id == entity_id)
    ]


def document(store: Store, endorsement_id: str, document_id: int) -> tuple[Any, bytes]:
    with store.engine.connect() as connection:
        found, content = _register.document(connection, document_id)
    if found.endorsement_id != endorsement_id:
        raise NotFoundError(f"no document {document_id} of endorsement {endorsement_id!r}")
    return found, content


def summary(record: EndorsementRecord) -> dict[str, Any]:
    """The endorsement as the API and the CLI show it."""
    current = record.current
    return {
        "id": record.id,
        "state": current.state,
        "kind": current.kind,
        "name": current.name,
        "country": current.country,
        "entity": current.entity_id,
        "endorsed_on": current.endorsed_on.isoformat(),
        "channel": current.channel,
        "objectives": list(current.objectives),
        "illustrative": current.illustrative,
        "document": current.document_id,
        "revision": current.revision,
        "recorded_at": current.recorded_at.isoformat(),
    }


def history(record: EndorsementRecord) -> list[dict[str, Any]]:
    return [
        {
            "revision": r.revision,
            "state": r.state,
            "reason": r.reason,
            "recorded_at": r.recorded_at.isoformat(),
            "recorded_by": r.recorded_by,
        }
        for r in record.revisions
    ]
