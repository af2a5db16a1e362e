"""users' e-mail, language and password hash; sign-in attempts; links not tied to an entity

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Issue 16 lets people sign in to the dashboard with a password. A user gains an e-mail address
(unique among those given, stored lowercased: invitations and password resets go there), the
language its messages are written in, and the argon2id hash of its password (never the
password). ``sign_in_attempts`` keeps every password sign-in attempt, success or failure, per
account and per client address, so that the limit on failures holds across processes and
restarts. A personal link that invites a user or resets a password acts for no entity, so
``mail_links.entity_id`` may be NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("language", sa.String(length=2), nullable=False, server_default="en")
        )
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_email"), ["email"])
    with op.batch_alter_table("mail_links", schema=None) as batch_op:
        batch_op.alter_column("entity_id", existing_type=sa.String(length=64), nullable=True)
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account", sa.String(length=254), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_attempts_account_at"), ["account", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_attempts_client_at"), ["client", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_attempts_client_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_attempts_account_at"))
    op.drop_table("sign_in_attempts")
    with op.batch_alter_table("mail_links", schema=None) as batch_op:
        batch_op.alter_column("entity_id", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_email"), type_="unique")
        batch_op.drop_column("password_hash")
        batch_op.drop_column("language")
        batch_op.drop_column("email")
