"""Working out loud: the author of an entry shared with the team posts it as a card in a channel they pick,
once, only after clicking; never a private entry, never someone else's, never where they or the app are
not."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.forms.share_entry import NOT_A_CHANNEL, NOT_IN_IT, NOT_SHAREABLE, SHARE_ENTRY_MODAL
from bot.listeners.shortcuts.save_message import SAVE_AS_LEARNING
from bot.views.format import escape
from bot.views.learning import SHARE_ENTRY, UNDO_ENTRY
from models import EntryShare
from tests.conftest import ANA, BO, KEN
from tests.helpers import button_value, entries, last_opened_view, last_response, text_of
from tests.support.payloads import CHANNEL_ID, learning_form
from tests.test_message_escaping import HOSTILE, stray_markup

PRIVATE = "C0SHAREHUSH"  # a private channel Learnfit is in, with Bo only
BOS_CHANNEL = "C0BOSONLY"  # a public channel Ana is not in
LINK = "https://example.com/plans"


@pytest.fixture(autouse=True)
def _channels(fake_slack):
    fake_slack.add_channel(PRIVATE, "secret", is_private=True, members=[BO])
    fake_slack.add_channel(BOS_CHANNEL, "bos-corner", members=[BO, KEN])


def conversation(channel_id: str) -> dict:
    return {"channel": {"value": {"type": "conversations_select", "selected_conversation": channel_id}}}


def log(slack, fake_slack, text="45m #sql Query plans " + LINK, *, user=ANA) -> dict:
    """/learn in #general; the private confirmation it answers with."""
    return slack.command("/learn", text, user=user).json


def shares(session) -> list[EntryShare]:
    session.expire_all()
    return list(session.scalars(select(EntryShare).order_by(EntryShare.id)))


def open_share_form(slack, fake_slack, *, user=ANA) -> dict:
    entry_id = button_value(log(slack, fake_slack, user=user), SHARE_ENTRY)
    slack.click(SHARE_ENTRY, user=user, value=entry_id, channel_id=CHANNEL_ID)
    return last_opened_view(fake_slack)


def share(slack, view, channel_id, *, user=ANA, view_id="V0SHARE1"):
    return slack.submit(view, conversation(channel_id), user=user, view_id=view_id)


def buttons(payload: dict) -> list[str]:
    return [
        element["action_id"]
        for block in payload["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


# ---------------------------------------------------------------------------------------------- the story


def test_a_shared_entry_is_posted_as_a_card_only_after_the_click_and_the_author_gets_its_link(
    slack, fake_slack, session
):
    confirmation = log(slack, fake_slack)
    assert SHARE_ENTRY in buttons(confirmation)
    assert fake_slack.messages(CHANNEL_ID) == []  # nothing in a channel without the click

    slack.click(SHARE_ENTRY, user=ANA, value=button_value(confirmation, SHARE_ENTRY), channel_id=CHANNEL_ID)
    view = last_opened_view(fake_slack)
    assert view["callback_id"] == SHARE_ENTRY_MODAL
    [picker] = [block["element"] for block in view["blocks"] if block["type"] == "input"]
    assert picker["initial_conversation"] == CHANNEL_ID  # where it was logged
    assert picker["filter"]["include"] == ["public", "private"]  # no DMs or group DMs
    assert fake_slack.messages(CHANNEL_ID) == []

    reply = share(slack, view, "C0HELP")

    assert reply.status == 200 and reply.body == ""
    [card] = fake_slack.messages("C0HELP")
    shown = text_of(card)
    assert f"<@{ANA}> is learning: *Query plans*" in shown
    assert "`#sql`" in shown and f"<{LINK}|link>" in shown
    assert "Reply in the thread" in shown
    assert "45" not in shown  # never anyone's time
    [stored] = shares(session)
    [entry] = entries(session)
    assert (stored.entry_id, stored.channel_id, stored.message_ts) == (entry.id, "C0HELP", card["ts"])
    [told] = fake_slack.ephemerals(ANA, CHANNEL_ID)
    permalink = f"https://learnfit-test.slack.com/archives/C0HELP/p{card['ts'].replace('.', '')}"
    assert "Shared in <#C0HELP>" in text_of(told) and f"<{permalink}|link>" in text_of(told)


def test_a_double_submission_posts_once(slack, fake_slack, session):
    view = open_share_form(slack, fake_slack)

    share(slack, view, "C0HELP")
    again = share(slack, view, "C0HELP")  # Slack retried, or a double click

    assert again.status == 200 and again.body == ""
    assert len(fake_slack.messages("C0HELP")) == 1
    assert len(shares(session)) == 1
    assert len(fake_slack.ephemerals(ANA)) == 1


def test_the_learning_form_and_the_message_shortcut_offer_share_only_for_a_shared_entry(slack, fake_slack):
    slack.command("/learn", "", user=ANA, channel_id="C0HELP")
    slack.submit(last_opened_view(fake_slack), learning_form(visibility="team"), user=ANA, view_id="V0A")
    slack.command("/learn", "", user=ANA, channel_id="C0HELP")
    slack.submit(last_opened_view(fake_slack), learning_form(visibility="private"), user=ANA, view_id="V0B")
    tip = {"type": "message", "user": BO, "text": "Use EXPLAIN", "ts": "1700000000.000200"}
    slack.shortcut(SAVE_AS_LEARNING, tip, user=ANA)
    slack.submit(last_opened_view(fake_slack), learning_form(visibility="team"), user=ANA, view_id="V0C")

    shared, private, shortcut = fake_slack.ephemerals(ANA)
    assert SHARE_ENTRY in buttons(shared) and SHARE_ENTRY in buttons(shortcut)
    assert SHARE_ENTRY not in buttons(private)

    slack.click(SHARE_ENTRY, user=ANA, value=button_value(shortcut, SHARE_ENTRY), channel_id=CHANNEL_ID)
    assert last_opened_view(fake_slack)["callback_id"] == SHARE_ENTRY_MODAL


def test_a_share_from_a_dm_picks_no_channel_for_the_person(slack, fake_slack):
    entry_id = button_value(log(slack, fake_slack), SHARE_ENTRY)

    slack.click(SHARE_ENTRY, user=ANA, value=entry_id, channel_id=f"D{ANA}")

    [picker] = [
        block["element"] for block in last_opened_view(fake_slack)["blocks"] if block["type"] == "input"
    ]
    assert "initial_conversation" not in picker


# ---------------------------------------------------------------------------------------------- privacy


def test_a_private_entry_has_no_share_button_and_a_forged_one_is_refused(slack, fake_slack, session):
    private = log(slack, fake_slack, "20m vis:private #interviews Prep for the Acme loop")
    assert SHARE_ENTRY not in buttons(private)
    entry_id = button_value(private, UNDO_ENTRY)

    slack.click(SHARE_ENTRY, user=ANA, value=entry_id, channel_id=CHANNEL_ID)

    assert fake_slack.calls_to("views.open") == []
    refusal = last_response(fake_slack)
    assert refusal["replace_original"] is False and "private, removed, or not yours" in text_of(refusal)


def test_a_share_form_forged_to_name_a_private_entry_posts_nothing(slack, fake_slack, session):
    view = open_share_form(slack, fake_slack)
    private = log(slack, fake_slack, "20m vis:private Prep for the Acme loop")
    forged = {**view, "private_metadata": f'{{"entry_id": {button_value(private, UNDO_ENTRY)}}}'}

    reply = share(slack, forged, "C0HELP")

    assert reply.json == {"response_action": "errors", "errors": {"channel": NOT_SHAREABLE}}
    assert fake_slack.messages("C0HELP") == [] and shares(session) == []


def test_only_the_author_can_share_an_entry(slack, fake_slack, session):
    anas = log(slack, fake_slack)
    entry_id = button_value(anas, SHARE_ENTRY)

    slack.click(SHARE_ENTRY, user=BO, value=entry_id, channel_id=CHANNEL_ID)
    assert fake_slack.calls_to("views.open") == []
    assert "not yours" in text_of(last_response(fake_slack))

    slack.click(SHARE_ENTRY, user=ANA, value=entry_id, channel_id=CHANNEL_ID)
    reply = share(slack, last_opened_view(fake_slack), "C0HELP", user=BO)  # Bo submits Ana's form
    assert reply.json["errors"] == {"channel": NOT_SHAREABLE}
    assert fake_slack.messages("C0HELP") == [] and shares(session) == []


def test_an_entry_undone_while_the_form_was_open_is_not_shared(slack, fake_slack, session):
    confirmation = log(slack, fake_slack)
    slack.click(SHARE_ENTRY, user=ANA, value=button_value(confirmation, SHARE_ENTRY), channel_id=CHANNEL_ID)
    view = last_opened_view(fake_slack)
    slack.click(UNDO_ENTRY, user=ANA, value=button_value(confirmation, UNDO_ENTRY))

    reply = share(slack, view, "C0HELP")

    assert reply.json["errors"] == {"channel": NOT_SHAREABLE}
    assert fake_slack.messages("C0HELP") == []


@pytest.mark.parametrize(
    ("channel_id", "problem"),
    [
        (PRIVATE, NOT_IN_IT),  # private: Ana is not in it, though Learnfit is
        (BOS_CHANNEL, NOT_IN_IT),  # public, but Ana is not in it
        (f"D{BO}", NOT_A_CHANNEL),  # someone else's DM with the app
        ("D0ANYONE", NOT_A_CHANNEL),
        ("not a channel", NOT_A_CHANNEL),
    ],
)
def test_nobody_posts_where_they_are_not_or_in_a_dm(slack, fake_slack, session, channel_id, problem):
    view = open_share_form(slack, fake_slack)

    reply = share(slack, view, channel_id)

    assert reply.json == {"response_action": "errors", "errors": {"channel": problem}}
    assert fake_slack.calls_to("chat.postMessage") == [] and shares(session) == []


def test_a_channel_learnfit_is_not_in_says_to_invite_it_and_it_never_joins(slack, fake_slack, session):
    view = open_share_form(slack, fake_slack)

    reply = share(slack, view, "C0OUTSIDE")

    assert reply.json["response_action"] == "errors"
    assert "`/invite @Learnfit`" in reply.json["errors"]["channel"]
    assert fake_slack.calls_to("conversations.join") == []
    assert fake_slack.calls_to("chat.postMessage") == [] and shares(session) == []

    # The form stays open: picking another channel in it shares there.
    share(slack, view, "C0HELP")
    assert len(fake_slack.messages("C0HELP")) == 1 and len(shares(session)) == 1


def test_when_slack_refuses_the_post_it_says_so_and_the_form_can_be_sent_again(slack, fake_slack, session):
    view = open_share_form(slack, fake_slack)
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")  # removed from it meanwhile

    reply = share(slack, view, "C0HELP")

    assert "`/invite @Learnfit`" in reply.json["errors"]["channel"]
    assert fake_slack.messages("C0HELP") == [] and shares(session) == []
    share(slack, view, "C0HELP")
    assert len(fake_slack.messages("C0HELP")) == 1


@pytest.mark.parametrize("typed", HOSTILE[:8] + HOSTILE[-5:-1])
def test_hostile_words_in_an_entry_are_shown_as_typed_and_ping_no_one(slack, fake_slack, typed):
    confirmation = log(slack, fake_slack, f"30m #sql {typed}")
    slack.click(SHARE_ENTRY, user=ANA, value=button_value(confirmation, SHARE_ENTRY), channel_id=CHANNEL_ID)

    share(slack, last_opened_view(fake_slack), "C0HELP")

    [card] = fake_slack.messages("C0HELP")
    for text in (card["text"], text_of(card)):
        # A URL typed in /learn is the entry's link, behind the app's own label; nothing else is markup.
        text = re.sub(r"<https?://[^<>|]*\|link>", "", text)
        assert stray_markup(text, people=(ANA,), channels=()) == []
    assert escape(typed[:20]) in text_of(card) or "http" in typed


def test_an_entry_is_shared_in_a_private_channel_the_person_is_in(slack, fake_slack, session):
    fake_slack.add_channel("G0OURSHARE", "ours", is_private=True, members=[BO, ANA])
    view = open_share_form(slack, fake_slack)

    reply = share(slack, view, "G0OURSHARE")

    assert reply.status == 200 and reply.body == ""
    assert len(fake_slack.messages("G0OURSHARE")) == 1 and len(shares(session)) == 1
