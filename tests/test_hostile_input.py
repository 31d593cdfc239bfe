"""Hostile input through the real app: numbers nobody should type, and invisible characters in every text
field. Each is refused with words a person can act on (in the command's answer, or under the form's field),
nothing is stored, and nothing fails with a 500 — on SQLite and on PostgreSQL, which cannot store NUL."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Engine, String, Text, select
from sqlalchemy.orm import Session

import models
from bot.localslack import FakeSlack
from bot.localslack.payloads import signed_headers
from bot.views.fitness import HISTORY_OLDER, OPEN_TARGETS_MODAL
from bot.views.nudges import NUDGE_DAYS
from models import Goal, HelpQuestion, LearningEntry, LearningTeam, Person, Skill
from tests.conftest import ANA, BOT_TOKEN, SIGNING_SECRET
from tests.helpers import entries, last_opened_view, last_response, text_of
from tests.support.driver import SlackDriver, SlackReply
from tests.support.manifest import manifest_bot_scopes
from tests.support.payloads import (
    CHANNEL_ID,
    MESSAGE_TS,
    TEST_TEAM,
    date_value,
    form_values,
    learning_form,
    radio_value,
    select_value,
    text_value,
)
from tests.support.processes import learnfit_web

ADMIN = "U0ADMIN"
# Numbers too long for any bound: past a 64-bit integer, past a float (1e400 is inf), past Python's 4,300
# digits for int().
HUGE = ["9" * 20, "9" * 400, "9" * 5000]
# Text that passes for a number somewhere (isdigit, float(), int() with underscores) but is none here.
LOOKALIKES = ["²", "½", "1e309", "NaN", "inf", "-5", "1.5.5", "1_000", "0x10"]
# Digits of other scripts are decimal digits, read as int() reads them: Arabic-Indic and full-width 3.
OTHER_SCRIPTS = ["\u0663", "\uff13"]
# What no text field keeps. The last three are also white space: where a field tidies spaces (command text,
# a goal's title, skills split at spaces) they become one; anywhere else they are refused like the rest.
INVISIBLE = {
    "NUL": "\x00",
    "ESC": "\x1b",
    "BEL": "\x07",
    "DEL": "\x7f",
    "lone surrogate": "\ud800",
    "NEL": "\x85",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
}
# A slash command arrives form-encoded as UTF-8, which cannot carry a lone surrogate; JSON's \ud800 can.
IN_COMMANDS = {name: character for name, character in INVISIBLE.items() if name != "lone surrogate"}
CONTROL_MESSAGE = "invisible control characters"


def short(value: object) -> str:
    """A test id that shows a long number by its length."""
    return re.sub(r"9{10,}", lambda nines: f"<{len(nines[0])} nines>", str(value))


def case(text: str, advice: str) -> Any:
    return pytest.param(text, advice, id=short(text))


@pytest.fixture(autouse=True)
def _admin(fake_slack: FakeSlack) -> None:
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)


def answer(slack: SlackDriver, fake_slack: FakeSlack, command: str, text: str, *, user: str = ANA) -> str:
    """What the person reads back: the ack itself (mistakes, help), else the replies to its response_url."""
    replied_before = len(fake_slack.calls_to("response_url"))
    reply = slack.command(command, text, user=user)
    assert reply.status == 200, reply.body
    if reply.body:
        return text_of(reply.json)
    return "\n".join(text_of(call.args) for call in fake_slack.calls_to("response_url")[replied_before:])


def content_rows(session: Session) -> dict[str, int]:
    """How many of each thing a person makes are stored."""
    session.expire_all()
    kinds = (LearningEntry, Goal, HelpQuestion, LearningTeam, Skill)
    return {kind.__tablename__: len(session.scalars(select(kind)).all()) for kind in kinds}


NOTHING = {"learning_entries": 0, "goals": 0, "help_questions": 0, "learning_teams": 0, "skills": 0}


def stored_text(session: Session) -> str:
    """Every string in every table, joined: where a hostile character would be if one got through."""
    session.expire_all()
    values: list[str] = []
    for table in models.Base.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, String | Text)]
        if columns:
            values += [value for row in session.execute(select(*columns)) for value in row if value]
    return "\n".join(values)


# ---------------------------------------------------------------------- numbers in commands


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        *[case(f"{number}m Read docs", "between 1 minute and 16 hours") for number in HUGE],
        *[case(f"{number}h Read docs", "between 1 minute and 16 hours") for number in HUGE],
        case("0m Read docs", "between 1 minute and 16 hours"),
        case(f"1.{'9' * 5000}h Read docs", "between 1 minute and 16 hours"),
        case("99999999999999999999m x", "between 1 minute and 16 hours"),
        *[case(f"{lookalike}m Read docs", "How long did you spend?") for lookalike in LOOKALIKES],
        *[case(f"{lookalike}h Read docs", "How long did you spend?") for lookalike in LOOKALIKES],
    ],
)
def test_learn_refuses_durations_it_cannot_log(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, text: str, advice: str
) -> None:
    assert advice in answer(slack, fake_slack, "/learn", text)
    assert entries(session) == []


@pytest.mark.parametrize("digit", OTHER_SCRIPTS)
def test_learn_reads_the_decimal_digits_of_other_scripts(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, digit: str
) -> None:
    answer(slack, fake_slack, "/learn", f"{digit}m Read docs")

    assert [(entry.minutes, entry.what) for entry in entries(session)] == [(3, "Read docs")]


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        *[case(f"Learn Kubernetes {number}h", "between 15 minutes and 1,000 hours") for number in HUGE],
        *[case(f"Learn Kubernetes {number} sessions", "between 1 and 365 sessions") for number in HUGE],
        case("Learn Kubernetes 0 sessions", "between 1 and 365 sessions"),
        *[case(f"Learn Kubernetes {lookalike}h", "Give the goal a target") for lookalike in LOOKALIKES],
        *[
            case(f"Learn Kubernetes {lookalike} sessions", "Give the goal a target")
            for lookalike in LOOKALIKES
        ],
        case("Learn Kubernetes 10h by 2027-99-99", "not a date I can find in a calendar"),
        case("Learn Kubernetes 10h by 0000-01-01", "not a date I can find in a calendar"),
        case("Learn Kubernetes 10h by 99 Jan", "not a date I can find in a calendar"),
        case("Learn Kubernetes 10h by 31 Feb 2027", "not a date I can find in a calendar"),
        case(f"Learn Kubernetes by 31 Jan {HUGE[2]}", "Give the goal a target"),
        case(f"Learn Kubernetes by {HUGE[1]}-01-01", "Give the goal a target"),
    ],
)
def test_goal_refuses_targets_and_dates_it_cannot_keep(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, text: str, advice: str
) -> None:
    assert advice in answer(slack, fake_slack, "/goal", text)
    assert content_rows(session) == NOTHING


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/learn", "<!channel> read <http://evil.example|this>"),
        ("/fitness", "<!here>"),
        ("/fitness", "nudges <!channel>"),
        ("/fitness", "target <@U0BO> days"),
        ("/goal", "Learn x by <!everyone>"),
        ("/team", "<!subteam^S0ALL|@all>"),
    ],
)
def test_a_mistake_quotes_what_was_typed_without_mentioning_or_linking(
    slack: SlackDriver, fake_slack: FakeSlack, command: str, text: str
) -> None:
    shown = answer(slack, fake_slack, command, text)

    assert "&lt;" in shown  # quoted back, as text
    assert re.search(r"<[!@#]|<http", shown) is None, shown


@pytest.mark.parametrize("number", HUGE, ids=short)
def test_a_mistake_quotes_at_most_a_few_words_of_a_huge_number(
    slack: SlackDriver, fake_slack: FakeSlack, number: str
) -> None:
    shown = answer(slack, fake_slack, "/fitness", f"nudges {number}")

    assert "I could not read" in shown and "9" * 41 not in shown


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        *[case(f"target {number} days", "Pick 1 to 7 learning days") for number in HUGE],
        *[case(f"target {number}m", "Pick 10 minutes to 20 hours") for number in HUGE],
        *[case(f"target {number}h", "Pick 10 minutes to 20 hours") for number in HUGE],
        case("target 0 days", "Pick 1 to 7 learning days"),
        *[case(f"target {lookalike} days", "I could not read") for lookalike in LOOKALIKES],
        *[case(f"target {lookalike}h", "I could not read") for lookalike in LOOKALIKES],
        *[case(f"nudges snooze {number}d", "Snooze for 1 to 90 days") for number in HUGE],
        *[case(f"nudges snooze {number}w", "Snooze for 1 to 90 days") for number in HUGE],
        case("nudges snooze 13w", "Snooze for 1 to 90 days"),
        *[case(f"nudges tue {number}:00", "I could not read") for number in HUGE],
        *[case(f"nudges tue 9:{number}", "I could not read") for number in HUGE],
        case("nudges tue ²:00", "I could not read"),
    ],
)
def test_fitness_refuses_targets_and_times_it_cannot_keep(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, text: str, advice: str
) -> None:
    assert advice in answer(slack, fake_slack, "/fitness", text)
    assert session.scalars(select(Person)).all() == []  # answered before anyone was looked up


@pytest.mark.parametrize(
    "time",
    [*[f"{number}:00" for number in HUGE], *[f"9:{number}" for number in HUGE], *LOOKALIKES, "25:00"],
    ids=short,
)
def test_team_digest_refuses_times_it_cannot_keep(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, time: str
) -> None:
    answer(slack, fake_slack, "/team", "create Platform", user=ADMIN)
    [before] = session.scalars(select(LearningTeam)).all()
    scheduled = (before.digest_weekday, before.digest_minute, before.next_digest_at)

    assert "/team digest monday 09:00" in answer(
        slack, fake_slack, "/team", f"digest monday {time}", user=ADMIN
    )
    session.expire_all()
    [after] = session.scalars(select(LearningTeam)).all()
    assert (after.digest_weekday, after.digest_minute, after.next_digest_at) == scheduled


# ---------------------------------------------------------------------- numbers in forms


def open_form(slack: SlackDriver, fake_slack: FakeSlack, command: str) -> dict[str, Any]:
    slack.command(command, "", user=ANA)
    return last_opened_view(fake_slack)


def refused_fields(reply: SlackReply) -> set[str]:
    assert reply.status == 200, reply.body
    assert reply.json.get("response_action") == "errors", reply.body
    return set(reply.json["errors"])


@pytest.mark.parametrize(
    "minutes",
    [*HUGE, *[f"{number}m" for number in HUGE], *[f"{number}h" for number in HUGE], "0", *LOOKALIKES],
    ids=short,
)
def test_the_learning_form_refuses_a_time_it_cannot_log_under_the_field(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, minutes: str
) -> None:
    view = open_form(slack, fake_slack, "/learn")

    reply = slack.submit(view, learning_form(minutes=minutes), user=ANA, view_id="V0HOSTILE")

    assert refused_fields(reply) == {"minutes"}
    assert "45m or 1h30m" in reply.json["errors"]["minutes"]
    assert entries(session) == []


def goal_form(**fields: str) -> dict[str, Any]:
    """The goal form filled in well, but for `fields`."""
    typed = {"title": "Learn Kubernetes", "why": "On call", "target": "sessions", "amount": "12"}
    typed |= {"skills": "#kubernetes", **fields}
    return form_values(
        title=text_value(typed["title"]),
        why=text_value(typed["why"]),
        target=radio_value(typed["target"]),
        amount=text_value(typed["amount"]),
        skills=text_value(typed["skills"]),
        due=date_value("2027-02-26"),
    )


@pytest.mark.parametrize(
    ("target", "amount"),
    [
        *[("minutes", number) for number in HUGE],  # a bare number is hours here
        *[("minutes", f"{number}m") for number in HUGE],
        *[("sessions", number) for number in HUGE],
        *[("sessions", f"{number} sessions") for number in HUGE],
        ("minutes", "0"),
        ("sessions", "0"),
        *[("minutes", lookalike) for lookalike in LOOKALIKES],
        *[("sessions", lookalike) for lookalike in LOOKALIKES],
    ],
    ids=short,
)
def test_the_goal_form_refuses_an_amount_it_cannot_keep_under_the_field(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, target: str, amount: str
) -> None:
    view = open_form(slack, fake_slack, "/goal")

    reply = slack.submit(view, goal_form(target=target, amount=amount), user=ANA, view_id="V0HOSTILE")

    assert refused_fields(reply) == {"amount"}
    assert content_rows(session) == NOTHING


@pytest.mark.parametrize("minutes", [*HUGE, *[f"{number}h" for number in HUGE], "0", *LOOKALIKES], ids=short)
def test_the_targets_form_refuses_a_time_it_cannot_keep_under_the_field(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, minutes: str
) -> None:
    slack.click(OPEN_TARGETS_MODAL, user=ANA, channel_id=None)
    view = last_opened_view(fake_slack)
    values = form_values(days=select_value("5"), minutes=text_value(minutes))

    reply = slack.submit(view, values, user=ANA, view_id="V0HOSTILE")

    assert refused_fields(reply) == {"minutes"}
    session.expire_all()
    [ana] = session.scalars(select(Person)).all()
    assert (ana.target_days_per_week, ana.target_minutes_per_week) == (3, 60)  # as everyone starts


@pytest.mark.parametrize("digit", OTHER_SCRIPTS)
def test_the_forms_read_the_decimal_digits_of_other_scripts(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, digit: str
) -> None:
    view = open_form(slack, fake_slack, "/learn")

    assert slack.submit(view, learning_form(minutes=digit * 2), user=ANA, view_id="V0DIGITS").body == ""

    assert [entry.minutes for entry in entries(session)] == [33]


# ---------------------------------------------------------------------- numbers in buttons and menus


@pytest.mark.parametrize("value", [*HUGE, *LOOKALIKES], ids=short)
def test_crafted_numbers_in_menus_and_buttons_fall_back_to_what_a_click_would_mean(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, value: str
) -> None:
    """A page offset, a weekday, a days menu and a goal picked in the form, each sent back with a number no
    menu offers: the first page, no change, the current targets, and no goal."""
    answer(slack, fake_slack, "/learn", "30m Mine")

    assert slack.click(HISTORY_OLDER, user=ANA, value=value).status == 200
    assert "Mine" in text_of(last_response(fake_slack))  # the first page

    day = {"value": value, "text": {"type": "plain_text", "text": "Day"}}
    days = {"action_id": NUDGE_DAYS, "block_id": "b1", "type": "checkboxes", "selected_options": [day]}
    picked = TEST_TEAM.block_actions(days, user_id=ANA, channel_id=f"D{ANA}", message_ts=MESSAGE_TS)
    assert slack.interact(picked).status == 200
    assert session.scalars(select(Person.nudge_weekdays)).one() == "1,3"  # unchanged

    slack.click(OPEN_TARGETS_MODAL, user=ANA, channel_id=None)
    targets = form_values(days=select_value(value), minutes=text_value("2h"))
    assert slack.submit(last_opened_view(fake_slack), targets, user=ANA, view_id="V0TARGETS").body == ""
    session.expire_all()
    [ana] = session.scalars(select(Person)).all()
    assert (ana.target_days_per_week, ana.target_minutes_per_week) == (3, 120)  # days as they were

    view = open_form(slack, fake_slack, "/learn")
    assert slack.submit(view, learning_form(goal=value), user=ANA, view_id="V0GOAL").body == ""
    assert [entry.goal_id for entry in entries(session)] == [None, None]


# ---------------------------------------------------------------------- invisible characters in commands


def command_fields(character: str) -> list[tuple[str, str, str]]:
    """(command, text, who types it) with `character` in each text field a command stores or looks up."""
    return [
        ("/learn", f"45m Read{character}docs", ANA),
        ("/learn", f"45m Read docs https://example.com/a{character}b", ANA),
        ("/learn", f"45m Read docs #py{character}thon", ANA),
        ("/goal", f"Learn{character}Kubernetes 10h", ANA),
        ("/goal", f"Learn Kubernetes 10h #k{character}8s", ANA),
        ("/ask", f"How do I{character}read a query plan?", ANA),
        ("/ask", f"How do I read a query plan? #post{character}gres", ANA),
        ("/team", f"create Plat{character}form", ADMIN),
        ("/team", f"add Plat{character}form <@{ANA}|ana>", ADMIN),
        ("/team", f"digest Plat{character}form preview", ADMIN),
    ]


@pytest.mark.parametrize("name", IN_COMMANDS)
def test_commands_refuse_invisible_characters_in_every_text_field(
    slack: SlackDriver, fake_slack: FakeSlack, session: Session, name: str
) -> None:
    character = IN_COMMANDS[name]
    for command, text, user in command_fields(character):
        shown = answer(slack, fake_slack, command, text, user=user)

        refused = CONTROL_MESSAGE in shown
        if character.isspace():  # command text is split into words, so it becomes a space
            assert refused or character not in stored_text(session), (command, text)
        else:
            assert refused, (command, text, shown)
            assert content_rows(session) == NOTHING, (command, text)
    assert character not in stored_text(session)


# ---------------------------------------------------------------------- invisible characters in forms


def ask_form(**fields: str) -> dict[str, Any]:
    """The ask form filled in well (with where to post, as there is no help channel), but for `fields`."""
    typed = {"question": "How do I read a query plan?", "details": None, "skills": "#postgres", **fields}
    return form_values(
        question=text_value(typed["question"]),
        details=text_value(typed["details"]),
        skills=text_value(typed["skills"]),
        urgency=radio_value("normal"),
        channel={"type": "conversations_select", "selected_conversation": CHANNEL_ID},
    )


FORM_FIELDS: list[tuple[str, str, Callable[[str], dict[str, Any]]]] = [
    ("/learn", "what", lambda text: learning_form(what=f"Read{text}docs")),
    ("/learn", "link", lambda text: learning_form(link=f"https://example.com/a{text}b")),
    ("/learn", "skills", lambda text: learning_form(skills=f"#py{text}thon")),
    ("/goal", "title", lambda text: goal_form(title=f"Learn{text}Kubernetes")),
    ("/goal", "why", lambda text: goal_form(why=f"On{text}call")),
    ("/goal", "skills", lambda text: goal_form(skills=f"#k{text}8s")),
    ("/ask", "question", lambda text: ask_form(question=f"How do I{text}read a query plan?")),
    ("/ask", "details", lambda text: ask_form(details=f"I tried{text}EXPLAIN")),
    ("/ask", "skills", lambda text: ask_form(skills=f"#post{text}gres")),
]


@pytest.mark.parametrize("name", INVISIBLE)
@pytest.mark.parametrize(
    ("command", "field", "filled"), FORM_FIELDS, ids=[f"{c} {f}" for c, f, _ in FORM_FIELDS]
)
def test_forms_refuse_invisible_characters_under_the_field(
    slack: SlackDriver,
    fake_slack: FakeSlack,
    session: Session,
    command: str,
    field: str,
    filled: Callable[[str], dict[str, Any]],
    name: str,
) -> None:
    character = INVISIBLE[name]
    view = open_form(slack, fake_slack, command)

    reply = slack.submit(view, filled(character), user=ANA, view_id="V0INVISIBLE")

    assert reply.status == 200, reply.body
    errors = reply.json.get("errors", {}) if reply.body else {}
    if character.isspace() and not errors:  # a title is tidied to single spaces, skills split at spaces
        assert character not in stored_text(session)
        return
    assert CONTROL_MESSAGE in errors.get(field, ""), reply.body
    assert content_rows(session) == NOTHING


# ---------------------------------------------------------------------- through `learnfit web`


class Web(NamedTuple):
    url: str
    fake: FakeSlack
    log: Path
    database: Engine


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """A `learnfit web` process on its own SQLite file, with its log."""
    workdir = tmp_path_factory.mktemp("hostile-web")
    with ExitStack() as stack:
        fake = stack.enter_context(FakeSlack(scopes=",".join(manifest_bot_scopes())))
        fake.add_user(ANA, "ana", tz="Europe/London")
        fake.add_channel(CHANNEL_ID, "general")
        server = stack.enter_context(
            learnfit_web(
                workdir, slack_api_url=fake.base_url, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET
            )
        )
        yield Web(server.url, fake, server.log, server.database)


def test_the_web_process_answers_hostile_numbers_and_characters_without_a_traceback(web: Web) -> None:
    texts = [
        ("99999999999999999999m x", "between 1 minute and 16 hours"),
        (f"{'9' * 400}m Read docs", "between 1 minute and 16 hours"),
        (f"{'9' * 5000}h Read docs", "between 1 minute and 16 hours"),
        ("²m Read docs", "How long did you spend?"),
        ("1e309h Read docs", "How long did you spend?"),
        ("45m Read docs https://example.com/\x00", CONTROL_MESSAGE),
        ("45m Read\x1b[31m docs", CONTROL_MESSAGE),
    ]
    for text, advice in texts:
        body = TEST_TEAM.command_body(
            "/learn", text, user_id=ANA, channel_id=CHANNEL_ID, response_url=web.fake.response_url()
        )
        headers = signed_headers(body, SIGNING_SECRET, content_type="application/x-www-form-urlencoded")
        request = urllib.request.Request(f"{web.url}/slack/events", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:  # urllib raises for a 500
            assert response.status == 200, text[:40]
            assert advice in response.read().decode(), text[:40]

    with Session(web.database) as session:
        assert session.scalars(select(LearningEntry)).all() == []
    output = web.log.read_text(errors="replace")
    assert "Traceback" not in output and "ERROR" not in output, output[-2000:]
