"""answers kept between requests, and the generation of the data they were read from

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04

The world's pages (the home page, the world's sector page, the world report) computed the
world's coverage, like-for-like series and estimates from every reporter's rows on every
uncached request (0.8 s of the home page's 0.9 s at 4.4 M values on PostgreSQL, 2.5 s at
10 M), and the world report grouped the year's 430,000 values for its facts (1.2 s).
``kept_answers`` keeps each question's answer; ``data_generation`` counts the changes of the
data (the refresh of ``sector_rows``, which every observation written and every entity changed
goes through, adds one in the transaction that rebuilds any entity's rows, and so does a
change of the countries' areas). A kept answer serves only while its generation is the
current one. The generation starts at 0 and nothing is kept: the first read of each question
after the upgrade computes it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_answers",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_kept_answers")),
    )
    op.create_index(op.f("ix_kept_answers_kept_at"), "kept_answers", ["kept_at"])
    generation = op.create_table(
        "data_generation",
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_generation")),
    )
    op.bulk_insert(generation, [{"name": "data", "generation": 0}])


def downgrade() -> None:
    op.drop_table("data_generation")
    op.drop_index(op.f("ix_kept_answers_kept_at"), table_name="kept_answers")
    op.drop_table("kept_answers")
