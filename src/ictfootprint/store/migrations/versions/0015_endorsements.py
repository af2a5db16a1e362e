"""the register of endorsements of the COP29 Declaration on Green Digital Action

Revision ID: 0015
Revises: 0014 (0013 in endorse18; relinked at merge)
Create Date: 2026-12-02

An endorsement (an endorser: government, company or organisation) has revisions (kind, name,
country, linked entity, date, channel, objectives, state endorsed or withdrawn), the documents
received, and commitments with their own revisions (objective, description, the entity's
target and series). Every table is append-only, like the rest of the record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = (
    "endorsements",
    "endorsement_documents",
    "endorsement_revisions",
    "commitment_revisions",
)


def _fk(table: str, column: str, referred: str, key: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.{key}"], name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    op.create_table(
        "endorsements",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
    )
    op.create_table(
        "endorsement_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("endorsement_id", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(100), nullable=False),
        _fk("endorsement_documents", "endorsement_id", "endorsements", "id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement_documents")),
    )
    op.create_index(
        op.f("ix_endorsement_documents_endorsement_id"),
        "endorsement_documents",
        ["endorsement_id"],
    )
    op.create_table(
        "endorsement_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("endorsement_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("endorsed_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        _fk("endorsement_revisions", "endorsement_id", "endorsements", "id"),
        _fk("endorsement_revisions", "entity_id", "entities", "id"),
        _fk("endorsement_revisions", "document_id", "endorsement_documents", "id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement_revisions")),
        sa.UniqueConstraint(
            "endorsement_id",
            "revision",
            name=op.f("uq_endorsement_revisions_endorsement_id_revision"),
        ),
    )
    op.create_table(
        "commitment_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("endorsement_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("objective", sa.String(10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("indicator_id", sa.String(64), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        _fk("commitment_revisions", "endorsement_id", "endorsements", "id"),
        _fk("commitment_revisions", "entity_id", "entities", "id"),
        _fk("commitment_revisions", "target_id", "targets", "id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_revisions")),
        sa.UniqueConstraint(
            "endorsement_id",
            "number",
            "revision",
            name=op.f("uq_commitment_revisions_endorsement_id_number_revision"),
        ),
    )
    op.create_index(
        op.f("ix_commitment_revisions_objective"), "commitment_revisions", ["objective"]
    )
    _append_only("CREATE")


def downgrade() -> None:
    _append_only("DROP")
    for table in reversed(TABLES):
        op.drop_table(table)


def _append_only(verb: str) -> None:
    """The same triggers as 0001's (the function ``ictfootprint_append_only`` exists)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
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
