"""Engines, sessions and migrations: the one place that knows how Learnfit talks to its database."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm import Session, sessionmaker

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).parent
# Full-text search objects migration 0012 creates per database, outside the models: SQLite's FTS5 tables
# (with the shadow tables FTS5 keeps beside each, and a view), PostgreSQL's stored tsvector columns and
# their GIN indexes (`ix_` + the same name).
FULL_TEXT_TABLES = ("learning_entries_fts", "help_questions_fts")
FULL_TEXT_COLUMN = "search_document"


def is_full_text_object(name: str | None, kind: str = "table") -> bool:
    """Whether a table, index or column is one of the full-text search objects (autogenerate leaves them
    alone)."""
    if not name:
        return False
    if kind == "column":
        return name == FULL_TEXT_COLUMN
    return any(
        name == table or name.startswith(f"{table}_") or name == f"ix_{table}" for table in FULL_TEXT_TABLES
    )


# How long a statement waits for a lock (or a pooled connection) before it fails as busy, unless told.
LOCK_TIMEOUT_SECONDS = 30.0


def make_engine(url: str, *, lock_timeout: float = LOCK_TIMEOUT_SECONDS, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout so threads can share the file.

    A statement waits at most `lock_timeout` seconds for a lock, and a request as long for a pooled
    connection; then it fails as busy (`is_busy`). A statement's parameters are what people typed: its
    errors name the SQL, never the values.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": lock_timeout},
            hide_parameters=True,
            **kwargs,
        )
        event.listen(engine, "connect", _configure_sqlite)
        turn = _WriterTurn(lock_timeout)
        event.listen(engine, "begin", turn.begin)
        event.listen(engine, "commit", turn.committing)
        event.listen(engine, "rollback", turn.end)
        return engine
    if "poolclass" not in kwargs:  # a pool of its own (not Alembic's NullPool): wait as long for a connection
        kwargs["pool_timeout"] = lock_timeout
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"options": f"-c lock_timeout={round(lock_timeout * 1000)}"},
        hide_parameters=True,
        **kwargs,
    )


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, open transactions: pysqlite's own handling breaks SAVEPOINT.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL with synchronous=NORMAL stays durable across application crashes and avoids an fsync per commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class _WriterTurn:
    """One transaction at a time per process, each taking SQLite's write lock up front (BEGIN IMMEDIATE).

    SQLite lets one writer in, and a waiting one sleeps in its busy handler, longer the longer it has waited
    (up to 100 ms a try), so a queue of writers wakes late. A process's threads queue here instead, and the
    next one goes the moment the one before it ends; only another process's transactions meet SQLite's
    busy handler. Two deferred transactions upgrading to writers would fail at once with "database is
    locked", which BEGIN IMMEDIATE avoids.
    """

    def __init__(self, timeout: float) -> None:
        self.lock = threading.Lock()
        self.timeout = timeout
        # The connection whose transaction has the turn: known by identity, since an invalidated connection
        # (its database connection lost) can no longer tell anything about itself, yet must give it back.
        self.holder: Connection | None = None

    def begin(self, connection: Connection) -> None:
        if not self.lock.acquire(timeout=self.timeout):
            raise SQLAlchemyTimeoutError("no turn to write within the lock timeout")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        self.holder = connection

    def committing(self, connection: Connection) -> None:
        """SQLAlchemy says "commit" before it commits: commit here, so the next writer finds the database
        free, not still locked by this one (pysqlite's own commit then has nothing left to do)."""
        if self.holder is connection:
            connection.exec_driver_sql("COMMIT")
        self.end(connection)

    def end(self, connection: Connection) -> None:
        if self.holder is connection:
            self.holder = None
            self.lock.release()


# Errors that say the database was too busy to do the work in time, not that the work is wrong: SQLite's
# lock timeouts, and PostgreSQL's lock_timeout, statement_timeout, serialization failure and deadlock.
_BUSY_SQLITE = frozenset({"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"})
_BUSY_SQLSTATES = frozenset({"55P03", "57014", "40001", "40P01"})


def is_busy(error: BaseException) -> bool:
    """The database could not do the work in time (a lock, a timeout, or no free pooled connection)."""
    if isinstance(error, SQLAlchemyTimeoutError):  # QueuePool: no connection free within pool_timeout
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    return (
        getattr(original, "sqlite_errorname", None) in _BUSY_SQLITE
        or getattr(original, "sqlstate", None) in _BUSY_SQLSTATES
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Config values are %-interpolated; URLs may hold percent-encoded passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raise if the models and the migrated schema disagree (alembic check)."""
    command.check(alembic_config(url))


def is_healthy(engine: Engine) -> bool:
    """Whether the database answers. A raw connection, so that on SQLite a health check never waits for
    a writer's turn (nor takes one): under load, it must not fail for being in the queue."""
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        finally:
            connection.close()
    except Exception:
        return False
    return True


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
