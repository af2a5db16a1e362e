"""the knowledge exchange: the search index, case studies with their versions, workflow and files

Revision ID: 0013
Revises: 0010 (reserved number; the lead relinks the chain at merge)
Create Date: 2026-12-02

``search_documents`` holds one row per searchable thing and language (a case study, a forum
thread or post, an endorsement), its text folded for search (``norm_title``, ``norm_text``)
beside the original kept for display. The full-text index is the database's own:

* SQLite: an FTS5 table ``search_fts`` with the ``trigram`` tokenizer (any script, no word
  segmentation needed), external content on ``search_documents``, kept in step by
  :mod:`ictfootprint.portal.search` (no trigger other code must know of);
* PostgreSQL: ``pg_trgm`` GIN indexes on the folded columns (substring ``LIKE`` uses them) and a
  GIN index on ``to_tsvector('simple', ...)`` for ranking.

Case studies are append-only: a case's content is a series of versions (per language), its
workflow a series of events (draft, review, published, returned), its attachments kept as sent.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None

APPEND_ONLY = ("case_studies", "case_versions", "case_events", "case_attachments")


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("norm_title", sa.Text(), nullable=False),
        sa.Column("norm_text", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("subsector", sa.String(length=40), nullable=True),
        sa.Column("objective", sa.String(length=40), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
    )
    op.create_index(
        op.f("ix_search_documents_kind_ref_lang"),
        "search_documents",
        ["kind", "ref", "lang"],
        unique=True,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("norm_title", "norm_text"):
            op.execute(
                f"CREATE INDEX search_fts_{column}_trgm ON search_documents "
                f"USING gin ({column} gin_trgm_ops)"
            )
        op.execute(
            "CREATE INDEX search_fts_tsv ON search_documents USING gin "
            "(to_tsvector('simple', norm_title || ' ' || norm_text))"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(norm_title, norm_text, "
            "content='search_documents', content_rowid='id', tokenize='trigram')"
        )

    op.create_table(
        "case_studies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_studies")),
    )
    op.create_index(op.f("ix_case_studies_public_id"), "case_studies", ["public_id"], unique=True)
    op.create_index(op.f("ix_case_studies_author"), "case_studies", ["author"])
    op.create_table(
        "case_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("subsector", sa.String(length=40), nullable=True),
        sa.Column("objective", sa.String(length=40), nullable=True),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("barriers", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_studies.id"], name=op.f("fk_case_versions_case_id_case_studies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_versions")),
    )
    op.create_index(
        op.f("ix_case_versions_case_id_lang_revision"),
        "case_versions",
        ["case_id", "lang", "revision"],
        unique=True,
    )
    op.create_index(
        op.f("ix_case_versions_created_by_created_at"),
        "case_versions",
        ["created_by", "created_at"],
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("revisions", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_studies.id"], name=op.f("fk_case_events_case_id_case_studies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_case_id"), "case_events", ["case_id"])
    op.create_table(
        "case_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_studies.id"],
            name=op.f("fk_case_attachments_case_id_case_studies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
    )
    op.create_index(op.f("ix_case_attachments_case_id"), "case_attachments", ["case_id"])
    _append_only("CREATE")


def downgrade() -> None:
    _append_only("DROP")
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_documents")


def _append_only(verb: str) -> None:
    """The same triggers as 0001's (the function ``ictfootprint_append_only`` exists)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres and verb == "CREATE":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ictfootprint_append_only()"
            )
        elif postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for action in ("UPDATE", "DELETE"):
                name = f"{table}_no_{action.lower()}"
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {action} ON {table} BEGIN SELECT "
                    f"RAISE(ABORT, 'ictfootprint: {table} is append-only ({action} refused)'); END"
                    if verb == "CREATE"
                    else f"DROP TRIGGER IF EXISTS {name}"
                )
