"""the sector's totals of every area kept, and the areas whose totals are stale

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

Every read of a level's totals (``aggregate``, ``/api/v1/aggregates``, the pages) ran the
GROUP BY of ``sector_rows`` again: 0.6 s of the database a read at 4.4 M observations, and
with 50 clients on two cores the aggregates waited 12 s. ``area_totals`` keeps that GROUP
BY's result; ``area_stale`` names the (level, area, year) to compute again, marked by the
refresh of ``sector_rows`` for the areas of every entity it rebuilds. A partial index finds
the rows a total lists (incomplete, conflicts) without reading the year's others, another the
complete rows of some countries that an area's trends read. Every area
of the rows already built is marked here, so the first read of a level builds its totals.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_totals",
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(20), nullable=False),
        sa.Column("subsector", sa.String(30), nullable=False),
        sa.Column("quantity", sa.String(64), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("entities", sa.Integer(), nullable=False),
        sa.Column("incomplete", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "level", "year", "area", "subsector", "quantity", name=op.f("pk_area_totals")
        ),
    )
    op.create_table(
        "area_stale",
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("level", "year", "area", name=op.f("pk_area_stale")),
    )
    # the condition as each database's reads write it (SQLite matches it term for term)
    op.create_index(
        "ix_sector_rows_listed",
        "sector_rows",
        ["year", "country"],
        postgresql_where=sa.text("NOT complete OR conflict"),
        sqlite_where=sa.text('complete = 0 OR "conflict" = 1'),
    )
    op.create_index(
        "ix_sector_rows_trended",
        "sector_rows",
        ["country", "quantity", "year", "subsector", "entity_id", "value"],
        postgresql_where=sa.text("complete AND value IS NOT NULL"),
        sqlite_where=sa.text("complete = 1 AND value IS NOT NULL"),
    )
    op.execute(
        "INSERT INTO area_stale (level, year, area) SELECT DISTINCT a.level, r.year, a.area "
        "FROM sector_rows r JOIN sector_areas a ON a.country = r.country"
    )


def downgrade() -> None:
    op.drop_index("ix_sector_rows_trended", table_name="sector_rows")
    op.drop_index("ix_sector_rows_listed", table_name="sector_rows")
    op.drop_table("area_stale")
    op.drop_table("area_totals")
