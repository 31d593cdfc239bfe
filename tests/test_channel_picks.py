"""A channel picked in a form comes back in the payload, so a forged submission could name any channel the
app is in: the ask and share forms post only in a channel the person can see in Slack (any public one, a
private one only if they are in it)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.views.help import OFFER_HELP
from models import HelpOffer, HelpQuestion
from tests.conftest import ANA, BO
from tests.helpers import last_opened_view, last_response, text_of
from tests.support.payloads import CHANNEL_ID as GENERAL
from tests.support.payloads import form_values, radio_value, text_value
from tests.test_goals import SHARE_GOAL, conversation, reach_a_goal

SECRET = "G0SECRET"  # private, Bo's; Learnfit is in it
PRIVATE_C = "C0PRIVATE"  # private too, though its id starts with C
OURS = "G0OURS"  # private, Ana is in it


@pytest.fixture(autouse=True)
def _channels(fake_slack) -> None:
    fake_slack.add_channel(SECRET, "secret", is_private=True, members=[BO])
    fake_slack.add_channel(PRIVATE_C, "private-c", is_private=True, members=[BO])
    fake_slack.add_channel(OURS, "ours", is_private=True, members=[BO, ANA])


def share_in(slack, fake_slack, channel_id: str):
    goal_id = reach_a_goal(slack, fake_slack)
    slack.click(SHARE_GOAL, user=ANA, value=goal_id, channel_id=f"D{ANA}")
    return slack.submit(last_opened_view(fake_slack), conversation(channel_id), user=ANA, view_id="V0SHARE")


@pytest.mark.parametrize("channel_id", [SECRET, PRIVATE_C, "C0NOSUCH", "G0NOSUCH"])
def test_a_goal_is_never_shared_in_a_channel_the_person_cannot_see(slack, fake_slack, channel_id):
    reply = share_in(slack, fake_slack, channel_id)

    assert reply.json["response_action"] == "errors"
    assert "channel you can see" in reply.json["errors"]["channel"]
    assert not [
        call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == channel_id
    ]


def test_a_goal_is_shared_in_a_private_channel_the_person_is_in(slack, fake_slack):
    reply = share_in(slack, fake_slack, OURS)

    assert reply.status == 200 and reply.body == ""
    [post] = fake_slack.messages(OURS)
    assert post["text"] == "A learning goal reached: Learn SQL"


def ask_in(slack, fake_slack, channel_id: str):
    slack.command("/ask", "", user=ANA)
    values = form_values(
        question=text_value("How do I rotate the signing secret?"),
        details=text_value(None),
        skills=text_value("#security"),
        urgency=radio_value("normal"),
    )
    # The form offers no channel when a help channel is set; a forged submission adds one anyway.
    values["channel"] = {"value": {"type": "conversations_select", "selected_conversation": channel_id}}
    return slack.submit(last_opened_view(fake_slack), values, user=ANA, view_id="V0ASKPICK")


@pytest.mark.parametrize("channel_id", [SECRET, PRIVATE_C, "G0NOSUCH"])
def test_a_question_is_never_posted_in_a_channel_the_asker_cannot_see(slack, fake_slack, session, channel_id):
    reply = ask_in(slack, fake_slack, channel_id)

    assert reply.json["response_action"] == "errors"
    assert "channel you can see" in reply.json["errors"]["channel"]
    assert session.scalars(select(HelpQuestion)).all() == []
    assert not [
        call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == channel_id
    ]


def test_a_question_is_posted_in_a_private_channel_the_asker_is_in(slack, fake_slack, session):
    reply = ask_in(slack, fake_slack, OURS)

    assert reply.status == 200
    session.expire_all()
    [question] = session.scalars(select(HelpQuestion)).all()
    assert question.channel_id == OURS
    assert [message["text"] for message in fake_slack.messages(OURS)]


def offer(slack, fake_slack, session, *, user: str):
    question = session.scalars(select(HelpQuestion)).one()
    slack.click(OFFER_HELP, user=user, value=str(question.id), channel_id=GENERAL)
    return text_of(last_response(fake_slack))


def test_i_can_help_on_a_question_in_a_private_channel_is_only_for_people_in_it(slack, fake_slack, session):
    slack.command("/ask", "Who rotates the signing secret? #security", user=BO, channel_id=SECRET)
    [posted] = fake_slack.messages(SECRET)

    # Ana is not in the channel: a click carrying the question's id (forged) finds nothing and tells no one.
    assert "no longer exists" in offer(slack, fake_slack, session, user=ANA)
    assert session.scalars(select(HelpOffer)).all() == []
    assert [call for call in fake_slack.calls_to("chat.postMessage") if call.args.get("thread_ts")] == []
    assert not [call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == BO]
    assert posted["ts"]


def test_i_can_help_on_a_question_in_a_private_channel_works_for_people_in_it(slack, fake_slack, session):
    slack.command("/ask", "Who rotates the signing secret? #security", user=BO, channel_id=OURS)

    assert "Thank you" in offer(slack, fake_slack, session, user=ANA)
    assert [row.user_id for row in session.scalars(select(HelpOffer))] == [ANA]
