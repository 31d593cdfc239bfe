"""When a listener fails, the log says where and why by class, error code and frame, and holds nothing a
person typed: not the exception's message (a database quotes the row it refused), not the SQL's parameters."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.localslack import FakeSlack
from models import Goal
from tests.conftest import ANA
from tests.helpers import entries, last_opened_view, text_of
from tests.support.driver import SlackDriver
from tests.support.payloads import date_value, form_values, radio_value, text_value

CANARY = "Canary-7f3e-typed-by-a-person"


@contextmanager
def failing_inserts(engine: Engine, table: str) -> Iterator[None]:
    """Every new row in `table` fails in the database with an error the app does not expect (not a
    constraint, which it reads as a duplicate). PostgreSQL's error quotes the row, as its own errors can
    ("Failing row contains ..."); SQLite's names a table the trigger writes to that is not there."""
    trigger = f"test_fails_{table}"
    if engine.dialect.name == "sqlite":
        install = [
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} "
            "BEGIN INSERT INTO test_no_such_table VALUES (NEW.id); END"
        ]
        remove = [f"DROP TRIGGER {trigger}"]
    else:
        install = [
            f"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION USING MESSAGE = 'failed on ' || row_to_json(NEW)::text; END $$",
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {trigger}()",
        ]
        remove = [f"DROP TRIGGER {trigger} ON {table}", f"DROP FUNCTION {trigger}()"]
    with engine.begin() as connection:
        for statement in install:
            connection.exec_driver_sql(statement)
    try:
        yield
    finally:
        with engine.begin() as connection:
            for statement in remove:
                connection.exec_driver_sql(statement)


def goals(session: Session) -> list[Goal]:
    session.expire_all()
    return list(session.scalars(select(Goal)))


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record as any handler could write it: message, arguments, traceback and stack."""
    parts: list[str] = []
    for record in records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or "", record.stack_info or ""]
        if record.exc_info and record.exc_info[1] is not None:
            parts += traceback.format_exception(record.exc_info[1])
    return "\n".join(parts)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)  # what `learnfit web` logs
    return caplog


def failures(logs: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in logs.records if record.levelno >= logging.ERROR]


def test_a_command_the_database_fails_is_logged_without_what_was_typed(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    session: Session,
    engine: Engine,
    logs: pytest.LogCaptureFixture,
) -> None:
    with failing_inserts(engine, "learning_entries"):
        reply = slack.command("/learn", f"45m {CANARY} https://example.com/{CANARY} #{CANARY}", user=ANA)

    assert reply.status == 200
    assert entries(session) == []
    # Nothing was stored, and the ack says so (it is the confirmation's place).
    assert "Something went wrong on our side, so nothing was saved" in text_of(reply.json)
    assert fake_slack.calls_to("response_url") == []
    assert CANARY.lower() not in everything_logged(logs.records).lower()
    [failure] = failures(logs)  # what failed, by exception class and frame
    assert failure.startswith("listener failed for /learn: ")
    assert "bot/listeners/commands/learn.py" in failure and "sqlalchemy.exc." in failure


def test_a_form_the_database_fails_is_logged_without_what_was_typed(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    session: Session,
    engine: Engine,
    logs: pytest.LogCaptureFixture,
) -> None:
    slack.command("/goal", "", user=ANA)
    values = form_values(
        title=text_value(f"Learn {CANARY}"),
        why=text_value(f"Because {CANARY}"),
        target=radio_value("sessions"),
        amount=text_value("12"),
        skills=text_value(f"#{CANARY}"),
        due=date_value("2027-02-26"),
    )

    with failing_inserts(engine, "goals"):
        reply = slack.submit(last_opened_view(fake_slack), values, user=ANA, view_id="V0REFUSED")

    # Nothing was stored: a view pushed over the form says so, and the form stays open behind it.
    assert reply.status == 200 and reply.json["response_action"] == "push"
    assert "nothing was saved" in text_of(reply.json["view"])
    assert goals(session) == []
    assert CANARY.lower() not in everything_logged(logs.records).lower()
    [failure] = failures(logs)
    assert failure.startswith("listener failed for view_submission goal_modal: ")
    assert "bot/listeners/views/goals.py" in failure and "sqlalchemy.exc." in failure


def test_a_database_error_names_its_sql_but_never_its_parameters(engine: Engine) -> None:
    with pytest.raises(DBAPIError) as failure, engine.connect() as connection:
        connection.execute(text("SELECT name FROM test_no_such_table WHERE name = :name"), {"name": CANARY})

    assert "test_no_such_table" in str(failure.value) and CANARY not in str(failure.value)
