"""Working out loud: entries shared in a channel (one post per share form), a goal's shared time, and a
team's weekly "What <team> learned" post (its channel, day, time and next time).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Never copy-and-move `learning_teams` or `goals` on SQLite: dropping the old table with foreign keys on
# would cascade-delete their members, deliveries and entries' links. SQLite adds and drops columns in place.
KEEP_THE_TABLE = "never"


def upgrade() -> None:
    op.create_table(
        "entry_channel_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["learning_entries.id"],
            name=op.f("fk_entry_channel_shares_entry_id_learning_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_entry_channel_shares_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_channel_shares")),
        sa.UniqueConstraint(
            "team_id", "idempotency_key", name=op.f("uq_entry_channel_shares_team_id_idempotency_key")
        ),
    )
    op.create_index(op.f("ix_entry_channel_shares_entry_id"), "entry_channel_shares", ["entry_id"])
    op.create_index(op.f("ix_entry_channel_shares_person_id"), "entry_channel_shares", ["person_id"])

    with op.batch_alter_table("goals", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("learning_teams", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(sa.Column("weekly_post_channel_id", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("weekly_post_weekday", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("weekly_post_minute", sa.Integer(), server_default="600", nullable=False)
        )
        batch_op.add_column(sa.Column("next_weekly_post_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_learning_teams_next_weekly_post_at"), "learning_teams", ["next_weekly_post_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_learning_teams_next_weekly_post_at"), table_name="learning_teams")
    with op.batch_alter_table("learning_teams", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("next_weekly_post_at")
        batch_op.drop_column("weekly_post_minute")
        batch_op.drop_column("weekly_post_weekday")
        batch_op.drop_column("weekly_post_channel_id")
    with op.batch_alter_table("goals", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("shared_at")
    op.drop_index(op.f("ix_entry_channel_shares_person_id"), table_name="entry_channel_shares")
    op.drop_index(op.f("ix_entry_channel_shares_entry_id"), table_name="entry_channel_shares")
    op.drop_table("entry_channel_shares")
