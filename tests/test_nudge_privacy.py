"""A nudge may point to a colleague's open question ("a colleague asked ..."), and it goes to people who
may not be in the channel the question was asked in: only a question posted where everyone in the
workspace can read it is ever quoted. Whether a channel is public is what Slack says when the question is
posted, never what its id looks like."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services.help import set_help_channel
from bot.views.help import REPOST_QUESTION
from models import HelpQuestion
from tests.conftest import ANA, BO, KEN
from tests.helpers import text_of
from tests.test_help import WORKSPACE, ask, click
from tests.test_nudges import TUESDAY_NUDGE, nudge_for
from tests.test_scheduler import FakeTimer, make_runner

PUBLIC = "C0NUDGEPUBLIC"
PRIVATE_C = "C0HUSHED"  # a private channel whose id starts with C, as newer ones do
PRIVATE_G = "G0HUSHED"  # and one with an older private channel's G
QUESTION = "Why does the planner skip my index?"


@pytest.fixture(autouse=True)
def channels(fake_slack) -> None:
    fake_slack.add_channel(PUBLIC, "open")
    fake_slack.add_channel(PRIVATE_C, "secret", is_private=True)
    fake_slack.add_channel(PRIVATE_G, "private-team", is_private=True)


@pytest.fixture
def runner(settings, engine, sleeps):
    return make_runner(settings, engine, sleeps, FakeTimer())


@pytest.fixture
def ana_knows_postgres(slack, clock) -> None:
    """Ana logged #postgres yesterday, so a #postgres question by a peer is one her nudge may point to (and
    she has not learned today, so she is nudged). The questions are asked yesterday too."""
    clock.set(TUESDAY_NUDGE - timedelta(days=1, hours=4))
    slack.command("/learn", "30m #postgres Query plans", user=ANA)


def ana_nudge(runner, fake_slack) -> str:
    runner.run_due(now=TUESDAY_NUDGE)
    return text_of(nudge_for(fake_slack, ANA))


def in_public_channel(session) -> dict[str, bool]:
    session.expire_all()
    return {
        text: public
        for text, public in session.execute(select(HelpQuestion.text, HelpQuestion.in_public_channel))
    }


def test_a_question_in_a_public_channel_is_quoted(slack, fake_slack, session, runner, ana_knows_postgres):
    ask(slack, f"{QUESTION} #postgres", user=BO, channel=PUBLIC)

    assert f"A colleague asked in <#{PUBLIC}>: “{QUESTION}”" in ana_nudge(runner, fake_slack)
    assert in_public_channel(session) == {QUESTION: True}


@pytest.mark.parametrize("channel", [PRIVATE_C, PRIVATE_G], ids=["private-with-C-id", "private-with-G-id"])
def test_a_question_in_a_private_channel_is_never_quoted(
    slack, fake_slack, session, runner, ana_knows_postgres, channel
):
    ask(slack, f"{QUESTION} #postgres", user=BO, channel=channel)

    nudge = ana_nudge(runner, fake_slack)

    assert QUESTION not in nudge and "A colleague asked" not in nudge and channel not in nudge
    assert in_public_channel(session) == {QUESTION: False}


@pytest.mark.parametrize("error", ["fatal_error", "missing_scope", "channel_not_found"])
def test_when_slack_cannot_say_whether_the_channel_is_public_the_question_is_kept_private(
    slack, fake_slack, session, runner, ana_knows_postgres, error
):
    fake_slack.fail_next("conversations.info", error=error)

    ask(slack, f"{QUESTION} #postgres", user=BO, channel=PUBLIC)

    assert QUESTION not in ana_nudge(runner, fake_slack)
    assert in_public_channel(session) == {QUESTION: False}


def test_a_newer_private_question_never_hides_behind_an_older_public_one(
    slack, fake_slack, session, clock, runner, ana_knows_postgres
):
    ask(slack, "Older and public #postgres", user=BO, channel=PUBLIC, trigger="1.T0LEARN.public")
    clock.advance(timedelta(hours=1))
    ask(slack, "Newer and private #postgres", user=KEN, channel=PRIVATE_C, trigger="1.T0LEARN.private")

    nudge = ana_nudge(runner, fake_slack)

    assert "Older and public" in nudge and "Newer and private" not in nudge


@pytest.mark.parametrize(
    ("first", "then", "quoted"),
    [(PRIVATE_C, PUBLIC, True), (PUBLIC, PRIVATE_G, False)],
    ids=["private-then-public", "public-then-private"],
)
def test_a_repost_follows_where_the_question_is_now(
    slack, fake_slack, session, deps, runner, ana_knows_postgres, first, then, quoted
):
    ask(slack, f"{QUESTION} #postgres", user=BO, channel=first)
    # An admin picks a help channel since; a repost goes there.
    with deps.sessions() as db_session, db_session.begin():
        set_help_channel(db_session, WORKSPACE, then, now=deps.clock())
    session.expire_all()
    question_id = session.scalar(select(HelpQuestion.id))
    click(slack, fake_slack, REPOST_QUESTION, user=BO, value=str(question_id), channel=first)

    assert (QUESTION in ana_nudge(runner, fake_slack)) is quoted
    assert in_public_channel(session) == {QUESTION: quoted}
