"""Case studies and best practices: written by members, published by editors, kept whole.

A case study has versions (one series of revisions per language: a French and an Arabic text of
the same case are two languages of one case), a workflow of events and attachments; nothing is
ever overwritten or deleted (the tables are append-only). The workflow::

    draft ──submit──▶ review ──publish──▶ published
      ▲                  │
      └─── (revise) ◀── returned (with the editor's comments)

The author revises a draft, a returned or a published case (a published case stays public as it
was published until its next version is published); a case in review waits for the editor. What
the public sees is the revisions named by the last ``published`` event, and only those are in the
search index. Every step is in the audit trail (``object_type`` ``case_study``).

Results may link figures to series of the store (entity, indicator, years): the page shows the
store's current accepted values, not a copy (:func:`live_figures`).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ictfootprint.errors import ConflictError, InputError, Location
from ictfootprint.errors import NotFoundError as _NotFound
from ictfootprint.portal.case_model import (
    KIND,
    POSTS_PER_HOUR,
    PUBLIC_ID,
    STATUSES,
    Attachment,
    Case,
    CaseContent,
    Event,
    Figure,
    NotYours,
    TooManyPosts,
    Version,
)
from ictfootprint.portal.markdown import plain
from ictfootprint.portal.search import drop_document, index_document
from ictfootprint.store import Store
from ictfootprint.store.database import now
from ictfootprint.store.schema import case_attachments, case_events, case_studies, case_versions
from ictfootprint.store.submissions import new_public_id


# writing ----------------------------------------------------------------------------------------
def create(store: Store, author: str, content: CaseContent, *, illustrative: bool = False) -> str:
    """A new case study, as a draft of ``author``; its public id."""
    with store.transaction() as connection:
        _check_rate(connection, author)
        public_id = new_public_id()
        case_id = connection.execute(
            insert(case_studies)
            .values(public_id=public_id, author=author, illustrative=illustrative, created_at=now())
            .returning(case_studies.c.id)
        ).scalar_one()
        revision = _add_version(connection, case_id, author, content)
        _event(connection, case_id, "draft", {content.lang: revision}, None, author)
        store.audit(
            connection, "case-create", "case_study", public_id, {"lang": content.lang, "by": author}
        )
    return public_id


def revise(store: Store, public_id: str, author: str, content: CaseContent) -> int:
    """A new version in ``content.lang`` (a new language is a translation); its revision.
    Only the author; not while the case is in review. A returned or published case is a
    draft again (the published text stays public until the next publication)."""
    with store.transaction() as connection:
        case = _load(connection, public_id)
        _own(case, author)
        if case.status == "review":
            raise ConflictError("the case study is in review: wait for the editor's decision")
        _check_rate(connection, author)
        revision = _add_version(connection, _row_id(connection, public_id), author, content)
        if case.status != "draft":
            _event(connection, _row_id(connection, public_id), "draft", {}, None, author)
        store.audit(
            connection,
            "case-revise",
            "case_study",
            public_id,
            {"lang": content.lang, "revision": revision},
        )
    return revision


def submit(store: Store, public_id: str, author: str) -> None:
    """The author sends the draft (or returned case) to the editors."""
    _move(store, public_id, author, "review", frozenset({"draft", "returned"}), None, own=True)


def publish(store: Store, public_id: str, editor: str, comment: str | None = None) -> None:
    """An editor publishes the case in review: its newest versions become public and searchable."""
    _move(store, public_id, editor, "published", frozenset({"review"}), comment, own=False)


def return_to_author(store: Store, public_id: str, editor: str, comment: str) -> None:
    """An editor returns the case in review to its author, saying what to change."""
    if not comment.strip():
        raise InputError(
            "returning a case study needs a comment", Location(field="comment"), found=""
        )
    _move(store, public_id, editor, "returned", frozenset({"review"}), comment, own=False)


def _move(
    store: Store,
    public_id: str,
    who: str,
    status: str,
    allowed_from: frozenset[str],
    comment: str | None,
    *,
    own: bool,
) -> None:
    with store.transaction() as connection:
        case = _load(connection, public_id)
        if own:
            _own(case, who)
        if case.status not in allowed_from:
            raise ConflictError(
                f"a case study {case.status} cannot go to {status}",
                Location(field="status"),
            )
        revisions = {lang: v.revision for lang, v in case.latest.items()}
        _event(connection, _row_id(connection, public_id), status, revisions, comment, who)
        if status == "published":
            _index(connection, case, public_id)
        store.audit(
            connection,
            f"case-{status}",
            "case_study",
            public_id,
            {"revisions": revisions, "comment": comment, "by": who},
        )


def _index(connection: Connection, case: Case, public_id: str) -> None:
    drop_document(connection, kind=KIND, ref=public_id)
    for lang, version in case.latest.items():
        c = version.content
        index_document(
            connection,
            kind=KIND,
            ref=public_id,
            lang=lang,
            title=c.title,
            text=plain("\n\n".join([c.summary, c.body, c.measures, c.results, c.barriers])),
            url=f"/{lang}/cases/{public_id}",
            country=c.country,
            subsector=c.subsector,
            objective=c.objective,
        )


def add_attachment(
    store: Store, public_id: str, author: str, name: str, data: bytes, media_type: str
) -> int:
    """Attach a file (already checked by :func:`ictfootprint.portal.attachments.sniff`)."""
    with store.transaction() as connection:
        case = _load(connection, public_id)
        _own(case, author)
        _check_rate(connection, author)
        attachment_id = connection.execute(
            insert(case_attachments)
            .values(
                case_id=_row_id(connection, public_id),
                name=name,
                media_type=media_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                content=data,
                added_at=now(),
                added_by=author,
            )
            .returning(case_attachments.c.id)
        ).scalar_one()
        store.audit(
            connection,
            "case-attach",
            "case_study",
            public_id,
            {"attachment": attachment_id, "name": name, "type": media_type, "size": len(data)},
        )
    return int(attachment_id)


def _add_version(connection: Connection, case_id: int, author: str, content: CaseContent) -> int:
    last = connection.execute(
        select(func.max(case_versions.c.revision)).where(
            case_versions.c.case_id == case_id, case_versions.c.lang == content.lang
        )
    ).scalar()
    revision = int(last or 0) + 1
    values = content.model_dump(mode="json")
    connection.execute(
        insert(case_versions).values(
            case_id=case_id, revision=revision, created_at=now(), created_by=author, **values
        )
    )
    return revision


def _event(
    connection: Connection,
    case_id: int,
    status: str,
    revisions: dict[str, int],
    comment: str | None,
    actor: str,
) -> None:
    connection.execute(
        insert(case_events).values(
            case_id=case_id,
            status=status,
            revisions=revisions,
            comment=comment,
            at=now(),
            actor=actor,
        )
    )


def _own(case: Case, who: str) -> None:
    if case.author != who:
        raise NotYours(f"case study {case.id} is another member's: only its author changes it")


def _check_rate(connection: Connection, author: str) -> None:
    since = now() - timedelta(hours=1)
    written = sum(
        int(connection.execute(select(func.count()).where(*where)).scalar_one())
        for where in (
            (case_versions.c.created_by == author, case_versions.c.created_at >= since),
            (case_attachments.c.added_by == author, case_attachments.c.added_at >= since),
        )
    )
    if written >= POSTS_PER_HOUR:
        raise TooManyPosts(
            f"{author} wrote {written} times in the last hour (at most {POSTS_PER_HOUR}): "
            "try again later"
        )


# reading ----------------------------------------------------------------------------------------
def _row_id(connection: Connection, public_id: str) -> int:
    found = connection.execute(
        select(case_studies.c.id).where(case_studies.c.public_id == public_id)
    ).scalar()
    if found is None:
        raise _NotFound(f"no case study {public_id}")
    return int(found)


def get(connection: Connection, public_id: str) -> Case:
    """The case study (every language's newest and published versions, events, files)."""
    return _load(connection, public_id)


def _load(connection: Connection, public_id: str) -> Case:
    row = connection.execute(
        select(case_studies).where(case_studies.c.public_id == public_id)
    ).first()
    if row is None:
        raise _NotFound(f"no case study {public_id}")
    return _cases(connection, [row])[0]


def _cases(connection: Connection, rows: list[Any]) -> list[Case]:
    ids = [row.id for row in rows]
    if not ids:
        return []
    events: dict[int, list[Event]] = {i: [] for i in ids}
    for e in connection.execute(
        select(case_events).where(case_events.c.case_id.in_(ids)).order_by(case_events.c.id)
    ):
        events[e.case_id].append(Event(e.status, dict(e.revisions), e.comment, e.at, e.actor))
    versions: dict[int, dict[tuple[str, int], Version]] = {i: {} for i in ids}
    for v in connection.execute(
        select(case_versions).where(case_versions.c.case_id.in_(ids)).order_by(case_versions.c.id)
    ):
        content = CaseContent.model_validate({k: getattr(v, k) for k in CaseContent.model_fields})
        versions[v.case_id][(v.lang, v.revision)] = Version(
            v.lang, v.revision, content, v.created_at, v.created_by
        )
    files: dict[int, list[Attachment]] = {i: [] for i in ids}
    for a in connection.execute(
        select(*[c for c in case_attachments.c if c.name != "content"])
        .where(case_attachments.c.case_id.in_(ids))
        .order_by(case_attachments.c.id)
    ):
        files[a.case_id].append(
            Attachment(a.id, a.name, a.media_type, a.size, a.sha256, a.added_at, a.added_by)
        )
    out = []
    for row in rows:
        latest: dict[str, Version] = {}
        for (lang, _revision), version in versions[row.id].items():
            latest[lang] = version  # in id order: the last is the newest
        published_event = next(
            (e for e in reversed(events[row.id]) if e.status == "published"), None
        )
        published = (
            {lang: versions[row.id][(lang, rev)] for lang, rev in published_event.revisions.items()}
            if published_event
            else {}
        )
        out.append(
            Case(
                row.public_id,
                row.author,
                row.illustrative,
                row.created_at,
                events[row.id],
                latest,
                published,
                files[row.id],
            )
        )
    return out


def listing(
    connection: Connection,
    *,
    status: str | None = None,
    author: str | None = None,
    public: bool = False,
    lang: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[Case]]:
    """(how many, one page of case studies, newest first): the public's (published), an
    author's own, or those in a status (the editors' queue: ``review``)."""
    rows = list(connection.execute(select(case_studies).order_by(case_studies.c.id.desc())))
    if author is not None:
        rows = [r for r in rows if r.author == author]
    cases = _cases(connection, rows)
    if public:
        cases = [c for c in cases if c.is_public]
    if status is not None:
        cases = [c for c in cases if c.status == status]
    if lang is not None:
        cases = [c for c in cases if lang in (c.published if public else c.latest)]
    return len(cases), cases[offset : offset + limit]


def attachment_content(
    connection: Connection, public_id: str, attachment_id: int
) -> tuple[Attachment, bytes]:
    row = connection.execute(
        select(case_attachments).where(
            case_attachments.c.id == attachment_id,
            case_attachments.c.case_id == _row_id(connection, public_id),
        )
    ).first()
    if row is None:
        raise _NotFound(f"no attachment {attachment_id} of case study {public_id}")
    info = Attachment(
        row.id, row.name, row.media_type, row.size, row.sha256, row.added_at, row.added_by
    )
    return info, bytes(row.content)


def live_figures(store: Store, figures: list[Figure]) -> list[dict[str, Any]]:
    """Each linked figure with the store's current accepted values (none: the series has no
    value, said so on the page)."""
    out = []
    for linked in figures:
        rows: dict[int, list[Any]] = {year: [] for year in linked.years}
        for o in store.current_observations(
            entity_ids=[linked.entity_id], indicator_ids=[linked.indicator_id], years=linked.years
        ):
            if o.subsector is None and (linked.country is None or o.country == linked.country):
                rows[o.year].append(o)
        values: list[dict[str, Any]] = []
        for year in sorted(rows):
            # the entity's whole value when there is one, else each country's
            found = [o for o in rows[year] if o.country is None] or rows[year] or [None]
            values.extend(
                {
                    "year": year,
                    "country": o.country if o else linked.country,
                    "value": o.value if o else None,
                    "unit": o.unit if o else None,
                    "method": o.method.value if o else None,
                    "source": o.source if o else None,
                }
                for o in found
            )
        out.append({"figure": linked, "values": values})
    return out


__all__ = [
    "KIND",
    "POSTS_PER_HOUR",
    "PUBLIC_ID",
    "STATUSES",
    "Attachment",
    "Case",
    "CaseContent",
    "Event",
    "Figure",
    "NotYours",
    "TooManyPosts",
    "Version",
    "add_attachment",
    "attachment_content",
    "create",
    "get",
    "listing",
    "live_figures",
    "publish",
    "return_to_author",
    "revise",
    "submit",
]
