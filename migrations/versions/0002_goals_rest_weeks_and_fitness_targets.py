"""Add goals (with their skills), rest weeks, fitness targets on people, and an entry's goal.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:53:22.237460
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column(
            "target_kind",
            sa.Enum("minutes", "sessions", "date", name="goaltarget", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("target_value", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("active", "done", "dropped", name="goalstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_goals_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("team_id", "idempotency_key", name=op.f("uq_goals_team_id_idempotency_key")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_person_id"), ["person_id"], unique=False)

    op.create_table(
        "rest_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_rest_weeks_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rest_weeks")),
        sa.UniqueConstraint("person_id", "week_start", name=op.f("uq_rest_weeks_person_id_week_start")),
    )
    op.create_table(
        "goal_skills",
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_skills_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_goal_skills_skill_id_skills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("goal_id", "skill_id", name=op.f("pk_goal_skills")),
    )
    with op.batch_alter_table("goal_skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_skills_skill_id"), ["skill_id"], unique=False)

    with op.batch_alter_table("learning_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_learning_entries_goal_id"), ["goal_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_learning_entries_goal_id_goals"), "goals", ["goal_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target_days_per_week", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.add_column(
            sa.Column("target_minutes_per_week", sa.Integer(), server_default="60", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("target_minutes_per_week")
        batch_op.drop_column("target_days_per_week")

    with op.batch_alter_table("learning_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_learning_entries_goal_id_goals"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_learning_entries_goal_id"))
        batch_op.drop_column("goal_id")

    with op.batch_alter_table("goal_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_skills_skill_id"))

    op.drop_table("goal_skills")
    op.drop_table("rest_weeks")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_person_id"))

    op.drop_table("goals")
