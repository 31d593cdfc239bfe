"""/learn in one line: what is understood, what is stored, and what the person sees."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.views.learning import EDIT_ENTRY, UNDO_ENTRY
from models import EntryKind, EntrySource, Visibility
from tests.conftest import ANA, BO, KEN
from tests.helpers import button_value, entries, last_response, text_of


def test_learn_inline_logs_entry_and_offers_edit_and_undo(slack, fake_slack, session):
    reply = slack.command("/learn", "45m #Python #asyncio Paired with Ana on task cancellation", user=ANA)

    assert reply.status == 200
    [entry] = entries(session)
    assert (entry.minutes, entry.what, entry.kind, entry.source) == (
        45,
        "Paired with Ana on task cancellation",
        EntryKind.JOB,
        EntrySource.COMMAND,
    )
    assert [skill.name for skill in entry.skills] == ["asyncio", "python"]
    assert entry.visibility is Visibility.TEAM
    assert entry.local_day == date(2026, 11, 24)
    shown = reply.json  # the confirmation is the ack: the entry is stored before Slack hears back
    assert shown.get("response_type", "ephemeral") == "ephemeral"  # Slack's default: only Ana sees it
    assert fake_slack.calls_to("response_url") == []
    assert "*45m*" in text_of(shown) and "Paired with Ana on task cancellation" in text_of(shown)
    assert "This week: *45m* across 1 entry" in text_of(shown)
    assert button_value(shown, EDIT_ENTRY) == button_value(shown, UNDO_ENTRY) == str(entry.id)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45m x", 45), ("1h x", 60), ("1h30m x", 90), ("1.5h x", 90), ("90 min x", 90), ("2 hours x", 120)],
)
def test_learn_understands_common_durations(slack, session, text, minutes):
    slack.command("/learn", text, user=ANA)
    assert [entry.minutes for entry in entries(session)] == [minutes]


def test_learn_sets_kind_visibility_and_link_inline(slack, fake_slack, session):
    reply = slack.command(
        "/learn", "20m kind:people vis:private https://example.com/guide Asked Bo about deploys", user=ANA
    )

    [entry] = entries(session)
    assert entry.kind is EntryKind.PEOPLE
    assert entry.visibility is Visibility.PRIVATE
    assert entry.link == "https://example.com/guide"
    assert entry.what == "Asked Bo about deploys"
    assert "Private: only you can see it" in text_of(reply.json)


def test_skills_are_one_per_workspace_whatever_the_case(slack, session):
    slack.command("/learn", "10m #Python first", user=ANA)
    slack.command("/learn", "10m #python second", user=BO)
    from models import Skill

    assert [skill.name for skill in session.query(Skill).all()] == ["python"]


def test_confirmation_counts_this_weeks_entries_up_to_now_and_only_the_persons_own(slack, session, clock):
    clock.set(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))  # Sunday: last week in London
    slack.command("/learn", "60m last week", user=ANA)
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # Monday
    slack.command("/learn", "20m monday", user=ANA)
    slack.command("/learn", "30m not Ana's", user=BO)
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))  # Tuesday

    logged = slack.command("/learn", "45m tuesday", user=ANA, trigger="222.T0LEARN.tuesday")
    again = slack.command("/learn", "45m tuesday", user=ANA, trigger="222.T0LEARN.tuesday")

    assert "This week: *1h 05m* across 2 entries" in text_of(logged.json)
    assert "Already logged" in text_of(again.json)
    assert "This week: *1h 05m* across 2 entries" in text_of(again.json)
    assert len(entries(session)) == 4


def test_help_explains_the_command_with_examples(slack, session):
    reply = slack.command("/learn", "help", user=ANA)

    shown = text_of(reply.json)
    assert "/learn 45m #python #asyncio" in shown and "kind:formal" in shown and "vis:private" in shown
    assert reply.json.get("response_type", "ephemeral") == "ephemeral"
    assert entries(session) == []


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("Read the asyncio docs", "`/learn 30m Read the asyncio docs`"),
        ("45m #python", "What did you learn?"),
        ("0m nothing", "between 1 minute and 16 hours"),
        ("17h marathon", "between 1 minute and 16 hours"),
        ("45m --verbose Read docs", "I don't know the option `--verbose`"),
        ("45m kind:video Read docs", "`kind:video` is not a kind"),
        ("45m vis:world Read docs", "`vis:world` is not a visibility"),
        ("45m Read \x1b[31mred\x1b[0m docs", "control characters"),
        ("45m " + "x" * 3001, "at most 3,000 characters"),
        ("45m https://example.com/" + "a" * 2000 + " Read", "Links are at most 2,000 characters"),
    ],
    ids=lambda value: value[:24],
)
def test_bad_input_says_what_to_type_and_stores_nothing(slack, fake_slack, session, text, advice):
    reply = slack.command("/learn", text, user=ANA)

    assert reply.status == 200
    assert advice in text_of(reply.json)
    assert entries(session) == []
    assert fake_slack.calls_to("response_url") == []


def test_same_command_delivered_twice_stores_one_entry(slack, fake_slack, session):
    slack.command("/learn", "30m Reading group", user=ANA, trigger="111.T0LEARN.same")
    again = slack.command("/learn", "30m Reading group", user=ANA, trigger="111.T0LEARN.same")

    assert len(entries(session)) == 1
    assert "Already logged" in text_of(again.json)


def test_undo_removes_the_entry_and_a_second_click_changes_nothing(slack, fake_slack, session):
    logged = slack.command("/learn", "30m Reading group", user=ANA)
    entry_id = button_value(logged.json, UNDO_ENTRY)

    slack.click(UNDO_ENTRY, user=ANA, value=entry_id)
    assert entries(session) == []
    undone = last_response(fake_slack)
    assert undone["replace_original"] is True
    assert "Removed *30m*" in text_of(undone)

    slack.click(UNDO_ENTRY, user=ANA, value=entry_id)
    assert "already gone" in text_of(last_response(fake_slack))


def test_nobody_can_undo_someone_elses_entry(slack, fake_slack, session):
    logged = slack.command("/learn", "30m Reading group", user=ANA)
    entry_id = button_value(logged.json, UNDO_ENTRY)

    slack.click(UNDO_ENTRY, user=BO, value=entry_id)

    assert len(entries(session)) == 1


def test_local_day_is_the_persons_own_day(slack, session, clock):
    # 23:30 in New York on Monday is already Tuesday in London and UTC.
    clock.set(datetime(2026, 11, 24, 4, 30, tzinfo=UTC))
    slack.command("/learn", "30m late reading", user=BO)
    slack.command("/learn", "30m early reading", user=KEN)

    bo_entry, ken_entry = entries(session)
    assert bo_entry.local_day == date(2026, 11, 23)
    assert ken_entry.local_day == date(2026, 11, 24)


def test_timezone_is_cached_and_refreshed_after_a_while(slack, fake_slack, clock):
    slack.command("/learn", "10m one", user=ANA)
    slack.command("/learn", "10m two", user=ANA)
    assert len(fake_slack.calls_to("users.info")) == 1

    clock.advance(timedelta(hours=13))
    slack.command("/learn", "10m three", user=ANA)
    assert len(fake_slack.calls_to("users.info")) == 2


def test_unreadable_timezone_counts_the_day_in_utc_and_asks_again_next_time(
    slack, fake_slack, session, clock
):
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # already Tuesday 05:00 in Tokyo
    fake_slack.fail_next("users.info", error="user_not_found")

    reply = slack.command("/learn", "15m Learned anyway", user=KEN)

    [entry] = entries(session)
    assert entry.local_day == date(2026, 11, 23)
    assert "Learned anyway" in text_of(reply.json)

    # The next request asks Slack again, and this time it answers.
    slack.command("/learn", "15m Next one", user=KEN)
    assert [call.args["user"] for call in fake_slack.calls_to("users.info")] == [KEN, KEN]
    assert [entry.local_day for entry in entries(session)] == [date(2026, 11, 23), date(2026, 11, 24)]
    assert entries(session)[0].person.tz == "Asia/Tokyo"


def test_rate_limited_lookup_waits_retry_after_then_logs(slack, fake_slack, session, sleeps):
    fake_slack.fail_next("users.info", status=429, retry_after=2)

    slack.command("/learn", "15m Patience", user=ANA)

    assert sleeps == [2]
    [entry] = entries(session)
    assert entry.person.tz == "Europe/London"


def test_a_failing_handler_tells_the_person_and_the_app_keeps_serving(slack, fake_slack, session, sleeps):
    fake_slack.fail_next("views.open", status=500, times=2)

    reply = slack.command("/learn", "", user=ANA)
    assert reply.status == 200
    assert len(fake_slack.calls_to("views.open")) == 2  # one quick retry, then give up
    assert len(sleeps) == 1 and 0.3 <= sleeps[0] < 1.3  # backoff plus jitter
    assert "Something went wrong on our side" in text_of(last_response(fake_slack))

    slack.command("/learn", "10m Still works", user=ANA)
    assert [entry.what for entry in entries(session)] == ["Still works"]


@pytest.mark.parametrize(
    "words",
    [
        "Read about payload design",
        "payload",
        "Payload limits in webhooks",
        'What payload={"type":"block_actions"} means',
        "payload&payload=1",
    ],
)
def test_an_entry_that_mentions_payload_is_logged_like_any_other(slack, fake_slack, session, words):
    # Bolt reads any form body containing "payload" as an interactivity payload: ours reads it as the form.
    reply = slack.command("/learn", f"20m {words}", user=ANA)

    assert reply.status == 200
    assert [entry.what for entry in entries(session)] == [words]
    assert "Logged" in text_of(reply.json)
