"""One search across the knowledge exchange: case studies, forum threads and posts, endorsements.

Every searchable thing is a row of ``search_documents`` per language (:func:`index_document`,
upserted by kind, ref and language; :func:`drop_document` removes every language of it). Text is
folded (:mod:`ictfootprint.portal.normalise`) in the index and in the query alike, so that
« électricité » finds "electricite", « الطَّاقَة » finds "الطاقة" and back.

A query is words; a document matches when it holds every word, as a substring of its title or
text (no word segmentation: Chinese and Arabic need none). The database's own index finds them:

* SQLite: FTS5 with the ``trigram`` tokenizer, ranked by ``bm25`` (title weighs more); a word of
  one or two characters (a two-character Chinese word) is below a trigram, and is matched with
  ``LIKE`` on the same FTS table instead;
* PostgreSQL: ``LIKE`` on the folded columns, served by ``pg_trgm`` GIN indexes, ranked by
  ``ts_rank`` on ``to_tsvector('simple', ...)`` plus the trigram ``word_similarity``.

Snippets are cut from the original text around the first match, HTML-escaped, then the matches
wrapped in ``<mark>``: nothing a member wrote is ever markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.sql import column, table

from ictfootprint.portal.normalise import fold, fold_with_map, terms
from ictfootprint.store.database import now
from ictfootprint.store.schema import search_documents as docs

KINDS: Final = ("case", "thread", "post", "endorsement")
MAX_QUERY_CHARS: Final = 200
MAX_TERMS: Final = 8
SNIPPET_CHARS: Final = 240
# trigram: a word shorter than this cannot use the index
_TRIGRAM: Final = 3


@dataclass(frozen=True)
class SearchHit:
    kind: str
    ref: str
    lang: str
    title: str
    url: str
    snippet: Markup
    country: str | None
    subsector: str | None
    objective: str | None
    score: float


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    hits: list[SearchHit]
    limit: int
    offset: int


def index_document(
    connection: Connection,
    *,
    kind: str,
    ref: str,
    lang: str,
    title: str,
    text: str,
    url: str,
    country: str | None = None,
    subsector: str | None = None,
    objective: str | None = None,
    public: bool = True,
) -> None:
    """Index (or re-index) one thing in one language; ``text`` is plain text."""
    values: dict[str, Any] = {
        "title": title,
        "text": text,
        "norm_title": fold(title),
        "norm_text": fold(text),
        "url": url,
        "country": country,
        "subsector": subsector,
        "objective": objective,
        "public": public,
        "indexed_at": now(),
    }
    old = connection.execute(
        select(docs.c.id, docs.c.norm_title, docs.c.norm_text).where(
            docs.c.kind == kind, docs.c.ref == ref, docs.c.lang == lang
        )
    ).first()
    sqlite = connection.dialect.name == "sqlite"
    if old is None:
        row_id = connection.execute(
            insert(docs).values(kind=kind, ref=ref, lang=lang, **values).returning(docs.c.id)
        ).scalar_one()
    else:
        row_id = old.id
        if sqlite:
            _fts_delete(connection, row_id, old.norm_title, old.norm_text)
        connection.execute(update(docs).where(docs.c.id == row_id).values(**values))
    if sqlite:
        connection.execute(
            sql_text("INSERT INTO search_fts(rowid, norm_title, norm_text) VALUES (:id, :t, :x)"),
            {"id": row_id, "t": values["norm_title"], "x": values["norm_text"]},
        )


def drop_document(connection: Connection, *, kind: str, ref: str) -> None:
    """Remove a thing from the index, in every language."""
    rows = connection.execute(
        select(docs.c.id, docs.c.norm_title, docs.c.norm_text).where(
            docs.c.kind == kind, docs.c.ref == ref
        )
    ).all()
    if connection.dialect.name == "sqlite":
        for row in rows:
            _fts_delete(connection, row.id, row.norm_title, row.norm_text)
    connection.execute(delete(docs).where(docs.c.kind == kind, docs.c.ref == ref))


def _fts_delete(connection: Connection, row_id: int, norm_title: str, norm_text: str) -> None:
    # external content: FTS5 must be told the old values to forget them
    connection.execute(
        sql_text(
            "INSERT INTO search_fts(search_fts, rowid, norm_title, norm_text) "
            "VALUES ('delete', :id, :t, :x)"
        ),
        {"id": row_id, "t": norm_title, "x": norm_text},
    )


def search(
    connection: Connection,
    query: str,
    *,
    kinds: Sequence[str] | None = None,
    country: str | None = None,
    subsector: str | None = None,
    objective: str | None = None,
    lang: str | None = None,
    limit: int = 20,
    offset: int = 0,
    include_private: bool = False,
) -> SearchPage:
    """The documents holding every word of ``query``, best first, with highlighted snippets.

    An empty query finds nothing (filters alone do not list the whole index). Only public
    documents unless ``include_private``.
    """
    words = terms(query[:MAX_QUERY_CHARS])[:MAX_TERMS]
    if not words:
        return SearchPage(query, 0, [], limit, offset)
    filters: list[ColumnElement[bool]] = []
    if not include_private:
        filters.append(docs.c.public.is_(True))
    if kinds:
        filters.append(docs.c.kind.in_(list(kinds)))
    for field, wanted in (
        (docs.c.country, country),
        (docs.c.subsector, subsector),
        (docs.c.objective, objective),
        (docs.c.lang, lang),
    ):
        if wanted:
            filters.append(field == wanted)
    if connection.dialect.name == "sqlite":
        base, score = _sqlite_match(words)
    else:
        base, score = _postgres_match(words)
    matching = base.where(*filters)
    total = int(
        connection.execute(select(func.count()).select_from(matching.subquery())).scalar_one()
    )
    rows = connection.execute(
        matching.add_columns(score.label("score"))
        .order_by(literal_column("score").desc(), docs.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    hits = [
        SearchHit(
            kind=row.kind,
            ref=row.ref,
            lang=row.lang,
            title=row.title,
            url=row.url,
            snippet=snippet(row.text, words),
            country=row.country,
            subsector=row.subsector,
            objective=row.objective,
            score=float(row.score or 0.0),
        )
        for row in rows
    ]
    return SearchPage(query, total, hits, limit, offset)


_COLUMNS: Final = (
    docs.c.kind,
    docs.c.ref,
    docs.c.lang,
    docs.c.title,
    docs.c.text,
    docs.c.url,
    docs.c.country,
    docs.c.subsector,
    docs.c.objective,
)


# the FTS5 virtual table (SQLite only; not in the metadata, migration 0013 makes it)
_fts: Final = table("search_fts", column("rowid"), column("norm_title"), column("norm_text"))


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sqlite_match(words: list[str]) -> tuple[Any, ColumnElement[Any]]:
    long_words = [w for w in words if len(w) >= _TRIGRAM]
    short_words = [w for w in words if len(w) < _TRIGRAM]
    query = select(*_COLUMNS).select_from(docs.join(_fts, _fts.c.rowid == docs.c.id))
    clauses: list[ColumnElement[bool]] = []
    if long_words:
        # every word a quoted phrase (a double quote inside is doubled): no FTS5 syntax leaks
        phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        clauses.append(literal_column("search_fts").op("MATCH")(phrase))
    for word in short_words:
        pattern = _like(word)
        clauses.append(
            or_(
                _fts.c.norm_title.like(pattern, escape="\\"),
                _fts.c.norm_text.like(pattern, escape="\\"),
            )
        )
    score: ColumnElement[Any] = (
        -func.bm25(literal_column("search_fts"), 5.0, 1.0) if long_words else literal_column("0.0")
    )
    return query.where(and_(*clauses)), score


def _postgres_match(words: list[str]) -> tuple[Any, ColumnElement[Any]]:
    clauses = [
        or_(
            docs.c.norm_title.like(_like(w), escape="\\"),
            docs.c.norm_text.like(_like(w), escape="\\"),
        )
        for w in words
    ]
    joined = " ".join(words)
    document = func.to_tsvector(
        literal_column("'simple'"), docs.c.norm_title + " " + docs.c.norm_text
    )
    score = (
        func.ts_rank(document, func.plainto_tsquery(literal_column("'simple'"), joined))
        + 2 * func.word_similarity(joined, docs.c.norm_title)
        + func.word_similarity(joined, docs.c.norm_text)
    )
    return select(*_COLUMNS).where(and_(*clauses)), score


def snippet(original: str, words: Sequence[str], *, width: int = SNIPPET_CHARS) -> Markup:
    """A piece of ``original`` around the first match, escaped, matches in ``<mark>``.

    >>> str(snippet("Les <b>économies</b> d'énergie", ["economies"]))
    'Les &lt;b&gt;<mark>économies</mark>&lt;/b&gt; d&#39;énergie'
    """
    folded, origin = fold_with_map(original)
    spans: list[tuple[int, int]] = []
    for word in words:
        start = folded.find(word)
        while start >= 0 and word:
            end = start + len(word)
            spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(word, end)
    spans = _merged(spans)
    first = spans[0][0] if spans else 0
    begin = max(0, first - width // 3)
    finish = min(len(original), begin + width)
    parts: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for start, end in spans:
        if end <= begin or start >= finish:
            continue
        start, end = max(start, begin), min(end, finish)
        parts.append(str(escape(original[cursor:start])))
        parts.append("<mark>" + str(escape(original[start:end])) + "</mark>")
        cursor = end
    parts.append(str(escape(original[cursor:finish])))
    parts.append("…" if finish < len(original) else "")
    return Markup("".join(parts))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
