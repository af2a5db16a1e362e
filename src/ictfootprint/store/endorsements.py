"""The register of endorsements of the COP29 Declaration on Green Digital Action: reading and
writing its tables (``endorsements``, ``endorsement_revisions``, ``endorsement_documents``,
``commitment_revisions``). Checks live in :mod:`ictfootprint.portal.endorsements`.

Everything is written once. An endorsement's current state is its highest revision (state
``endorsed`` or ``withdrawn``); a commitment's is the highest revision of its number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ictfootprint.errors import NotFoundError
from ictfootprint.store.database import now
from ictfootprint.store.schema import (
    commitment_revisions,
    endorsement_documents,
    endorsement_revisions,
    endorsements,
)


@dataclass(frozen=True)
class Revision:
    revision: int
    state: str
    kind: str
    name: str
    country: str
    entity_id: str | None
    endorsed_on: date
    channel: str
    objectives: tuple[str, ...]
    document_id: int | None
    illustrative: bool
    reason: str | None
    recorded_at: datetime
    recorded_by: str

    def fields(self) -> dict[str, Any]:
        """What a next revision starts from."""
        return {
            "state": self.state,
            "kind": self.kind,
            "name": self.name,
            "country": self.country,
            "entity_id": self.entity_id,
            "endorsed_on": self.endorsed_on,
            "channel": self.channel,
            "objectives": list(self.objectives),
            "document_id": self.document_id,
            "illustrative": self.illustrative,
        }


@dataclass(frozen=True)
class Commitment:
    endorsement_id: str
    number: int
    revision: int
    state: str
    objective: str
    description: str
    entity_id: str | None
    indicator_id: str | None
    target_id: int | None
    reason: str | None
    recorded_at: datetime
    recorded_by: str

    @property
    def id(self) -> str:
        return commitment_id(self.endorsement_id, self.number)


@dataclass(frozen=True)
class Document:
    id: int
    endorsement_id: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    received_at: datetime
    received_by: str


@dataclass(frozen=True)
class EndorsementRecord:
    id: str
    created_at: datetime
    created_by: str
    revisions: tuple[Revision, ...]
    commitments: tuple[Commitment, ...] = field(default=())  # the current revision of each
    documents: tuple[Document, ...] = field(default=())

    @property
    def current(self) -> Revision:
        return self.revisions[-1]


def commitment_id(endorsement_id: str, number: int) -> str:
    """A commitment's id outside: its endorsement's and its number (``gov-fra-c1``)."""
    return f"{endorsement_id}-c{number}"


def create(connection: Connection, endorsement_id: str, actor: str) -> None:
    connection.execute(
        insert(endorsements).values(id=endorsement_id, created_at=now(), created_by=actor)
    )


def exists(connection: Connection, endorsement_id: str) -> bool:
    found = connection.execute(
        select(endorsements.c.id).where(endorsements.c.id == endorsement_id)
    ).first()
    return found is not None


def add_revision(
    connection: Connection,
    endorsement_id: str,
    values: Mapping[str, Any],
    actor: str,
    reason: str | None,
) -> int:
    """The next revision of the endorsement (a race for the same number fails at the unique
    constraint and rolls back)."""
    latest = connection.execute(
        select(func.max(endorsement_revisions.c.revision)).where(
            endorsement_revisions.c.endorsement_id == endorsement_id
        )
    ).scalar_one()
    number = int(latest or 0) + 1
    connection.execute(
        insert(endorsement_revisions).values(
            endorsement_id=endorsement_id,
            revision=number,
            reason=reason,
            recorded_at=now(),
            recorded_by=actor,
            **values,
        )
    )
    return number


def add_document(
    connection: Connection,
    endorsement_id: str,
    *,
    file_name: str,
    media_type: str,
    content: bytes,
    actor: str,
) -> int:
    key = connection.execute(
        insert(endorsement_documents).values(
            endorsement_id=endorsement_id,
            file_name=file_name,
            media_type=media_type,
            size=len(content),
            content_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            received_at=now(),
            received_by=actor,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def add_commitment_revision(
    connection: Connection,
    endorsement_id: str,
    number: int | None,
    values: Mapping[str, Any],
    actor: str,
    reason: str | None,
) -> Commitment:
    """A new commitment (``number`` None: the next number) or a new revision of one."""
    table = commitment_revisions
    if number is None:
        latest = connection.execute(
            select(func.max(table.c.number)).where(table.c.endorsement_id == endorsement_id)
        ).scalar_one()
        number, revision = int(latest or 0) + 1, 1
    else:
        latest = connection.execute(
            select(func.max(table.c.revision)).where(
                table.c.endorsement_id == endorsement_id, table.c.number == number
            )
        ).scalar_one()
        if latest is None:
            raise NotFoundError(f"no commitment {commitment_id(endorsement_id, number)}")
        revision = int(latest) + 1
    row = {
        "endorsement_id": endorsement_id,
        "number": number,
        "revision": revision,
        "reason": reason,
        "recorded_at": now(),
        "recorded_by": actor,
        **values,
    }
    connection.execute(insert(table).values(**row))
    return _commitment(row)


def _commitment(row: Mapping[str, Any]) -> Commitment:
    return Commitment(**{k: row[k] for k in Commitment.__dataclass_fields__})


def _revision(row: Mapping[str, Any]) -> Revision:
    values = {k: row[k] for k in Revision.__dataclass_fields__}
    values["objectives"] = tuple(values["objectives"])
    return Revision(**values)


def _document(row: Mapping[str, Any]) -> Document:
    return Document(
        id=row["id"],
        endorsement_id=row["endorsement_id"],
        file_name=row["file_name"],
        media_type=row["media_type"],
        size=row["size"],
        sha256=row["content_sha256"],
        received_at=row["received_at"],
        received_by=row["received_by"],
    )


def current_commitments(
    connection: Connection, endorsement_ids: list[str] | None = None
) -> list[Commitment]:
    """The current revision of every commitment (of these endorsements), in order."""
    table = commitment_revisions
    query = select(table).order_by(table.c.endorsement_id, table.c.number, table.c.revision)
    if endorsement_ids is not None:
        query = query.where(table.c.endorsement_id.in_(endorsement_ids))
    latest: dict[tuple[str, int], Commitment] = {}
    for row in connection.execute(query):
        item = _commitment(dict(row._mapping))
        latest[(item.endorsement_id, item.number)] = item
    return list(latest.values())


def load(
    connection: Connection, endorsement_ids: list[str] | None = None
) -> list[EndorsementRecord]:
    """Endorsements with every revision, their documents (no content) and current commitments,
    by id."""
    heads = select(endorsements).order_by(endorsements.c.id)
    revs = select(endorsement_revisions).order_by(
        endorsement_revisions.c.endorsement_id, endorsement_revisions.c.revision
    )
    docs = select(*[c for c in endorsement_documents.c if c.name != "content"]).order_by(
        endorsement_documents.c.id
    )
    if endorsement_ids is not None:
        heads = heads.where(endorsements.c.id.in_(endorsement_ids))
        revs = revs.where(endorsement_revisions.c.endorsement_id.in_(endorsement_ids))
        docs = docs.where(endorsement_documents.c.endorsement_id.in_(endorsement_ids))
    revisions: dict[str, list[Revision]] = {}
    for row in connection.execute(revs):
        revisions.setdefault(row.endorsement_id, []).append(_revision(dict(row._mapping)))
    documents: dict[str, list[Document]] = {}
    for row in connection.execute(docs):
        documents.setdefault(row.endorsement_id, []).append(_document(dict(row._mapping)))
    commitments: dict[str, list[Commitment]] = {}
    for item in current_commitments(connection, endorsement_ids):
        commitments.setdefault(item.endorsement_id, []).append(item)
    return [
        EndorsementRecord(
            id=row.id,
            created_at=row.created_at,
            created_by=row.created_by,
            revisions=tuple(revisions.get(row.id, ())),
            commitments=tuple(commitments.get(row.id, ())),
            documents=tuple(documents.get(row.id, ())),
        )
        for row in connection.execute(heads)
        if revisions.get(row.id)
    ]


def get(connection: Connection, endorsement_id: str) -> EndorsementRecord:
    found = load(connection, [endorsement_id])
    if not found:
        raise NotFoundError(f"no endorsement {endorsement_id!r}")
    return found[0]


def document(connection: Connection, document_id: int) -> tuple[Document, bytes]:
    row = connection.execute(
        select(endorsement_documents).where(endorsement_documents.c.id == document_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no document {document_id}")
    return _document(dict(row._mapping)), bytes(row.content)
