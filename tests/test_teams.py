"""/team: an admin creates a team, its leads manage it, and everyone else is told why not, privately."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import LearningTeam, Person, SlackWorkspace, TeamMember, TeamRole
from tests.conftest import ANA, BO, KEN
from tests.helpers import last_response, text_of
from tests.test_scheduler import FakeTimer, make_runner

ADMIN = "U0ADMIN"


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True, real_name="Ada Admin")


def team_text(slack, fake_slack, text, user=ADMIN) -> str:
    reply = slack.command("/team", text, user=user)
    if reply.body:  # answered in the ack: help and mistakes
        return text_of(reply.json)
    return text_of(last_response(fake_slack))


def members(session, name="Platform") -> dict[str, TeamRole]:
    session.expire_all()
    rows = session.execute(
        select(Person.user_id, TeamMember.role)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .join(LearningTeam, LearningTeam.id == TeamMember.learning_team_id)
        .where(LearningTeam.name == name)
    )
    return dict(rows.all())


def test_an_admin_creates_a_team_leads_it_and_its_digest_is_scheduled_in_their_time(
    slack, fake_slack, session
):
    shown = team_text(slack, fake_slack, "create Platform")

    assert "Created *Platform*, led by you" in shown
    [team] = session.scalars(select(LearningTeam)).all()
    assert members(session) == {ADMIN: TeamRole.LEAD}
    assert team.next_digest_at == datetime(2026, 11, 30, 9, tzinfo=UTC)  # Monday 09:00 in London


def test_only_a_workspace_admin_can_create_a_team(slack, fake_slack, session):
    shown = team_text(slack, fake_slack, "create Platform", user=ANA)

    assert "Only a workspace admin can create a team" in shown
    assert session.scalars(select(LearningTeam)).all() == []
    assert fake_slack.calls_to("response_url")[-1].args.get("response_type", "ephemeral") == "ephemeral"


def test_a_lead_adds_removes_and_appoints_leads_with_escaped_mentions(slack, fake_slack, session):
    team_text(slack, fake_slack, "create Platform")

    added = team_text(slack, fake_slack, f"add <@{ANA}|ana> <@{BO}|bo>")
    assert f"Added <@{ANA}>, <@{BO}> to *Platform*" in added
    assert "Only" not in team_text(slack, fake_slack, f"lead <@{BO}|bo>")
    removed = team_text(slack, fake_slack, f"remove <@{ANA}|ana>", user=BO)  # Bo leads now

    assert f"Removed <@{ANA}> from *Platform*" in removed
    assert members(session) == {ADMIN: TeamRole.LEAD, BO: TeamRole.LEAD}
    again = team_text(slack, fake_slack, f"add Platform <@{BO}>")
    assert "Nobody new to add" in again and f"Already in *Platform*: <@{BO}>" in again


def test_people_added_to_a_team_are_not_nudged_until_they_log_learning(
    slack, fake_slack, clock, session, settings, engine, sleeps
):
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, f"add <@{KEN}|ken>")
    runner = make_runner(settings, engine, sleeps, FakeTimer())

    runner.schedule_missing(clock.now)
    assert session.scalar(select(Person.next_nudge_at).where(Person.user_id == KEN)) is None

    slack.command("/learn", "20m #go Reading the scheduler", user=KEN)
    runner.schedule_missing(clock.now)
    session.expire_all()
    assert session.scalar(select(Person.next_nudge_at).where(Person.user_id == KEN)) == datetime(
        2026, 11, 26, 7, tzinfo=UTC
    )  # Thursday 16:00 in Tokyo


def test_someone_who_neither_leads_nor_administers_is_told_privately_and_nothing_changes(
    slack, fake_slack, session
):
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, f"add <@{ANA}|ana>")

    shown = team_text(slack, fake_slack, f"add Platform <@{BO}|bo>", user=ANA)

    assert "Only *Platform*'s leads or a workspace admin can change it" in shown
    assert members(session) == {ADMIN: TeamRole.LEAD, ANA: TeamRole.MEMBER}
    preview = team_text(slack, fake_slack, "digest Platform preview", user=ANA)
    assert "Only *Platform*'s leads" in preview


def test_a_lead_of_several_teams_names_the_team(slack, fake_slack, session):
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, "create Data Science")

    unsure = team_text(slack, fake_slack, f"add <@{ANA}|ana>")
    named = team_text(slack, fake_slack, f"add Data Science <@{ANA}|ana>")

    assert "You lead *Data Science*, *Platform*: say which one" in unsure
    assert "to *Data Science*" in named
    assert members(session, "Data Science") == {ADMIN: TeamRole.LEAD, ANA: TeamRole.MEMBER}
    assert "There is no team called *Mobile*" in team_text(slack, fake_slack, f"add Mobile <@{ANA}>")


def test_digest_day_time_channel_and_dm(slack, fake_slack, session):
    team_text(slack, fake_slack, "create Platform")

    timed = team_text(slack, fake_slack, "digest friday 16:30")
    assert "Fridays at 16:30 (first lead's time), to the leads' DMs" in timed
    assert "The next one: Fri 27 Nov 16:30 (Europe/London)" in timed

    outside = team_text(slack, fake_slack, "digest channel <#C0OUTSIDE|outside>")
    assert "Learnfit isn't in <#C0OUTSIDE> yet" in outside
    assert "now goes in <#C0GENERAL>" in team_text(slack, fake_slack, "digest channel <#C0GENERAL|general>")
    session.expire_all()
    team = session.scalar(select(LearningTeam))
    assert (team.digest_weekday, team.digest_minute, team.digest_channel_id) == (4, 990, "C0GENERAL")
    assert team.next_digest_at == datetime(2026, 11, 27, 16, 30, tzinfo=UTC)

    assert "now goes to each lead's DM" in team_text(slack, fake_slack, "digest dm")
    session.expire_all()
    assert session.scalar(select(LearningTeam.digest_channel_id)) is None


def test_list_shows_teams_sizes_and_leads_to_anyone(slack, fake_slack):
    assert "No teams yet" in team_text(slack, fake_slack, "list", user=ANA)
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, f"add <@{ANA}|ana> <@{BO}|bo>")

    shown = team_text(slack, fake_slack, "list", user=KEN)

    assert f"*Platform* · 3 people · led by <@{ADMIN}>" in shown
    assert "Digest: Mondays at 09:00 (first lead's time), to the leads' DMs" in shown


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("", "How /team works"),
        ("help", "`/team create Platform`"),
        ("add @ana", "Type @ and pick each person"),
        ("add", "Say who"),
        ("add <@U0ANA|ana> and friends", "I could not read `and friends`"),
        ("digest someday", "Try `/team digest monday 09:00`"),
        ("digest monday 25:00", "Give a day and a time"),
        ("digest channel general", "Pick the channel with #"),
        ("rename Platform", "`/team rename Platform` is not something I know"),
        ("leave <@U0BO|bo>", "A lead removes someone else: `/team remove @bo`"),
    ],
)
def test_help_and_mistakes_are_answered_at_once(slack, fake_slack, session, text, advice):
    assert advice in team_text(slack, fake_slack, text)
    assert session.scalars(select(LearningTeam)).all() == []


def test_team_help_names_the_admins_one_set_up_step_and_it_works_as_written(slack, fake_slack, session):
    shown = team_text(slack, fake_slack, "help")
    assert "`/team help-channel #help`" in shown and "one set-up step" in shown

    team_text(slack, fake_slack, "help-channel <#C0HELP|help>")
    assert session.scalar(select(SlackWorkspace.help_channel_id)) == "C0HELP"


def test_help_channel_is_peer_helps_setting_reached_through_team(slack, fake_slack, session):
    team_text(slack, fake_slack, "help-channel <#C0HELP|help>")

    assert session.scalar(select(SlackWorkspace.help_channel_id)) == "C0HELP"


def test_anyone_sees_the_help_channel_but_only_an_admin_changes_it(slack, fake_slack, session):
    assert "There is no help channel" in team_text(slack, fake_slack, "help-channel", user=ANA)

    refused = team_text(slack, fake_slack, "help-channel <#C0HELP|help>", user=ANA)
    unlinked = team_text(slack, fake_slack, "help-channel general")

    assert "Only a workspace admin or owner can pick the help channel" in refused
    assert "Pick the channel with #" in unlinked
    assert session.scalar(select(SlackWorkspace.help_channel_id)) is None


def test_bots_deactivated_and_unknown_accounts_are_left_out_of_a_team(slack, fake_slack, session):
    fake_slack.add_user("U0BOT", "robot", is_bot=True)
    fake_slack.add_user("U0GONE", "gone", deleted=True)
    team_text(slack, fake_slack, "create Platform")

    shown = team_text(slack, fake_slack, f"add <@{ANA}|ana> <@U0BOT|robot> <@U0GONE|gone> <@U0NOBODY|nobody>")

    assert f"Added <@{ANA}> to *Platform*" in shown
    assert "Left out (a bot or a deactivated account): <@U0BOT>, <@U0GONE>, <@U0NOBODY>." in shown
    assert members(session) == {ADMIN: TeamRole.LEAD, ANA: TeamRole.MEMBER}


def test_a_digest_channel_the_app_cannot_post_in_is_refused(slack, fake_slack, session):
    fake_slack.add_channel("C0OLD", "old", is_archived=True)
    team_text(slack, fake_slack, "create Platform")

    archived = team_text(slack, fake_slack, "digest channel <#C0OLD|old>")
    unseen = team_text(slack, fake_slack, "digest channel <#C0SECRET|secret>")

    assert "<#C0OLD> is archived" in archived
    assert "I can't see <#C0SECRET>" in unseen
    session.expire_all()
    assert session.scalar(select(LearningTeam.digest_channel_id)) is None


def test_a_digest_channel_is_refused_with_a_reinstall_hint_when_the_app_may_not_read_channels(
    slack, fake_slack, session
):
    # A workspace that installed Learnfit before it asked for channels:read answers missing_scope.
    team_text(slack, fake_slack, "create Platform")
    fake_slack.fail_next("conversations.info", error="missing_scope")

    reply = team_text(slack, fake_slack, "digest channel <#C0OUTSIDE|outside>")
    assert "installing Learnfit again" in reply and "now goes" not in reply
    assert [team.digest_channel_id for team in session.scalars(select(LearningTeam))] == [None]


# ---------------------------------------------------------------------- told when added, free to leave


def dms_to(fake_slack, user_id: str) -> list[str]:
    return [
        text_of(call.args)
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args["channel"] == user_id
    ]


def test_people_added_to_a_team_are_told_in_their_dm_what_its_leads_see_and_how_to_leave(slack, fake_slack):
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, f"lead <@{BO}|bo>")  # joining as a lead is joining too
    team_text(slack, fake_slack, f"add <@{ANA}|ana>")

    [told] = dms_to(fake_slack, ANA)
    assert f"<@{ADMIN}> added you to *Platform*, a learning team led by <@{ADMIN}> and <@{BO}>." in told
    assert "Its leads get a weekly digest" in told
    assert "Entries you share with your team count in its time, sessions" in told
    assert "Private entries are never shown by name, skill or text" in told
    assert "add `vis:private` to `/learn`" in told and "`/team leave Platform`" in told
    assert len(dms_to(fake_slack, BO)) == 1
    assert dms_to(fake_slack, ADMIN) == []  # who adds people knows


def test_only_people_new_to_the_team_are_told_never_partners_bots_or_deactivated_accounts(slack, fake_slack):
    fake_slack.add_user("U0BOT", "robot", is_bot=True)
    fake_slack.add_user("U0GONE", "gone", deleted=True)
    fake_slack.add_user("U0PIA", "pia", tz="America/Chicago", team_id="T0PARTNER")  # Slack Connect
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, f"add <@{ANA}|ana>")

    team_text(slack, fake_slack, f"add <@{ANA}|ana> <@{KEN}|ken> <@U0BOT|r> <@U0GONE|g> <@U0PIA|p>")
    team_text(slack, fake_slack, f"lead <@{ANA}|ana>")  # in the team already: promoted, not added

    assert len(dms_to(fake_slack, ANA)) == 1 and len(dms_to(fake_slack, KEN)) == 1
    for nobody in ("U0BOT", "U0GONE", "U0PIA"):
        assert dms_to(fake_slack, nobody) == []
    # Removed and added again is added: told again, now that the digest goes to a channel.
    team_text(slack, fake_slack, f"remove <@{KEN}|ken>")
    team_text(slack, fake_slack, "digest channel <#C0GENERAL|general>")
    team_text(slack, fake_slack, f"add <@{KEN}|ken>")
    assert "Its weekly digest is posted in <#C0GENERAL>, for everyone there" in dms_to(fake_slack, KEN)[-1]
    assert len(dms_to(fake_slack, KEN)) == 2


def test_anyone_leaves_a_team_they_are_in_and_its_last_lead_is_warned_it_has_none(slack, fake_slack, session):
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, "create Data Science")
    team_text(slack, fake_slack, f"add Platform <@{ANA}|ana>")
    team_text(slack, fake_slack, f"add Data Science <@{ANA}|ana>")

    assert "You're in *Data Science*, *Platform*: say which one" in team_text(
        slack, fake_slack, "leave", user=ANA
    )
    assert "You left *Platform*" in team_text(slack, fake_slack, "leave platform", user=ANA)
    assert members(session) == {ADMIN: TeamRole.LEAD}
    left = team_text(slack, fake_slack, "leave", user=ANA)  # the only team she is in now
    assert "You left *Data Science*" in left and "no lead" not in left
    assert "You aren't in any team" in team_text(slack, fake_slack, "leave", user=ANA)
    assert "You aren't in a team called *Mobile*" in team_text(slack, fake_slack, "leave Mobile", user=KEN)

    # A lead leaving while another leads: nothing to warn of. The last lead: the remove path's warning.
    team_text(slack, fake_slack, f"lead Platform <@{BO}|bo>")
    assert "no lead" not in team_text(slack, fake_slack, "leave Platform", user=ADMIN)
    last = team_text(slack, fake_slack, "leave Platform", user=BO)
    assert "You left *Platform*" in last
    assert ":warning: *Platform* has no lead now, so its digest goes nowhere" in last
    assert members(session) == {}
