"""national custodians and collection rounds, their obligations and status events

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-01

A custodian (regulator, statistics office, ministry) has a mandate, focal points and a remit
of entities; a round of a custodian obliges entities to report a year by a deadline; what
happens to each respondent is an event (invited, opened, exempted, extended, reminded; the
round's own ``closed``). Every table is append-only, like the rest of the record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = (
    "custodians",
    "custodian_focal_points",
    "custodian_remit",
    "rounds",
    "round_obligations",
    "round_events",
)


def _fk(table: str, column: str, referred: str, key: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.{key}"], name=op.f(f"fk_{table}_{column}_{referred}")
    )


def _stamp() -> tuple[sa.Column[object], sa.Column[object]]:
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )


def upgrade() -> None:
    op.create_table(
        "custodians",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        *_stamp(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custodians")),
    )
    op.create_table(
        "custodian_focal_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("custodian_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        _fk("custodian_focal_points", "custodian_id", "custodians", "id"),
        _fk("custodian_focal_points", "user_name", "users", "name"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custodian_focal_points")),
    )
    op.create_index(
        op.f("ix_custodian_focal_points_custodian_id"), "custodian_focal_points", ["custodian_id"]
    )
    op.create_index(
        op.f("ix_custodian_focal_points_user_name"), "custodian_focal_points", ["user_name"]
    )
    op.create_table(
        "custodian_remit",
        sa.Column("custodian_id", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        _fk("custodian_remit", "custodian_id", "custodians", "id"),
        _fk("custodian_remit", "entity_id", "entities", "id"),
        sa.PrimaryKeyConstraint("custodian_id", "entity_id", name=op.f("pk_custodian_remit")),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("custodian_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("respondent_types", sa.JSON(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("template", sa.String(10), nullable=False),
        *_stamp(),
        _fk("rounds", "custodian_id", "custodians", "id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
    )
    op.create_index(op.f("ix_rounds_custodian_id"), "rounds", ["custodian_id"])
    op.create_table(
        "round_obligations",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("respondent", sa.String(40), nullable=False),
        sa.Column("via", sa.String(10), nullable=False),
        sa.Column("lang", sa.String(5), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        _fk("round_obligations", "round_id", "rounds", "id"),
        _fk("round_obligations", "entity_id", "entities", "id"),
        sa.PrimaryKeyConstraint("round_id", "entity_id", name=op.f("pk_round_obligations")),
    )
    op.create_table(
        "round_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("message_key", sa.String(200), nullable=True),
        _fk("round_events", "round_id", "rounds", "id"),
        _fk("round_events", "entity_id", "entities", "id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_events")),
    )
    op.create_index(
        op.f("ix_round_events_round_id_entity_id"), "round_events", ["round_id", "entity_id"]
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
