"""the database itself keeps one submission per entity and file, and one review per submission

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Two requests racing (the REST API serves many at once) could otherwise both pass the
application's checks: the same file stored twice, or a submission accepted twice. Unique
indexes (not constraints: SQLite would rebuild the table and lose its append-only triggers)
make the second writer fail, and the store turns that into "identical" or "already reviewed".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

REVIEWED = sa.text("status IN ('accepted', 'rejected')")


def upgrade() -> None:
    op.drop_index("ix_submissions_entity_id_content_sha256", table_name="submissions")
    op.create_index(
        "ix_submissions_entity_id_content_sha256",
        "submissions",
        ["entity_id", "content_sha256"],
        unique=True,
    )
    op.create_index(
        "uq_submission_events_reviewed",
        "submission_events",
        ["submission_id"],
        unique=True,
        sqlite_where=REVIEWED,
        postgresql_where=REVIEWED,
    )


def downgrade() -> None:
    op.drop_index("uq_submission_events_reviewed", table_name="submission_events")
    op.drop_index("ix_submissions_entity_id_content_sha256", table_name="submissions")
    op.create_index(
        "ix_submissions_entity_id_content_sha256", "submissions", ["entity_id", "content_sha256"]
    )
