"""What a case study is: its content in one language, its versions, events, files, and the
case as read (the workflow and the store are in :mod:`ictfootprint.portal.cases`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Final

from pydantic import BaseModel, Field, ValidationError

from ictfootprint.errors import IctFootprintError, InputError, Location
from ictfootprint.portal.markdown import MAX_CHARS

KIND: Final = "case"
STATUSES: Final = ("draft", "review", "published", "returned")
#: writes (new cases, versions, attachments) a member may make in an hour
POSTS_PER_HOUR: Final = 30
PUBLIC_ID: Final = r"^[A-Za-z0-9_-]{12}$"


class TooManyPosts(IctFootprintError):
    """A member wrote more than :data:`POSTS_PER_HOUR` times in the last hour."""


class NotYours(IctFootprintError):
    """A member tried to change another member's case study."""


class Figure(BaseModel):
    """A result's figure: a series of the store, shown live."""

    entity_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    indicator_id: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9_]+$")
    years: list[Annotated[int, Field(ge=1900, le=2200)]] = Field(min_length=1, max_length=30)
    country: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    note: str = Field(default="", max_length=300)


class CaseContent(BaseModel):
    """What a member writes, in one language (Markdown in the long fields)."""

    lang: str = Field(pattern="^(ar|en|es|fr|ru|zh)$")
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(default="", max_length=4000)
    body: str = Field(default="", max_length=MAX_CHARS)
    country: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    subsector: str | None = Field(default=None, pattern="^[a-z0-9_-]{1,40}$")
    objective: str | None = Field(default=None, pattern="^[a-z0-9-]{1,40}$")
    measures: str = Field(default="", max_length=MAX_CHARS)
    results: str = Field(default="", max_length=MAX_CHARS)
    figures: list[Figure] = Field(default_factory=list, max_length=20)
    barriers: str = Field(default="", max_length=MAX_CHARS)
    contact: str = Field(default="", max_length=300)

    @classmethod
    def checked(cls, values: dict[str, Any]) -> CaseContent:
        """From outside input (a form, a file): an :class:`InputError` naming the field."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = ".".join(str(p) for p in first["loc"]) or None
            raise InputError(
                first["msg"], Location(field=name), found=str(first.get("input"))[:80]
            ) from None


@dataclass(frozen=True)
class Version:
    lang: str
    revision: int
    content: CaseContent
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Attachment:
    id: int
    name: str
    media_type: str
    size: int
    sha256: str
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class Event:
    status: str
    revisions: dict[str, int]
    comment: str | None
    at: datetime
    actor: str


@dataclass
class Case:
    id: str
    author: str
    illustrative: bool
    created_at: datetime
    events: list[Event]
    latest: dict[str, Version]
    published: dict[str, Version]
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.events[-1].status

    @property
    def comment(self) -> str | None:
        """The editor's comment on a returned case."""
        return self.events[-1].comment if self.status == "returned" else None

    @property
    def is_public(self) -> bool:
        return bool(self.published)

    @property
    def published_at(self) -> datetime | None:
        done = [e.at for e in self.events if e.status == "published"]
        return done[-1] if done else None

    def shown(self, lang: str, *, public: bool) -> Version | None:
        """The version to show in ``lang`` (else in the case's first language)."""
        versions = self.published if public else self.latest
        if not versions:
            return None
        return versions.get(lang) or next(iter(versions.values()))
