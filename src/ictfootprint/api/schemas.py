"""The shapes the API answers with: its OpenAPI schema, and what schemathesis checks against."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ictfootprint.assess.targets import KINDS, STATUSES
from ictfootprint.model import Entity
from ictfootprint.reference.catalogue import SCOPES, Indicator


def _utc(value: datetime) -> datetime:
    """SQLite hands back times without their zone; the store writes them in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


Time = Annotated[datetime, AfterValidator(_utc)]


def _printable(value: str) -> str:
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("control characters are not allowed")
    return value


# the same rule, said in the OpenAPI schema so that clients (and schemathesis) know it
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
Text = Annotated[str, AfterValidator(_printable), Field(json_schema_extra={"pattern": PRINTABLE})]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndicatorOut(Out):
    id: str
    value_type: str
    unit: str | None
    levels: list[str]
    subsectors: list[str]
    scope: str | None
    standard: list[str]
    components: list[str]
    categories: list[str]
    names: dict[str, str] = Field(description="The indicator's name in ar, zh, en, fr, ru, es.")
    definitions: dict[str, str]

    @classmethod
    def of(cls, item: Indicator) -> IndicatorOut:
        return cls(
            id=item.id,
            value_type=item.value_type,
            unit=item.unit or None,
            levels=list(item.levels),
            subsectors=list(item.subsectors),
            scope=item.scope,
            standard=list(item.standard),
            components=list(item.components),
            categories=list(item.categories),
            names=dict(item.names),
            definitions=dict(item.definitions),
        )


class EntityOut(Out):
    id: str
    name: str
    kind: str
    country: str | None
    countries_of_operation: list[str]
    subsectors: list[str]
    lei: str | None
    isin: str | None
    illustrative: bool

    @classmethod
    def of(cls, entity: Entity) -> EntityOut:
        return cls(**entity.model_dump(mode="json"))


class ObservationOut(Out):
    id: int
    entity: str
    indicator: str
    year: int
    country: str | None
    subsector: str | None
    value: float | None
    unit: str | None
    value_text: str | None
    method: str
    source: str
    quality_flags: list[str]
    boundary: str | None
    assurance: str | None
    gwp_set: str | None
    revision: int
    recorded_at: Time


class Page(Out):
    total: int = Field(description="Items matching the filters, on every page.")
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL, or null on the last page.")


class EntityPage(Page):
    items: list[EntityOut]


class IndicatorPage(Page):
    items: list[IndicatorOut]


class ObservationPage(Page):
    items: list[ObservationOut]


class AuditOut(Out):
    id: int
    at: Time
    actor: str
    action: str
    object_type: str
    object_id: str | None
    detail: dict[str, Any]
    origin: str | None


class AuditPage(Page):
    items: list[AuditOut]


class AggregatesOut(Out):
    level: str
    year: int
    region_kind: str
    area: str | None = Field(description="The one area asked for, or null: every area.")
    rows: list[dict[str, Any]] = Field(
        description="One row per area, sub-sector (_T: all sub-sectors) and quantity: area, "
        "area_name, subsector, year, quantity, family, unit, value (null when no entity's "
        "figures are complete), method (calculated), entities (added), incomplete (left "
        "out), beside (Scope 3 and life-cycle: never in the Scope 1 + 2 totals)."
    )
    incomplete: list[dict[str, Any]] = Field(
        description="The first page of the entity rows left out because some components are "
        "missing: entity_id, country, subsector, year, quantity, missing."
    )
    incomplete_total: int = Field(description="Entity rows left out, on every page.")
    incomplete_next: str | None = Field(
        description="The next page of `incomplete` (/api/v1/aggregates/listed), or null."
    )
    conflicts: list[dict[str, Any]] = Field(
        description="The first page of the conflicts: a reported combined figure and the sum "
        "of its components disagree: entity_id, country, year, quantity, combined, "
        "components, used (the newer one)."
    )
    conflicts_total: int = Field(description="Conflicts resolved, on every page.")
    conflicts_next: str | None = Field(
        description="The next page of `conflicts` (/api/v1/aggregates/listed), or null."
    )


class ListedPage(Page):
    listed: str = Field(description="Which list: incomplete or conflicts.")
    year: int
    items: list[dict[str, Any]] = Field(
        description="Rows of the list, as in `incomplete` or `conflicts` of /api/v1/aggregates."
    )


class TrajectoryOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    level: str
    key: str
    points: list[dict[str, Any]]
    gas: str = Field(description="co2e (every gas), or co2 (a CO2-only series).")
    projection: dict[str, Any] | None = Field(
        description="Least-squares projection to the target year; never below zero: "
        "`clamped`, `zero_year` and `note` say when the trend reaches zero."
    )
    applicability: dict[str, Any] | None = Field(
        description="`indicative` when the pathway is applied to what it was not derived for "
        "(L.1470, a global sector pathway, applied to a country or a company), with the "
        "`reason`, a `note` and the `alternatives` (shipped pathways that are the place's "
        "own, then a file of the user's own: a national target)."
    )


class CoverageOut(Out):
    years: list[int]
    matrix: list[dict[str, Any]]
    summary: list[dict[str, Any]]


class BenchmarkOut(Out):
    year: int
    weights: str = Field(description="Where the criteria weights come from.")
    companies: list[dict[str, Any]]


class SubmissionEvent(Out):
    status: str
    at: Time
    by: str
    comment: str | None


class SubmissionOut(Out):
    id: str = Field(description="The submission's public id (random, 12 characters).")
    entity: str
    file: str | None
    format: str
    sha256: str
    read_as: str = Field(
        description="The declared reading options (encoding, locale, respondent), if any."
    )
    rereads: str | None = Field(
        description="The earlier submission of the same file that this one reads again "
        "with other options."
    )
    unusable: bool = Field(description="The file could not be read at all.")
    received_at: Time
    received_by: str
    respondent: str | None
    status: str
    values: int | None
    errors: int | None
    warnings: int | None
    events: list[SubmissionEvent]
    report: dict[str, Any] | None = None


class SubmissionPage(Page):
    items: list[SubmissionOut]


class SubmitOut(Out):
    submission: str = Field(description="The submission's public id.")
    status: str = Field(description="validated (waits for review) or rejected (see report).")
    identical_to: str | None = Field(
        description="Set when the same file was already submitted for this entity, read the "
        "same way (format, encoding, locale, respondent): the earlier submission, whose "
        "outcome this is."
    )
    rereads: str | None = Field(
        default=None,
        description="Set when the same file was submitted before with other reading "
        "options: the earlier submission this one reads again.",
    )
    report: dict[str, Any]


class ReviewIn(Out):
    comment: Text | None = Field(default=None, max_length=2000)


class RejectIn(Out):
    comment: Text = Field(min_length=1, max_length=2000, description="Why: the submitter reads it.")


class ReviewOut(Out):
    submission: SubmissionOut
    written: int = Field(description="Values that became current revisions.")
    unchanged: int


class TargetIn(Out):
    scope: str = Field(
        max_length=20,
        description="Combined scope, e.g. 1+2-market.",
        json_schema_extra={"enum": list(SCOPES)},
    )
    base_year: int = Field(ge=1990, le=2100)
    base_value: float | None = Field(default=None, ge=0, description="tCO2e")
    target_year: int = Field(ge=1990, le=2100)
    reduction_percent: float = Field(ge=0, le=100)
    kind: str = Field(default="absolute", max_length=20, json_schema_extra={"enum": list(KINDS)})
    net_zero_year: int | None = Field(default=None, ge=1990, le=2100)
    status: str = Field(
        default="committed", max_length=20, json_schema_extra={"enum": list(STATUSES)}
    )
    source: Text = Field(min_length=1, max_length=2000)
    supersedes: int | None = Field(default=None, ge=1)


class TargetOut(Out):
    id: int
    entity_id: str
    scope: str
    base_year: int
    base_value: float | None
    unit: str | None
    target_year: int
    reduction_percent: float
    kind: str
    net_zero_year: int | None
    status: str | None
    source: str


class MeOut(Out):
    name: str
    role: str
    entities: list[str]
    countries: list[str]
