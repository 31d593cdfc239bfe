"""App Home is published when it can be seen: on opening it, and after a change only for someone who opened it
lately, at most once per person every few seconds. And work that fails before its ack says nothing was saved."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from bot import db
from bot.app import build_app
from bot.deps import Deps
from bot.localslack import FakeSlack
from bot.localslack.blockkit import block_kit_problems
from bot.localslack.payloads import interactive_body, signed_headers
from bot.server import ARRIVED_AT, QUEUE_DEADLINE_SECONDS, build_wsgi_app
from bot.services.home_visits import HOME_REDRAW_GAP, HOME_SEEN_FOR
from bot.settings import Settings
from bot.views.learning import UNDO_ENTRY
from tests.conftest import ANA, BO, SIGNING_SECRET, DeferredWork, FakeClock
from tests.helpers import button_value, entries, last_opened_view, text_of
from tests.support.driver import SlackDriver
from tests.support.payloads import CHANNEL_ID, TEST_TEAM, button, learning_form


def publishes(fake: FakeSlack, user: str) -> list[dict]:
    return [call.args["view"] for call in fake.calls_to("views.publish") if call.args["user_id"] == user]


def test_a_change_is_not_published_to_someone_who_has_not_opened_home(slack, fake_slack, session):
    slack.command("/learn", "30m #sql Query plans", user=ANA)
    slack.command("/fitness", "target 4 days 90m", user=ANA)

    assert len(entries(session)) == 1
    assert fake_slack.calls_to("views.publish") == []

    slack.open_home(ANA)  # opening it draws it, with everything so far

    [home] = publishes(fake_slack, ANA)
    assert "Query plans" in text_of(home) and "of 1h 30m" in text_of(home)  # the new target


def test_a_change_is_published_to_someone_looking_at_home(slack, fake_slack, clock):
    slack.open_home(ANA)
    clock.advance(HOME_REDRAW_GAP)

    slack.command("/learn", "30m #sql Query plans", user=ANA)

    opened, changed = publishes(fake_slack, ANA)
    assert "Query plans" not in text_of(opened) and "Query plans" in text_of(changed)
    assert publishes(fake_slack, BO) == []


def test_home_opened_long_ago_is_not_redrawn_until_opened_again(slack, fake_slack, clock):
    slack.open_home(ANA)
    clock.advance(HOME_SEEN_FOR)

    slack.command("/learn", "30m #sql Query plans", user=ANA)

    assert len(publishes(fake_slack, ANA)) == 1


def test_a_burst_of_changes_publishes_once_now_and_once_when_the_gap_has_passed(
    slack, fake_slack, clock, later: DeferredWork
):
    slack.open_home(ANA)
    clock.advance(HOME_REDRAW_GAP)

    for minutes in (10, 20, 30, 40):
        slack.command("/learn", f"{minutes}m Burst {minutes}", user=ANA)
        clock.advance(timedelta(seconds=1))

    assert len(publishes(fake_slack, ANA)) == 2  # on opening, and the first change
    assert len(later.waiting) == 3  # the other three wait for the gap...
    later.run()
    drawn = publishes(fake_slack, ANA)
    assert len(drawn) == 3  # ...and are drawn once: the first redraw takes the turn, the rest find it taken
    assert "1h 40m" in text_of(drawn[-1])  # all four entries, 10 + 20 + 30 + 40 minutes


def test_opening_home_again_at_once_publishes_nothing_new(slack, fake_slack, clock):
    slack.open_home(ANA)
    slack.open_home(ANA)  # switching tabs back and forth
    assert len(publishes(fake_slack, ANA)) == 1

    clock.advance(HOME_REDRAW_GAP)
    slack.open_home(ANA)
    assert len(publishes(fake_slack, ANA)) == 2


def test_a_form_submitted_from_home_redraws_it(slack, fake_slack, clock, session):
    slack.open_home(ANA)
    clock.advance(HOME_REDRAW_GAP)
    slack.click("open_log_modal", user=ANA, channel_id=None)

    slack.submit(last_opened_view(fake_slack), learning_form(day="2026-11-24"), user=ANA, view_id="V0HOME")

    assert len(entries(session)) == 1
    assert "Read the asyncio docs" in text_of(publishes(fake_slack, ANA)[-1])


# ---------------------------------------------------------------------- busy: nothing saved, and said so

LOCK_TIMEOUT = 0.2  # seconds; the web process uses 2, in time for Slack's 3


@contextmanager
def table_locked(engine: Engine) -> Iterator[None]:
    """Another connection holds the write lock (SQLite) or an exclusive lock on the entries (PostgreSQL)."""
    with engine.connect() as connection:
        connection.begin()  # on SQLite, BEGIN IMMEDIATE (bot.db): the write lock
        if engine.dialect.name != "sqlite":
            connection.execute(text("LOCK TABLE learning_entries IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()


@pytest.fixture
def impatient_slack(
    settings: Settings, database_url: str, clock: FakeClock, fake_slack: FakeSlack, engine: Engine
) -> Iterator[SlackDriver]:
    """The app on an engine that waits LOCK_TIMEOUT for a lock, as `learnfit web` waits two seconds."""
    impatient = db.make_engine(database_url, lock_timeout=LOCK_TIMEOUT)
    deps = Deps(sessions=db.make_sessionmaker(impatient), clock=clock)
    app = build_app(settings, deps, engine=impatient, process_before_response=True)
    yield SlackDriver(build_wsgi_app(app, impatient, settings), SIGNING_SECRET, fake_slack)
    impatient.dispose()


def test_a_busy_database_gets_a_busy_answer_in_the_ack_and_stores_nothing(
    impatient_slack, slack, fake_slack, engine, session
):
    slack.command("/learn", "5m First, so Ana's row exists", user=ANA)

    with table_locked(engine):
        reply = impatient_slack.command("/learn", "30m #sql Query plans", user=ANA)

    assert reply.status == 200
    assert "busy right now, so nothing was saved" in text_of(reply.json)
    assert [entry.what for entry in entries(session)] == ["First, so Ana's row exists"]
    assert fake_slack.calls_to("response_url") == []  # one answer, in the ack

    again = impatient_slack.command("/learn", "30m #sql Query plans", user=ANA)  # the lock is gone
    assert "Logged" in text_of(again.json)


def test_a_busy_database_keeps_the_form_open_behind_a_note(
    impatient_slack, slack, fake_slack, engine, session
):
    slack.command("/learn", "5m First, so Ana's row exists", user=ANA)
    impatient_slack.command("/learn", "", user=ANA)

    with table_locked(engine):
        reply = impatient_slack.submit(
            last_opened_view(fake_slack), learning_form(), user=ANA, view_id="V0BUSY"
        )

    assert reply.status == 200 and reply.json["response_action"] == "push"
    assert block_kit_problems(reply.json["view"], "modal") == []
    assert "busy right now, so nothing was saved" in text_of(reply.json["view"])
    assert "still open" in text_of(reply.json["view"])
    assert len(entries(session)) == 1


# ---------------------------------------------------------------------- busy: a request that queued too long


def post_after_waiting(slack: SlackDriver, body: bytes, *, waited: float) -> tuple[int, str]:
    """A signed request that reached the app `waited` seconds after it arrived (a backlog of requests)."""
    headers = signed_headers(body, SIGNING_SECRET, content_type="application/x-www-form-urlencoded")
    response = slack.client.post(
        "/slack/events",
        data=body,
        headers=headers,
        environ_overrides={ARRIVED_AT: time.monotonic() - waited},
    )
    return response.status_code, response.get_data(as_text=True)


def test_a_command_that_queued_too_long_is_answered_busy_and_stores_nothing(slack, fake_slack, session):
    body = TEST_TEAM.command_body(
        "/learn",
        "30m #sql Query plans",
        user_id=ANA,
        channel_id=CHANNEL_ID,
        response_url=fake_slack.response_url(),
    )

    status, text = post_after_waiting(slack, body, waited=QUEUE_DEADLINE_SECONDS + 1)

    assert status == 200 and "busy right now, so nothing was saved" in text
    assert entries(session) == [] and fake_slack.calls_to("users.info") == []  # Bolt never saw it

    status, text = post_after_waiting(slack, body, waited=0)  # Slack's next try, or the person's
    assert status == 200 and "Logged" in text
    assert len(entries(session)) == 1


def test_a_click_that_queued_too_long_gets_a_503_and_changes_nothing(slack, fake_slack, session):
    logged = slack.command("/learn", "30m #sql Query plans", user=ANA)
    click = interactive_body(
        TEST_TEAM.block_actions(button(UNDO_ENTRY, button_value(logged.json, UNDO_ENTRY)), user_id=ANA)
    )

    status, _ = post_after_waiting(slack, click, waited=QUEUE_DEADLINE_SECONDS + 1)

    assert status == 503
    assert len(entries(session)) == 1
