"""Deliveries name the help question a follow-up is for, instead of leaving it to be read out of the key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:48:52.545871
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.Integer()),
    sa.column("key", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("help_question_id", sa.Integer()),
)
help_questions = sa.table("help_questions", sa.column("id", sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("help_question_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_help_question_id_help_questions"),
            "help_questions",
            ["help_question_id"],
            ["id"],
            ondelete="CASCADE",
        )
    _name_the_questions_of_earlier_follow_ups()


def _name_the_questions_of_earlier_follow_ups() -> None:
    """Follow-ups claimed before this revision kept their question only in the key (follow_up:T1:42);
    one still claimed is sent by the next tick, which reads the question from the new column."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(deliveries.c.id, deliveries.c.key).where(deliveries.c.kind == "follow_up")
    ).all()
    named = [
        {"delivery": delivery_id, "question": int(tail)}
        for delivery_id, key in rows
        if (tail := key.rsplit(":", 1)[-1]).isdigit()
    ]
    if not named:
        return
    question_exists = (
        sa.select(help_questions.c.id).where(help_questions.c.id == sa.bindparam("question")).exists()
    )
    connection.execute(
        deliveries.update()
        .where(deliveries.c.id == sa.bindparam("delivery"), question_exists)
        .values(help_question_id=sa.bindparam("question")),
        named,
    )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_deliveries_help_question_id_help_questions"), type_="foreignkey"
        )
        batch_op.drop_column("help_question_id")
