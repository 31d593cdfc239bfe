"""Slack Connect: a partner from another organisation in a shared channel may answer a question and be
thanked for it, but is never nudged, never sent anything by the scheduler, never put in a team and never
counted in a team's digest. Driven the way Slack drives the app, then through the scheduler."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.services.nudges import SkipReason
from bot.views.help import OFFER_HELP, RESOLVE_QUESTION
from models import (
    DeliveryStatus,
    HelpAnswer,
    HelpCredit,
    HelpQuestion,
    LearningTeam,
    Person,
    TeamMember,
    TeamRole,
)
from tests.conftest import ANA, KEN
from tests.helpers import last_opened_view, last_response, text_of
from tests.support.payloads import TEST_TEAM, button
from tests.test_scheduler import FakeTimer, ledger_rows, make_runner

SHARED = "C0SHARED"  # a channel Ana's workspace shares with Partner Co.
PARTNER_TEAM = "T0PARTNER"
PIA = "U0PIA"  # Partner Co.
NEO = "U0NEO"  # Partner Co., never seen by Learnfit before
SIB = "U0SIB"  # a colleague from another workspace of Ana's own Enterprise Grid org
ADMIN = "U0ADMIN"
ORG = "E0ORG"
CONNECTED = replace(TEST_TEAM, user_teams={PIA: PARTNER_TEAM}, ext_shared_channels=frozenset({SHARED}))
TUESDAY_NUDGE = datetime(2026, 11, 24, 16, tzinfo=UTC)  # 16:00 in London
MONDAY_DIGEST = datetime(2026, 11, 30, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _people(fake_slack) -> None:
    fake_slack.add_channel(SHARED, "shared-with-partner")
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)
    fake_slack.add_user(PIA, "pia", tz="America/Chicago", team_id=PARTNER_TEAM)
    fake_slack.add_user(NEO, "neo", tz="America/Chicago", team_id=PARTNER_TEAM)


@pytest.fixture
def runner(settings, engine, sleeps):
    return make_runner(settings, engine, sleeps, FakeTimer())


def person(session, user_id: str) -> Person | None:
    session.expire_all()
    return session.scalar(select(Person).where(Person.user_id == user_id))


def dms_to(fake_slack, user_id: str) -> list[dict]:
    return [call.args for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == user_id]


def thread_texts(fake_slack, thread_ts: str) -> list[str]:
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args.get("thread_ts") == thread_ts
    ]


def team_text(slack, fake_slack, text: str, *, team=TEST_TEAM) -> str:
    slack.command("/team", text, user=ADMIN, team=team)
    return text_of(last_response(fake_slack))


def members(session) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(Person.user_id).join(TeamMember, TeamMember.person_id == Person.id)))


@pytest.fixture
def question_ts(slack, fake_slack, session) -> str:
    """Ana (who wants nudges) asks in the shared channel; Pia, from Partner Co., offers to help and answers in
    the thread."""
    slack.command("/fitness", "nudges on", user=ANA)
    slack.command("/ask", "How do I read a Postgres query plan? #postgres", user=ANA, channel_id=SHARED)
    [question] = [message for message in fake_slack.messages(SHARED) if not message["thread_ts"]]
    question_id = question["blocks"][-1]["elements"][0]["value"]
    slack.interact(
        CONNECTED.block_actions(
            button(OFFER_HELP, question_id),
            user_id=PIA,
            channel_id=SHARED,
            message_ts=question["ts"],
            message=question,
            response_url=fake_slack.response_url(),
        )
    )
    reply = CONNECTED.message_event(
        user_id=PIA,
        channel_id=SHARED,
        ts="1800000001.000100",
        text="EXPLAIN ANALYZE",
        thread_ts=question["ts"],
    )
    slack.event(CONNECTED.event_envelope(reply))
    return question["ts"]


# ---------------------------------------------------------------------- answering and being thanked


def test_a_partner_offers_answers_and_is_credited_but_gets_no_nudges(slack, fake_slack, session, question_ts):
    assert thread_texts(fake_slack, question_ts) == [":raised_hand: <@U0PIA> can help with this."]
    assert "Thank you!" in text_of(last_response(fake_slack))
    assert [answer.user_id for answer in session.scalars(select(HelpAnswer))] == [PIA]
    # Her click and her reply said she is from Partner Co.: she is marked before anyone credits her.
    pia = person(session, PIA)
    assert pia is not None and pia.is_external and pia.next_nudge_at is None

    # Ana resolves and credits Pia: the thread thanks her; the credit counts.
    question_id = str(session.scalar(select(HelpQuestion.id)))
    slack.click(RESOLVE_QUESTION, user=ANA, value=question_id, channel_id=SHARED, ephemeral=False)
    form = last_opened_view(fake_slack)
    helpers = {"helpers": {"value": {"type": "multi_users_select", "selected_users": [PIA]}}}
    slack.submit(form, helpers, user=ANA, view_id="V0CREDIT")

    assert thread_texts(fake_slack, question_ts)[-1].startswith(":tada: Thank you <@U0PIA>!")
    assert len(session.scalars(select(HelpCredit)).all()) == 1
    pia = person(session, PIA)
    assert pia is not None and pia.is_external and pia.next_nudge_at is None
    assert dms_to(fake_slack, PIA) == []
    # Ana, who turned nudges on, is a member with her nudges scheduled.
    ana = person(session, ANA)
    assert ana is not None and not ana.is_external and ana.next_nudge_at == TUESDAY_NUDGE


def test_a_partner_credited_without_a_word_in_the_thread_is_known_from_slack(slack, fake_slack, session):
    slack.command("/ask", "Who knows #terraform?", user=ANA, channel_id=SHARED)
    [question] = [message for message in fake_slack.messages(SHARED) if not message["thread_ts"]]
    question_id = question["blocks"][-1]["elements"][0]["value"]
    slack.click(RESOLVE_QUESTION, user=ANA, value=question_id, channel_id=SHARED, ephemeral=False)
    helpers = {"helpers": {"value": {"type": "multi_users_select", "selected_users": [NEO, KEN]}}}
    slack.submit(last_opened_view(fake_slack), helpers, user=ANA, view_id="V0CREDIT")

    neo, ken = person(session, NEO), person(session, KEN)
    assert neo is not None and neo.is_external and neo.next_nudge_at is None
    assert ken is not None and not ken.is_external


def test_members_replying_in_a_shared_channel_stay_members(slack, fake_slack, session, question_ts):
    reply = CONNECTED.message_event(
        user_id=KEN, channel_id=SHARED, ts="1800000002.000100", thread_ts=question_ts
    )
    slack.event(CONNECTED.event_envelope(reply))

    assert {answer.user_id for answer in session.scalars(select(HelpAnswer))} == {PIA, KEN}
    assert person(session, KEN) is None  # an answer alone leaves a member's row to when they use the app
    slack.command("/learn", "15m Read the thread", user=KEN)
    ken = person(session, KEN)
    assert ken is not None and not ken.is_external and ken.next_nudge_at is not None


# ---------------------------------------------------------------------- the scheduler


def test_no_scheduler_tick_ever_messages_a_partner(slack, fake_slack, session, clock, runner, question_ts):
    for day in range(8):
        runner.run_due(now=TUESDAY_NUDGE + timedelta(days=day))

    assert len(dms_to(fake_slack, ANA)) >= 2  # the scheduler ran: Ana, a member, was nudged
    assert dms_to(fake_slack, PIA) == []
    assert [row for row in ledger_rows(session) if f":{PIA}:" in row[0]] == []


def test_a_row_that_says_member_is_checked_with_slack_before_a_nudge(
    slack, fake_slack, session, runner, question_ts
):
    # A row from before Learnfit knew about Slack Connect: a member, with a nudge due.
    with session.begin():
        session.execute(
            update(Person).where(Person.user_id == PIA).values(is_external=False, next_nudge_at=TUESDAY_NUDGE)
        )

    runner.run_due(now=TUESDAY_NUDGE)

    assert dms_to(fake_slack, PIA) == []
    [(_, status, error)] = [row for row in ledger_rows(session) if f":{PIA}:" in row[0]]
    assert (status, error) == (DeliveryStatus.SKIPPED, SkipReason.EXTERNAL.value)
    pia = person(session, PIA)
    assert pia is not None and pia.is_external and pia.next_nudge_at is None


# ---------------------------------------------------------------------- teams and digests


def test_team_add_leaves_partners_out_with_a_note(slack, fake_slack, session, question_ts):
    team_text(slack, fake_slack, "create Platform")

    shown = team_text(slack, fake_slack, f"add <@{PIA}|pia> <@{NEO}|neo> <@{KEN}|ken>")
    assert f"Added <@{KEN}> to *Platform*" in shown
    assert f"Left out (from another organisation, through Slack Connect): <@{PIA}>, <@{NEO}>." in shown
    lead = team_text(slack, fake_slack, f"lead <@{NEO}|neo>")
    assert "Left out (from another organisation" in lead
    assert members(session) == {ADMIN, KEN}
    neo = person(session, NEO)
    assert neo is None or neo.is_external


def test_colleagues_from_another_workspace_of_the_same_grid_org_are_members(slack, fake_slack, session):
    fake_slack.add_user(SIB, "sib", tz="Europe/Paris", team_id="T0SIBLING", enterprise_id=ORG)
    grid = replace(TEST_TEAM, enterprise_id=ORG, enterprise_name="org")
    team_text(slack, fake_slack, "create Platform", team=grid)

    shown = team_text(slack, fake_slack, f"add <@{SIB}|sib> <@{NEO}|neo>", team=grid)

    assert f"Added <@{SIB}> to *Platform*" in shown and f"<@{NEO}>." in shown
    assert members(session) == {ADMIN, SIB}


def test_a_partner_already_in_a_team_is_not_counted_in_its_digest_nor_sent_it(
    slack, fake_slack, session, clock, runner, question_ts
):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))
    team_text(slack, fake_slack, "create Platform")
    team_text(slack, fake_slack, f"add <@{KEN}|ken>")
    # Pia joined the team and led it before Learnfit knew she is a partner.
    with session.begin():
        team_id = session.scalar(select(LearningTeam.id))
        pia_id = session.scalar(select(Person.id).where(Person.user_id == PIA))
        session.add(TeamMember(learning_team_id=team_id, person_id=pia_id, role=TeamRole.LEAD))
    clock.set(datetime(2026, 11, 24, 12, tzinfo=UTC))
    slack.command("/learn", "30m #sql Query plans", user=KEN)

    runner.run_due(now=MONDAY_DIGEST)

    [digest] = [
        call.args
        for call in fake_slack.calls_to("chat.postMessage")
        if "a week of learning" in call.args["text"]
    ]
    assert digest["channel"] == ADMIN
    assert "*1 of 2 people* learned" in text_of(digest)  # Ken, of Ken and Ada
    assert PIA not in text_of(digest)
