"""Personal learning goals: set in a line or a form, tracked from entries, finished, celebrated, shared."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from bot.forms.goal import GOAL_MODAL
from bot.localslack.blockkit import block_kit_problems
from bot.services.goals import MAX_ACTIVE_GOALS, MAX_TITLE_LENGTH, GoalProgress
from bot.services.home_visits import HOME_REDRAW_GAP
from bot.views.goals import (
    DROP_GOAL,
    EDIT_GOAL,
    LOG_TOWARD_GOAL,
    MARK_GOAL_DONE,
    SHARE_GOAL,
    goal_lines,
    goal_list_message,
    goal_reached_message,
)
from bot.views.home import OPEN_GOAL_MODAL
from models import Goal, GoalStatus, GoalTarget, Skill
from tests.conftest import ANA, BO, KEN, START
from tests.helpers import button_value, entries, initial_values, last_opened_view, last_response, text_of
from tests.support.payloads import date_value, form_values, learning_form, radio_value, text_value

EXAMPLE = "Learn Kubernetes basics #kubernetes 10h by 2027-01-31"


def goals(session) -> list[Goal]:
    session.expire_all()
    return list(session.scalars(select(Goal).order_by(Goal.id)))


def goal_form(
    *,
    title="Read the SRE book",
    why="On call starts in March",
    target="sessions",
    amount="12",
    skills="#sre, #oncall",
    due="2027-02-26",
):
    return form_values(
        title=text_value(title),
        why=text_value(why),
        target=radio_value(target),
        amount=text_value(amount),
        skills=text_value(skills),
        due=date_value(due),
    )


def submit(slack, view, values, *, user=ANA, view_id="V0GOAL1"):
    return slack.submit(view, values, user=user, view_id=view_id)


def goal_list(slack, fake_slack, user=ANA) -> dict:
    answer = slack.command("/goal", "list", user=user).json
    return answer


def reached_dms(fake_slack) -> list:
    return [
        call
        for call in fake_slack.calls_to("chat.postMessage")
        if "You reached your goal" in text_of(call.args)
    ]


def button(payload: dict, action_id: str) -> dict:
    for block in payload.get("blocks", []):
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {payload}")


# ---------------------------------------------------------------------------------------------- setting goals


def test_a_goal_in_one_line_stores_its_title_target_due_date_and_skills(slack, fake_slack, session):
    reply = slack.command("/goal", "Learn Kubernetes basics #kubernetes #Helm 10h by 2027-01-31", user=ANA)

    assert reply.status == 200
    [goal] = goals(session)
    assert (goal.title, goal.target_kind, goal.target_value, goal.due_date, goal.status) == (
        "Learn Kubernetes basics",
        GoalTarget.MINUTES,
        600,
        date(2027, 1, 31),
        GoalStatus.ACTIVE,
    )
    assert [skill.name for skill in goal.skills] == ["helm", "kubernetes"]
    assert goal.created_at == START and goal.reached_at is None
    shown = text_of(reply.json)
    assert "Goal set" in shown and "10h of learning" in shown and "by Sun 31 Jan 2027" in shown
    assert "`#helm` `#kubernetes`" in shown


@pytest.mark.parametrize(
    ("text", "title", "kind", "value", "due"),
    [
        ("Read the SRE book #sre 12 sessions", "Read the SRE book", GoalTarget.SESSIONS, 12, None),
        (
            "Give a lightning talk on testing by 31 Jan",
            "Give a lightning talk on testing",
            GoalTarget.DATE,
            None,
            date(2027, 1, 31),
        ),
        ("1h30m Learn Go generics by Dec 5", "Learn Go generics", GoalTarget.MINUTES, 90, date(2026, 12, 5)),
        (
            "Learn Rust by building a CLI 20 hours",
            "Learn Rust by building a CLI",
            GoalTarget.MINUTES,
            1200,
            None,
        ),
    ],
    ids=["sessions", "date only", "target first", "by inside the title"],
)
def test_a_goal_in_one_line_understands_sessions_dates_and_either_order(
    slack, session, text, title, kind, value, due
):
    slack.command("/goal", text, user=ANA)

    [goal] = goals(session)
    assert (goal.title, goal.target_kind, goal.target_value, goal.due_date) == (title, kind, value, due)


def test_goal_help_explains_with_examples_and_stores_nothing(slack, session):
    reply = slack.command("/goal", "help", user=ANA)

    shown = text_of(reply.json)
    assert "/goal Learn Kubernetes basics #kubernetes 10h by 2027-01-31" in shown
    assert "12 sessions" in shown and "by 31 Jan" in shown and "/goal list" in shown
    assert goals(session) == []


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("Learn Kubernetes", "Give the goal a target, like `10h` or `12 sessions`, or a done-by date"),
        ("10h by 31 Jan", "What is the goal?"),
        ("Learn Go 10h 12 sessions", "Pick one target"),
        ("Learn Go 10h by 31 Feb", "`31 Feb` is not a date I can find in a calendar"),
        ("Learn Go 10h by 2020-01-31", "That day has already passed"),
        ("Learn Go 10h by 2040-01-31", "within 5 years"),
        ("Learn Go 5m", "between 15 minutes and 1,000 hours"),
        ("Learn Go 0 sessions", "between 1 and 365 sessions"),
        ("Learn Go #go/lang 10h", "`#go/lang` is not a skill name"),
        ("Learn " + "x" * MAX_TITLE_LENGTH + " 10h", "150 characters"),
        ("Learn \x1b[31mGo\x1b[0m 10h", "control characters"),
    ],
    ids=lambda value: value[:24],
)
def test_bad_goal_input_says_what_to_type_and_stores_nothing(slack, fake_slack, session, text, advice):
    reply = slack.command("/goal", text, user=ANA)

    assert reply.status == 200
    assert advice in text_of(reply.json)
    assert "/goal" in text_of(reply.json)  # what to type instead
    assert goals(session) == []
    assert fake_slack.calls_to("response_url") == []


@pytest.mark.parametrize(
    ("text", "example"),
    [
        ("Something by yesterday", "`/goal Something 10h by 31 Jan`"),
        ("Read the SRE book by end of year", "`/goal Read the SRE book 10h by 31 Jan`"),
        ("Learn Kubernetes #k8s", "`/goal Learn Kubernetes #k8s 10h by 31 Jan`"),
        ("Stand by me", "`/goal Stand by me 10h by 31 Jan`"),
    ],
)
def test_a_goal_without_a_target_is_answered_with_a_correct_example_built_from_what_was_typed(
    slack, fake_slack, session, text, example
):
    shown = text_of(slack.command("/goal", text, user=ANA).json)
    assert example in shown
    if "by yesterday" in text:
        assert "`yesterday` is not a date I can read" in shown
    assert goals(session) == []

    # The example works as it is.
    slack.command("/goal", example.strip("`").removeprefix("/goal "), user=ANA)
    assert len(goals(session)) == 1


def test_a_due_date_already_past_in_the_persons_own_day_is_refused(slack, fake_slack, clock, session):
    # 01:00 on Wednesday in Tokyo, still Tuesday in London and UTC.
    clock.set(datetime(2026, 11, 24, 16, 0, tzinfo=UTC))

    answer = slack.command("/goal", "Give a talk by 2026-11-24", user=KEN).json

    assert goals(session) == []
    shown = text_of(answer)
    assert "already passed" in shown and "Nothing was saved" in shown


def test_the_same_command_delivered_twice_sets_one_goal(slack, fake_slack, session):
    slack.command("/goal", EXAMPLE, user=ANA, trigger="222.T0LEARN.same")
    again = slack.command("/goal", EXAMPLE, user=ANA, trigger="222.T0LEARN.same")

    assert len(goals(session)) == 1
    assert "Already set" in text_of(again.json)


def test_the_goal_form_sets_a_goal_once_even_when_submitted_twice(slack, fake_slack, session):
    slack.command("/goal", "", user=ANA)
    view = last_opened_view(fake_slack)
    assert view["title"]["text"] == "New goal"
    assert "Why it matters" in str(view) and "Just a done-by date" in str(view)

    first = submit(slack, view, goal_form())
    second = submit(slack, view, goal_form())

    assert first.status == second.status == 200 and first.body == second.body == ""
    [goal] = goals(session)
    assert (goal.title, goal.why, goal.target_kind, goal.target_value, goal.due_date) == (
        "Read the SRE book",
        "On call starts in March",
        GoalTarget.SESSIONS,
        12,
        date(2027, 2, 26),
    )
    assert [skill.name for skill in goal.skills] == ["oncall", "sre"]
    [confirmation] = fake_slack.calls_to("chat.postEphemeral")
    assert confirmation.args["user"] == ANA and "Goal set" in text_of(confirmation.args)


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (goal_form(title="  ", amount="lots", target="minutes"), {"title", "amount"}),
        (goal_form(target="date", amount="", due=None), {"due"}),
        (goal_form(target="sessions", amount=""), {"amount"}),
        (goal_form(target="minutes", amount="5m"), {"amount"}),
        (goal_form(skills="#ok not/ok"), {"skills"}),
        (goal_form(due="2026-11-23"), {"due"}),
    ],
    ids=["no title, bad time", "date goal without a date", "no amount", "too little", "bad skill", "past"],
)
def test_goal_form_errors_appear_under_their_fields_and_nothing_is_stored(
    slack, fake_slack, session, values, errors
):
    slack.command("/goal", "", user=ANA)

    reply = submit(slack, last_opened_view(fake_slack), values)

    assert reply.json["response_action"] == "errors"
    assert set(reply.json["errors"]) == errors
    assert goals(session) == []


def test_the_goal_form_refuses_an_eleventh_active_goal_under_its_title(slack, fake_slack, session):
    for number in range(MAX_ACTIVE_GOALS):
        slack.command("/goal", f"Goal number {number} 1h", user=ANA)
    slack.command("/goal", "", user=ANA)

    reply = submit(slack, last_opened_view(fake_slack), goal_form())

    assert reply.json["response_action"] == "errors" and set(reply.json["errors"]) == {"title"}
    assert "10 goals on the go already" in reply.json["errors"]["title"]
    assert len(goals(session)) == MAX_ACTIVE_GOALS


# ---------------------------------------------------------------------------------------------- progress


def test_goal_list_counts_entries_linked_in_the_form_or_sharing_a_skill_from_the_goals_first_day(
    slack, fake_slack, clock, session
):
    slack.command("/learn", "1h #kubernetes Before the goal existed", user=ANA)
    clock.advance(timedelta(days=1))
    slack.command("/goal", EXAMPLE, user=ANA)
    [goal] = goals(session)

    slack.command("/learn", "2h #kubernetes Pods and services", user=ANA)  # shares a skill
    today = "2026-11-25"
    in_the_form = [
        # Picked in the form: counts whatever its skills.
        learning_form(what="Networking", minutes="1h", skills="#networking", day=today, goal=str(goal.id)),
        # Picked and sharing the skill: one entry, counted once.
        learning_form(what="Helm charts", minutes="1h", skills="#kubernetes", day=today, goal=str(goal.id)),
        # Neither: does not count.
        learning_form(what="Subnets", minutes="30m", skills="#networking", day=today),
    ]
    for number, values in enumerate(in_the_form):
        slack.command("/learn", "", user=ANA)
        submit(slack, last_opened_view(fake_slack), values, view_id=f"V0FORM{number}")
    slack.command("/learn", "45m #python Unrelated", user=ANA)

    shown = text_of(goal_list(slack, fake_slack))
    assert "Learn Kubernetes basics" in shown
    assert "`▓▓▓▓░░░░░░ 40%` 4h of 10h" in shown
    assert "Due Sun 31 Jan 2027" in shown
    assert [entry.goal_id for entry in entries(session)] == [None, None, goal.id, goal.id, None, None]


def test_a_sessions_goal_counts_entries_not_minutes(slack, fake_slack, session):
    slack.command("/goal", "Read the SRE book #sre 4 sessions", user=ANA)
    slack.command("/learn", "5m #sre Chapter 1", user=ANA)

    assert "`▓▓░░░░░░░░ 25%` 1 of 4 sessions" in text_of(goal_list(slack, fake_slack))


def test_goal_list_reads_a_fixed_number_of_statements_however_many_goals_and_entries(
    slack, fake_slack, engine
):
    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(connection, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    slack.command("/goal", "Learn Go #go 10h", user=ANA)
    slack.command("/learn", "30m #go Channels", user=ANA)
    with counting() as one_goal:
        goal_list(slack, fake_slack)

    for number in range(5):
        slack.command("/goal", f"Goal {number} #skill{number} #go {number + 2} sessions", user=ANA)
        slack.command("/learn", f"20m #skill{number} Practice {number}", user=ANA)
        slack.command("/learn", f"20m #go #skill{number} More practice {number}", user=ANA)
    with counting() as six_goals:
        shown = text_of(goal_list(slack, fake_slack))

    assert all(f"Goal {number}" in shown for number in range(5))
    assert len(six_goals) == len(one_goal)


def test_goals_are_only_ever_listed_to_their_owner(slack, fake_slack):
    slack.command("/goal", "Pass the CKA exam #kubernetes 40h", user=ANA)

    shown = text_of(goal_list(slack, fake_slack, user=BO))

    assert "Pass the CKA exam" not in shown and "No goals yet" in shown
    assert "Pass the CKA exam" in text_of(goal_list(slack, fake_slack, user=ANA))


# ---------------------------------------------------------------------------------------------- acting on goals


def test_mark_done_redraws_the_list_and_keeps_the_goal_there_for_a_week(slack, fake_slack, clock, session):
    slack.command("/goal", EXAMPLE, user=ANA)
    goal_id = button_value(goal_list(slack, fake_slack), MARK_GOAL_DONE)

    slack.click(MARK_GOAL_DONE, user=ANA, value=goal_id)

    [goal] = goals(session)
    assert goal.status is GoalStatus.DONE
    redrawn = last_response(fake_slack)
    assert redrawn["replace_original"] is True
    assert "Marked *Learn Kubernetes basics* done" in text_of(redrawn)
    assert ":white_check_mark: Done" in text_of(redrawn)
    clock.advance(timedelta(days=8))
    assert "No goals yet" in text_of(goal_list(slack, fake_slack))


def test_drop_asks_first_then_takes_the_goal_off_the_list(slack, fake_slack, session):
    slack.command("/goal", EXAMPLE, user=ANA)
    listed = goal_list(slack, fake_slack)
    drop = button(listed, DROP_GOAL)
    assert (
        drop["confirm"]["confirm"]["text"] == "Drop it" and "entries stay" in drop["confirm"]["text"]["text"]
    )

    slack.click(DROP_GOAL, user=ANA, value=drop["value"])

    [goal] = goals(session)
    assert goal.status is GoalStatus.DROPPED
    assert "Dropped *Learn Kubernetes basics*" in text_of(last_response(fake_slack))
    assert "No goals yet" in text_of(goal_list(slack, fake_slack))


def test_edit_opens_the_goal_prefilled_and_saving_shows_the_list_again(slack, fake_slack, session):
    slack.command("/goal", EXAMPLE, user=ANA)
    goal_id = button_value(goal_list(slack, fake_slack), EDIT_GOAL)
    list_url = fake_slack.response_url("goal-list")
    fake_slack.reset()

    slack.click(EDIT_GOAL, user=ANA, value=goal_id, response_url=list_url)
    view = last_opened_view(fake_slack)
    assert view["title"]["text"] == "Edit goal"
    assert initial_values(view) == {
        "title": "Learn Kubernetes basics",
        "why": None,
        "target": "minutes",
        "amount": "10h",
        "skills": "#kubernetes",
        "due": "2027-01-31",
    }

    submit(
        slack,
        view,
        goal_form(title="Learn Kubernetes well", target="minutes", amount="20", skills="#kubernetes #helm"),
    )

    [goal] = goals(session)
    assert (goal.title, goal.target_value, goal.due_date, goal.why) == (
        "Learn Kubernetes well",
        1200,
        date(2027, 2, 26),
        "On call starts in March",
    )
    assert [skill.name for skill in goal.skills] == ["helm", "kubernetes"]
    # The list clicked is ephemeral, and a form never carries its response_url: a new private message.
    assert fake_slack.calls_to("response_url") == []
    [shown] = fake_slack.calls_to("chat.postEphemeral")
    assert shown.args["user"] == ANA
    assert "Updated *Learn Kubernetes well*" in text_of(shown.args) and "0m of 20h" in text_of(shown.args)


def test_an_edit_whose_form_slack_will_not_open_tells_the_person_and_changes_nothing(
    slack, fake_slack, session
):
    slack.command("/goal", EXAMPLE, user=ANA)
    goal_id = button_value(goal_list(slack, fake_slack), EDIT_GOAL)
    fake_slack.fail_next("views.open", error="expired_trigger_id")

    reply = slack.click(EDIT_GOAL, user=ANA, value=goal_id, response_url=fake_slack.response_url("goal-list"))

    assert reply.status == 200
    assert "Something went wrong on our side" in text_of(last_response(fake_slack))
    assert [goal.title for goal in goals(session)] == ["Learn Kubernetes basics"]


@pytest.mark.parametrize("action_id", [LOG_TOWARD_GOAL, MARK_GOAL_DONE, DROP_GOAL, EDIT_GOAL, SHARE_GOAL])
def test_someone_else_clicking_a_goal_button_is_refused_and_nothing_changes(
    slack, fake_slack, session, action_id
):
    slack.command("/goal", "Learn SQL #sql 1h", user=ANA)
    slack.command("/learn", "1h #sql Joins", user=ANA)  # reached, so it could be shared
    [goal] = goals(session)
    before = (goal.status, goal.title, goal.updated_at)
    fake_slack.reset()

    slack.click(action_id, user=BO, value=str(goal.id))

    [goal] = goals(session)
    assert (goal.status, goal.title, goal.updated_at) == before
    assert fake_slack.calls_to("views.open") == []
    refusal = last_response(fake_slack)
    assert refusal["replace_original"] is False and "not one of yours" in text_of(refusal)


def test_an_overdue_goal_says_since_when_and_offers_to_extend_or_drop(slack, fake_slack, clock, session):
    slack.command("/goal", "Finish the Go tour by 2026-12-01", user=ANA)
    clock.set(datetime(2026, 12, 1, 23, 0, tzinfo=UTC))
    assert "Overdue" not in text_of(goal_list(slack, fake_slack))  # still its last day in London

    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    listed = goal_list(slack, fake_slack)

    assert "Overdue since Tue 1 Dec" in text_of(listed)
    assert button(listed, EDIT_GOAL)["text"]["text"] == "Extend or edit"
    assert button(listed, DROP_GOAL)
    [goal] = goals(session)
    assert goal.status is GoalStatus.ACTIVE  # shown as overdue, never silently changed


def test_log_toward_a_goal_opens_the_learning_form_with_the_goal_picked(slack, fake_slack, session):
    slack.command("/goal", EXAMPLE, user=ANA)
    goal_id = button_value(goal_list(slack, fake_slack), LOG_TOWARD_GOAL)

    slack.click(LOG_TOWARD_GOAL, user=ANA, value=goal_id)
    view = last_opened_view(fake_slack)
    assert view["title"]["text"] == "Log learning" and initial_values(view)["goal"] == goal_id

    submit(slack, view, learning_form(what="Helm charts", minutes="1h", day="2026-11-24", goal=goal_id))

    [entry] = entries(session)
    assert entry.goal_id == int(goal_id)
    assert "`▓░░░░░░░░░ 10%` 1h of 10h" in text_of(goal_list(slack, fake_slack))


def test_the_goal_picker_appears_in_the_learning_form_only_with_active_goals(slack, fake_slack):
    slack.command("/learn", "", user=ANA)
    assert "goal" not in initial_values(last_opened_view(fake_slack))

    slack.command("/goal", EXAMPLE, user=ANA)
    slack.command("/learn", "", user=ANA)
    [picker] = [block for block in last_opened_view(fake_slack)["blocks"] if block["block_id"] == "goal"]
    assert picker["optional"] is True
    assert [option["text"]["text"] for option in picker["element"]["options"]] == ["Learn Kubernetes basics"]

    slack.click(MARK_GOAL_DONE, user=ANA, value=picker["element"]["options"][0]["value"])
    slack.command("/learn", "", user=ANA)
    assert "goal" not in initial_values(last_opened_view(fake_slack))


def test_a_goal_id_forged_into_the_learning_form_is_refused(slack, fake_slack, session):
    slack.command("/goal", EXAMPLE, user=ANA)
    [goal] = goals(session)
    slack.command("/learn", "", user=BO)

    reply = submit(slack, last_opened_view(fake_slack), learning_form(goal=str(goal.id)), user=BO)

    assert reply.json["response_action"] == "errors" and "not one of yours" in reply.json["errors"]["goal"]
    assert entries(session) == []


# ---------------------------------------------------------------------------------------------- celebrating


def test_reaching_a_goal_with_learn_is_celebrated_in_the_dm_exactly_once(slack, fake_slack, clock, session):
    slack.command("/goal", "Learn SQL #sql 1h", user=ANA)
    slack.command("/learn", "30m #sql Joins", user=ANA)
    assert reached_dms(fake_slack) == []

    clock.advance(timedelta(minutes=5))
    slack.command("/learn", "30m #sql Indexes", user=ANA)

    [dm] = reached_dms(fake_slack)
    assert dm.args["channel"] == ANA
    assert "Learn SQL" in text_of(dm.args) and "1h across 2 sessions" in text_of(dm.args)
    assert button(dm.args, SHARE_GOAL)["text"]["text"] == "Share with a channel"
    [goal] = goals(session)
    assert goal.reached_at == START + timedelta(minutes=5) and goal.status is GoalStatus.DONE

    slack.command("/learn", "30m #sql Window functions", user=ANA)
    assert len(reached_dms(fake_slack)) == 1
    assert fake_slack.messages("C0GENERAL") == []  # nothing public unless they click Share


def reach_a_goal(slack, fake_slack) -> str:
    slack.command("/goal", "Learn SQL #sql 1h", user=ANA)
    slack.command("/learn", "1h #sql Query plans", user=ANA)
    [dm] = reached_dms(fake_slack)
    return button(dm.args, SHARE_GOAL)["value"]


def conversation(channel_id: str) -> dict:
    return {"channel": {"value": {"type": "conversations_select", "selected_conversation": channel_id}}}


def test_sharing_a_reached_goal_posts_a_short_celebration_to_the_channel_picked(slack, fake_slack):
    goal_id = reach_a_goal(slack, fake_slack)

    slack.click(SHARE_GOAL, user=ANA, value=goal_id, channel_id=f"D{ANA}")
    view = last_opened_view(fake_slack)
    assert view["title"]["text"] == "Share your goal"
    reply = submit(slack, view, conversation("C0HELP"), view_id="V0SHARE")

    assert reply.status == 200 and reply.body == ""
    [post] = fake_slack.messages("C0HELP")
    assert f"<@{ANA}> reached a learning goal: *Learn SQL* (1h of learning)" in text_of(post)
    assert "Query plans" not in text_of(post)  # the goal is shared, never the entries


def test_sharing_where_the_app_is_not_a_member_says_to_invite_it(slack, fake_slack):
    goal_id = reach_a_goal(slack, fake_slack)
    slack.click(SHARE_GOAL, user=ANA, value=goal_id, channel_id=f"D{ANA}")

    reply = submit(slack, last_opened_view(fake_slack), conversation("C0OUTSIDE"), view_id="V0SHARE")

    assert reply.json["response_action"] == "errors"
    assert "/invite @Learnfit" in reply.json["errors"]["channel"]
    assert fake_slack.messages("C0OUTSIDE") == []


def test_sharing_when_slack_refuses_the_post_says_so_under_the_channel(slack, fake_slack):
    goal_id = reach_a_goal(slack, fake_slack)
    slack.click(SHARE_GOAL, user=ANA, value=goal_id, channel_id=f"D{ANA}")
    fake_slack.fail_next("chat.postMessage", error="restricted_action")

    reply = submit(slack, last_opened_view(fake_slack), conversation("C0HELP"), view_id="V0SHARE")

    assert reply.json["response_action"] == "errors"
    assert "did not let Learnfit post there" in reply.json["errors"]["channel"]
    assert fake_slack.messages("C0HELP") == []


def test_a_share_form_with_forged_hidden_state_shares_nothing(slack, fake_slack):
    goal_id = reach_a_goal(slack, fake_slack)
    slack.click(SHARE_GOAL, user=ANA, value=goal_id, channel_id=f"D{ANA}")
    view = {**last_opened_view(fake_slack), "private_metadata": f'{{"goal_id": "{goal_id}"}}'}

    reply = submit(slack, view, conversation("C0HELP"), view_id="V0SHARE")

    assert reply.json == {
        "response_action": "errors",
        "errors": {"channel": "That goal is not one of yours to share."},
    }
    assert fake_slack.messages("C0HELP") == []


# ---------------------------------------------------------------------------------------------- builders


def longest_goal(number: int, *, status=GoalStatus.ACTIVE) -> Goal:
    return Goal(
        id=number,
        title="<!channel> & " + "t" * (MAX_TITLE_LENGTH - 13),
        target_kind=GoalTarget.MINUTES,
        target_value=60_000,
        due_date=date(2031, 12, 31),
        status=status,
        skills=[Skill(name=f"{index}" + "s" * 49) for index in range(10)],
    )


def mrkdwn_texts(node) -> list[str]:
    """Texts Slack formats (and so could turn into a mention); plain_text is shown as typed."""
    if isinstance(node, list):
        return [text for item in node for text in mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "mrkdwn" else []
    return own + [text for value in node.values() for text in mrkdwn_texts(value)]


def test_goal_messages_fit_slacks_limits_with_the_most_and_longest_goals():
    progress = [
        GoalProgress(longest_goal(n), 59_999, 9_999, 0.99, overdue=n % 2 == 0, reached=False)
        for n in range(30)
    ]
    progress.append(GoalProgress(longest_goal(99, status=GoalStatus.DONE), 60_000, 10, 1.0, False, True))

    listed = goal_list_message(progress, today=date(2026, 11, 24), notice="n" * 300)
    assert block_kit_problems(listed, "message") == []
    assert not [text for text in mrkdwn_texts(listed["blocks"]) if "<!channel>" in text]
    home = {"type": "home", "blocks": goal_lines(progress)}
    assert block_kit_problems(home, "home") == [] and len(home["blocks"]) <= 12
    assert block_kit_problems(goal_reached_message(progress[0]), "message") == []


def test_app_home_lists_goals_and_redraws_after_each_goal_change(slack, fake_slack, session, clock):
    slack.open_home(ANA)
    clock.advance(HOME_REDRAW_GAP)
    slack.command("/goal", "Learn Kubernetes basics #kubernetes 10h by 2027-01-31", user=ANA)
    assert len(fake_slack.calls_to("views.publish")) == 2
    home = text_of(fake_slack.calls_to("views.publish")[-1].args["view"])
    assert "Learn Kubernetes basics" in home

    [goal] = session.scalars(select(Goal)).all()
    clock.advance(HOME_REDRAW_GAP)
    slack.click(MARK_GOAL_DONE, user=ANA, value=str(goal.id))

    assert len(fake_slack.calls_to("views.publish")) == 3
    session.expire_all()
    assert session.scalars(select(Goal)).one().status is GoalStatus.DONE


def test_add_a_goal_on_app_home_opens_the_goal_form(slack, fake_slack):
    slack.click(OPEN_GOAL_MODAL, user=ANA, channel_id=None)

    assert last_opened_view(fake_slack)["callback_id"] == GOAL_MODAL
