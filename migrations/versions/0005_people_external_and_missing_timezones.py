"""People from another organisation (Slack Connect) are marked, and a missing Slack timezone is remembered
with whether the person was told that their days run on UTC.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:12:40.118422
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Never copy-and-move `people` on SQLite: dropping the old table with foreign keys on would cascade-delete
# every row that points at a person (entries, goals, questions). SQLite adds and drops these columns in place.
KEEP_THE_TABLE = "never"


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(sa.Column("tz_missing", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("tz_note_shown_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("is_external", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("is_external")
        batch_op.drop_column("tz_note_shown_at")
        batch_op.drop_column("tz_missing")
