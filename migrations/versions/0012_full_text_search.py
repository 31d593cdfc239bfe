"""Full-text search: learning entries' words and help questions' text, with each database's own engine, and
a question held back while its asker reads questions answered before.

SQLite: an FTS5 table per source (external content, so the words are stored once) kept in step by
triggers on insert, edit and delete (forget-me's ON DELETE CASCADE fires them too). PostgreSQL: a stored
generated `tsvector` column (`to_tsvector('english', ...)`, for entries with their owner token at weight A)
with a GIN index, which the database keeps in step by itself on every insert and update.
Neither is in the models: `migrations/env.py` leaves them out of autogenerate (bot/db.py names them).

A later batch migration that copies-and-moves `learning_entries` or `help_questions` on SQLite drops these
triggers with the old table: it must create them again (the statements below).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0006: SQLite adds and drops the column in place, never copying the table (that would cascade).
KEEP_THE_TABLE = "never"
TOKENIZER = "porter unicode61 remove_diacritics 2"

# SQLite: besides an entry's words, its index holds one token for whose it is and who may see it
# (`s<person id>` shared with their teams, `x<person id>` private), so that a search reads only the
# searcher's and their teammates' entries however large the workspace. The app still checks visibility.
ENTRY_OWNER = "(CASE {row}.visibility WHEN 'team' THEN 's' ELSE 'x' END) || {row}.person_id"
SQLITE_TABLES = [
    "CREATE VIEW learning_entries_fts_source AS "
    f"SELECT id, what, {ENTRY_OWNER.format(row='learning_entries')} AS owner FROM learning_entries",
    "CREATE VIRTUAL TABLE learning_entries_fts USING fts5(what, owner, "
    f"content='learning_entries_fts_source', content_rowid='id', tokenize='{TOKENIZER}')",
    "CREATE VIRTUAL TABLE help_questions_fts USING fts5(text, content='help_questions', "
    f"content_rowid='id', tokenize='{TOKENIZER}')",
]
# (source table, the columns whose change re-indexes a row, the FTS5 table, its columns and their values)
TRIGGERS = (
    (
        "learning_entries",
        "what, visibility, person_id",
        "learning_entries_fts",
        {"what": "{row}.what", "owner": ENTRY_OWNER},
    ),
    ("help_questions", "text", "help_questions_fts", {"text": "{row}.text"}),
)
# PostgreSQL: a stored generated tsvector column per table (so ranking reads it rather than parsing the
# text again), with a GIN index: (index, table, text column)
SEARCH_DOCUMENT = "search_document"
# The entries' document holds the owner token too, at weight A (words are D), so that an entry's words
# never pass for one.
PG_ENTRY_OWNER = "(CASE visibility WHEN 'team' THEN 's' ELSE 'x' END) || person_id::text"
GIN_INDEXES = (
    ("ix_learning_entries_fts", "learning_entries", "what"),
    ("ix_help_questions_fts", "help_questions", "text"),
)


def _trigger_statements(source: str, watched: str, fts: str, columns: dict[str, str]) -> list[str]:
    names = ", ".join(columns)

    def values(row: str) -> str:
        return ", ".join(value.format(row=row) for value in columns.values())

    delete_old = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {values('old')});"
    insert_new = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {values('new')});"
    return [
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {source} BEGIN {insert_new} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {source} BEGIN {delete_old} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {watched} ON {source} "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # rows already there
    ]


def upgrade() -> None:
    with op.batch_alter_table("help_questions", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.add_column(sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_TABLES:
            op.execute(statement)
        for trigger in TRIGGERS:
            for statement in _trigger_statements(*trigger):
                op.execute(statement)
    elif dialect == "postgresql":
        for index, table, column in GIN_INDEXES:
            document = f"to_tsvector('english'::regconfig, {column})"
            if table == "learning_entries":
                document += f" || setweight(to_tsvector('simple'::regconfig, {PG_ENTRY_OWNER}), 'A')"
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {SEARCH_DOCUMENT} tsvector GENERATED ALWAYS AS ({document}) STORED"
            )
            op.execute(f"CREATE INDEX {index} ON {table} USING gin ({SEARCH_DOCUMENT})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for _source, _watched, fts, _columns in TRIGGERS:
            for trigger in ("update", "delete", "insert"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        op.execute("DROP VIEW IF EXISTS learning_entries_fts_source")
    elif dialect == "postgresql":
        for index, table, _column in GIN_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {index}")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {SEARCH_DOCUMENT}")
    with op.batch_alter_table("help_questions", schema=None, recreate=KEEP_THE_TABLE) as batch_op:
        batch_op.drop_column("held_at")
