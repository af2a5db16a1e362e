"""submissions get an opaque public id, summary counts in columns, and an identity that
includes how the file was read

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

- ``public_id``: the id the API and the dashboard show. The integer id is global and
  sequential, so a submitter could tell how much others submit; the public id is random.
- ``value_count``, ``error_count``, ``warning_count``, ``unusable``: what a list of submissions
  shows, so that listing never reads a report (a report may be hundreds of megabytes).
- ``read_as`` and ``rereads_id``: a submission is the same one only for the same entity,
  bytes, format and declared reading options (encoding, locale, respondent). The same bytes
  read with other options (``--locale fr`` for an ambiguous ``1,234``) are a new submission
  that names the earlier one it re-reads.

Existing rows are backfilled (``read_as`` empty: nothing was declared that we know of). The
submissions table is append-only: its UPDATE trigger is lifted for the backfill only.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_IDENTITY = "ix_submissions_entity_id_content_sha256"
IDENTITY = "ix_submissions_entity_id_content_sha256_format_read_as"
PUBLIC = "ix_submissions_public_id"
REREADS = "fk_submissions_rereads_id_submissions"


def upgrade() -> None:
    op.add_column("submissions", sa.Column("public_id", sa.String(16), nullable=True))
    op.add_column(
        "submissions",
        sa.Column("read_as", sa.String(200), nullable=False, server_default=""),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("submissions", sa.Column("rereads_id", sa.Integer(), nullable=True))
        op.create_foreign_key(REREADS, "submissions", "submissions", ["rereads_id"], ["id"])
    else:  # SQLite adds a column with its reference in place (no ALTER of constraints)
        op.execute(
            f"ALTER TABLE submissions ADD COLUMN rereads_id INTEGER CONSTRAINT {REREADS} "
            "REFERENCES submissions (id)"
        )
    op.add_column("submissions", sa.Column("value_count", sa.Integer(), nullable=True))
    op.add_column("submissions", sa.Column("error_count", sa.Integer(), nullable=True))
    op.add_column("submissions", sa.Column("warning_count", sa.Integer(), nullable=True))
    op.add_column(
        "submissions",
        sa.Column("unusable", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _backfill()
    op.drop_index(OLD_IDENTITY, table_name="submissions")
    op.create_index(
        IDENTITY, "submissions", ["entity_id", "content_sha256", "format", "read_as"], unique=True
    )
    op.create_index(PUBLIC, "submissions", ["public_id"], unique=True)


def downgrade() -> None:
    op.drop_index(PUBLIC, table_name="submissions")
    op.drop_index(IDENTITY, table_name="submissions")
    op.create_index(OLD_IDENTITY, "submissions", ["entity_id", "content_sha256"], unique=True)
    with op.batch_alter_table("submissions") as batch:
        for name in (
            "unusable",
            "warning_count",
            "error_count",
            "value_count",
            "rereads_id",
            "read_as",
            "public_id",
        ):
            batch.drop_column(name)


def _backfill() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    table = sa.table(
        "submissions",
        sa.column("id", sa.Integer()),
        sa.column("report", sa.JSON()),
        sa.column("public_id", sa.String()),
        sa.column("value_count", sa.Integer()),
        sa.column("error_count", sa.Integer()),
        sa.column("warning_count", sa.Integer()),
        sa.column("unusable", sa.Boolean()),
    )
    ids = [row.id for row in bind.execute(sa.select(table.c.id))]
    if not ids:
        return
    op.execute(
        "DROP TRIGGER submissions_append_only ON submissions"
        if postgres
        else "DROP TRIGGER submissions_no_update"
    )
    for submission_id in ids:  # one report in memory at a time
        report = (
            bind.execute(sa.select(table.c.report).where(table.c.id == submission_id)).scalar()
            or {}
        )
        findings = report.get("findings") or []
        bind.execute(
            table.update()
            .where(table.c.id == submission_id)
            .values(
                public_id=secrets.token_urlsafe(9),
                value_count=report.get("values"),
                error_count=report.get("errors"),
                warning_count=report.get("warnings"),
                unusable=any(f.get("rule") == "unusable-file" for f in findings),
            )
        )
    op.execute(
        "CREATE TRIGGER submissions_append_only BEFORE UPDATE OR DELETE ON submissions "
        "FOR EACH ROW EXECUTE FUNCTION ictfootprint_append_only()"
        if postgres
        else "CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions BEGIN SELECT "
        "RAISE(ABORT, 'ictfootprint: submissions is append-only (UPDATE refused)'); END"
    )
