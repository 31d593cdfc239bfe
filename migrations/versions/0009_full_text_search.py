"""Full-text search: learning entries' words and help questions' text, with each database's own engine, and
a question held back while its asker reads questions answered before.

SQLite: an FTS5 table per source (external content, so the words are stored once) kept in step by
triggers on insert, edit and delete (forget-me's ON DELETE CASCADE fires them too). PostgreSQL: a GIN
index on the `to_tsvector('english', ...)` expression, which the database keeps in step by itself.
Neither is in the models: `migrations/env.py` leaves them out of autogenerate (bot/db.py names them).

A later batch migration that copies-and-moves `learning_entries` or `help_questions` on SQLite drops these
triggers with the old table: it must create them again (the statements below).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0006: SQLite adds and drops the column in place, never copying the table (that would cascade).
KEEP_THE_TABLE = "never"
# (source table, its text column, the FTS5 table / GIN index name)
SOURCES = (
    ("learning_entries", "what", "learning_entries_fts"),
    ("help_questions", "text", "help_questions_fts"),
)
TOKENIZER = "porter unicode61 remove_diacritics 2"


def _sqlite_statements(source: str, column: str, fts: str) -> list[str]:
    delete_old = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    insert_new = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{source}', content_rowid='id', "
        f"tokenize='{TOKENIZER}')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {source} BEGIN {insert_new} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {source} BEGIN {delete_old} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {source} BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade() -> None:
    with op.batch_alter_table("help_questions", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))
    dialect = op.get_bind().dialect.name
    for source, column, fts in SOURCES:
        if dialect == "sqlite":
            for statement in _sqlite_statements(source, column, fts):
                op.execute(statement)
        elif dialect == "postgresql":
            op.execute(
                f"CREATE INDEX ix_{fts} ON {source} USING gin (to_tsvector('english'::regconfig, {column}))"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for _source, _column, fts in reversed(SOURCES):
        if dialect == "sqlite":
            for trigger in ("update", "delete", "insert"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{fts}")
    with op.batch_alter_table("help_questions", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("held_at")
