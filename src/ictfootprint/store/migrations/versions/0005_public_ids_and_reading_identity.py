"""submissions get an opaque public id, summary counts in columns, and an identity that
includes how the file was read

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

- ``public_id``: the id the API and the dashboard show. The integer id is global and
  sequential, so a submitter could tell how much others submit; the public id is random.
- ``value_count``, ``error_count``, ``warning_count``, ``unusable``: what a list of submissions
  shows, so that listing never reads a report (a report may be hundreds of megabytes).
- ``submission_reports``: the report and the payload move out of the submissions row (append-
  only, like it). SQLite reads a row's columns in order, walking a large value's overflow
  pages to reach the columns after it: a list took 0.2 s after a 300 MB report even without
  reading the report.
- ``read_as`` and ``rereads_id``: a submission is the same one only for the same entity,
  bytes, format and declared reading options (encoding, locale, respondent). The same bytes
  read with other options (``--locale fr`` for an ambiguous ``1,234``) are a new submission
  that names the earlier one it re-reads.

Existing rows are backfilled (``read_as`` empty: nothing was declared that we know of). The
submissions table is append-only: its UPDATE trigger is lifted for the backfill only.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

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
    op.create_table(
        "submission_reports",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_submission_reports_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_submission_reports")),
    )
    op.execute(
        "INSERT INTO submission_reports (submission_id, report, payload) "
        "SELECT id, report, payload FROM submissions"
    )
    for column in ("report", "payload"):
        op.execute(f"ALTER TABLE submissions DROP COLUMN {column}")
    _append_only_reports("CREATE")
    op.drop_index(OLD_IDENTITY, table_name="submissions")
    op.create_index(
        IDENTITY, "submissions", ["entity_id", "content_sha256", "format", "read_as"], unique=True
    )
    op.create_index(PUBLIC, "submissions", ["public_id"], unique=True)


def downgrade() -> None:
    _append_only_reports("DROP")
    op.add_column("submissions", sa.Column("report", sa.JSON(), nullable=True))
    op.add_column("submissions", sa.Column("payload", sa.JSON(), nullable=True))
    with _updatable():
        op.execute(
            "UPDATE submissions SET report = (SELECT r.report FROM submission_reports r WHERE "
            "r.submission_id = submissions.id), payload = (SELECT r.payload FROM "
            "submission_reports r WHERE r.submission_id = submissions.id)"
        )
    op.drop_table("submission_reports")
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


@contextmanager
def _updatable() -> Iterator[None]:
    """The submissions table without its UPDATE trigger, for a migration's own rewrite."""
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        "DROP TRIGGER submissions_append_only ON submissions"
        if postgres
        else "DROP TRIGGER submissions_no_update"
    )
    yield
    op.execute(
        "CREATE TRIGGER submissions_append_only BEFORE UPDATE OR DELETE ON submissions "
        "FOR EACH ROW EXECUTE FUNCTION ictfootprint_append_only()"
        if postgres
        else "CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions BEGIN SELECT "
        "RAISE(ABORT, 'ictfootprint: submissions is append-only (UPDATE refused)'); END"
    )


def _backfill() -> None:
    """Public ids, and the counts read from the reports by the database (no report is loaded
    into Python: one may weigh hundreds of megabytes)."""
    bind = op.get_bind()
    table = sa.table("submissions", sa.column("id", sa.Integer()), sa.column("public_id"))
    ids = [row.id for row in bind.execute(sa.select(table.c.id))]
    if not ids:
        return
    if bind.dialect.name == "postgresql":
        counts = (
            "value_count = (report->>'values')::int, error_count = (report->>'errors')::int, "
            "warning_count = (report->>'warnings')::int, unusable = EXISTS (SELECT 1 FROM "
            "json_array_elements(CASE WHEN json_typeof(report->'findings') = 'array' THEN "
            "report->'findings' END) f WHERE f->>'rule' = 'unusable-file')"
        )
    else:
        counts = (
            "value_count = json_extract(report, '$.values'), "
            "error_count = json_extract(report, '$.errors'), "
            "warning_count = json_extract(report, '$.warnings'), "
            "unusable = EXISTS (SELECT 1 FROM json_each(report, '$.findings') "
            "WHERE json_extract(value, '$.rule') = 'unusable-file')"
        )
    with _updatable():
        op.execute(f"UPDATE submissions SET {counts}")
        for submission_id in ids:
            bind.execute(
                table.update()
                .where(table.c.id == submission_id)
                .values(public_id=secrets.token_urlsafe(9))
            )


def _append_only_reports(verb: str) -> None:
    table = "submission_reports"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ictfootprint_append_only()"
            if verb == "CREATE"
            else f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"
        )
        return
    for action in ("UPDATE", "DELETE"):
        name = f"{table}_no_{action.lower()}"
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {action} ON {table} BEGIN SELECT "
            f"RAISE(ABORT, 'ictfootprint: {table} is append-only ({action} refused)'); END"
            if verb == "CREATE"
            else f"DROP TRIGGER IF EXISTS {name}"
        )
