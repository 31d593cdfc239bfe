"""SQLite's writers of one process take turns (bot/db.py, `_WriterTurn`): one transaction at a time, the next
let in when the one before ends however it ends, and a wait past the lock timeout is a busy error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from bot import db

LOCK_TIMEOUT = (
    0.2  # seconds: each test below would wait this long, then fail, if a turn were never given back
)


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'turns.db'}", lock_timeout=LOCK_TIMEOUT)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (what TEXT)"))
    yield engine
    engine.dispose()


def write(engine: Engine, what: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO notes VALUES (:what)"), {"what": what})


def notes(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT what FROM notes ORDER BY rowid")))


def test_a_transaction_that_fails_gives_its_turn_back(own_engine: Engine) -> None:
    with pytest.raises(RuntimeError), own_engine.begin() as connection:
        connection.execute(text("INSERT INTO notes VALUES ('rolled back')"))
        raise RuntimeError("the work failed")

    write(own_engine, "next")

    assert notes(own_engine) == ["next"]


def test_a_connection_lost_in_its_transaction_gives_its_turn_back(own_engine: Engine) -> None:
    with own_engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        connection.invalidate()  # the database connection is gone: it cannot even say what it holds

    write(own_engine, "next")

    assert notes(own_engine) == ["next"]


def test_the_next_writer_goes_once_the_one_before_commits(own_engine: Engine) -> None:
    first_in = threading.Event()
    order: list[str] = []

    def second() -> None:
        first_in.wait()
        write(own_engine, "second")
        order.append("second")

    waiter = threading.Thread(target=second)
    waiter.start()
    with own_engine.begin() as connection:
        first_in.set()
        connection.execute(text("INSERT INTO notes VALUES ('first')"))
        order.append("first")
    waiter.join(LOCK_TIMEOUT)

    assert order == ["first", "second"]
    assert notes(own_engine) == ["first", "second"]


def test_no_turn_within_the_lock_timeout_is_a_busy_error(own_engine: Engine) -> None:
    failure: list[BaseException] = []

    def impatient() -> None:
        try:
            write(own_engine, "too late")
        except SQLAlchemyTimeoutError as exc:
            failure.append(exc)

    with own_engine.begin():
        waiter = threading.Thread(target=impatient)
        waiter.start()
        waiter.join()  # it gives up after LOCK_TIMEOUT, while the turn is still taken

    [error] = failure
    assert db.is_busy(error)
    assert notes(own_engine) == []
