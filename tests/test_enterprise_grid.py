"""Enterprise Grid: the app installed once for a whole org (org-wide) or per workspace of it. Signed requests
in Slack's org-wide shapes go through the real Bolt app in OAuth mode, with the installation stored the way
slack_sdk's installation store keeps it; the scheduler finds the org's token for every workspace of the org.
A person is one Slack user in one workspace, whichever way the app was installed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import select, update

from bot.app import build_app
from bot.listeners.shortcuts.save_message import SAVE_AS_LEARNING
from bot.localslack.payloads import SlackPayloads
from bot.server import build_wsgi_app
from bot.settings import Settings
from bot.views.help import OFFER_HELP, RESOLVE_QUESTION
from bot.views.learning import OPEN_LOG_MODAL
from models import (
    HelpAnswer,
    HelpOffer,
    HelpQuestion,
    Person,
    QuestionStatus,
    slack_bots,
    slack_installations,
)
from tests.conftest import SIGNING_SECRET
from tests.helpers import entries, last_opened_view, text_of
from tests.support.driver import SlackDriver
from tests.support.manifest import manifest_bot_scopes
from tests.support.payloads import CHANNEL_ID, button, learning_form
from tests.test_scheduler import FakeTimer, make_runner

CLIENT_ID = "1111.2222"
ORG = "E0GRID"
T1, T2 = "T0GRID1", "T0GRID2"
ORG_TOKEN = "xoxb-org-wide-token"
WORKSPACE_TOKEN = "xoxb-grid-workspace-token"
ASH = "W0ASH"  # a member of T1 (Grid user ids start with W)
BEA = "W0BEA"  # a member of T2
CAL = "W0CAL"  # a member of T2
GENERAL = CHANNEL_ID  # a channel of T1, shared with the org's other workspaces
TUESDAY_NUDGE = datetime(2026, 11, 24, 16, tzinfo=UTC)  # 16:00 in London


def org_wide(team_id: str) -> SlackPayloads:
    """Requests from a workspace of the org, as Slack sends them to an org-wide installation."""
    return SlackPayloads(
        team_id=team_id,
        team_domain=team_id.lower(),
        enterprise_id=ORG,
        enterprise_name="Learnfit Grid",
        org_wide_install=True,
    )


ORG_T1, ORG_T2 = org_wide(T1), org_wide(T2)
GRID_T1 = SlackPayloads(team_id=T1, team_domain="t0grid1", enterprise_id=ORG, enterprise_name="Learnfit Grid")


@pytest.fixture
def grid_people(fake_slack) -> None:
    # Grid users: users.info names their home workspace and, in `enterprise_user`, the org.
    for user_id, home in ((ASH, T1), (BEA, T2), (CAL, T2)):
        fake_slack.add_user(user_id, user_id[2:].lower(), tz="Europe/London", team_id=home, enterprise_id=ORG)


@pytest.fixture
def oauth_settings(fake_slack, database_url) -> Settings:
    return Settings(
        SLACK_CLIENT_ID=CLIENT_ID,
        SLACK_CLIENT_SECRET="client-secret",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=database_url,
    )


@pytest.fixture
def grid_slack(oauth_settings, deps, engine, fake_slack, sleeps, grid_people) -> SlackDriver:
    app = build_app(oauth_settings, deps, engine=engine, process_before_response=True, sleep=sleeps.append)
    return SlackDriver(build_wsgi_app(app, engine, oauth_settings), SIGNING_SECRET, fake_slack)


def install(engine, *, team_id: str | None, bot_token: str) -> None:
    """Store an installation as the OAuth flow does: for the whole org when team_id is None."""
    SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine).save(
        Installation(
            app_id="A0LEARN",
            enterprise_id=ORG,
            enterprise_name="Learnfit Grid",
            team_id=team_id,
            user_id="W0ADMIN",
            bot_token=bot_token,
            bot_id="B0BOT",
            bot_user_id="U0BOT",
            bot_scopes=manifest_bot_scopes(),
            is_enterprise_install=team_id is None,
        )
    )


@pytest.fixture
def org_installed(engine) -> None:
    install(engine, team_id=None, bot_token=ORG_TOKEN)


@pytest.fixture
def workspace_installed(engine) -> None:
    install(engine, team_id=T1, bot_token=WORKSPACE_TOKEN)


# ---------------------------------------------------------------------- driving the app from one workspace


def command(slack: SlackDriver, team: SlackPayloads, text: str, *, user: str, name: str = "/learn") -> None:
    assert slack.command(name, text, user=user, team=team).status == 200


def save_message_as_learning(slack: SlackDriver, team: SlackPayloads, *, user: str, view_id: str) -> None:
    """The message shortcut on someone's tip, then the form it opens, submitted."""
    tip = {"type": "message", "user": BEA, "text": "Tip: EXPLAIN (ANALYZE)", "ts": "1700000000.000200"}
    shortcut = team.message_action(
        SAVE_AS_LEARNING, tip, user_id=user, channel_id=GENERAL, response_url=slack.fake.response_url()
    )
    assert slack.interact(shortcut).status == 200
    submit_learning(slack, team, user=user, view_id=view_id)


def submit_learning(slack: SlackDriver, team: SlackPayloads, *, user: str, view_id: str) -> None:
    form = team.view_submission(
        last_opened_view(slack.fake), learning_form(day="2026-11-24"), user_id=user, view_id=view_id
    )
    assert slack.interact(form).status == 200


def open_home(slack: SlackDriver, team: SlackPayloads, user: str) -> dict[str, Any]:
    """The person opens the Home tab; the view the app published for them."""
    assert slack.event(team.app_home_opened(user)).status == 200
    [published] = [call for call in slack.fake.calls_to("views.publish") if call.args["user_id"] == user][-1:]
    return published.args["view"]


def log_from_home(slack: SlackDriver, team: SlackPayloads, *, user: str, view_id: str) -> None:
    home = slack.fake.home_view(user)
    assert home is not None
    assert slack.interact(team.block_actions(button(OPEN_LOG_MODAL), user_id=user, view=home)).status == 200
    submit_learning(slack, team, user=user, view_id=view_id)


def people(session) -> list[tuple[str, str, str | None]]:
    session.expire_all()
    return sorted(session.execute(select(Person.team_id, Person.user_id, Person.enterprise_id)).all())


def tokens_used(fake_slack) -> set[str | None]:
    # Response URLs and a file's upload URL carry no token: the URL itself is the credential.
    return {call.token for call in fake_slack.calls if call.method not in ("response_url", "file_upload")}


def the_question(session) -> HelpQuestion:
    session.expire_all()
    [question] = session.scalars(select(HelpQuestion)).all()
    return question


def reply_in_thread(
    slack: SlackDriver, team: SlackPayloads, question: HelpQuestion, *, user: str, ts: str, host: str
) -> None:
    """A reply in the question's thread by a person of `team`, in a channel that belongs to `host`."""
    event = team.message_event(
        user_id=user, channel_id=GENERAL, ts=ts, text="Try EXPLAIN ANALYZE", thread_ts=question.message_ts
    )
    assert slack.event(team.event_envelope(event, conversation_team_id=host)).status == 200


def check_mark(slack: SlackDriver, team: SlackPayloads, question: HelpQuestion, *, user: str) -> None:
    event = team.reaction_added_event(
        user_id=user, reaction="white_check_mark", channel_id=GENERAL, message_ts=question.message_ts
    )
    assert slack.event(team.event_envelope(event)).status == 200


# ---------------------------------------------------------------------- the app installed for the whole org


def test_org_wide_each_person_is_one_row_in_their_own_workspace_whatever_the_surface(
    grid_slack, fake_slack, org_installed, session
):
    for team, user, view_ids in ((ORG_T1, ASH, ("V0A1", "V0A2")), (ORG_T2, BEA, ("V0B1", "V0B2"))):
        command(grid_slack, team, "30m #sql Read about joins", user=user)
        save_message_as_learning(grid_slack, team, user=user, view_id=view_ids[0])
        open_home(grid_slack, team, user)
        log_from_home(grid_slack, team, user=user, view_id=view_ids[1])
    # A Grid user can be a member of several workspaces of the org: in each, they are a person of its own.
    command(grid_slack, ORG_T2, "15m #sql Window functions", user=ASH)

    assert people(session) == [(T1, ASH, ORG), (T2, ASH, ORG), (T2, BEA, ORG)]
    assert [entry.team_id for entry in entries(session, ASH)] == [T1, T1, T1, T2]
    assert [entry.team_id for entry in entries(session, BEA)] == [T2, T2, T2]
    assert tokens_used(fake_slack) == {ORG_TOKEN}


def test_org_wide_learn_entries_show_in_the_home_the_person_opens(grid_slack, fake_slack, org_installed):
    command(grid_slack, ORG_T2, "25m #go Goroutines and channels", user=BEA)

    home = open_home(grid_slack, ORG_T2, BEA)

    assert "This week *25m* on 1 day" in text_of(home) and "Goroutines and channels" in text_of(home)
    assert {call.token for call in fake_slack.calls_to("views.publish")} == {ORG_TOKEN}


def test_org_wide_a_reply_from_another_workspace_is_an_answer_and_the_askers_check_mark_resolves(
    grid_slack, fake_slack, org_installed, session
):
    command(grid_slack, ORG_T1, "How do I read a query plan? #postgres", user=ASH, name="/ask")
    question = the_question(session)
    assert (question.team_id, question.channel_id, question.status) == (T1, GENERAL, QuestionStatus.OPEN)

    # Bea, of the org's other workspace, answers in the thread of the channel T1 shares with the org.
    reply_in_thread(grid_slack, ORG_T2, question, user=BEA, ts="1800000001.000100", host=T1)
    session.expire_all()
    assert [(a.user_id, a.message_ts) for a in session.scalars(select(HelpAnswer))] == [
        (BEA, "1800000001.000100")
    ]

    # Bea's check mark is just a reaction; Ash's, who asked, resolves the question.
    check_mark(grid_slack, ORG_T2, question, user=BEA)
    assert the_question(session).status is QuestionStatus.OPEN
    check_mark(grid_slack, ORG_T1, question, user=ASH)
    assert the_question(session).status is QuestionStatus.RESOLVED
    assert "*Resolved*" in text_of(fake_slack.calls_to("chat.update")[-1].args)
    assert people(session) == [(T1, ASH, ORG)]  # answering in a thread makes no one a person
    assert tokens_used(fake_slack) == {ORG_TOKEN}


def test_org_wide_a_nudge_goes_out_with_the_org_token_and_not_to_who_learned_today(
    grid_slack, fake_slack, org_installed, oauth_settings, engine, sleeps, session
):
    command(grid_slack, ORG_T2, "nudges on", user=CAL, name="/fitness")  # wants nudges, learns nothing today
    command(grid_slack, ORG_T2, "20m #sql Read about index-only scans", user=BEA)
    open_home(grid_slack, ORG_T2, BEA)  # the same person, from an event: still one row with one nudge
    assert people(session) == [(T2, BEA, ORG), (T2, CAL, ORG)]
    fake_slack.reset()

    make_runner(oauth_settings, engine, sleeps, FakeTimer()).run_due(now=TUESDAY_NUDGE)

    assert [(call.args["channel"], call.token) for call in fake_slack.calls_to("chat.postMessage")] == [
        (CAL, ORG_TOKEN)
    ]


def test_org_wide_a_rotating_org_token_about_to_expire_is_refreshed_before_the_nudge(
    grid_slack, fake_slack, org_installed, oauth_settings, engine, sleeps, session
):
    command(grid_slack, ORG_T2, "nudges on", user=CAL, name="/fitness")
    soon = datetime.now(UTC) + timedelta(minutes=2)
    for table in (slack_bots, slack_installations):
        session.execute(update(table).values(bot_refresh_token="xoxe-1-org", bot_token_expires_at=soon))
    session.commit()
    fake_slack.reset()

    make_runner(oauth_settings, engine, sleeps, FakeTimer()).run_due(now=TUESDAY_NUDGE)

    # The org's installation is the one refreshed (FakeSlack refuses the refresh: the nudge waits).
    [refresh] = fake_slack.calls_to("oauth.v2.access")
    assert (refresh.args["grant_type"], refresh.args["refresh_token"]) == ("refresh_token", "xoxe-1-org")
    assert fake_slack.calls_to("chat.postMessage") == []


# ---------------------------------------------------------------------- installed per workspace of the org


def test_a_workspace_level_install_in_a_grid_org_keeps_working(
    grid_slack, fake_slack, workspace_installed, oauth_settings, engine, sleeps, session
):
    command(grid_slack, GRID_T1, "25m #go Goroutines and channels", user=ASH)
    assert "Goroutines and channels" in text_of(open_home(grid_slack, GRID_T1, ASH))
    command(grid_slack, GRID_T1, "How do I read a query plan? #postgres", user=BEA, name="/ask")
    command(grid_slack, GRID_T1, "nudges on", user=BEA, name="/fitness")
    question = the_question(session)
    reply_in_thread(grid_slack, GRID_T1, question, user=ASH, ts="1800000001.000100", host=T1)
    check_mark(grid_slack, GRID_T1, question, user=BEA)

    assert the_question(session).status is QuestionStatus.RESOLVED
    session.expire_all()
    assert [answer.user_id for answer in session.scalars(select(HelpAnswer))] == [ASH]
    assert people(session) == [(T1, ASH, ORG), (T1, BEA, ORG)]
    assert tokens_used(fake_slack) == {WORKSPACE_TOKEN}

    fake_slack.reset()
    make_runner(oauth_settings, engine, sleeps, FakeTimer()).run_due(now=TUESDAY_NUDGE)
    # Ash learned today; Bea, who asked and turned nudges on, is nudged, with the workspace's own token.
    assert [(call.args["channel"], call.token) for call in fake_slack.calls_to("chat.postMessage")] == [
        (BEA, WORKSPACE_TOKEN)
    ]


def test_org_wide_a_colleague_of_another_workspace_can_offer_help_and_a_partner_is_never_nudged(
    grid_slack, fake_slack, org_installed, session
):
    # Pia is from Partner Co.: users.info names her own workspace and no enterprise of this org.
    fake_slack.add_user("U0PIA", "pia", tz="America/Chicago", team_id="T0PARTNER")
    command(grid_slack, ORG_T1, "How do I read a query plan? #postgres", user=ASH, name="/ask")
    question = the_question(session)

    for team, user in (
        (ORG_T2, BEA),
        (SlackPayloads("T0PARTNER", "partner-co", ORG, org_wide_install=True), "U0PIA"),
    ):
        offer = team.block_actions(
            button(OFFER_HELP, str(question.id)),
            user_id=user,
            channel_id=GENERAL,
            message_ts=question.message_ts,
            response_url=fake_slack.response_url(),
        )
        assert grid_slack.interact(offer).status == 200

    session.expire_all()
    assert sorted(offer.user_id for offer in session.scalars(select(HelpOffer))) == ["U0PIA", BEA]
    # Ash resolves and credits both: each becomes a person of their own workspace; Slack's profile of Pia
    # names no enterprise of this org, so she is a partner, never nudged, though filed under her workspace.
    # Bea is a member, nudged once she logs learning herself (being credited enrols no one).
    resolve = ORG_T1.block_actions(
        button(RESOLVE_QUESTION, str(question.id)),
        user_id=ASH,
        channel_id=GENERAL,
        message_ts=question.message_ts,
    )
    assert grid_slack.interact(resolve).status == 200
    helpers = {"helpers": {"value": {"type": "multi_users_select", "selected_users": [BEA, "U0PIA"]}}}
    credit = ORG_T1.view_submission(last_opened_view(fake_slack), helpers, user_id=ASH, view_id="V0CREDIT")
    assert grid_slack.interact(credit).status == 200

    session.expire_all()
    rows = {row.user_id: row for row in session.scalars(select(Person))}
    assert sorted(rows) == ["U0PIA", ASH, BEA]
    assert (rows[BEA].team_id, rows[BEA].is_external, rows[BEA].next_nudge_at) == (T1, False, None)
    assert (rows["U0PIA"].is_external, rows["U0PIA"].next_nudge_at) == (True, None)
