"""Kudos on teammates' shared entries (once per giver and entry) and when each author's daily summary of
them is due; an index for the team feed (a workspace's entries, newest first).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Never copy-and-move `people` on SQLite: dropping the old table with foreign keys on would cascade-delete
# every row that points at a person. SQLite adds and drops this column in place.
KEEP_THE_TABLE = "never"


def upgrade() -> None:
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary_delivery_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["learning_entries.id"],
            name=op.f("fk_kudos_entry_id_learning_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["people.id"], name=op.f("fk_kudos_giver_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"], ["people.id"], name=op.f("fk_kudos_receiver_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["summary_delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_kudos_summary_delivery_id_deliveries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
        sa.UniqueConstraint("entry_id", "giver_id", name=op.f("uq_kudos_entry_id_giver_id")),
    )
    op.create_index(op.f("ix_kudos_giver_id"), "kudos", ["giver_id"])
    op.create_index(op.f("ix_kudos_summary_delivery_id"), "kudos", ["summary_delivery_id"])
    op.create_index("ix_kudos_receiver_summary", "kudos", ["receiver_id", "summary_delivery_id"])
    with op.batch_alter_table("people", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(sa.Column("next_kudos_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_people_next_kudos_at"), "people", ["next_kudos_at"])
    op.create_index("ix_learning_entries_team_created", "learning_entries", ["team_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_learning_entries_team_created", table_name="learning_entries")
    op.drop_index(op.f("ix_people_next_kudos_at"), table_name="people")
    with op.batch_alter_table("people", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("next_kudos_at")
    op.drop_index("ix_kudos_receiver_summary", table_name="kudos")
    op.drop_index(op.f("ix_kudos_summary_delivery_id"), table_name="kudos")
    op.drop_index(op.f("ix_kudos_giver_id"), table_name="kudos")
    op.drop_table("kudos")
