"""What the app put in a button or a form comes back in Slack's payload, where a forged request could carry
anything: each value is checked against the database and the person clicking, and no address a form
carries is ever called. Every test tries a range of crafted values through the real app."""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.forms.ask import ASK_MODAL, NOT_YOURS
from bot.forms.credit import CREDIT_MODAL
from bot.forms.goal import GOAL_MODAL
from bot.forms.learning import LEARNING_MODAL
from bot.localslack import FakeSlack
from bot.localslack.payloads import interactive_body, signed_headers
from bot.views.fitness import DELETE_ENTRY
from bot.views.goals import DROP_GOAL, EDIT_GOAL, LOG_TOWARD_GOAL, MARK_GOAL_DONE, SHARE_GOAL
from bot.views.help import (
    CLOSE_QUESTION,
    CREDIT_HELPERS,
    EDIT_QUESTION,
    INVITE_EXPERT,
    LOG_HELP_LEARNING,
    OFFER_HELP,
    REPOST_QUESTION,
    RESOLVE_QUESTION,
    WITHDRAW_QUESTION,
)
from bot.views.learning import EDIT_ENTRY, OPEN_LOG_MODAL, UNDO_ENTRY
from bot.views.nudges import NUDGE_DAYS, NUDGE_TIME
from models import Goal, HelpCredit, HelpOffer, HelpQuestion, LearningEntry, Person, QuestionStatus
from tests.conftest import ANA, BO, BOT_TOKEN, KEN, SIGNING_SECRET
from tests.helpers import last_opened_view, last_response, text_of
from tests.support.driver import SlackDriver
from tests.support.manifest import manifest_bot_scopes
from tests.support.payloads import CHANNEL_ID, MESSAGE_TS, TEST_TEAM, button, form_values, text_value
from tests.support.processes import learnfit_web
from tests.test_help import HELP, accessory_value, ask, ask_form, helpers_picked, reply
from tests.test_requests_from_slack import OTHER_TEAM

LIA = "U0LIA"  # a peer who knows #postgres
ADMIN = "U0ADMIN"
LEARNING_VALUES = {
    "what": {"value": {"type": "plain_text_input", "value": "Read about query plans"}},
    "minutes": {"value": {"type": "plain_text_input", "value": "30"}},
    "kind": {"value": {"type": "radio_buttons", "selected_option": {"value": "job"}}},
    "day": {"value": {"type": "datepicker", "selected_date": "2026-11-24"}},
    "visibility": {"value": {"type": "radio_buttons", "selected_option": {"value": "team"}}},
}


@pytest.fixture(autouse=True)
def _never_a_crash(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A crafted value is refused, never a crash: the app's error handler still answers Slack with 200, so
    the log is where a crash shows."""
    yield
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


@pytest.fixture
def people(fake_slack) -> None:
    fake_slack.add_user(LIA, "lia", tz="Europe/Berlin")
    fake_slack.add_user(ADMIN, "admin", tz="Europe/London", is_admin=True)


@pytest.fixture
def rows(slack, fake_slack, session, people) -> dict[str, int]:
    """Ana's entry, goals (one reached) and open question in #help (Lia is suggested on it), and Ken's
    question: the ids that crafted values point at or near."""
    slack.command("/goal", "Learn SQL #sql 1h", user=ANA)
    slack.command("/learn", "1h #sql Joins", user=ANA)  # reached, so the goal could be shared
    slack.command("/goal", "Learn Kubernetes #kubernetes 10h", user=ANA)
    slack.command("/learn", "2h #postgres Tuned autovacuum", user=LIA)
    ask(slack, "Why is this query slow? #postgres", user=ANA, channel=HELP, trigger="1.T0LEARN.ana")
    ask(slack, "How do I partition a table? #postgres", user=KEN, channel=HELP, trigger="1.T0LEARN.ken")
    session.expire_all()
    ana_question, ken_question = session.scalars(select(HelpQuestion.id).order_by(HelpQuestion.id))
    ana = select(Person.id).where(Person.user_id == ANA).scalar_subquery()
    return {
        "entry": session.scalar(select(LearningEntry.id).where(LearningEntry.person_id == ana)) or 0,
        "reached_goal": session.scalar(select(Goal.id).where(Goal.reached_at.is_not(None))) or 0,
        "goal": session.scalar(select(Goal.id).where(Goal.reached_at.is_(None))) or 0,
        "question": ana_question,
        "ken_question": ken_question,
    }


def snapshot(session) -> list[tuple[Any, ...]]:
    """Every row a button could change, with what it could change in it."""
    session.expire_all()
    return [
        *session.execute(select(LearningEntry.id, LearningEntry.what, LearningEntry.updated_at)).all(),
        *session.execute(select(Goal.id, Goal.status, Goal.title, Goal.updated_at)).all(),
        *session.execute(select(HelpQuestion.id, HelpQuestion.status, HelpQuestion.updated_at)).all(),
        *session.execute(select(HelpOffer.id)).all(),
        *session.execute(select(HelpCredit.id)).all(),
    ]


def disguises(row_id: int) -> list[str]:
    """A real id written every way that is not a plain id: a parser that took any of them would act."""
    digits = str(row_id)
    return [
        "",
        "0",
        f"-{digits}",
        f"+{digits}",
        f" {digits}",
        f"{digits} ",
        f"{digits}.0",
        f"{digits}e0",
        f"0x{row_id:x}",
        f"{digits};DROP TABLE people",
        json.dumps({"id": row_id}),
        digits.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")),  # superscript: isdigit() says yes
        digits.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic: int() reads them
        digits.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full width
        str(2**31 + row_id),  # past any INTEGER id
        str(2**64 + row_id),
        digits + "0" * 400,  # overflows a 64-bit column
        "9" * 5000,  # past Python's digit limit for int()
    ]


ROW_BUTTONS = [
    (EDIT_ENTRY, "entry"),
    (UNDO_ENTRY, "entry"),
    (LOG_TOWARD_GOAL, "goal"),
    (MARK_GOAL_DONE, "goal"),
    (DROP_GOAL, "goal"),
    (EDIT_GOAL, "goal"),
    (SHARE_GOAL, "reached_goal"),
    (RESOLVE_QUESTION, "question"),
    (CREDIT_HELPERS, "question"),
    (EDIT_QUESTION, "question"),
    (WITHDRAW_QUESTION, "question"),
    (CLOSE_QUESTION, "question"),
    (REPOST_QUESTION, "question"),
    (LOG_HELP_LEARNING, "question"),
]


def effects(fake_slack) -> list[tuple[str, Any]]:
    """What a click could do in Slack beyond answering the clicker: open a form, change or post a message."""
    return [
        (call.method, call.args.get("channel"))
        for call in fake_slack.calls
        if call.method in {"views.open", "chat.update"}
        or (call.method == "chat.postMessage" and not str(call.args.get("channel")).startswith("U"))
    ]


@pytest.mark.parametrize(("action_id", "kind"), ROW_BUTTONS, ids=[action for action, _ in ROW_BUTTONS])
def test_a_button_acts_only_on_a_plain_id_of_the_clickers_own_row(
    slack, fake_slack, session, rows, action_id, kind
):
    before = snapshot(session)
    fake_slack.reset()

    for value in disguises(rows[kind]):
        assert slack.click(action_id, user=ANA, value=value).status == 200, value
    # Someone else's row, and the same id clicked from another workspace.
    for user, team in ((BO, TEST_TEAM), (ANA, OTHER_TEAM)):
        assert slack.click(action_id, user=user, value=str(rows[kind]), team=team).status == 200

    assert snapshot(session) == before
    assert effects(fake_slack) == []
    # The control: the plain id, clicked by its owner, does act, so the clicks above could have.
    slack.click(action_id, user=ANA, value=str(rows[kind]))
    assert snapshot(session) != before or effects(fake_slack) != []


def test_i_can_help_takes_only_a_plain_id_of_a_posted_question(slack, fake_slack, session, rows):
    before = snapshot(session)
    for value in disguises(rows["question"]):
        assert slack.click(OFFER_HELP, user=BO, value=value).status == 200, value
    assert slack.click(OFFER_HELP, user=BO, value=str(rows["question"]), team=OTHER_TEAM).status == 200

    assert snapshot(session) == before
    slack.click(OFFER_HELP, user=BO, value=str(rows["question"]))
    assert len(snapshot(session)) == len(before) + 1  # the offer


@pytest.mark.parametrize(
    "value",
    [
        "{entry}:{offset}",
        "{entry}:²",
        "{entry}:-15",
        "{entry}:" + "9" * 5000,
        "{entry}:1e9",
        "{entry}::0",
        ":",
        "",
    ],
)
def test_delete_on_history_reads_its_entry_and_page_as_plain_bounded_numbers(
    slack, fake_slack, session, rows, value
):
    value = value.format(entry=rows["entry"], offset=15)
    slack.command("/learn", "10m Bo's own", user=BO)
    session.expire_all()
    bo_entry = session.scalar(select(LearningEntry.id).where(LearningEntry.id != rows["entry"]))

    # Bo's entry by Ana: never deleted, whatever the page.
    assert slack.click(DELETE_ENTRY, user=ANA, value=f"{bo_entry}:{value.partition(':')[2]}").status == 200
    assert slack.click(DELETE_ENTRY, user=ANA, value=value).status == 200

    session.expire_all()
    left = set(session.scalars(select(LearningEntry.id)))
    assert bo_entry in left
    assert (rows["entry"] in left) == (not value.startswith(str(rows["entry"])))
    page = last_response(fake_slack)
    assert page["replace_original"] is True and "Your learning history" in text_of(page)


def change_nudges(slack: SlackDriver, session: Session, action: dict[str, Any]) -> None:
    """Ana opens Fitness and sends `action` from its nudge settings; `session` then reads what was stored."""
    slack.command("/fitness", "", user=ANA)
    reply = slack.interact(
        TEST_TEAM.block_actions(action, user_id=ANA, channel_id=f"D{ANA}", message_ts=MESSAGE_TS)
    )
    assert reply.status == 200
    session.expire_all()


@pytest.mark.parametrize(
    ("options", "weekdays"),
    [
        ([{"value": "9"}], "1,3"),
        ([{"value": "-1"}], "1,3"),
        ([{"value": "²"}], "1,3"),
        ([{"value": "٣"}], "1,3"),
        ([{"value": "9" * 5000}], "1,3"),
        ([{"value": 3}], "1,3"),
        (["3"], "1,3"),
        ([{"value": str(day % 7)} for day in range(8)], "1,3"),  # more boxes than the week has
        ([{"value": "0"}, {"value": "99"}, {"value": "0"}], "0"),
        ([{"value": "4"}, {"value": "2"}], "2,4"),
    ],
)
def test_nudge_days_keep_only_days_of_the_week(slack, fake_slack, session, options, weekdays):
    action = {"action_id": NUDGE_DAYS, "block_id": "b1", "type": "checkboxes", "selected_options": options}

    change_nudges(slack, session, action)

    assert session.scalar(select(Person.nudge_weekdays).where(Person.user_id == ANA)) == weekdays


@pytest.mark.parametrize("picked", ["25:00", "²:00", "9" * 5000, "16:00:00:00", "", "4pm; DROP"])
def test_a_nudge_time_that_is_no_time_leaves_the_schedule(slack, fake_slack, session, picked):
    action = {"action_id": NUDGE_TIME, "block_id": "b1", "type": "timepicker", "selected_time": picked}

    change_nudges(slack, session, action)

    assert session.scalar(select(Person.nudge_minute).where(Person.user_id == ANA)) == 960


# ---------------------------------------------------------------------- invite a suggested peer


def thread_texts(fake_slack, session, question_id: int) -> list[str]:
    session.expire_all()
    ts = session.scalar(select(HelpQuestion.message_ts).where(HelpQuestion.id == question_id))
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args.get("thread_ts") == ts
    ]


def test_an_invite_mentions_only_a_peer_still_suggested_on_the_askers_own_question(
    slack, fake_slack, session, rows
):
    confirmation = next(
        call.args
        for call in fake_slack.calls_to("response_url")
        if "Why is this query slow?" in text_of(call.args)
    )
    genuine = json.loads(accessory_value(confirmation, INVITE_EXPERT, LIA))
    assert genuine == {"q": rows["question"], "u": LIA, "in": [], "on": "asked"}  # ids only
    crafted = [
        {**genuine, "u": "<!channel>"},
        {**genuine, "u": f"{LIA}> <!here"},
        {**genuine, "u": f"{LIA}|boss"},
        {**genuine, "u": BO},  # a real person, but not suggested: never mentioned
        {**genuine, "u": "U0NOBODY"},
        {**genuine, "u": ANA},  # the asker
        {**genuine, "q": rows["ken_question"]},  # Ken's question: not Ana's to invite to
        {**genuine, "q": str(rows["question"])},
        {**genuine, "q": -rows["question"]},
        {**genuine, "q": 2**31 + rows["question"]},
        {**genuine, "q": 10**400},
        {**genuine, "q": {"$gt": 0}},
        {**genuine, "in": [BO] * 500},
        {**genuine, "in": "<!channel>"},
        {**genuine, "on": "<!channel> evil"},
        {**genuine, "text": "<!channel> Reset your password at <http://evil.example|SSO>"},
        {key: value for key, value in genuine.items() if key != "u"},
    ]
    values = [json.dumps(value) for value in crafted]
    values += [
        "not json",
        "[]",
        "null",
        json.dumps(genuine)[:-1],
        json.dumps(genuine).replace(f'"u": "{LIA}"', f'"u": "{LIA}", "u": "<!channel>"'),
        json.dumps(genuine) + " " * 3000,
    ]
    fake_slack.reset()

    for value in values:
        assert slack.click(INVITE_EXPERT, user=ANA, value=value, channel_id=None).status == 200, value
    # The genuine value from anyone else, or from another workspace.
    for user, team in ((BO, TEST_TEAM), (ADMIN, TEST_TEAM), (ANA, OTHER_TEAM)):
        slack.click(INVITE_EXPERT, user=user, value=json.dumps(genuine), channel_id=None, team=team)

    assert [call for call in fake_slack.calls_to("chat.postMessage") if call.args.get("thread_ts")] == []
    for redrawn in fake_slack.calls_to("response_url"):
        assert "<!" not in json.dumps(redrawn.args) and f"<@{BO}>" not in text_of(redrawn.args)
    # The control: the genuine value, from the asker, invites Lia once.
    slack.click(INVITE_EXPERT, user=ANA, value=json.dumps(genuine), channel_id=None)
    assert thread_texts(fake_slack, session, rows["question"]) == [
        f":wave: <@{LIA}>, <@{ANA}> thinks you may know about this. Reply here if you can help."
    ]


# ---------------------------------------------------------------------- log what you learned


def test_log_what_you_learned_reads_a_question_only_for_its_asker_and_those_who_helped(
    slack, fake_slack, session, rows
):
    session.expire_all()
    question = session.get(HelpQuestion, rows["question"])
    assert question is not None
    reply(slack, question, LIA, "1800000001.000100")
    slack.click(OFFER_HELP, user=KEN, value=str(question.id))
    fake_slack.reset()

    def opened_for(user: str, *, team=TEST_TEAM) -> bool:
        before = len(fake_slack.calls_to("views.open"))
        slack.click(LOG_HELP_LEARNING, user=user, value=str(question.id), team=team)
        if len(fake_slack.calls_to("views.open")) == before:
            assert "no longer exists" in text_of(last_response(fake_slack))
            return False
        assert "Why is this query slow?" in json.dumps(last_opened_view(fake_slack))
        return True

    assert [opened_for(user) for user in (ANA, LIA, KEN, BO, ADMIN)] == [True, True, True, False, False]
    assert opened_for(ANA, team=OTHER_TEAM) is False
    assert "Why is this query slow?" not in json.dumps(
        [call.args for call in fake_slack.calls_to("response_url")]
    )


def test_an_unposted_question_is_its_askers_alone(slack, fake_slack, session, people):
    ask(slack, "Secret draft #postgres", user=ANA, channel="C0OUTSIDE")  # the app is not in that channel
    session.expire_all()
    question = session.scalar(select(HelpQuestion))
    assert question is not None and question.status is QuestionStatus.UNPOSTED
    fake_slack.reset()

    for action_id in (LOG_HELP_LEARNING, REPOST_QUESTION, WITHDRAW_QUESTION, EDIT_QUESTION, OFFER_HELP):
        slack.click(action_id, user=ADMIN, value=str(question.id))
        told = text_of(last_response(fake_slack))
        assert "no longer exists" in told and "Secret draft" not in told and f"<@{ANA}>" not in told

    assert fake_slack.calls_to("views.open") == [] and fake_slack.calls_to("chat.postMessage") == []
    session.expire_all()
    assert session.scalar(select(HelpQuestion.status)) is QuestionStatus.UNPOSTED
    slack.click(LOG_HELP_LEARNING, user=ANA, value=str(question.id))
    assert "Secret draft" in json.dumps(last_opened_view(fake_slack))


# ---------------------------------------------------------------------- forms


def submit_form(
    slack, callback_id: str, metadata: str, values: dict[str, Any], *, user: str = ANA, view_id: str
):
    view = {"type": "modal", "callback_id": callback_id, "private_metadata": metadata, "blocks": []}
    return slack.submit(view, values, user=user, view_id=view_id)


def test_the_credit_form_credits_only_well_formed_people_once_each(slack, fake_slack, session, rows):
    metadata = json.dumps({"question_id": rows["question"], "channel_id": CHANNEL_ID})
    picked = [
        "<!channel>",
        f"{BO}>",
        f"<@{BO}>",
        BO.lower(),
        "",
        " ",
        42,
        None,
        ["U0X"],
        {"id": BO},
        BO,
        BO,
        LIA,
    ]
    helpers = {"helpers": {"value": {"type": "multi_users_select", "selected_users": picked}}}

    assert submit_form(slack, CREDIT_MODAL, metadata, helpers, view_id="V0CREDIT").status == 200

    session.expire_all()
    credited = session.scalars(select(Person.user_id).join(HelpCredit, HelpCredit.helper_id == Person.id))
    assert sorted(credited) == [BO, LIA]


def test_the_credit_form_refuses_more_people_than_it_offers(slack, fake_slack, session, rows):
    metadata = json.dumps({"question_id": rows["question"]})
    many = [f"U0P{number:04d}" for number in range(101)]

    submit_form(slack, CREDIT_MODAL, metadata, helpers_picked(*many), view_id="V0MANY")

    session.expire_all()
    assert session.scalars(select(HelpCredit)).all() == []
    assert session.scalar(select(Person.id).where(Person.user_id == many[0])) is None


def test_an_edit_of_someone_elses_unposted_question_is_refused_even_for_an_admin(
    slack, fake_slack, session, people
):
    ask(slack, "Secret draft #postgres", user=ANA, channel="C0OUTSIDE")
    session.expire_all()
    question_id = session.scalar(select(HelpQuestion.id))
    metadata = json.dumps({"question_id": question_id})
    hijack = ask_form(question="<!channel> hijacked")

    for user in (ADMIN, BO):
        reply = submit_form(slack, ASK_MODAL, metadata, hijack, user=user, view_id=f"V0HIJACK{user}")
        assert reply.json["response_action"] == "errors"
        session.expire_all()
        assert session.scalar(select(HelpQuestion.text)) == "Secret draft"
    # The control: the asker's own edit goes through.
    submit_form(slack, ASK_MODAL, metadata, ask_form(question="Draft, edited"), view_id="V0MINE")
    session.expire_all()
    assert session.scalar(select(HelpQuestion.text)) == "Draft, edited"


def test_an_edit_of_someone_elses_posted_question_is_refused(slack, fake_slack, session, rows):
    metadata = json.dumps({"question_id": rows["ken_question"]})

    reply = submit_form(slack, ASK_MODAL, metadata, ask_form(question="<!channel> hijacked"), view_id="V0KEN")

    assert reply.json == {"response_action": "errors", "errors": {"question": NOT_YOURS}}


class Listener(ThreadingHTTPServer):
    """An address on this machine that a forged form names: every request that reaches it is kept."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), _Recorder)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Recorder(BaseHTTPRequestHandler):
    server: Listener

    def _record(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.end_headers()

    do_GET = do_POST = do_PUT = _record

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def hostile_metadata(row: str, row_id: int, evil: str) -> dict[str, str]:
    """Hidden state naming an address, every way it could be smuggled in, by name."""
    own = {row: row_id, "channel_id": CHANNEL_ID}
    plain = json.dumps(own)[:-1]
    return {
        "response_url": json.dumps({**own, "response_url": evil}),
        "file_url": json.dumps({**own, "response_url": "file:///etc/passwd"}),
        "escaped_key": f'{plain}, "response_\\u0075rl": "{evil}"}}',
        "duplicate_key": f'{plain}, "response_url": null, "response_url": "{evil}"}}',
        "origin_url": json.dumps({**own, "origin": evil}),
        "origin_fields": json.dumps(
            {**own, "origin": {"channel_id": f"D{ANA}", "message_ts": evil, "response_url": evil}}
        ),
        "response_urls": json.dumps({**own, "response_urls": [{"response_url": evil}]}),
        "huge": json.dumps({**own, "response_url": evil, "padding": "x" * 10_000}),  # Slack allows 3,000
        "nested": json.dumps({**own, "nested": [[[[{"response_url": evil}]]]] * 50}),
        "not_json": f"response_url={evil}&{row}={row_id}",
        "a_list": json.dumps([evil, own]),
        "a_string": json.dumps(evil),
        "unbalanced": "{" * 5000,
    }


HOSTILE = list(hostile_metadata("entry_id", 1, "http://x"))


@pytest.mark.parametrize("case", HOSTILE)
def test_a_form_never_calls_an_address_its_hidden_state_names(
    slack, fake_slack, session, rows, listener, case
):
    evil = f"{listener.url}/evil"
    learning = hostile_metadata("entry_id", rows["entry"], evil)[case]
    goal = hostile_metadata("goal_id", rows["goal"], evil)[case]
    goal_values = form_values(
        title=text_value("Learn SQL well"),
        target={"value": {"type": "radio_buttons", "selected_option": {"value": "minutes"}}},
        amount=text_value("20h"),
    )
    fake_slack.reset()

    assert submit_form(slack, LEARNING_MODAL, learning, LEARNING_VALUES, view_id=f"V0L{case}").status == 200
    assert submit_form(slack, GOAL_MODAL, goal, goal_values, view_id=f"V0G{case}").status == 200

    assert listener.requests == []
    assert fake_slack.calls_to("response_url") == [] and fake_slack.calls_to("chat.update") == []
    # Each was saved and confirmed privately, so the submission ran to its end.
    told = [call.args["user"] for call in fake_slack.calls_to("chat.postEphemeral")]
    told += [call.args["channel"] for call in fake_slack.calls_to("chat.postMessage")]
    assert told.count(ANA) >= 2


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeSlack, Engine]]:
    """`learnfit web` on a free port, talking to its own fake Slack: its base URL, the fake, its database."""
    workdir = tmp_path_factory.mktemp("trust-web")
    with ExitStack() as stack:
        fake = FakeSlack(scopes=",".join(manifest_bot_scopes())).start()
        stack.callback(fake.stop)
        fake.add_user(ANA, "ana", tz="Europe/London")
        fake.add_channel(CHANNEL_ID, "general")
        server = stack.enter_context(
            learnfit_web(
                workdir, slack_api_url=fake.base_url, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET
            )
        )
        yield server.url, fake, server.database
        assert "Traceback" not in server.log.read_text()


def post_signed(base_url: str, body: bytes) -> int:
    headers = signed_headers(body, SIGNING_SECRET, content_type="application/x-www-form-urlencoded")
    request = urllib.request.Request(f"{base_url}/slack/events", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_the_web_process_never_calls_an_address_a_form_names(web, listener):
    base_url, fake, database = web
    command = TEST_TEAM.command_body(
        "/learn", "30m #sql Query plans", user_id=ANA, channel_id=CHANNEL_ID, response_url=fake.response_url()
    )
    assert post_signed(base_url, command) == 200  # the confirmation is in the ack, stored by then
    with Session(database) as session:
        entry_id = session.scalar(select(LearningEntry.id)) or 0
    confirmations = ("chat.postEphemeral", "chat.postMessage", "chat.update")

    for number, metadata in enumerate(
        hostile_metadata("entry_id", entry_id, f"{listener.url}/evil").values()
    ):
        view = {"type": "modal", "callback_id": LEARNING_MODAL, "private_metadata": metadata, "blocks": []}
        payload = TEST_TEAM.view_submission(view, LEARNING_VALUES, user_id=ANA, view_id=f"V0WEB{number}")
        assert post_signed(base_url, interactive_body(payload)) == 200
        # The confirmation is the submission's last call to Slack: by then it has done all it will.
        fake.wait_for_any(confirmations, number + 1)

    assert listener.requests == []
    assert fake.calls_to("response_url") == []


def test_a_form_redraws_only_a_message_in_the_submitters_own_dm(slack, fake_slack, session, rows):
    # Bo has a confirmation in his DM with the app, and there is a question in #help.
    slack.interact(TEST_TEAM.block_actions(button(OPEN_LOG_MODAL), user_id=BO, channel_id=None))
    slack.submit(last_opened_view(fake_slack), LEARNING_VALUES, user=BO, view_id="V0BO")
    [bo_dm] = fake_slack.messages(f"D{BO}")
    question_message = next(message for message in fake_slack.messages(HELP) if not message["thread_ts"])
    targets = [(f"D{BO}", bo_dm["ts"]), (HELP, question_message["ts"]), (f"D{KEN}", bo_dm["ts"])]
    ephemerals = len(fake_slack.calls_to("chat.postEphemeral"))

    for channel, ts in targets:
        origin = {"channel_id": channel, "message_ts": ts}
        metadata = json.dumps({"entry_id": rows["entry"], "channel_id": CHANNEL_ID, "origin": origin})
        submit_form(slack, LEARNING_MODAL, metadata, LEARNING_VALUES, view_id=f"V0O{channel}")

    assert fake_slack.calls_to("chat.update") == []
    assert fake_slack.messages(f"D{BO}") == [bo_dm]
    assert next(m for m in fake_slack.messages(HELP) if not m["thread_ts"]) == question_message
    # Ana is told privately where she was, each time.
    assert len(fake_slack.calls_to("chat.postEphemeral")) == ephemerals + len(targets)
    # The control: the same form naming a message in her own DM redraws it.
    slack.interact(TEST_TEAM.block_actions(button(OPEN_LOG_MODAL), user_id=ANA, channel_id=None))
    slack.submit(last_opened_view(fake_slack), LEARNING_VALUES, user=ANA, view_id="V0ANA")
    ana_dm = fake_slack.messages(f"D{ANA}")[-1]
    origin = {"channel_id": f"D{ANA}", "message_ts": ana_dm["ts"]}
    metadata = json.dumps({"entry_id": rows["entry"], "channel_id": CHANNEL_ID, "origin": origin})
    submit_form(slack, LEARNING_MODAL, metadata, LEARNING_VALUES, view_id="V0OWN")
    [updated] = fake_slack.calls_to("chat.update")
    assert (updated.args["channel"], updated.args["ts"]) == (f"D{ANA}", ana_dm["ts"])
