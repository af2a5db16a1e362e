"""the e-mail outbox (every message, its attempts and status) and personal expiring links

Revision ID: 0010
Revises: 0009 (0006 in mail16; relinked in rounds16)
Create Date: 2026-12-01

Issue 16 sends invitations and reminders by e-mail. ``mail_outbox`` is the log of every
message: queued once under a unique key (so a rerun command queues nothing twice), claimed by
one delivery run, then sent or failed. ``mail_links`` keeps the SHA-256 of the personal links
those messages carry, with their purpose, subject, entity, expiry and use. Neither table is
append-only: a message's status and a link's use change in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("subject_ref", sa.String(length=200), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_outbox_key")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_outbox_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mail_outbox_subject_ref"), ["subject_ref"], unique=False
        )
    op.create_table(
        "mail_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("subject_ref", sa.String(length=200), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_mail_links_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mail_links_token_hash")),
    )
    with op.batch_alter_table("mail_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_links_subject_ref"), ["subject_ref"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_links_subject_ref"))
    op.drop_table("mail_links")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_subject_ref"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_status"))
    op.drop_table("mail_outbox")
