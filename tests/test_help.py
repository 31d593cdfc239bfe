"""Peer help: /ask posts a question where peers see it, thread replies are tracked, the asker resolves and
credits who helped, and both sides' learning counts. Driven the way Slack drives the app."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.forms.ask import AskModalContext, ask_modal
from bot.forms.credit import credit_modal
from bot.localslack.blockkit import block_kit_problems
from bot.parsing.ask import SetHelpChannel, ShowHelpChannel, parse_help_channel
from bot.services.drafts import MAX_SKILL_LENGTH, MAX_SKILLS
from bot.services.help import (
    MAX_DETAILS_LENGTH,
    MAX_QUESTION_LENGTH,
    Expert,
    QuestionCard,
    due_follow_ups,
    help_channel_of,
    set_help_channel,
)
from bot.services.people import Workspace
from bot.views.help import (
    CLOSE_QUESTION,
    CREDIT_HELPERS,
    EDIT_QUESTION,
    INVITE_EXPERT,
    KEEP_QUESTION,
    KEEP_WAITING,
    LOG_HELP_LEARNING,
    OFFER_HELP,
    OPEN_ASK_MODAL,
    QUESTION_MENU,
    REPOST_QUESTION,
    RESOLVE_QUESTION,
    WITHDRAW_QUESTION,
    ask_error_message,
    ask_help_message,
    asked_message,
    credit_prompt_message,
    follow_up_message,
    offer_notice,
    question_message,
    reposted_message,
    resolved_message,
    thanks_thread_message,
    unposted_message,
)
from bot.views.search import POST_ANYWAY
from models import (
    EntryKind,
    HelpAnswer,
    HelpCredit,
    HelpOffer,
    HelpQuestion,
    Person,
    ProcessedEvent,
    QuestionStatus,
    Urgency,
)
from scheduler import build_runner
from scheduler.jobs import PROCESSED_EVENTS_KEPT
from tests.conftest import ANA, BO, KEN
from tests.helpers import initial_values, last_opened_view, last_response, menu_values, text_of
from tests.support.payloads import CHANNEL_ID, TEAM_ID, TEST_TEAM, form_values, radio_value, text_value

HELP = "C0HELP"
GENERAL = CHANNEL_ID
ADMIN = "U0ADMIN"
LIA = "U0LIA"
DEV = "U0DEV"
ZED = "U0ZED"
WORKSPACE = Workspace(TEAM_ID)
QUESTION = "How do I read a Postgres query plan? #postgres #performance"
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # 10:00 in London


@pytest.fixture
def help_channel(deps) -> str:
    """An admin has picked #help (`/team help-channel` is routed by the /team listener, built elsewhere)."""
    with deps.sessions() as session, session.begin():
        set_help_channel(session, WORKSPACE, HELP, now=deps.clock())
    return HELP


@pytest.fixture
def peers(fake_slack) -> None:
    fake_slack.add_user(ADMIN, "admin", tz="Europe/London", is_admin=True)
    for user_id, name in ((LIA, "lia"), (DEV, "dev"), (ZED, "zed")):
        fake_slack.add_user(user_id, name, tz="Europe/Berlin")


# ---------------------------------------------------------------------- helpers


def questions(session) -> list[HelpQuestion]:
    session.expire_all()
    return list(session.scalars(select(HelpQuestion).order_by(HelpQuestion.id)))


def the_question(session) -> HelpQuestion:
    [question] = questions(session)
    return question


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def ask(slack, text: str = QUESTION, *, user: str = ANA, channel: str = GENERAL, trigger: str | None = None):
    return slack.command("/ask", text, user=user, channel_id=channel, trigger=trigger)


def posted(fake_slack, channel: str = HELP) -> dict[str, Any]:
    """The question message as it is in the channel now (after any updates)."""
    [message] = [m for m in fake_slack.messages(channel) if not m["thread_ts"]]
    return message


def thread(fake_slack, question: HelpQuestion) -> list[str]:
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args.get("thread_ts") == question.message_ts
    ]


def click(slack, fake_slack, action_id: str, *, user: str, value: str, channel: str | None = HELP):
    """A button on a message in `channel` (the question, or a DM when channel starts with D)."""
    return slack.click(
        action_id,
        user=user,
        value=value,
        response_url=fake_slack.response_url(),
        channel_id=channel,
        ephemeral=False,
    )


def reply(slack, question: HelpQuestion, user: str, ts: str, *, event_id: str | None = None, retry: int = 0):
    event = TEST_TEAM.message_event(
        user_id=user,
        channel_id=question.channel_id,
        ts=ts,
        text="Try EXPLAIN ANALYZE",
        thread_ts=question.message_ts,
    )
    return slack.event(TEST_TEAM.event_envelope(event, event_id=event_id), retry_num=retry or None)


def react(slack, question: HelpQuestion, user: str, reaction: str = "white_check_mark"):
    event = TEST_TEAM.reaction_added_event(
        user_id=user, reaction=reaction, channel_id=question.channel_id, message_ts=question.message_ts
    )
    return slack.event(TEST_TEAM.event_envelope(event))


def submit(slack, view: dict[str, Any], values: dict[str, Any], *, user: str = ANA, view_id: str = "V0ASK1"):
    return slack.submit(view, values, user=user, view_id=view_id)


def ask_form(question="How do I read a query plan?", details=None, skills="#postgres", urgency="normal"):
    return form_values(
        question=text_value(question),
        details=text_value(details),
        skills=text_value(skills),
        urgency=radio_value(urgency),
    )


def helpers_picked(*users: str) -> dict[str, Any]:
    return {"helpers": {"value": {"type": "multi_users_select", "selected_users": list(users)}}}


def accessory_value(payload: dict[str, Any], action_id: str, mentioning: str) -> str:
    for block in payload["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id and mentioning in block["text"]["text"]:
            return accessory["value"]
    raise AssertionError(f"no {action_id} next to {mentioning} in {payload}")


def action_ids(payload: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in payload["blocks"]
        for element in [*block.get("elements", []), block.get("accessory") or {}]
        if element.get("action_id")
    ]


def resolve_crediting(
    slack, fake_slack, session, question: HelpQuestion, *helpers: str, view_id: str
) -> None:
    """The asker clicks Resolved and credits `helpers` in the form."""
    click(slack, fake_slack, RESOLVE_QUESTION, user=question_asker(session, question), value=str(question.id))
    submit(
        slack,
        last_opened_view(fake_slack),
        helpers_picked(*helpers),
        user=question_asker(session, question),
        view_id=view_id,
    )


def question_asker(session, question: HelpQuestion) -> str:
    return session.scalar(select(Person.user_id).where(Person.id == question.asker_id))


# ---------------------------------------------------------------------- the whole story


def test_a_question_is_answered_in_its_thread_resolved_by_reaction_and_the_helper_credited(
    slack, fake_slack, session, help_channel
):
    # Ana asks in #general; the question goes to #help with her name, skills and buttons.
    assert ask(slack).status == 200
    question = the_question(session)
    message = posted(fake_slack)
    assert question.status is QuestionStatus.OPEN and question.message_ts == message["ts"]
    assert "<@U0ANA> asks" in text_of(message) and "How do I read a Postgres query plan?" in text_of(message)
    assert "`#performance` `#postgres`" in text_of(message)
    assert action_ids(message) == [OFFER_HELP]
    assert f"posted in <#{HELP}>" in text_of(last_response(fake_slack))
    assert action_ids(last_response(fake_slack))[:2] == [RESOLVE_QUESTION, QUESTION_MENU]

    # Two peers reply in the thread; Slack delivers Bo's reply twice (a retry with the same event id).
    reply(slack, question, BO, "1800000001.000100", event_id="EvBO1")
    reply(slack, question, BO, "1800000001.000100", event_id="EvBO1", retry=1)
    reply(slack, question, KEN, "1800000002.000100", event_id="EvKEN1")
    session.expire_all()
    answers = session.scalars(select(HelpAnswer).order_by(HelpAnswer.id)).all()
    assert [(a.user_id, a.message_ts) for a in answers] == [
        (BO, "1800000001.000100"),
        (KEN, "1800000002.000100"),
    ]
    assert count(session, ProcessedEvent) == 2

    # Ken clicks I can help: it is noted in the thread, Ana hears in her DM, Ken gets a private thank-you.
    click(slack, fake_slack, OFFER_HELP, user=KEN, value=str(question.id))
    assert thread(fake_slack, question) == [":raised_hand: <@U0KEN> can help with this."]
    dm = [call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == ANA]
    assert len(dm) == 1 and "<@U0KEN> can help with your question" in text_of(dm[0].args)
    assert "Thank you!" in text_of(last_response(fake_slack))
    assert count(session, HelpOffer) == 1

    # Bo is not the asker: his Resolved is refused privately, and nothing changes.
    updates_before = len(fake_slack.calls_to("chat.update"))
    click(slack, fake_slack, RESOLVE_QUESTION, user=BO, value=str(question.id))
    refusal = last_response(fake_slack)
    assert "Only <@U0ANA>, who asked, or a workspace admin can resolve" in text_of(refusal)
    assert refusal["replace_original"] is False and refusal["response_type"] == "ephemeral"
    assert (
        fake_slack.calls_to("views.open") == [] and len(fake_slack.calls_to("chat.update")) == updates_before
    )
    assert the_question(session).status is QuestionStatus.OPEN

    # Bo's ✅ is just a reaction; Ana's resolves the question, and she is asked in her DM whom to credit.
    react(slack, question, BO)
    assert the_question(session).status is QuestionStatus.OPEN
    react(slack, question, ANA)
    assert the_question(session).status is QuestionStatus.RESOLVED
    assert "*Resolved*" in text_of(posted(fake_slack)) and action_ids(posted(fake_slack)) == []
    prompt = [call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == ANA][
        -1
    ].args
    assert action_ids(prompt) == [CREDIT_HELPERS]

    # Credit helpers opens the form with everyone who replied picked; Ana keeps only Bo.
    click(slack, fake_slack, CREDIT_HELPERS, user=ANA, value=str(question.id), channel=f"D{ANA}")
    form = last_opened_view(fake_slack)
    [helpers_block] = [block for block in form["blocks"] if block.get("block_id") == "helpers"]
    assert helpers_block["element"]["initial_users"] == [BO, KEN]
    assert submit(slack, form, helpers_picked(BO), view_id="V0CREDIT").status == 200

    session.expire_all()
    [credit] = session.scalars(select(HelpCredit)).all()
    people = {person.id: person.user_id for person in session.scalars(select(Person))}
    assert (people[credit.helper_id], people[credit.asker_id]) == (BO, ANA)
    # Bo is in New York, where it is still early on Tuesday; Ana's day is Tuesday too.
    assert (credit.helper_day.isoformat(), credit.asker_day.isoformat()) == ("2026-11-24", "2026-11-24")
    final = fake_slack.calls_to("chat.update")[-1].args
    assert final["channel"] == HELP and final["ts"] == question.message_ts
    assert "Helped by <@U0BO>" in text_of(final) and "Helped by <@U0BO>" in text_of(posted(fake_slack))
    assert thread(fake_slack, question)[-1].startswith(":tada: Thank you <@U0BO>!")
    confirmation = [call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == ANA][
        -1
    ].args
    assert "You credited <@U0BO>" in text_of(confirmation) and action_ids(confirmation) == [LOG_HELP_LEARNING]

    # A second submission of the same form changes and sends nothing.
    calls_before = len(fake_slack.calls)
    submit(slack, form, helpers_picked(BO), view_id="V0CREDIT")
    assert count(session, HelpCredit) == 1 and len(fake_slack.calls) == calls_before


def test_the_credit_form_never_lists_the_asker_among_who_helped_even_when_an_admin_opens_it(
    slack, fake_slack, session, help_channel, peers
):
    ask(slack)
    question = the_question(session)
    reply(slack, question, BO, "1800000001.000100")
    # A row recorded before the asker's own replies were left out: she is not offered as her own helper.
    session.add(
        HelpAnswer(
            team_id=TEAM_ID,
            question_id=question.id,
            user_id=ANA,
            message_ts="1800000002.000100",
            created_at=datetime(2026, 11, 24, 10, 5, tzinfo=UTC),
        )
    )
    session.commit()
    for user in (ANA, ADMIN):
        click(slack, fake_slack, RESOLVE_QUESTION, user=user, value=str(question.id))
        form = last_opened_view(fake_slack)
        [helpers_block] = [block for block in form["blocks"] if block.get("block_id") == "helpers"]
        assert helpers_block["label"]["text"] == "They helped me"
        assert helpers_block["element"]["initial_users"] == [BO]


def test_a_credit_form_with_forged_hidden_state_changes_nothing(slack, fake_slack, session, help_channel):
    ask(slack)
    question = the_question(session)
    click(slack, fake_slack, RESOLVE_QUESTION, user=ANA, value=str(question.id))
    form = {**last_opened_view(fake_slack), "private_metadata": f'{{"question_id": "{question.id}"}}'}

    refused = submit(slack, form, helpers_picked(BO), view_id="V0FORGED")

    assert refused.json["response_action"] == "errors" and "withdrawn" in refused.json["errors"]["helpers"]
    assert the_question(session).status is QuestionStatus.OPEN and count(session, HelpCredit) == 0


def test_resolved_button_credits_the_picked_helpers_and_offers_to_log_what_was_learned(
    slack, fake_slack, session, help_channel
):
    ask(slack)
    question = the_question(session)
    reply(slack, question, BO, "1800000001.000100")
    reply(slack, question, ANA, "1800000002.000100")  # the asker's own reply is not an answer
    reply(slack, question, KEN, "1800000003.000100")
    assert count(session, HelpAnswer) == 2

    click(slack, fake_slack, RESOLVE_QUESTION, user=ANA, value=str(question.id))
    form = last_opened_view(fake_slack)
    assert "Resolve" in form["submit"]["text"]
    [helpers_block] = [block for block in form["blocks"] if block.get("block_id") == "helpers"]
    assert helpers_block["element"]["initial_users"] == [BO, KEN]
    # Slack's people picker lets her pick herself; the form says why not, under the field.
    refused = submit(slack, form, helpers_picked(BO, KEN, ANA), view_id="V0RES")
    assert "You asked this question" in refused.json["errors"]["helpers"]
    assert the_question(session).status is QuestionStatus.OPEN and count(session, HelpCredit) == 0
    submit(slack, form, helpers_picked(BO, KEN, "U0BOT"), view_id="V0RES")

    assert the_question(session).status is QuestionStatus.RESOLVED
    assert count(session, HelpCredit) == 2  # never the asker, never the app
    assert "Helped by <@U0BO> and <@U0KEN>" in text_of(posted(fake_slack))
    assert thread(fake_slack, question) == [
        ":tada: Thank you <@U0BO> and <@U0KEN>! <@U0ANA> credited your help on this question."
    ]
    # The confirmation is private, in the channel the button was clicked in.
    [confirmation] = fake_slack.calls_to("chat.postEphemeral")
    assert confirmation.args["user"] == ANA and confirmation.args["channel"] == HELP

    click(slack, fake_slack, LOG_HELP_LEARNING, user=ANA, value=str(question.id))
    learning = last_opened_view(fake_slack)
    prefilled = initial_values(learning)
    assert prefilled["what"] == "How do I read a Postgres query plan?"
    assert prefilled["kind"] == EntryKind.PEOPLE.value and prefilled["skills"] == "#performance #postgres"
    assert prefilled["link"].endswith(f"/archives/{HELP}/p{question.message_ts.replace('.', '')}")


# ---------------------------------------------------------------------- asking


def test_without_a_help_channel_the_question_goes_where_ask_was_typed(slack, fake_slack, session):
    ask(slack, "Why is my #rust build slow?", user=BO)

    question = the_question(session)
    assert (question.channel_id, question.origin_channel_id) == (GENERAL, GENERAL)
    assert [skill.name for skill in question.skills] == ["rust"]
    assert "Why is my #rust build slow?" in text_of(posted(fake_slack, GENERAL))


def test_a_redelivered_ask_posts_once(slack, fake_slack, session, help_channel):
    ask(slack, trigger="1.T0LEARN.same")
    ask(slack, trigger="1.T0LEARN.same")

    assert len(questions(session)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert "You asked this already" in text_of(last_response(fake_slack))


@pytest.mark.parametrize(
    ("channel", "advice"),
    [
        ("C0LOCKED", "Type `/invite @Learnfit` in <#C0LOCKED>, then click *Repost*"),
        ("C0OLDIES", "<#C0OLDIES> is archived"),
        ("C0SECRET", "I cannot see <#C0SECRET> (it may be a private channel Learnfit is not in)"),
        ("D0PAIR", "this is a direct message"),
    ],
)
def test_where_the_app_cannot_post_the_asker_is_told_how_to_fix_it_and_the_question_is_kept(
    slack, fake_slack, session, channel, advice
):
    fake_slack.add_channel("C0LOCKED", "locked", is_member=False)
    fake_slack.add_channel("C0OLDIES", "oldies", is_archived=True)

    ask(slack, channel=channel)

    question = the_question(session)
    assert question.status is QuestionStatus.UNPOSTED and question.message_ts is None
    assert question.post_error in {"not_in_channel", "is_archived", "channel_not_found", "direct_message"}
    told = last_response(fake_slack)
    assert advice in text_of(told) and action_ids(told) == [REPOST_QUESTION]
    assert "How do I read a Postgres query plan?" in text_of(told)


def test_repost_after_inviting_the_app_posts_the_kept_question(slack, fake_slack, session):
    fake_slack.add_channel("C0LATER", "later", is_member=False)
    ask(slack, channel="C0LATER")
    question = the_question(session)
    assert question.status is QuestionStatus.UNPOSTED

    # Never posted, it is Ana's alone: to anyone else there is no such question.
    click(slack, fake_slack, REPOST_QUESTION, user=BO, value=str(question.id), channel="C0LATER")
    assert "no longer exists" in text_of(last_response(fake_slack))
    click(slack, fake_slack, REPOST_QUESTION, user=ANA, value=str(question.id), channel="C0LATER")
    assert the_question(session).status is QuestionStatus.UNPOSTED  # still not invited

    fake_slack.add_channel("C0LATER", "later", is_member=True)  # "/invite @Learnfit"
    click(slack, fake_slack, REPOST_QUESTION, user=ANA, value=str(question.id), channel="C0LATER")

    question = the_question(session)
    assert (
        question.status is QuestionStatus.OPEN and question.message_ts == posted(fake_slack, "C0LATER")["ts"]
    )
    assert last_response(fake_slack)["replace_original"] is True
    assert "Your question is posted in <#C0LATER>" in text_of(last_response(fake_slack))


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("#postgres #performance", "What is your question? Type it after `/ask`"),
        ("x" * 3001, "at most 3,000 characters"),
        ("Why does \x1b[31m this fail?", "control characters"),
        ("Why? " + " ".join(f"#skill{n}" for n in range(11)), "At most 10 skills"),
        ("Why? urgency:soon", "`urgency:soon` is not an urgency"),
        ("Why? #not/a/skill", "is not a skill name"),
    ],
)
def test_bad_ask_input_says_what_to_type_and_stores_nothing(slack, fake_slack, session, text, advice):
    reply_ = ask(slack, text)

    assert advice in text_of(reply_.json) and "/ask help" in text_of(reply_.json)
    assert questions(session) == [] and count(session, Person) == 0
    assert fake_slack.calls_to("chat.postMessage") == []


def test_ask_help_shows_examples(slack):
    assert "Ask in one line" in text_of(ask(slack, "help").json)


def test_the_ask_modal_posts_once_when_submitted_twice(slack, fake_slack, session, help_channel):
    ask(slack, "")
    view = last_opened_view(fake_slack)
    assert set(initial_values(view)) == {"question", "details", "skills", "urgency"}
    assert "anonymous" not in json.dumps(
        view
    ).lower() and f"posted in <#{HELP}> with your name" in json.dumps(view)

    values = ask_form(details="EXPLAIN output attached", skills="#postgres, #SQL", urgency="high")
    submit(slack, view, values, view_id="V0TWICE")
    submit(slack, view, values, view_id="V0TWICE")

    question = the_question(session)
    assert (question.text, question.details, question.urgency) == (
        "How do I read a query plan?",
        "EXPLAIN output attached",
        Urgency.HIGH,
    )
    assert question.idempotency_key == "view:V0TWICE"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert "Urgent: blocking my work" in text_of(posted(fake_slack))
    [confirmation] = fake_slack.calls_to("chat.postEphemeral")
    assert confirmation.args["channel"] == GENERAL and "posted in <#C0HELP>" in text_of(confirmation.args)


def test_ask_modal_errors_appear_under_each_field(slack, fake_slack, session, help_channel):
    ask(slack, "")

    refused = submit(
        slack,
        last_opened_view(fake_slack),
        ask_form(question="   ", skills=" ".join(f"#s{n}" for n in range(11))),
    )

    assert refused.json["response_action"] == "errors"
    assert set(refused.json["errors"]) == {"question", "skills"}
    assert questions(session) == []


def test_ask_for_help_on_home_asks_where_to_post_when_there_is_no_help_channel(slack, fake_slack, session):
    slack.event(TEST_TEAM.app_home_opened(ANA))
    home = fake_slack.home_view(ANA)
    assert OPEN_ASK_MODAL in action_ids(home)

    click(slack, fake_slack, OPEN_ASK_MODAL, user=ANA, value="", channel=None)
    view = last_opened_view(fake_slack)
    [picker] = [block for block in view["blocks"] if block.get("block_id") == "channel"]
    assert (
        picker["element"]["type"] == "conversations_select"
        and "initial_conversation" not in picker["element"]
    )

    values = ask_form() | {
        "channel": {"value": {"type": "conversations_select", "selected_conversation": GENERAL}}
    }
    submit(slack, view, values, view_id="V0HOME")

    question = the_question(session)
    assert (question.channel_id, question.origin_channel_id, question.status) == (
        GENERAL,
        None,
        QuestionStatus.OPEN,
    )
    assert "How do I read a query plan?" in text_of(posted(fake_slack, GENERAL))
    # Opened from Home, so the confirmation goes to the asker's DM.
    assert any(call.args["channel"] == ANA for call in fake_slack.calls_to("chat.postMessage"))


# ---------------------------------------------------------------------- who may do what


def test_only_the_asker_or_an_admin_can_edit_or_withdraw(slack, fake_slack, session, help_channel, peers):
    ask(slack)
    question = the_question(session)

    click(slack, fake_slack, EDIT_QUESTION, user=BO, value=str(question.id))
    assert "Only <@U0ANA>, who asked, or a workspace admin can edit" in text_of(last_response(fake_slack))
    click(slack, fake_slack, WITHDRAW_QUESTION, user=BO, value=str(question.id))
    assert "can withdraw this question" in text_of(last_response(fake_slack))
    assert fake_slack.calls_to("views.open") == [] and fake_slack.calls_to("chat.update") == []

    # Ana edits: the form shows her question, and saving redraws the message.
    click(slack, fake_slack, EDIT_QUESTION, user=ANA, value=str(question.id))
    form = last_opened_view(fake_slack)
    assert initial_values(form) == {
        "question": "How do I read a Postgres query plan?",
        "details": None,
        "skills": "#performance #postgres",
        "urgency": "normal",
    }
    # Bo cannot save an edit either, even with the form in hand.
    refused = submit(slack, form, ask_form(question="Bo's words"), user=BO, view_id="V0EDITBO")
    assert "Only the asker" in refused.json["errors"]["question"]
    submit(
        slack,
        form,
        ask_form(question="How do I read EXPLAIN ANALYZE output?", skills="#postgres"),
        view_id="V0EDIT",
    )
    assert the_question(session).text == "How do I read EXPLAIN ANALYZE output?"
    [update] = fake_slack.calls_to("chat.update")
    assert update.args["ts"] == question.message_ts and "EXPLAIN ANALYZE output" in text_of(update.args)
    assert len(questions(session)) == 1 and len(fake_slack.calls_to("chat.postMessage")) == 1

    # A workspace admin may withdraw anyone's question.
    click(slack, fake_slack, WITHDRAW_QUESTION, user=ADMIN, value=str(question.id))
    assert the_question(session).status is QuestionStatus.WITHDRAWN
    assert "Withdrawn by <@U0ANA>" in text_of(posted(fake_slack)) and action_ids(posted(fake_slack)) == []


def test_the_public_question_offers_only_what_everyone_may_do_and_the_asker_manages_it_privately(
    slack, fake_slack, session, help_channel, peers
):
    ask(slack)
    question = the_question(session)
    public = posted(fake_slack)
    # Everyone in #help sees the same message: only I can help, and nothing red.
    assert action_ids(public) == [OFFER_HELP]
    assert "danger" not in json.dumps(public) and "Withdraw" not in json.dumps(public)
    # The asker's own confirmation (only she sees it) has Resolved, and Edit and Withdraw… in a menu.
    mine = last_response(fake_slack)
    assert mine.get("response_type", "ephemeral") == "ephemeral" and "danger" not in json.dumps(mine)
    assert action_ids(mine)[:2] == [RESOLVE_QUESTION, QUESTION_MENU]
    edit, withdraw = menu_values(mine, QUESTION_MENU)
    assert (edit, withdraw) == (f"edit:{question.id}", f"withdraw:{question.id}")

    # A menu value in anyone else's hands is checked like a button: Bo can neither edit nor withdraw.
    slack.pick(QUESTION_MENU, edit, user=BO, channel_id=HELP)
    assert "Only <@U0ANA>, who asked, or a workspace admin can edit" in text_of(last_response(fake_slack))
    slack.pick(QUESTION_MENU, withdraw, user=BO, channel_id=HELP)
    assert "can withdraw this question" in text_of(last_response(fake_slack))
    click(slack, fake_slack, WITHDRAW_QUESTION, user=BO, value=str(question.id))
    assert fake_slack.calls_to("views.open") == [] and fake_slack.calls_to("chat.update") == []
    slack.pick(QUESTION_MENU, "edit:not-an-id", user=ANA, channel_id=HELP)
    assert fake_slack.calls_to("views.open") == []

    # Edit opens her form; Withdraw… asks once more, in place of her message, and Keep it keeps it.
    slack.pick(QUESTION_MENU, edit, user=ANA, channel_id=HELP)
    assert last_opened_view(fake_slack)["callback_id"] == "ask_modal"
    slack.pick(QUESTION_MENU, withdraw, user=ANA, channel_id=HELP)
    asking = last_response(fake_slack)
    assert asking["replace_original"] is True and "Withdraw “How do I read" in text_of(asking)
    assert the_question(session).status is QuestionStatus.OPEN
    slack.click(KEEP_QUESTION, user=ANA, value=str(question.id), channel_id=HELP)
    assert "stays open" in text_of(last_response(fake_slack))
    assert the_question(session).status is QuestionStatus.OPEN

    slack.click(WITHDRAW_QUESTION, user=ANA, value=str(question.id), channel_id=HELP)
    done = last_response(fake_slack)
    assert done["replace_original"] is True and "Withdrawn:" in text_of(done)
    assert the_question(session).status is QuestionStatus.WITHDRAWN
    assert "Withdrawn by <@U0ANA>" in text_of(posted(fake_slack)) and action_ids(posted(fake_slack)) == []


def test_an_ask_with_no_one_to_suggest_says_so_kindly(slack, fake_slack, session, help_channel):
    ask(slack, "Who knows our billing code? #billing")
    shown = text_of(last_response(fake_slack))
    assert (
        "No one has shared learning on this skill yet" in shown and "your question is in <#C0HELP>" in shown
    )

    ask(slack, "Where is the on-call rota?", trigger="1.T0LEARN.second")
    assert "Add `#skills` to a question and I suggest peers" in text_of(last_response(fake_slack))

    slack.command("/learn", "2h #billing Read the invoicing code", user=BO)
    ask(slack, "How are refunds booked? #billing", trigger="1.T0LEARN.third")
    shown = text_of(last_response(fake_slack))
    assert "<@U0BO>" in shown and "No one has shared" not in shown


def test_i_can_help_from_the_asker_gets_her_own_controls_and_twice_is_noted_once(
    slack, fake_slack, session, help_channel
):
    ask(slack)
    question = the_question(session)

    # The ephemeral confirmation is gone after a reload; I can help on her own question brings her
    # controls back, privately.
    click(slack, fake_slack, OFFER_HELP, user=ANA, value=str(question.id))
    own = last_response(fake_slack)
    assert "This is your own question" in text_of(own) and own["response_type"] == "ephemeral"
    assert action_ids(own) == [RESOLVE_QUESTION, QUESTION_MENU]
    assert count(session, HelpOffer) == 0 and thread(fake_slack, question) == []

    click(slack, fake_slack, OFFER_HELP, user=BO, value=str(question.id))
    click(slack, fake_slack, OFFER_HELP, user=BO, value=str(question.id))
    assert count(session, HelpOffer) == 1 and len(thread(fake_slack, question)) == 1
    assert "You offered already" in text_of(last_response(fake_slack))


def test_a_second_like_question_is_offered_the_first_ones_thread_before_it_is_posted(
    slack, fake_slack, session, help_channel
):
    ask(slack, user=BO, trigger="1.T0LEARN.first")
    react(slack, the_question(session), BO)  # Bo's own ✅ resolves it

    ask(slack, "Reading a query plan in Postgres, where to start?", user=ANA, trigger="1.T0LEARN.second")

    offer = last_response(fake_slack)
    assert "Answered before" in text_of(offer) and "How do I read a Postgres query plan?" in text_of(offer)
    assert len([m for m in fake_slack.messages(HELP) if not m["thread_ts"]]) == 1
    second = questions(session)[-1]
    assert second.status is QuestionStatus.UNPOSTED and second.held_at is not None
    assert action_ids(offer) == [POST_ANYWAY]


# ---------------------------------------------------------------------- experts


def test_the_asker_privately_sees_peers_who_know_and_invites_one_on_click(
    slack, fake_slack, session, help_channel, peers
):
    # Dev helped Ken with an earlier #postgres question: accepted help counts.
    ask(slack, "Vacuum never finishes #postgres", user=KEN, trigger="1.T0LEARN.first")
    earlier = the_question(session)
    reply(slack, earlier, DEV, "1800000001.000100")
    resolve_crediting(slack, fake_slack, session, earlier, DEV, view_id="V0EARLIER")

    slack.command("/learn", "10h #postgres Wrote the migration tooling", user=ANA)  # the asker: never
    slack.command("/learn", "8h #postgres Tuned our database", user=BO)
    slack.command("/fitness", "expert off", user=BO)  # opted out
    slack.command("/learn", "50m #postgres Read about indexes", user=KEN)
    slack.command("/learn", "6h vis:private #postgres Secret notes", user=KEN)  # private: never counts
    slack.command("/learn", "90m #performance Profiled the API", user=LIA)
    slack.command("/learn", "10m #performance Skimmed a post", user=ZED)
    assert session.scalar(select(Person.suggest_as_expert).where(Person.user_id == BO)) is False

    ask(slack, trigger="1.T0LEARN.second")
    confirmation = last_response(fake_slack)
    shown = text_of(confirmation)
    suggested = [user for user in (LIA, DEV, KEN, ZED, BO, ANA) if f"<@{user}>" in shown]
    assert suggested == [LIA, DEV, KEN]
    assert shown.index(f"<@{LIA}>") < shown.index(f"<@{DEV}>") < shown.index(f"<@{KEN}>")
    assert (
        "1h 30m of shared learning" in shown and "helped 1 time on them" in shown and "50m of shared" in shown
    )
    question = questions(session)[-1]
    assert thread(fake_slack, question) == []  # nobody is mentioned until the asker clicks

    click(slack, fake_slack, INVITE_EXPERT, user=ANA, value=accessory_value(confirmation, INVITE_EXPERT, LIA))

    assert thread(fake_slack, question) == [
        ":wave: <@U0LIA>, <@U0ANA> thinks you may know about this. Reply here if you can help."
    ]
    redrawn = last_response(fake_slack)
    assert (
        redrawn["replace_original"] is True
        and f"<@{LIA}> · 1h 30m of shared learning on these skills · :white_check_mark: invited"
        in text_of(redrawn)
    )
    assert INVITE_EXPERT in action_ids(redrawn)  # the others can still be invited


def test_only_the_asker_invites_peers_and_an_unreadable_invite_does_nothing(
    slack, fake_slack, session, help_channel, peers
):
    ask(slack)
    question = the_question(session)
    invite_lia = json.dumps({"q": question.id, "u": LIA, "in": [], "on": "asked"})

    # Inviting speaks for the asker in the thread, so not even an admin may do it for them.
    for user in (BO, ADMIN):
        click(slack, fake_slack, INVITE_EXPERT, user=user, value=invite_lia)
        assert "can invite peers to this question" in text_of(last_response(fake_slack))
    responses = len(fake_slack.calls_to("response_url"))
    click(slack, fake_slack, INVITE_EXPERT, user=ANA, value="not json")
    assert len(fake_slack.calls_to("response_url")) == responses
    assert thread(fake_slack, question) == []


def test_fitness_shows_help_given_and_received_and_counts_it_as_learning_from_people(
    slack, fake_slack, session, help_channel
):
    ask(slack)
    question = the_question(session)
    reply(slack, question, BO, "1800000001.000100")
    resolve_crediting(slack, fake_slack, session, question, BO, view_id="V0FIT")

    slack.command("/fitness", "", user=BO)
    bo_card = text_of(last_response(fake_slack))
    assert "Help given 1 · received 0" in bo_card
    assert "From people 100%" in bo_card and "1 of 3 days" in bo_card  # helping is a learning day
    slack.command("/fitness", "", user=ANA)
    assert "Help given 0 · received 1" in text_of(last_response(fake_slack))
    slack.event(TEST_TEAM.app_home_opened(ANA))
    assert "Help given 0 · received 1" in text_of(fake_slack.home_view(ANA))


# ---------------------------------------------------------------------- thread events


def test_edits_deletions_bots_and_other_threads_are_handled(slack, fake_slack, session, help_channel):
    ask(slack)
    question = the_question(session)
    reply(slack, question, BO, "1800000001.000100")
    # The same message again under another event id (Slack can do that) is still one answer.
    reply(slack, question, BO, "1800000001.000100", event_id="EvOTHER")
    assert count(session, HelpAnswer) == 1

    edited = TEST_TEAM.message_changed_event(
        user_id=BO,
        channel_id=HELP,
        ts="1800000001.000100",
        thread_ts=question.message_ts,
        text="Better:",
        event_ts="1800000005.000100",
    )
    slack.event(TEST_TEAM.event_envelope(edited))
    session.expire_all()
    assert session.scalar(select(HelpAnswer.edited_at)) is not None

    reply(slack, question, KEN, "1800000002.000100")
    deleted = TEST_TEAM.message_deleted_event(
        user_id=KEN,
        channel_id=HELP,
        ts="1800000002.000100",
        thread_ts=question.message_ts,
        event_ts="1800000006.000100",
    )
    slack.event(TEST_TEAM.event_envelope(deleted))

    # Our own app and other bots are not helpers.
    for bot_id, user in (("B0BOT", "U0BOT"), ("B0OTHER", "U0OTHERBOT")):
        event = TEST_TEAM.message_event(
            user_id=user,
            channel_id=HELP,
            ts=f"18000000{len(bot_id)}9.000100",
            thread_ts=question.message_ts,
            bot_id=bot_id,
        )
        slack.event(TEST_TEAM.event_envelope(event))
    # A reply in some other thread leaves no trace.
    other = TEST_TEAM.message_event(
        user_id=BO, channel_id=HELP, ts="1800000009.000100", thread_ts="1700000000.000001"
    )
    events_before = count(session, ProcessedEvent)
    slack.event(TEST_TEAM.event_envelope(other))
    assert count(session, ProcessedEvent) == events_before

    session.expire_all()
    rows = session.execute(select(HelpAnswer.user_id, HelpAnswer.deleted_at).order_by(HelpAnswer.id)).all()
    assert [(user, deleted_at is not None) for user, deleted_at in rows] == [(BO, False), (KEN, True)]
    click(slack, fake_slack, RESOLVE_QUESTION, user=ANA, value=str(question.id))
    [helpers_block] = [
        block for block in last_opened_view(fake_slack)["blocks"] if block.get("block_id") == "helpers"
    ]
    assert helpers_block["element"]["initial_users"] == [BO]  # Ken deleted his reply


def test_the_schedulers_housekeeping_forgets_deliveries_too_old_to_be_retried(
    slack, session, clock, help_channel, settings, engine
):
    ask(slack)
    question = the_question(session)
    reply(slack, question, BO, "1800000001.000100", event_id="EvOLD")
    clock.advance(PROCESSED_EVENTS_KEPT - timedelta(minutes=1))
    reply(slack, question, KEN, "1800000002.000100", event_id="EvNEW")
    clock.advance(timedelta(minutes=2))  # EvOLD is now older than any retry of it; EvNEW is not

    assert follow_up_runner(settings, engine, clock).housekeeping() == 1

    session.expire_all()
    assert session.scalars(select(ProcessedEvent.event_id)).all() == ["EvNEW"]
    # The answers stay, and a very late redelivery still counts once: an answer is unique per message.
    reply(slack, question, BO, "1800000001.000100", event_id="EvOLD", retry=1)
    assert count(session, HelpAnswer) == 2


# ---------------------------------------------------------------------- the follow-up


def follow_up_runner(settings, engine, clock):
    """The scheduler, which sends follow-ups, on the app's database and clock."""
    return build_runner(settings, engine, sleep=lambda seconds: None, clock=clock)


def test_an_unanswered_question_gets_one_follow_up_after_a_working_day_and_weekends_do_not_count(
    slack, fake_slack, session, deps, clock, help_channel, settings, engine
):
    clock.set(FRIDAY)
    ask(slack)
    ask(slack, "Who owns the billing service?", user=BO, trigger="1.T0LEARN.answered")
    answered = questions(session)[-1]
    reply(slack, answered, KEN, "1800000001.000100")

    def due(now: datetime, **kwargs) -> list[str]:
        with deps.sessions() as db:
            return [question.text for question in due_follow_ups(db, now=now, **kwargs)]

    assert due(FRIDAY + timedelta(days=1, hours=2)) == []  # Saturday: only Friday's 14 hours count
    assert due(FRIDAY + timedelta(days=2, hours=23, minutes=59)) == []  # Monday 09:59: 23h59m
    assert due(FRIDAY + timedelta(hours=4), unanswered_after=timedelta(hours=4)) == [
        "How do I read a Postgres query plan?"
    ]
    monday = FRIDAY + timedelta(days=3)
    assert due(monday) == ["How do I read a Postgres query plan?"]  # never the answered one

    runner = follow_up_runner(settings, engine, clock)
    assert runner.run_due(monday).outcomes == {"follow_up_sent": 1}
    assert runner.run_due(monday + timedelta(days=1)).outcomes == {}  # one follow-up, ever
    question = questions(session)[0]

    [follow_up] = [
        call.args for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == ANA
    ]
    assert "has had no replies for a working day" in text_of(follow_up)
    assert action_ids(follow_up) == [REPOST_QUESTION, CLOSE_QUESTION, KEEP_WAITING]

    click(slack, fake_slack, KEEP_WAITING, user=ANA, value=str(question.id), channel=f"D{ANA}")
    assert "stays open" in text_of(last_response(fake_slack))
    click(slack, fake_slack, CLOSE_QUESTION, user=ANA, value=str(question.id), channel=f"D{ANA}")
    assert questions(session)[0].status is QuestionStatus.WITHDRAWN
    assert "Withdrawn by <@U0ANA>" in text_of(fake_slack.calls_to("chat.update")[-1].args)


def test_repost_from_the_follow_up_moves_the_question_to_a_new_message(
    slack, fake_slack, session, deps, clock, help_channel, settings, engine
):
    clock.set(FRIDAY)
    ask(slack)
    first_ts = the_question(session).message_ts
    monday = FRIDAY + timedelta(days=3)
    clock.set(monday)
    assert follow_up_runner(settings, engine, clock).run_due(monday).outcomes == {"follow_up_sent": 1}
    question = the_question(session)

    click(slack, fake_slack, REPOST_QUESTION, user=ANA, value=str(question.id), channel=f"D{ANA}")

    question = the_question(session)
    assert question.message_ts != first_ts and question.posted_at == monday
    messages = {m["ts"]: text_of(m) for m in fake_slack.messages(HELP)}
    assert "reposted this question" in messages[first_ts]
    assert "<@U0ANA> asks" in messages[question.message_ts]


# ---------------------------------------------------------------------- the help channel setting


def test_the_help_channel_is_one_per_workspace_and_parsed_from_a_slack_channel_link(deps):
    assert parse_help_channel("<#C0HELP|help>") == SetHelpChannel("C0HELP")
    assert parse_help_channel("off") == SetHelpChannel(None)
    assert parse_help_channel("") == ShowHelpChannel()
    with deps.sessions() as session, session.begin():
        set_help_channel(session, WORKSPACE, "C0HELP", now=deps.clock())
        set_help_channel(session, WORKSPACE, "C0OTHER", now=deps.clock())
        set_help_channel(session, Workspace("T0ELSE"), None, now=deps.clock())
    with deps.sessions() as session:
        assert help_channel_of(session, WORKSPACE) == "C0OTHER"
        assert help_channel_of(session, Workspace("T0ELSE")) is None


def test_expert_on_and_off_is_the_persons_own_choice(slack, fake_slack, session):
    answer = slack.command("/fitness", "expert off", user=KEN).json
    assert "You will not be suggested to askers" in text_of(answer)
    assert session.scalar(select(Person.suggest_as_expert).where(Person.user_id == KEN)) is False

    slack.command("/fitness", "expert on", user=KEN)
    session.expire_all()
    assert session.scalar(select(Person.suggest_as_expert).where(Person.user_id == KEN)) is True
    assert "`/fitness expert on` or `/fitness expert off`" in text_of(
        slack.command("/fitness", "expert maybe", user=KEN).json
    )


# ---------------------------------------------------------------------- Block Kit limits


def longest_card(status: QuestionStatus) -> QuestionCard:
    return QuestionCard(
        id=10**9,
        asker=ANA,
        text="<!channel> & " + "<" * (MAX_QUESTION_LENGTH - 13),
        details="&" * MAX_DETAILS_LENGTH,
        skills=tuple(f"{n}" + "s" * (MAX_SKILL_LENGTH - 1) for n in range(MAX_SKILLS)),
        urgency=Urgency.HIGH,
        status=status,
        channel_id=HELP,
        message_ts="1800000000.000100",
        post_error="not_in_channel",
        helpers=tuple(f"U0HELPER{n}" for n in range(100)),
    )


EXPERTS = [Expert(f"U0EXPERT{n}", 99_999, 999) for n in range(3)]


@pytest.mark.parametrize("status", list(QuestionStatus))
def test_help_messages_and_modals_fit_slacks_limits_with_the_longest_question(status):
    card = longest_card(status)
    for payload in (
        question_message(card),
        reposted_message(card),
        asked_message(card, EXPERTS, invited=[EXPERTS[0].user_id]),
        unposted_message(card),
        resolved_message(card, card.helpers, newly_resolved=True),
        follow_up_message(card, EXPERTS),
        credit_prompt_message(card),
        thanks_thread_message(card, card.helpers),
        offer_notice(card, BO),
        ask_help_message(),
        ask_error_message("x" * 5000),
    ):
        assert block_kit_problems(payload, "message") == [], payload["text"][:40]
        assert "<!channel>" not in json.dumps(payload)
    for view in (
        ask_modal(AskModalContext(channel_id=GENERAL), card=card),
        ask_modal(AskModalContext(channel_id=GENERAL)),
        credit_modal(card, card.helpers, channel_id=f"D{ANA}"),
    ):
        assert block_kit_problems(view, "modal") == []
