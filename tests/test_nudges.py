"""Habit nudges as a person lives them: what a nudge says, its buttons, and `/fitness nudges`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.views.nudges import (
    NUDGE_DAYS,
    NUDGE_LOG_NOW,
    NUDGE_SETTINGS,
    NUDGE_SETTINGS_MENU,
    NUDGE_SNOOZE_TODAY,
    NUDGE_SNOOZE_WEEK,
    NUDGE_TIME,
    NUDGE_UNSNOOZE,
)
from models import HelpQuestion, Person, QuestionStatus, Skill, question_skills
from tests.conftest import ANA, BO
from tests.helpers import last_opened_view, last_response, text_of
from tests.support.payloads import MESSAGE_TS, TEAM_ID, TEST_TEAM
from tests.test_scheduler import FakeTimer, dm_posts, ledger_rows, make_runner

TUESDAY_NUDGE = datetime(2026, 11, 24, 16, tzinfo=UTC)  # 16:00 in London


@pytest.fixture
def runner(settings, engine, sleeps):
    return make_runner(settings, engine, sleeps, FakeTimer())


def person(session, user_id=ANA) -> Person:
    session.expire_all()
    return session.scalar(select(Person).where(Person.user_id == user_id))


def nudge_for(fake_slack, user_id=ANA):
    posts = [call.args for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == user_id]
    assert posts, f"no nudge for {user_id}"
    return posts[-1]


def select_action(action_id, user, **element):
    """A pick in a menu of a nudge in the person's DM (which Slack sends without a response_url)."""
    action = {"action_id": action_id, "block_id": "b1", **element}
    return TEST_TEAM.block_actions(action, user_id=user, channel_id=f"D{user}", message_ts=MESSAGE_TS)


# ---------------------------------------------------------------------- /fitness nudges


def test_new_people_get_tuesday_and_thursday_at_16_local_once_they_log_and_see_it_on_their_card(
    slack, fake_slack, session
):
    slack.command("/fitness", "", user=ANA)  # Tue 24 Nov, 10:00 UTC

    ana = person(session)
    assert (ana.nudges_enabled, ana.nudge_weekdays, ana.nudge_minute, ana.next_nudge_at) == (
        True,
        "1,3",
        960,
        None,
    )
    assert ":bell: Nudges start once you log learning" in text_of(last_response(fake_slack))

    slack.command("/learn", "15m Read about indexes", user=ANA)
    slack.command("/fitness", "", user=ANA)

    assert person(session).next_nudge_at == TUESDAY_NUDGE
    assert ":bell: Next nudge Tue 16:00" in text_of(last_response(fake_slack))


@pytest.mark.parametrize(
    ("text", "weekdays", "minute", "next_at"),
    [
        ("mon wed fri 9am", "0,2,4", 540, datetime(2026, 11, 25, 9, tzinfo=UTC)),
        ("tue thu 16:30", "1,3", 990, datetime(2026, 11, 24, 16, 30, tzinfo=UTC)),
        ("weekdays 08:15", "0,1,2,3,4", 495, datetime(2026, 11, 25, 8, 15, tzinfo=UTC)),
        ("sunday", "6", 960, datetime(2026, 11, 29, 16, tzinfo=UTC)),
        ("7pm", "1,3", 1140, datetime(2026, 11, 24, 19, tzinfo=UTC)),
    ],
)
def test_nudges_schedule_changes_days_and_time_and_the_next_nudge(
    slack, fake_slack, session, text, weekdays, minute, next_at
):
    answer = slack.command("/fitness", f"nudges {text}", user=ANA).json

    ana = person(session)
    assert (ana.nudge_weekdays, ana.nudge_minute, ana.next_nudge_at) == (weekdays, minute, next_at)
    assert "Nudges are on" in text_of(answer)


def test_nudges_in_new_york_follow_new_york_time(slack, session):
    slack.command("/fitness", "nudges tue 9:00", user=BO)

    # It is 05:00 on Tuesday in New York: today's 09:00 EST is still ahead.
    assert person(session, BO).next_nudge_at == datetime(2026, 11, 24, 14, tzinfo=UTC)


def test_off_on_and_snoozes(slack, fake_slack, clock, session):
    answer = slack.command("/fitness", "nudges off", user=ANA).json
    assert person(session).next_nudge_at is None
    assert "Nudges are off" in text_of(answer)

    slack.command("/fitness", "nudges on", user=ANA)
    assert person(session).next_nudge_at == TUESDAY_NUDGE

    answer = slack.command("/fitness", "nudges snooze 7d", user=ANA).json
    assert person(session).snoozed_until == datetime(2026, 12, 1, 0, tzinfo=UTC)
    assert "Snoozed until Tue 1 Dec 00:00" in text_of(answer)

    slack.command("/fitness", "nudges snooze today", user=ANA)
    assert person(session).snoozed_until == datetime(2026, 11, 25, 0, tzinfo=UTC)

    slack.command("/fitness", "nudges snooze off", user=ANA)
    assert person(session).snoozed_until is None


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("nudges tue 25:00", "I could not read `25:00`"),
        ("nudges often", "I could not read `often`"),
        ("nudges snooze forever", "Snooze for `today` or a number of days"),
        ("nudges snooze 400d", "Snooze for 1 to 90 days"),
    ],
)
def test_bad_nudge_settings_say_what_to_type_and_change_nothing(slack, session, text, advice):
    reply = slack.command("/fitness", text, user=ANA)

    assert advice in text_of(reply.json)
    assert person(session) is None


# ---------------------------------------------------------------------- the nudge itself


def test_a_nudge_is_about_the_person_and_its_words_change_from_day_to_day(
    slack, fake_slack, clock, runner, session
):
    clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC))
    slack.command("/learn", "45m #postgres Read about vacuum", user=ANA)
    slack.command("/goal", "Learn Postgres internals #postgres 10h by 2027-01-31", user=ANA)

    runner.run_due(now=TUESDAY_NUDGE)
    tuesday = nudge_for(fake_slack)
    runner.run_due(now=TUESDAY_NUDGE + timedelta(days=2))
    thursday = nudge_for(fake_slack)

    shown = text_of(tuesday)
    # Monday's 45 minutes on one day; targets are 3 days and 60 minutes.
    assert "2 days more and 15m close this week's rings" in shown
    assert ":trophy: Your goal *Learn Postgres internals*: `▓░░░░░░░░░ 7%` 45m of 10h" in shown
    assert [element["action_id"] for element in tuesday["blocks"][2]["elements"]] == [
        "nudge_log_now",
        "nudge_snooze_today",
        "nudge_snooze_week",
        "nudge_settings",
    ]
    assert "You get these Tue and Thu at 16:00, your time" in shown
    assert tuesday["text"] != thursday["text"] or tuesday["blocks"][1] != thursday["blocks"][1]


def test_a_nudge_can_point_to_a_peers_open_question_in_the_persons_skills(
    slack, fake_slack, clock, runner, session
):
    clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC))
    slack.command("/learn", "30m #postgres Query plans", user=ANA)
    slack.command("/learn", "10m Hello", user=BO)
    bo = person(session, BO)
    skill = session.scalar(select(Skill).where(Skill.name == "postgres"))
    question = HelpQuestion(
        team_id=TEAM_ID,
        asker_id=bo.id,
        text="Why is my query not using the index?",
        status=QuestionStatus.OPEN,
        channel_id="C0HELP",
        in_public_channel=True,
        message_ts="1.000",
        created_at=clock.now,
        updated_at=clock.now,
        posted_at=clock.now,
    )
    session.add(question)
    session.flush()
    session.execute(question_skills.insert().values(question_id=question.id, skill_id=skill.id))
    session.execute(update(Person).where(Person.user_id == BO).values(next_nudge_at=None))
    session.commit()

    # The question is one of two extras a nudge may carry; across a few days it shows up.
    shown = ""
    for days in (0, 2, 7, 9, 14):
        runner.run_due(now=TUESDAY_NUDGE + timedelta(days=days))
        shown += text_of(nudge_for(fake_slack))
    assert "A colleague asked in <#C0HELP>: “Why is my query not using the index?”" in shown
    assert "Your `#postgres` could help" in shown


def test_snooze_a_week_from_the_nudge_replaces_it_and_the_next_nudges_are_skipped(
    slack, fake_slack, clock, runner, session
):
    slack.command("/fitness", "nudges on", user=ANA)
    runner.run_due(now=TUESDAY_NUDGE)
    clock.set(TUESDAY_NUDGE + timedelta(minutes=5))
    response_url = fake_slack.response_url()

    slack.click(NUDGE_SNOOZE_WEEK, user=ANA, value="7", response_url=response_url, channel_id=f"D{ANA}")

    reply = last_response(fake_slack)
    assert reply["replace_original"] is True and "Snoozed until Tue 1 Dec" in text_of(reply)
    runner.run_due(now=TUESDAY_NUDGE + timedelta(days=2))  # Thursday: snoozed
    runner.run_due(now=TUESDAY_NUDGE + timedelta(days=7))  # next Tuesday: back
    assert [row[2] for row in ledger_rows(session)] == [None, "snoozed", None]
    assert dm_posts(fake_slack) == [ANA, ANA]


def test_not_today_from_the_nudge_snoozes_until_tomorrow_and_end_snooze_undoes_it(
    slack, fake_slack, clock, runner, session
):
    slack.command("/fitness", "nudges on", user=ANA)
    runner.run_due(now=TUESDAY_NUDGE)
    clock.set(TUESDAY_NUDGE + timedelta(minutes=5))

    slack.click(NUDGE_SNOOZE_TODAY, user=ANA, value="0", channel_id=f"D{ANA}")
    reply = last_response(fake_slack)
    assert reply["replace_original"] is True and "Snoozed until Wed 25 Nov 00:00" in text_of(reply)
    assert person(session).snoozed_until == datetime(2026, 11, 25, 0, tzinfo=UTC)

    slack.click(NUDGE_UNSNOOZE, user=ANA, channel_id=f"D{ANA}")
    reply = last_response(fake_slack)
    assert reply["replace_original"] is True and "Snooze ended." in text_of(reply)
    assert person(session).snoozed_until is None


def test_log_now_opens_the_learning_form(slack, fake_slack, clock, runner):
    slack.command("/fitness", "nudges on", user=ANA)
    runner.run_due(now=TUESDAY_NUDGE)

    slack.click(NUDGE_LOG_NOW, user=ANA, value="2026-11-24", channel_id=f"D{ANA}")

    assert last_opened_view(fake_slack)["callback_id"] == "learning_modal"


def test_settings_from_the_nudge_change_days_time_and_switch_off(slack, fake_slack, session):
    slack.command("/fitness", "nudges on", user=ANA)

    slack.click(NUDGE_SETTINGS, user=ANA, channel_id=f"D{ANA}")
    assert "Nudges are on:* Tue and Thu at 16:00" in text_of(last_response(fake_slack))

    slack.interact(
        select_action(
            NUDGE_DAYS,
            ANA,
            type="multi_static_select",
            selected_options=[{"value": "0", "text": {"type": "plain_text", "text": "Mon"}}],
        )
    )
    slack.interact(select_action(NUDGE_TIME, ANA, type="timepicker", selected_time="08:30"))
    ana = person(session)
    assert (ana.nudge_weekdays, ana.nudge_minute) == ("0", 510)
    assert ana.next_nudge_at == datetime(2026, 11, 30, 8, 30, tzinfo=UTC)

    slack.pick(NUDGE_SETTINGS_MENU, "off", user=ANA, channel_id=f"D{ANA}")
    assert person(session).next_nudge_at is None
    assert "Nudges are off" in text_of(last_response(fake_slack))

    slack.pick(NUDGE_SETTINGS_MENU, "on", user=ANA, channel_id=f"D{ANA}")
    assert person(session).next_nudge_at == datetime(2026, 11, 30, 8, 30, tzinfo=UTC)
    slack.pick(NUDGE_SETTINGS_MENU, "snooze", user=ANA, channel_id=f"D{ANA}")
    assert person(session).snoozed_until == datetime(2026, 12, 1, 0, tzinfo=UTC)
    slack.pick(NUDGE_SETTINGS_MENU, "unsnooze", user=ANA, channel_id=f"D{ANA}")
    assert person(session).snoozed_until is None
    # A value the app never wrote changes nothing.
    slack.pick(NUDGE_SETTINGS_MENU, "x" * 400, user=ANA, channel_id=f"D{ANA}")
    assert person(session).nudges_enabled


def test_the_nudge_settings_are_three_short_lines_not_a_tall_block(slack, fake_slack):
    answer = slack.command("/fitness", "nudges", user=ANA).json

    blocks = answer["blocks"]
    assert [block["type"] for block in blocks] == ["section", "actions", "context"]
    assert blocks[0]["accessory"]["type"] == "overflow"
    assert [element["type"] for element in blocks[1]["elements"]] == ["multi_static_select", "timepicker"]
    assert not any(element["type"] in ("checkboxes", "button") for element in blocks[1]["elements"])


def test_logging_after_ignored_nudges_ends_the_weekly_back_off(slack, fake_slack, clock, runner, session):
    slack.command("/fitness", "nudges on", user=ANA)
    for days in (0, 2, 7):  # Tue, Thu, Tue: three nudges, none answered
        runner.run_due(now=TUESDAY_NUDGE + timedelta(days=days))
    runner.run_due(now=TUESDAY_NUDGE + timedelta(days=9))  # Thursday: backing off
    clock.set(TUESDAY_NUDGE + timedelta(days=10))
    slack.command("/learn", "15m Back at it", user=ANA)
    runner.run_due(now=TUESDAY_NUDGE + timedelta(days=14))  # Tuesday: nudged again

    assert [row[2] for row in ledger_rows(session)] == [None, None, None, "backing_off", None]
    assert person(session).ignored_nudges == 0


def test_someone_added_by_others_starts_getting_nudges_once_they_log_learning(slack, session, engine):
    from sqlalchemy.orm import Session as DbSession

    from models import Person as PersonRow
    from tests.conftest import ANA as NEWCOMER
    from tests.conftest import START

    with DbSession(engine) as writer, writer.begin():
        writer.add(PersonRow(team_id="T0LEARN", user_id=NEWCOMER, tz="Europe/London", created_at=START))

    slack.command("/fitness", "", user=NEWCOMER)
    session.expire_all()
    assert session.query(PersonRow).one().next_nudge_at is None

    slack.command("/learn", "10m Read the runbook", user=NEWCOMER)
    session.expire_all()
    [person] = session.query(PersonRow).all()
    assert person.next_nudge_at is not None and person.next_nudge_at.hour == 16  # Tuesday 16:00 London = UTC
