"""the sector's entity-year frame materialised, and the entities whose rows are stale

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

Every total of the sector (CLI ``aggregate``, ``/api/v1/aggregates``, trajectories, pages,
reports) read every revision of every input observation into Python to apply the
completeness rules, then rolled up: 12 s at 4 M observations. ``sector_rows`` keeps the
outcome of those rules (the entity-year frame) so that the totals are one GROUP BY in the
database. ``sector_stale`` names the entities whose rows must be rebuilt: triggers mark an
entity on every insert into ``observations`` (whatever the write path) and on every insert or
update of ``entities`` (kind, country and sub-sectors decide what a row is), in the writer's
transaction. ``sector_areas`` holds country → area at each level, filled by the refresh from
the reference data. ``sector_built`` holds the fingerprint of the rules the rows were built
with (package version, quantities, defaults, units): another one marks every entity. Every
existing entity is marked, so the first refresh builds every row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

#: trigger name → (table, event, the new row's entity column)
TRIGGERS = (
    ("observations_sector_stale", "observations", "INSERT", "entity_id"),
    ("entities_sector_stale_insert", "entities", "INSERT", "id"),
    ("entities_sector_stale_update", "entities", "UPDATE", "id"),
)
FUNCTIONS = {
    "observations": "ictfootprint_stale_by_observation",
    "entities": "ictfootprint_stale_by_entity",
}


def upgrade() -> None:
    op.create_table(
        "sector_rows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("subsector", sa.String(30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.String(64), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("missing", sa.Text(), nullable=False),
        sa.Column("conflict", sa.Boolean(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("combined_value", sa.Double(), nullable=True),
        sa.Column("components_value", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sector_rows")),
    )
    # the totals read a year's rows of some quantities: covering, no row looked up
    covering = ["year", "quantity", "country", "subsector", "entity_id", "complete", "value"]
    op.create_index(op.f(f"ix_sector_rows_{'_'.join(covering)}"), "sector_rows", covering)
    op.create_index(op.f("ix_sector_rows_entity_id"), "sector_rows", ["entity_id"])
    op.create_table(
        "sector_stale",
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_sector_stale")),
    )
    op.create_table(
        "sector_areas",
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("area", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("level", "country", name=op.f("pk_sector_areas")),
    )
    op.create_table(
        "sector_built",
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sector_built")),
    )
    op.execute("INSERT INTO sector_stale (entity_id) SELECT id FROM entities")
    if op.get_bind().dialect.name == "postgresql":
        # once per statement over its new rows (a bulk insert marks its entities once each)
        for table, column in (("observations", "entity_id"), ("entities", "id")):
            op.execute(
                f"CREATE FUNCTION {FUNCTIONS[table]}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO sector_stale (entity_id) SELECT DISTINCT {column} FROM "
                "new_rows ON CONFLICT DO NOTHING; RETURN NULL; END $$"
            )
        for name, table, event, _column in TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING NEW TABLE AS "
                f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTIONS[table]}()"
            )
    else:  # SQLite has row triggers only
        for name, table, event, column in TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN INSERT OR IGNORE INTO "
                f"sector_stale (entity_id) VALUES (NEW.{column}); END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, _event, _column in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in FUNCTIONS.values():
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    for table in ("sector_built", "sector_areas", "sector_stale", "sector_rows"):
        op.drop_table(table)
