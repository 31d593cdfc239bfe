"""A help question remembers whether the channel it is posted in is public: only then is it quoted to people
outside that channel (a nudge's "a colleague asked"). Questions asked before are taken as private.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Never copy-and-move `help_questions` on SQLite: dropping the old table with foreign keys on would
# cascade-delete its answers, offers and credits. SQLite adds and drops this column in place.
KEEP_THE_TABLE = "never"


def upgrade() -> None:
    with op.batch_alter_table("help_questions", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(
            sa.Column("in_public_channel", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("help_questions", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("in_public_channel")
