"""the forum: threads by topic, posts, their revisions, and who follows which thread

Revision ID: 0014
Revises: 0013 (after merging portal18 and accounts16; the lead relinks the chain)
Create Date: 2026-12-02

Issue 18 item 2. A thread has a topic (reference data) and may be attached to a case study, a
country or an indicator; its first post is its opening text. A post's text is kept in
``forum_revisions``, every edit a new row, append-only like the rest of the record; the post's
``body`` is its newest revision, for reading. Moderation (hide with a reason, lock) changes a
thread's or a post's state in place and leaves an audit row each time. ``forum_follows`` is
who wants an e-mail when a thread gets a reply (unfollowing deletes the row).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

APPEND_ONLY = ("forum_revisions",)


def _moderation() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by", sa.String(100), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
    )


def upgrade() -> None:
    op.create_table(
        "forum_threads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_study", sa.String(64), nullable=True),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("indicator", sa.String(64), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(100), nullable=True),
        *_moderation(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_threads")),
    )
    with op.batch_alter_table("forum_threads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_threads_topic"), ["topic"], unique=False)
    op.create_table(
        "forum_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        *_moderation(),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["forum_threads.id"], name=op.f("fk_forum_posts_thread_id_forum_threads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_posts")),
    )
    with op.batch_alter_table("forum_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_posts_thread_id"), ["thread_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_forum_posts_author_created_at"), ["author", "created_at"], unique=False
        )
    op.create_table(
        "forum_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["forum_posts.id"], name=op.f("fk_forum_revisions_post_id_forum_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_revisions")),
        sa.UniqueConstraint("post_id", "number", name=op.f("uq_forum_revisions_post_id_number")),
    )
    op.create_table(
        "forum_follows",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_threads.id"],
            name=op.f("fk_forum_follows_thread_id_forum_threads"),
        ),
        sa.ForeignKeyConstraint(
            ["user_name"], ["users.name"], name=op.f("fk_forum_follows_user_name_users")
        ),
        sa.PrimaryKeyConstraint("thread_id", "user_name", name=op.f("pk_forum_follows")),
    )
    _append_only("CREATE")


def downgrade() -> None:
    _append_only("DROP")
    for table in ("forum_follows", "forum_revisions", "forum_posts", "forum_threads"):
        op.drop_table(table)


def _append_only(verb: str) -> None:
    """The same triggers as 0001's (the function ``ictfootprint_append_only`` exists)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
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
