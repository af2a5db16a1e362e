"""Typed records of the domain (DESIGN.md §4), shared by the store, the engine and interfaces.

These are plain pydantic models: they validate what crosses a boundary and carry no I/O.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: What an entity id may look like (it appears in file names, URLs and SDMX keys).
ENTITY_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"


class Method(StrEnum):
    """How a figure came to be. Every observation says which."""

    REPORTED = "reported"
    CALCULATED = "calculated"
    ESTIMATED = "estimated"
    STATISTICAL = "statistical"


class EntityKind(StrEnum):
    COMPANY = "company"
    FACILITY = "facility"
    ORGANISATION = "organisation"
    COUNTRY = "country"
    REGION = "region"
    WORLD = "world"


class SubmissionStatus(StrEnum):
    RECEIVED = "received"
    VALIDATED = "validated"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Role(StrEnum):
    """What a user may do: submit for their entities, review submissions from their
    countries, administer everything; in the knowledge-exchange portal, write (a member) or
    moderate what members write (an editor). Every signed-in user may write in the portal."""

    SUBMITTER = "submitter"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    MEMBER = "member"
    EDITOR = "editor"


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Entity(Record):
    """A reporting unit, or an area that aggregates are attached to (country, region, world)."""

    id: str = Field(min_length=1, max_length=64, pattern=ENTITY_ID)
    name: str = Field(min_length=1, max_length=200)
    kind: EntityKind
    country: str | None = None
    countries_of_operation: tuple[str, ...] = ()
    subsectors: tuple[str, ...] = ()
    lei: str | None = None
    isin: str | None = None
    illustrative: bool = False


class Observation(Record):
    """One value (long format): entity × period × indicator, with unit, method and source."""

    entity_id: str
    indicator_id: str
    year: int = Field(ge=1900, le=2200)
    value: float | None = None
    unit: str | None = None
    value_text: str | None = None
    value_received: str | None = None
    unit_received: str | None = None
    method: Method
    source: str
    country: str | None = None
    subsector: str | None = None
    quality_flags: tuple[str, ...] = ()
    boundary: str | None = None
    assurance: str | None = None
    gwp_set: str | None = None
    submission_id: int | None = None
    lineage: dict[str, Any] = Field(default_factory=dict)
    comment: str | None = None
    reason: str | None = None


class StoredObservation(Observation):
    """An observation as the store keeps it: with its id, revision and time of recording."""

    id: int
    revision: int
    recorded_at: datetime


class EmissionFactor(Record):
    """A grid (or other) emission factor, with provenance on the row."""

    area: str
    year: int = Field(ge=1900, le=2200)
    value: float = Field(ge=0)
    unit: str
    kind: str = "grid-location"
    value_type: str = "historical"
    source: str


class FactorDataset(Record):
    """One import of a factor file (or the shipped default set): a version of a dataset."""

    name: str
    version: int
    title: str
    source: str
    licence: str | None = None
    file_name: str | None = None
    content_sha256: str | None = None
    imported_at: datetime | None = None
    imported_by: str | None = None
    id: int | None = None


class ResolvedFactor(Record):
    """The factor chosen for an area and year, and how (exact year, or a proxy year)."""

    factor_id: int
    dataset: str
    dataset_version: int
    area: str
    year: int
    requested_year: int
    value: float
    unit: str
    source: str
    flags: tuple[str, ...] = ()


class Target(Record):
    entity_id: str
    scope: str
    base_year: int
    base_value: float | None = None
    unit: str | None = None
    target_year: int
    reduction_percent: float = Field(ge=0, le=100)
    kind: str = "absolute"
    net_zero_year: int | None = None
    status: str | None = None
    source: str


class User(Record):
    """A user of the REST API: a submitter's own entities, a reviewer's countries (ISO3).

    A reviewer who is a focal point of national custodians also reviews their remit
    (``custodians``, ``remit``: derived from the custodians' register, never set here)."""

    name: str
    role: Role
    entities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    disabled: bool = False
    email: str | None = None
    language: str = "en"
    custodians: tuple[str, ...] = ()
    remit: tuple[str, ...] = ()
