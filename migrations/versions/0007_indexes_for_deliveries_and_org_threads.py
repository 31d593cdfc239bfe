"""Indexes: a delivery's person, team and question (deleting one of those no longer scans the ledger),
and a question by its org, channel and message (an org-wide install finds a thread reply's question).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DELIVERY_COLUMNS = ("person_id", "learning_team_id", "help_question_id")


def upgrade() -> None:
    for column in DELIVERY_COLUMNS:
        op.create_index(op.f(f"ix_deliveries_{column}"), "deliveries", [column])
    op.create_index(
        "ix_help_questions_org_message", "help_questions", ["enterprise_id", "channel_id", "message_ts"]
    )


def downgrade() -> None:
    op.drop_index("ix_help_questions_org_message", table_name="help_questions")
    for column in reversed(DELIVERY_COLUMNS):
        op.drop_index(op.f(f"ix_deliveries_{column}"), table_name="deliveries")
