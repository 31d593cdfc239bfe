"""When a person last opened App Home and when it was last published to them, so that Home is redrawn after
a change only for someone who may be looking at it, and not more often than every few seconds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0005: never copy-and-move `people` on SQLite (dropping it would cascade-delete what points at it).
KEEP_THE_TABLE = "never"


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(sa.Column("home_opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("home_published_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("home_published_at")
        batch_op.drop_column("home_opened_at")
