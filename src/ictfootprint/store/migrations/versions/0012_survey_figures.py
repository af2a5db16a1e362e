"""figures published by a national survey's publisher, compared with the collection

Revision ID: 0012
Revises: 0011 (0010 in survey16; relinked at merge)
Create Date: 2026-12-02

A regulator publishes totals for the entities it surveys (Arcep: the four main operators);
``survey_figures`` keeps them, read from a file, with what they cover, how the publisher got
them and where they come from, to compare with the sum of the country's accepted
submissions. Append-only, like the rest of the record: a changed figure is a new revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLE = "survey_figures"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.String(64), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("indicator_id", sa.String(64), nullable=True),
        sa.Column("subsector", sa.String(30), nullable=True),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("value_received", sa.String(64), nullable=False),
        sa.Column("unit_received", sa.String(64), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("covers", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("lineage", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_figures")),
        sa.UniqueConstraint(
            "survey_id",
            "line_id",
            "year",
            "revision",
            name=op.f("uq_survey_figures_survey_id_line_id_year_revision"),
        ),
    )
    op.create_index(op.f("ix_survey_figures_country_year"), TABLE, ["country", "year"])
    _append_only("CREATE")


def downgrade() -> None:
    _append_only("DROP")
    op.drop_index(op.f("ix_survey_figures_country_year"), table_name=TABLE)
    op.drop_table(TABLE)


def _append_only(verb: str) -> None:
    """The same triggers as 0001's (the function ``ictfootprint_append_only`` exists)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres and verb == "CREATE":
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION ictfootprint_append_only()"
        )
    elif postgres:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    else:
        for action in ("UPDATE", "DELETE"):
            name = f"{TABLE}_no_{action.lower()}"
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {action} ON {TABLE} BEGIN SELECT "
                f"RAISE(ABORT, 'ictfootprint: {TABLE} is append-only ({action} refused)'); END"
                if verb == "CREATE"
                else f"DROP TRIGGER IF EXISTS {name}"
            )
