"""Chart images: the private Slack file holding a person's or a team's chart, per local day and version of
its data, so a chart is drawn and uploaded once and then reused.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chart_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("learning_team_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("data_version", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["learning_team_id"],
            ["learning_teams.id"],
            name=op.f("fk_chart_images_learning_team_id_learning_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_chart_images_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chart_images")),
        sa.UniqueConstraint(
            "team_id",
            "subject",
            "day",
            "data_version",
            name=op.f("uq_chart_images_team_id_subject_day_data_version"),
        ),
    )
    op.create_index(op.f("ix_chart_images_person_id"), "chart_images", ["person_id"])
    op.create_index(op.f("ix_chart_images_learning_team_id"), "chart_images", ["learning_team_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_chart_images_learning_team_id"), table_name="chart_images")
    op.drop_index(op.f("ix_chart_images_person_id"), table_name="chart_images")
    op.drop_table("chart_images")
