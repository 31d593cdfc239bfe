"""Insights access: the people a workspace admin lets see the organisation's learning insights; and an index
that answers the insights' weeks of a workspace's learning from the index alone.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insights_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_insights_access_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_access")),
        sa.UniqueConstraint("team_id", "person_id", name=op.f("uq_insights_access_team_id_person_id")),
    )
    with op.batch_alter_table("insights_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insights_access_person_id"), ["person_id"], unique=False)

    op.create_index(
        "ix_learning_entries_team_day",
        "learning_entries",
        ["team_id", "local_day", "person_id", "kind", "minutes", "visibility"],
    )


def downgrade() -> None:
    op.drop_index("ix_learning_entries_team_day", table_name="learning_entries")
    with op.batch_alter_table("insights_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insights_access_person_id"))
    op.drop_table("insights_access")
