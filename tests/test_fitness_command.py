"""/fitness: the card, targets, rest weeks, history, export and forget-me, as the person sees them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.services.home_visits import HOME_REDRAW_GAP
from bot.views.fitness import (
    DELETE_ENTRY,
    FORGET_ME,
    FORGET_ME_CANCEL,
    HISTORY_ENTRY_MENU,
    HISTORY_KEEP,
    HISTORY_NEWER,
    HISTORY_OLDER,
    OPEN_TARGETS_MODAL,
    SHOW_HISTORY,
)
from models import EntryKind, EntrySource, LearningEntry, Person, RestWeek, Skill, Visibility
from tests.conftest import ANA, BO, START
from tests.helpers import button_value, entries, last_opened_view, last_response, menu_values, text_of
from tests.support.payloads import TEAM_ID, form_values, select_value, text_value

MONDAY = datetime(2026, 11, 23, 12, tzinfo=UTC)


def log_on(slack, clock, when: datetime, text: str, user: str = ANA) -> None:
    clock.set(when)
    slack.command("/learn", text, user=user)


def card_text(slack, fake_slack, user: str = ANA) -> str:
    slack.command("/fitness", "", user=user)
    return text_of(last_response(fake_slack))


def test_card_shows_rings_streak_week_on_week_and_top_skills(slack, fake_slack, clock):
    # Last week: three days and 75 minutes, so it met the default targets (3 days, 60 minutes).
    for day, text in [(16, "30m #sql Indexes"), (17, "25m #sql Plans"), (18, "20m kind:people #go Pairing")]:
        log_on(slack, clock, datetime(2026, 11, day, 12, tzinfo=UTC), text)
    # This week so far: one day, 45 minutes, a formal course.
    log_on(slack, clock, MONDAY, "45m kind:formal #sql Course chapter")

    shown = card_text(slack, fake_slack)

    assert "*Consistency*  `▓▓▓░░░░░░░`  1 of 3 days" in shown
    assert "*Time*  `▓▓▓▓▓▓▓▓░░`  45m of 1h" in shown
    # Mix over four weeks, by minutes: 55 on the job, 20 from people, 45 formal.
    assert "*Mix*  `▓▓▓▓▓▓▓▓▓▓`  On the job 46% · From people 17% · Formal 38% :white_check_mark:" in shown
    assert ":fire: 1 week in a row" in shown
    # Monday noon against last Monday noon (30 minutes by then), not against the whole of last week.
    assert "This week *45m* on 1 day, by now last week 30m" in shown
    assert "`#sql` 1h 40m" in shown and "`#go` 20m" in shown
    assert " min" not in shown and "\u2212" not in shown


def test_closing_both_rings_this_week_extends_the_streak(slack, fake_slack, clock):
    for day in (16, 17, 18):
        log_on(slack, clock, datetime(2026, 11, day, 12, tzinfo=UTC), "20m Reading")
    for day in (23, 24, 25):
        log_on(slack, clock, datetime(2026, 11, day, 12, tzinfo=UTC), "20m Reading")

    shown = card_text(slack, fake_slack)

    assert "3 of 3 days :white_check_mark:" in shown and "1h of 1h :white_check_mark:" in shown
    assert ":fire: 2 weeks in a row" in shown


def test_private_entries_are_never_on_anyone_elses_card(slack, fake_slack):
    slack.command("/learn", "30m vis:private #secret Secret notes", user=ANA)

    shown = card_text(slack, fake_slack, user=BO)

    assert "Secret notes" not in shown and "secret" not in shown and "Nothing logged yet" in shown


def test_set_targets_in_one_line_and_the_card_uses_them(slack, fake_slack, session, clock):
    slack.open_home(ANA)
    clock.advance(HOME_REDRAW_GAP)
    reply = slack.command("/fitness", "target 4 days 90m", user=ANA)
    assert reply.status == 200
    assert "Targets set: 4 days and 1h 30m a week" in text_of(reply.json)  # stored, then the ack says so

    [ana] = session.scalars(select(Person)).all()
    assert (ana.target_days_per_week, ana.target_minutes_per_week) == (4, 90)
    assert "0 of 4 days" in card_text(slack, fake_slack)
    home = text_of(fake_slack.calls_to("views.publish")[-1].args["view"])
    assert "0m of 1h 30m" in home


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("target", "Say how many days and how much time"),
        ("target 9 days", "Pick 1 to 7 learning days"),
        ("target 5m", "Pick 10 minutes to 20 hours"),
        ("target lots", "I could not read `lots`"),
        ("rings", "`/fitness rings` is not something I know"),
        ("bogus", "`/fitness bogus` is not something I know"),
    ],
)
def test_bad_fitness_input_says_what_to_type_and_changes_nothing(slack, session, text, advice):
    reply = slack.command("/fitness", text, user=ANA)

    assert advice in text_of(reply.json)
    # Pointed at /fitness's own examples, never another command's.
    assert "`/fitness help`" in text_of(reply.json) and "/learn help" not in text_of(reply.json)
    assert session.scalars(select(Person)).all() == []


def test_targets_modal_checks_the_time_and_saves(slack, fake_slack, session):
    slack.click(OPEN_TARGETS_MODAL, user=ANA, channel_id=None)
    view = last_opened_view(fake_slack)

    values = form_values(days=select_value("5"), minutes=text_value("a lot"))
    refused = slack.submit(view, values, user=ANA, view_id="V0T")
    assert refused.json["response_action"] == "errors" and "minutes" in refused.json["errors"]

    values["minutes"] = {"value": text_value("2h")}
    slack.submit(view, values, user=ANA, view_id="V0T")
    [ana] = session.scalars(select(Person)).all()
    assert (ana.target_days_per_week, ana.target_minutes_per_week) == (5, 120)


def test_a_rest_week_keeps_the_streak(slack, fake_slack, clock, session):
    for day in (9, 10, 11, 16, 17, 18):  # two met weeks
        log_on(slack, clock, datetime(2026, 11, day, 12, tzinfo=UTC), "20m Reading")
    clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC))
    answer = slack.command("/fitness", "rest", user=ANA).json
    assert "The week of Mon 23 Nov is a rest week" in text_of(answer)
    assert [rest.week_start for rest in session.scalars(select(RestWeek))] == [date(2026, 11, 23)]

    # The rest week passes with no learning; the next week is met.
    for day in (30, 1, 2):
        month = 11 if day == 30 else 12
        log_on(slack, clock, datetime(2026, month, day, 12, tzinfo=UTC), "20m Reading")

    assert ":fire: 3 weeks in a row" in card_text(slack, fake_slack)

    clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))
    slack.command("/fitness", "rest off", user=ANA)
    assert session.scalars(select(RestWeek)).all() == []


def test_history_lists_entries_with_edit_and_delete_and_pages(slack, fake_slack, clock, session):
    for number in range(17):
        log_on(slack, clock, MONDAY - timedelta(days=number), f"{number + 1}m Entry {number}")

    slack.command("/fitness", "history", user=ANA)
    page = last_response(fake_slack)
    shown = text_of(page)
    assert "Entry 0" in shown and "Entry 14" in shown and "Entry 15" not in shown
    assert button_value(page, HISTORY_OLDER) == "15"
    # One line per entry, Edit and Delete in its menu: no red buttons on every row.
    assert len(page["blocks"]) == 1 + 15 + 1
    assert "danger" not in str(page)
    edit, delete = menu_values(page, HISTORY_ENTRY_MENU)[:2]
    newest = edit.removeprefix("edit:")
    assert delete == f"delete:{newest}:0"

    slack.click(HISTORY_OLDER, user=ANA, value="15")
    older = last_response(fake_slack)
    assert "Entry 16" in text_of(older) and older["replace_original"] is True
    assert button_value(older, HISTORY_NEWER) == "0"

    # Delete… asks first, in place of the entry's line; Keep it changes nothing.
    slack.pick(HISTORY_ENTRY_MENU, delete, user=ANA)
    asking = last_response(fake_slack)
    assert asking["replace_original"] is True and "Delete this entry for good?" in text_of(asking)
    assert button_value(asking, DELETE_ENTRY) == f"{newest}:0" and len(entries(session)) == 17
    slack.click(HISTORY_KEEP, user=ANA, value="0")
    assert "Delete this entry" not in text_of(last_response(fake_slack)) and len(entries(session)) == 17

    slack.click(DELETE_ENTRY, user=ANA, value=f"{newest}:0")
    after = last_response(fake_slack)
    assert "Deleted *1m* · Entry 0" in text_of(after) and "Entry 15" in text_of(after)
    assert len(entries(session)) == 16


def test_edit_in_a_history_entrys_menu_opens_the_form_for_my_own_entries_only(slack, fake_slack, session):
    slack.command("/learn", "30m Mine", user=ANA)
    slack.command("/fitness", "history", user=ANA)
    edit, delete = menu_values(last_response(fake_slack), HISTORY_ENTRY_MENU)

    slack.pick(HISTORY_ENTRY_MENU, edit, user=ANA)
    assert "Mine" in str(last_opened_view(fake_slack))

    opened = len(fake_slack.calls_to("views.open"))
    slack.pick(HISTORY_ENTRY_MENU, edit, user=BO)
    slack.pick(HISTORY_ENTRY_MENU, delete, user=BO)
    assert len(fake_slack.calls_to("views.open")) == opened
    assert "Delete this entry" not in text_of(last_response(fake_slack))


def test_history_button_on_the_card_answers_with_a_new_message(slack, fake_slack):
    slack.command("/learn", "30m Mine", user=ANA)

    slack.click(SHOW_HISTORY, user=ANA, value="0")

    history = last_response(fake_slack)
    assert "Your learning history" in text_of(history) and "Mine" in text_of(history)
    assert history.get("replace_original") is False


def test_nobody_can_delete_someone_elses_entry_from_history(slack, fake_slack, session):
    slack.command("/learn", "30m Mine", user=ANA)
    slack.command("/fitness", "history", user=ANA)
    value = menu_values(last_response(fake_slack), HISTORY_ENTRY_MENU)[1].removeprefix("delete:")

    slack.click(DELETE_ENTRY, user=BO, value=value)

    assert len(entries(session)) == 1
    assert "already gone" in text_of(last_response(fake_slack))


def test_export_sends_a_csv_of_only_my_entries_to_my_dm(slack, fake_slack):
    slack.command("/learn", "30m #sql vis:private =cmd|' /C calc'!A0 looks like a formula", user=ANA)
    slack.command("/learn", "20m Bo's own", user=BO)

    slack.command("/fitness", "export", user=ANA)

    [opened] = fake_slack.calls_to("conversations.open")
    assert opened.args["users"] == ANA
    [upload] = fake_slack.calls_to("file_upload")
    rows = list(csv.reader(io.StringIO(upload.args["content"].decode())))
    assert rows[0][:4] == ["date", "minutes", "kind", "what"]
    assert len(rows) == 2 and rows[1][1] == "30" and rows[1][4] == "sql" and rows[1][6] == "private"
    assert rows[1][3].startswith("'=cmd")  # a spreadsheet will not run it
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == f"D{ANA}"
    assert "Sent 1 entry as a CSV file" in text_of(last_response(fake_slack))


def test_export_that_slack_refuses_says_so_and_loses_nothing(slack, fake_slack, session):
    slack.command("/learn", "30m Something", user=ANA)
    fake_slack.fail_next("files.getUploadURLExternal", error="not_allowed_token_type")

    slack.command("/fitness", "export", user=ANA)

    assert "could not send the file" in text_of(last_response(fake_slack))
    assert len(entries(session)) == 1


# What a spreadsheet would run as a formula: = + - @, a leading tab or carriage return, full-width forms.
FORMULAS = (
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '\uff1dHYPERLINK("http://evil.example")',
)


def test_no_cell_of_an_export_runs_as_a_formula_in_any_column(slack, fake_slack, session):
    # What /learn itself lets through: formulas in the words, `#-1` and `#+1` as skills.
    for formula in FORMULAS[:4]:
        slack.command("/learn", f"20m {formula}", user=ANA)
    slack.command("/learn", "20m #-1 #+1 Signed skills", user=ANA)
    # And rows stored before today's input rules, with a formula in every text column.
    ana = session.scalar(select(Person).where(Person.user_id == ANA))
    for index, formula in enumerate(FORMULAS):
        session.add(
            LearningEntry(
                team_id=TEAM_ID,
                person_id=ana.id,
                what=formula,
                minutes=10,
                kind=EntryKind.JOB,
                link=formula,
                source=EntrySource.COMMAND,
                visibility=Visibility.TEAM,
                local_day=START.date(),
                created_at=START,
                updated_at=START,
                skills=[Skill(team_id=TEAM_ID, name=f"{formula} {index}")],
            )
        )
    session.commit()

    slack.command("/fitness", "export", user=ANA)

    [upload] = fake_slack.calls_to("file_upload")
    header, *rows = list(csv.reader(io.StringIO(upload.args["content"].decode())))
    assert len(rows) == 5 + len(FORMULAS)
    cells = [cell for row in rows for cell in row]
    assert [cell for cell in cells if cell.startswith(tuple(formula[0] for formula in FORMULAS))] == []
    column = {name: [row[index] for row in rows] for index, name in enumerate(header)}
    for formula in FORMULAS:
        assert "'" + formula in column["what"] and "'" + formula in column["link"]
        assert f"'{formula} {FORMULAS.index(formula)}" in column["skills"]
    assert "'+1 -1" in column["skills"]  # skills in name order


def test_forget_me_asks_first_then_deletes_everything_of_mine_only(slack, fake_slack, session):
    slack.command("/learn", "30m #sql Mine", user=ANA)
    slack.command("/learn", "20m Bo's", user=BO)
    slack.command("/fitness", "rest", user=ANA)

    question = slack.command("/fitness", "forget-me", user=ANA).json
    assert "1 entry, 0 goals" in text_of(question)
    assert len(entries(session)) == 2  # nothing happens before the confirmation

    slack.click(FORGET_ME_CANCEL, user=ANA)
    assert "Nothing was deleted" in text_of(last_response(fake_slack))

    slack.click(FORGET_ME, user=ANA, value="confirm")
    assert "1 entry and 0 goals are deleted" in text_of(last_response(fake_slack))
    assert [entry.what for entry in entries(session)] == ["Bo's"]
    assert [person.user_id for person in session.scalars(select(Person))] == [BO]
    assert session.scalars(select(RestWeek)).all() == []
    home = fake_slack.calls_to("views.publish")[-1].args
    assert home["user_id"] == ANA and "is deleted" in text_of(home["view"])


def test_moving_timezone_keeps_history_on_the_days_it_happened(slack, fake_slack, clock, session):
    log_on(slack, clock, datetime(2026, 11, 23, 22, 30, tzinfo=UTC), "30m Late in London")
    fake_slack.add_user(ANA, "ana", tz="Asia/Tokyo", real_name="Ana Lima")
    # Thirteen hours later Slack says Tokyo: it is already Wednesday there.
    log_on(slack, clock, datetime(2026, 11, 24, 16, 0, tzinfo=UTC), "30m Morning in Tokyo")

    assert [entry.local_day for entry in entries(session)] == [date(2026, 11, 23), date(2026, 11, 25)]
    assert "2 of 3 days" in card_text(slack, fake_slack)
    fake_slack.add_user(ANA, "ana", tz="Europe/London", real_name="Ana Lima")


def test_an_entry_at_2330_local_counts_on_that_day_across_the_dst_change(slack, fake_slack, clock, session):
    # New York leaves daylight saving on Sunday 1 November 2026: 23:30 local is 04:30 UTC the next day.
    log_on(slack, clock, datetime(2026, 11, 2, 4, 30, tzinfo=UTC), "30m After the change", user=BO)
    log_on(slack, clock, datetime(2026, 10, 31, 3, 30, tzinfo=UTC), "30m Before the change", user=BO)

    assert [entry.local_day for entry in entries(session)] == [date(2026, 11, 1), date(2026, 10, 30)]


# ---------------------------------------------------------------------- a Slack profile without a timezone

UTC_NOTE = "Learnfit uses UTC for your days and nudges until your Slack profile has a timezone"


def utc_notes(fake_slack, user: str) -> list[str]:
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args["channel"] == user and UTC_NOTE in call.args["text"]
    ]


def users_info_calls(fake_slack, user: str) -> int:
    return len([call for call in fake_slack.calls_to("users.info") if call.args.get("user") == user])


def test_without_a_slack_timezone_days_run_on_utc_slack_is_asked_once_per_refresh_and_told_once(
    slack, fake_slack, clock, session
):
    fake_slack.add_user("U0NOTZ", "notz", tz=None)
    clock.set(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))  # Tuesday night in UTC

    for text in ("20m #sql Indexes", "10m #sql Plans", "5m #go Channels"):
        slack.command("/learn", text, user="U0NOTZ")
    card = card_text(slack, fake_slack, user="U0NOTZ")

    assert users_info_calls(fake_slack, "U0NOTZ") == 1
    assert len(utc_notes(fake_slack, "U0NOTZ")) == 1
    notz = session.scalar(select(Person).where(Person.user_id == "U0NOTZ"))
    assert (notz.tz, notz.tz_missing) == ("UTC", True)
    assert {entry.local_day for entry in entries(session, "U0NOTZ")} == {date(2026, 11, 24)}
    assert ":bell: Next nudge Thu 16:00" in card  # Tuesday's 16:00 UTC has passed

    # After the refresh period Slack is asked again; still no timezone, and nothing more is said.
    clock.advance(timedelta(hours=12))
    slack.command("/fitness", "", user="U0NOTZ")
    assert users_info_calls(fake_slack, "U0NOTZ") == 2
    assert len(utc_notes(fake_slack, "U0NOTZ")) == 1

    # Once the profile has a timezone, the next refresh follows it, nudge and all.
    fake_slack.add_user("U0NOTZ", "notz", tz="Asia/Tokyo")
    clock.advance(timedelta(hours=12))
    slack.command("/fitness", "", user="U0NOTZ")
    session.expire_all()
    notz = session.scalar(select(Person).where(Person.user_id == "U0NOTZ"))
    assert (notz.tz, notz.tz_missing) == ("Asia/Tokyo", False)
    assert notz.next_nudge_at == datetime(2026, 11, 26, 7, tzinfo=UTC)  # Thursday 16:00 in Tokyo
    assert len(utc_notes(fake_slack, "U0NOTZ")) == 1


def test_when_slack_cannot_be_asked_the_timezone_is_asked_again_and_nothing_is_said(
    slack, fake_slack, session
):
    fake_slack.fail_next("users.info", error="fatal_error")

    slack.command("/fitness", "", user=ANA)
    ana = session.scalar(select(Person).where(Person.user_id == ANA))
    assert (ana.tz, ana.tz_checked_at, ana.tz_missing) == ("UTC", None, False)

    slack.command("/fitness", "", user=ANA)
    session.expire_all()
    ana = session.scalar(select(Person).where(Person.user_id == ANA))
    assert ana.tz == "Europe/London"
    assert users_info_calls(fake_slack, ANA) == 2 and utc_notes(fake_slack, ANA) == []


def test_a_fitness_mistake_points_to_fitness_help(slack, fake_slack):
    reply = slack.command("/fitness", "tagret 4 days", user=ANA)

    shown = text_of(reply.json)
    assert "`/fitness tagret 4 days` is not something I know" in shown
    assert "Type `/fitness help` for examples." in shown and "/learn help" not in shown
