"""A team's weekly "What <team> learned" post: a lead turns it on for a channel, and the scheduler posts it
once a week at the chosen local time, with only what people shared: never a private entry, never a question
from a private channel, never a goal its owner kept to themselves, never anyone's time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.localslack.blockkit import block_kit_problems
from bot.services.team_posts import (
    MAX_GOALS,
    MAX_QUESTIONS,
    MAX_SKILLS,
    MAX_TITLES_PER_SKILL,
    AnsweredQuestion,
    SharedGoal,
    SkillGroup,
    TeamPost,
)
from bot.views.goals import SHARE_GOAL
from bot.views.help import RESOLVE_QUESTION
from bot.views.learning import SHARE_ENTRY
from bot.views.team_posts import weekly_post_message
from models import Delivery, DeliveryKind, DeliveryStatus, LearningTeam
from tests.conftest import ANA, BO, KEN
from tests.helpers import last_opened_view, last_response, text_of
from tests.support.payloads import TEAM_ID
from tests.test_goals import reached_dms
from tests.test_help import ask, click, questions, reply, resolve_crediting
from tests.test_message_escaping import HOSTILE, stray_markup
from tests.test_scheduler import FakeTimer, ledger_rows, make_runner
from tests.test_teams import ADMIN

OUTSIDER = "U0OUTSIDER"  # in the workspace, not in the team
TEAM_CHANNEL = "C0PLATFORM"
PUBLIC = "C0WPOPEN"
HUSHED = "C0WPHUSHED"  # a private channel
LEADS_ONLY = "C0WPLEADS"  # a private channel the lead is not in
GOING = "C0WPGOING"  # a channel Learnfit is removed from later
FRIDAY_POST = datetime(2026, 11, 27, 16, tzinfo=UTC)  # Friday 16:00 in London


@pytest.fixture(autouse=True)
def _people_and_channels(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)
    fake_slack.add_user(OUTSIDER, "oz", tz="Europe/London")
    fake_slack.add_channel(TEAM_CHANNEL, "platform")
    fake_slack.add_channel(PUBLIC, "open")
    fake_slack.add_channel(HUSHED, "hushed", is_private=True)
    fake_slack.add_channel(LEADS_ONLY, "leads-only", is_private=True, members=[BO])
    fake_slack.add_channel(GOING, "going")


@pytest.fixture
def runner(settings, engine, sleeps):
    return make_runner(settings, engine, sleeps, FakeTimer())


def team_says(slack, fake_slack, text, *, user=ADMIN) -> str:
    answered = slack.command("/team", text, user=user)
    return text_of(answered.json) if answered.body else text_of(last_response(fake_slack))


def make_team(slack, clock) -> None:
    """Platform, led by Ada (London), with Ana, Bo and Ken; it posts on Fridays at 16:00 in #platform."""
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", f"add <@{ANA}|ana> <@{BO}|bo> <@{KEN}|ken>", user=ADMIN)
    slack.command("/team", f"weekly-post on <#{TEAM_CHANNEL}|platform> friday 16:00", user=ADMIN)


def learn(slack, clock, user, text, *, day=25) -> dict:
    """/learn on a day of that week at noon UTC; its confirmation (the ack)."""
    clock.set(datetime(2026, 11, day, 12, tzinfo=UTC))
    return slack.command("/learn", text, user=user).json


def weekly_posts(fake_slack, channel=TEAM_CHANNEL) -> list[dict]:
    return [message for message in fake_slack.messages(channel) if "learned" in message["text"]]


def the_team(session) -> LearningTeam:
    session.expire_all()
    return session.scalars(select(LearningTeam)).one()


# ---------------------------------------------------------------------------------------------- the story


def test_a_lead_turns_it_on_and_it_arrives_once_at_the_chosen_time_with_only_what_was_shared(
    slack, fake_slack, clock, runner, session
):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", f"add <@{ANA}|ana> <@{BO}|bo> <@{KEN}|ken>", user=ADMIN)
    shown = team_says(slack, fake_slack, f"weekly-post on <#{TEAM_CHANNEL}|platform> friday 16:00")
    assert f"What Platform learned now goes to <#{TEAM_CHANNEL}> on Fridays at 16:00" in shown
    assert "The next one: Fri 27 Nov 16:00 (Europe/London)" in shown
    assert the_team(session).next_weekly_post_at == FRIDAY_POST

    learn(slack, clock, ANA, "45m #sql Query plans", day=24)
    learn(slack, clock, KEN, "30m #sql #postgres Indexes")
    learn(slack, clock, BO, "1h kind:formal #k8s Pods and services")
    learn(slack, clock, BO, "15m Reading the runbook")
    learn(slack, clock, ANA, "20m vis:private #interviews Prep for the Acme loop")
    learn(slack, clock, OUTSIDER, "30m #sql Not in the team")
    learn(slack, clock, ANA, "10m #sql After the week", day=27)  # Friday: next week's post

    runner.run_due(now=FRIDAY_POST - timedelta(minutes=15))
    assert weekly_posts(fake_slack) == []
    runner.run_due(now=FRIDAY_POST)
    runner.run_due(now=FRIDAY_POST + timedelta(minutes=15))  # a second tick posts nothing more

    [post] = weekly_posts(fake_slack)
    text = text_of(post)
    assert post["blocks"][0]["text"]["text"] == "What Platform learned"
    assert "Fri 20 Nov to Thu 26 Nov" in text
    assert "*`#k8s`*\n• Pods and services" in text
    assert "*`#postgres`*\n• Indexes" in text  # under its first skill, by name
    assert "*`#sql`*\n• Query plans" in text
    assert "_No skill tagged_*\n• Reading the runbook" in text
    for never in ("Acme", "interviews", "Not in the team", "After the week", "45", "1h", "min"):
        assert never not in text
    assert ledger_rows(session, DeliveryKind.TEAM_POST) == [
        (f"team_post:{TEAM_ID}:{the_team(session).id}:2026-W48", DeliveryStatus.SENT, None)
    ]
    assert the_team(session).next_weekly_post_at == FRIDAY_POST + timedelta(weeks=1)


def test_a_new_time_later_the_same_week_posts_nothing_more_that_week(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock)
    learn(slack, clock, ANA, "45m #sql Query plans")
    runner.run_due(now=FRIDAY_POST)

    clock.set(FRIDAY_POST + timedelta(minutes=30))
    slack.command("/team", f"weekly-post on <#{TEAM_CHANNEL}|platform> friday 17:00", user=ADMIN)
    assert the_team(session).next_weekly_post_at == FRIDAY_POST + timedelta(hours=1)  # later this Friday
    runner.run_due(now=FRIDAY_POST + timedelta(hours=1))

    assert len(weekly_posts(fake_slack)) == 1  # the ledger's key is the team's week
    learn(slack, clock, BO, "1h #k8s Pods", day=30)
    runner.run_due(now=datetime(2026, 12, 4, 17, tzinfo=UTC))
    assert len(weekly_posts(fake_slack)) == 2


def test_questions_teammates_answered_are_thanked_but_never_one_from_a_private_channel(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock)
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    ask(slack, "How do I read a query plan?", user=ANA, channel=PUBLIC, trigger="1.public")
    ask(slack, "Who knows the Acme contract terms?", user=ANA, channel=HUSHED, trigger="2.hushed")
    ask(slack, "Where are the runbooks?", user=ANA, channel=PUBLIC, trigger="3.nobody")
    public, hushed, _unanswered = questions(session)
    reply(slack, public, BO, "1800000001.000100")
    reply(slack, hushed, BO, "1800000002.000100")
    resolve_crediting(slack, fake_slack, session, public, BO, view_id="V0PUBLIC")
    click(slack, fake_slack, RESOLVE_QUESTION, user=ANA, value=str(hushed.id), channel=HUSHED)
    slack.submit(
        last_opened_view(fake_slack),
        {"helpers": {"value": {"type": "multi_users_select", "selected_users": [BO]}}},
        user=ANA,
        view_id="V0HUSHED",
    )
    assert [question.status.value for question in questions(session)] == ["resolved", "resolved", "open"]

    runner.run_due(now=FRIDAY_POST)

    [post] = weekly_posts(fake_slack)
    text = text_of(post)
    assert f"“How do I read a query plan?” in <#{PUBLIC}>. Thanks <@{BO}>!" in text
    assert "Acme" not in text and HUSHED not in text and "runbooks" not in text


def test_goals_appear_only_when_their_owner_shared_them(slack, fake_slack, clock, runner, session):
    make_team(slack, clock)
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    slack.command("/goal", "Learn SQL #sql 1h", user=ANA)
    slack.command("/goal", "Pass the CKA #k8s 1h", user=BO)
    slack.command("/learn", "1h #sql Query plans", user=ANA)
    slack.command("/learn", "1h vis:private #k8s Mock exam", user=BO)
    anas, _bos = reached_dms(fake_slack)
    slack.click(
        SHARE_GOAL, user=ANA, value=anas.args["blocks"][-1]["elements"][0]["value"], channel_id=f"D{ANA}"
    )
    slack.submit(
        last_opened_view(fake_slack),
        {"channel": {"value": {"type": "conversations_select", "selected_conversation": PUBLIC}}},
        user=ANA,
        view_id="V0GOALSHARE",
    )

    runner.run_due(now=FRIDAY_POST)

    [post] = weekly_posts(fake_slack)
    assert f"<@{ANA}> reached *Learn SQL*" in text_of(post)
    assert "CKA" not in text_of(post) and "Mock exam" not in text_of(post)


def test_a_busy_week_shows_a_few_titles_per_skill_and_counts_the_rest(slack, fake_slack, clock, runner):
    make_team(slack, clock)
    for number in range(42):
        learn(slack, clock, (ANA, BO, KEN)[number % 3], f"10m #sql Lesson {number:02d}", day=23 + number % 4)
    for number in range(MAX_SKILLS + 1):
        learn(slack, clock, ANA, f"10m #z{number:02d} Side quest {number:02d}", day=26)

    runner.run_due(now=FRIDAY_POST)

    [post] = weekly_posts(fake_slack)
    text = text_of(post)
    assert text.count("• Lesson") == MAX_TITLES_PER_SKILL
    # 42 + 11 shared: 5 lessons and 9 side quests shown (the 10 skills first by name); the rest counted.
    assert text.count("• Side quest") == MAX_SKILLS - 1
    assert (
        f"…and {42 + MAX_SKILLS + 1 - MAX_TITLES_PER_SKILL - (MAX_SKILLS - 1)} more shared entries." in text
    )


# ---------------------------------------------------------------------------------------------- quiet weeks


def test_a_week_with_nothing_shared_is_skipped_not_posted(slack, fake_slack, clock, runner, session):
    make_team(slack, clock)
    learn(slack, clock, ANA, "20m vis:private #interviews Prep for the Acme loop")

    runner.run_due(now=FRIDAY_POST)
    runner.run_due(now=FRIDAY_POST + timedelta(minutes=5))

    assert fake_slack.messages(TEAM_CHANNEL) == []
    team_id = the_team(session).id
    assert ledger_rows(session, DeliveryKind.TEAM_POST) == [
        (f"team_post:{TEAM_ID}:{team_id}:2026-W48", DeliveryStatus.SKIPPED, "nothing_shared")
    ]
    assert the_team(session).next_weekly_post_at == FRIDAY_POST + timedelta(weeks=1)


def test_a_post_the_scheduler_could_not_send_in_time_is_skipped_as_missed(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock)
    learn(slack, clock, ANA, "45m #sql Query plans")

    runner.run_due(now=FRIDAY_POST + timedelta(hours=13))  # the scheduler was down all evening

    assert weekly_posts(fake_slack) == []
    [(_, status, error)] = ledger_rows(session, DeliveryKind.TEAM_POST)
    assert (status, error) == (DeliveryStatus.SKIPPED, "missed_window")
    assert the_team(session).next_weekly_post_at == FRIDAY_POST + timedelta(weeks=1)


def test_someone_added_to_a_team_with_a_weekly_post_is_told_where_it_goes(slack, fake_slack, clock):
    make_team(slack, clock)

    slack.command("/team", f"add <@{OUTSIDER}|oz>", user=ADMIN)

    [welcome] = [
        message for message in fake_slack.messages(f"D{OUTSIDER}") if "You were added" in message["text"]
    ]
    assert f"are listed in <#{TEAM_CHANNEL}> each week" in text_of(welcome)


def test_turned_off_it_posts_nothing(slack, fake_slack, clock, runner, session):
    make_team(slack, clock)
    learn(slack, clock, ANA, "45m #sql Query plans")

    assert "Platform's weekly post is off" in team_says(slack, fake_slack, "weekly-post off")
    runner.run_due(now=FRIDAY_POST)

    assert fake_slack.messages(TEAM_CHANNEL) == []
    assert the_team(session).next_weekly_post_at is None
    assert ledger_rows(session, DeliveryKind.TEAM_POST) == []


# ---------------------------------------------------------------------------------------------- channels


def test_a_channel_learnfit_is_not_in_is_refused_with_how_to_invite_it(slack, fake_slack, clock, session):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    slack.command("/team", "create Platform", user=ADMIN)

    shown = team_says(slack, fake_slack, "weekly-post on <#C0OUTSIDE|outside>")

    assert "Invite it (`/invite @Learnfit`)" in shown
    assert the_team(session).weekly_post_channel_id is None
    assert fake_slack.calls_to("conversations.join") == []


def test_a_channel_shared_with_another_organisation_is_refused(slack, fake_slack, clock, session):
    # What a team shares is for its organisation: never posted where Slack Connect partners read it.
    fake_slack.add_channel("C0PARTNERS", "with-partners", is_ext_shared=True)
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    slack.command("/team", "create Platform", user=ADMIN)

    shown = team_says(slack, fake_slack, "weekly-post on <#C0PARTNERS|with-partners>")

    assert "shared with another organisation" in shown
    assert the_team(session).weekly_post_channel_id is None


def test_a_private_channel_the_lead_is_not_in_is_refused(slack, fake_slack, clock, session):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    slack.command("/team", "create Platform", user=ADMIN)

    shown = team_says(slack, fake_slack, f"weekly-post on <#{LEADS_ONLY}|leads-only>")

    assert "Pick a channel you can see" in shown
    assert the_team(session).weekly_post_channel_id is None


def test_when_learnfit_is_removed_from_the_channel_it_fails_turns_off_and_tells_the_lead_once(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock)
    slack.command("/team", f"weekly-post on <#{GOING}|going> friday 16:00", user=ADMIN)
    learn(slack, clock, ANA, "45m #sql Query plans")
    fake_slack.add_channel(GOING, "going", is_member=False)  # someone removed Learnfit
    try:
        runner.run_due(now=FRIDAY_POST)
        runner.run_due(now=FRIDAY_POST + timedelta(weeks=1))
    finally:
        fake_slack.add_channel(GOING, "going")

    assert fake_slack.messages(GOING) == []
    [(_, status, error)] = ledger_rows(session, DeliveryKind.TEAM_POST)
    assert (status, error) == (DeliveryStatus.FAILED, "not_in_channel")
    [told] = [
        message for message in fake_slack.messages(f"D{ADMIN}") if "weekly post is off" in message["text"]
    ]
    assert f"type `/invite @Learnfit` in <#{GOING}>" in text_of(told)
    team = the_team(session)
    assert (team.weekly_post_channel_id, team.next_weekly_post_at) == (None, None)


# ---------------------------------------------------------------------------------------------- who may


def test_only_a_lead_or_an_admin_can_turn_it_on_or_off(slack, fake_slack, clock, session):
    make_team(slack, clock)

    for text in (f"Platform weekly-post on <#{PUBLIC}|open>", "Platform weekly-post off"):
        shown = team_says(
            slack, fake_slack, text.replace("Platform weekly-post", "weekly-post Platform"), user=BO
        )
        assert "Only *Platform*'s leads or a workspace admin can change it" in shown

    team = the_team(session)
    assert (team.weekly_post_channel_id, team.next_weekly_post_at) == (TEAM_CHANNEL, FRIDAY_POST)


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("weekly-post", "Say `/team weekly-post on #channel [day] [time]`"),
        ("weekly-post on platform", "Say `/team weekly-post on #channel [day] [time]`"),
        (f"weekly-post <#{PUBLIC}|open>", "Say `/team weekly-post on #channel [day] [time]`"),
        (f"weekly-post on <#{PUBLIC}|open> someday", "Give a day and a time"),
        (f"weekly-post on <#{PUBLIC}|open> friday 25:00", "Give a day and a time"),
        (f"weekly-post on <#{PUBLIC}|open> friday 16:00 extra", "Give a day and a time"),
        (f"weekly-post on <#{PUBLIC}|open> {'9' * 400}", "Give a day and a time"),
    ],
)
def test_mistakes_are_explained_and_change_nothing(slack, fake_slack, clock, session, text, advice):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    slack.command("/team", "create Platform", user=ADMIN)

    assert advice in team_says(slack, fake_slack, text)
    assert the_team(session).weekly_post_channel_id is None


def test_the_day_or_the_time_alone_keeps_the_other(slack, fake_slack, clock, session):
    make_team(slack, clock)

    slack.command("/team", f"weekly-post on <#{TEAM_CHANNEL}|platform> 9am", user=ADMIN)
    assert the_team(session).next_weekly_post_at == datetime(2026, 11, 27, 9, tzinfo=UTC)  # still Friday
    slack.command("/team", f"weekly-post on <#{TEAM_CHANNEL}|platform> wed", user=ADMIN)
    assert the_team(session).next_weekly_post_at == datetime(2026, 11, 25, 9, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------- hostile words


def test_hostile_words_in_entries_and_questions_are_shown_as_typed_and_ping_no_one(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock)
    for index, typed in enumerate(HOSTILE[:12]):
        learn(slack, clock, ANA, f"10m #sql {typed} ({index})")

    runner.run_due(now=FRIDAY_POST)

    [post] = weekly_posts(fake_slack)
    assert len(post["blocks"]) <= 50
    for text in (post["text"], text_of(post)):
        assert stray_markup(text, people=(), channels=()) == []
    assert "&lt;!channel&gt;" in text_of(post)


def test_entry_shares_and_the_weekly_post_are_separate(slack, fake_slack, clock, runner, session):
    """Sharing one entry in a channel does not add it twice, nor post the week anywhere else."""
    make_team(slack, clock)
    entry = learn(slack, clock, ANA, "45m #sql Query plans")
    [value] = [
        element["value"]
        for block in entry["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == SHARE_ENTRY
    ]
    slack.click(SHARE_ENTRY, user=ANA, value=value)
    slack.submit(
        last_opened_view(fake_slack),
        {"channel": {"value": {"type": "conversations_select", "selected_conversation": PUBLIC}}},
        user=ANA,
        view_id="V0ENTRYSHARE",
    )

    runner.run_due(now=FRIDAY_POST)

    assert len(fake_slack.messages(PUBLIC)) == 1
    [post] = weekly_posts(fake_slack)
    assert text_of(post).count("Query plans") == 1
    assert weekly_posts(fake_slack, PUBLIC) == []
    [row] = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.TEAM_POST)).all()
    assert (row.channel_id, row.status) == (TEAM_CHANNEL, DeliveryStatus.SENT)


def test_the_longest_weekly_post_fits_slacks_limits():
    longest = "<!channel> & " + "w" * 3000
    post = TeamPost(
        team_name="t" * 80,
        first_day=date(2026, 11, 20),
        last_day=date(2026, 11, 26),
        groups=[
            SkillGroup(f"{index}" + "s" * 63, [longest] * MAX_TITLES_PER_SKILL) for index in range(MAX_SKILLS)
        ]
        + [SkillGroup(None, [longest] * MAX_TITLES_PER_SKILL)],
        more_entries=999,
        questions=[AnsweredQuestion(longest, PUBLIC, [BO, KEN, ANA])] * MAX_QUESTIONS,
        goals=[SharedGoal(ANA, longest)] * MAX_GOALS,
    )

    message = weekly_post_message(post)
    assert block_kit_problems(message, "message") == []
    for block in message["blocks"]:  # nothing cut: every line whole
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000 and block["text"]["text"].endswith(("*", "!", "…"))
