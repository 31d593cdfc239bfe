"""`/fitness forget-me` deletes everything Learnfit holds about a person. Every column that can hold their
Slack user id or their row id is listed here (a new one fails the inventory test until it is), and after
forget-me, driven the way Slack drives it, none of them holds either; other people's data stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum

import pytest
from sqlalchemy import JSON, Column, String, func, or_, select
from sqlalchemy import Enum as EnumType
from sqlalchemy.orm import Session

from bot.services.charts import person_subject
from bot.views.fitness import CARD_MENU, FORGET_ME, CardChoice
from bot.views.help import OFFER_HELP, RESOLVE_QUESTION
from bot.views.learning import SHARE_ENTRY
from models import (
    Base,
    Delivery,
    DeliveryKind,
    HelpAnswer,
    HelpCredit,
    HelpOffer,
    HelpQuestion,
    LearningEntry,
    Person,
    ProcessedEvent,
    Skill,
    TeamMember,
    TeamRole,
)
from tests.conftest import ANA, BO, KEN
from tests.helpers import button_value, last_opened_view, last_response, text_of
from tests.support.payloads import TEST_TEAM
from tests.test_help import HELP, ask, click, questions, reply, resolve_crediting
from tests.test_scheduler import FakeTimer, make_runner
from tests.test_team_feed import give_kudos, kudos_between
from tests.test_teams import ADMIN


class Holds(Enum):
    ROW_ID = "a person's row id: deleted with their person row (ON DELETE CASCADE)"
    USER_ID = "a Slack user id, kept without a foreign key: forget-me deletes the rows by it"
    MADE_FROM_USER_ID = "a value built from a user id: a ledger key, the DM a send went to"
    MADE_FROM_ROW_ID = "a value built from a person's row id (a chart's subject): deleted with that row"
    TYPED = "words someone typed: theirs go with them; another person's words stay theirs, as in Slack"
    SLACK_THING = "names a workspace, channel, message, event, timezone, schedule or worker: never a person"


# Slack's OAuth installation and state store: how Slack lets the app act in the workspace (the bot's and
# the installer's ids and tokens), kept on forget-me; no record of anyone's learning is in them.
NOT_PERSONAL = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})

INVENTORY: dict[str, Holds] = {
    "people.id": Holds.ROW_ID,
    "people.user_id": Holds.USER_ID,
    "people.tz": Holds.SLACK_THING,
    "people.nudge_weekdays": Holds.SLACK_THING,
    "people.team_id": Holds.SLACK_THING,
    "people.enterprise_id": Holds.SLACK_THING,
    "learning_entries.person_id": Holds.ROW_ID,
    "learning_entries.what": Holds.TYPED,
    "learning_entries.link": Holds.TYPED,
    "learning_entries.idempotency_key": Holds.SLACK_THING,
    "learning_entries.team_id": Holds.SLACK_THING,
    "learning_entries.enterprise_id": Holds.SLACK_THING,
    "skills.name": Holds.TYPED,
    "skills.team_id": Holds.SLACK_THING,
    "skills.enterprise_id": Holds.SLACK_THING,
    "goals.person_id": Holds.ROW_ID,
    "goals.title": Holds.TYPED,
    "goals.why": Holds.TYPED,
    "goals.idempotency_key": Holds.SLACK_THING,
    "goals.team_id": Holds.SLACK_THING,
    "goals.enterprise_id": Holds.SLACK_THING,
    "rest_weeks.person_id": Holds.ROW_ID,
    "rest_weeks.team_id": Holds.SLACK_THING,
    "rest_weeks.enterprise_id": Holds.SLACK_THING,
    "help_questions.asker_id": Holds.ROW_ID,
    "help_questions.text": Holds.TYPED,
    "help_questions.details": Holds.TYPED,
    "help_questions.origin_channel_id": Holds.SLACK_THING,
    "help_questions.channel_id": Holds.SLACK_THING,
    "help_questions.message_ts": Holds.SLACK_THING,
    "help_questions.post_error": Holds.SLACK_THING,
    "help_questions.idempotency_key": Holds.SLACK_THING,
    "help_questions.team_id": Holds.SLACK_THING,
    "help_questions.enterprise_id": Holds.SLACK_THING,
    "help_answers.user_id": Holds.USER_ID,
    "help_answers.message_ts": Holds.SLACK_THING,
    "help_answers.team_id": Holds.SLACK_THING,
    "help_answers.enterprise_id": Holds.SLACK_THING,
    "help_offers.user_id": Holds.USER_ID,
    "help_offers.team_id": Holds.SLACK_THING,
    "help_offers.enterprise_id": Holds.SLACK_THING,
    "help_credits.helper_id": Holds.ROW_ID,
    "help_credits.asker_id": Holds.ROW_ID,
    "help_credits.team_id": Holds.SLACK_THING,
    "help_credits.enterprise_id": Holds.SLACK_THING,
    "learning_teams.name": Holds.TYPED,
    "learning_teams.digest_channel_id": Holds.SLACK_THING,  # a channel (only `<#C…>` is accepted)
    "learning_teams.weekly_post_channel_id": Holds.SLACK_THING,  # a channel, as the digest's
    "entry_channel_shares.person_id": Holds.ROW_ID,
    "entry_channel_shares.channel_id": Holds.SLACK_THING,  # a channel (never a DM: refused)
    "entry_channel_shares.message_ts": Holds.SLACK_THING,
    "entry_channel_shares.idempotency_key": Holds.SLACK_THING,
    "entry_channel_shares.team_id": Holds.SLACK_THING,
    "entry_channel_shares.enterprise_id": Holds.SLACK_THING,
    "learning_teams.team_id": Holds.SLACK_THING,
    "learning_teams.enterprise_id": Holds.SLACK_THING,
    "team_members.person_id": Holds.ROW_ID,
    "kudos.giver_id": Holds.ROW_ID,
    "kudos.receiver_id": Holds.ROW_ID,
    "kudos.team_id": Holds.SLACK_THING,
    "kudos.enterprise_id": Holds.SLACK_THING,
    "insights_access.person_id": Holds.ROW_ID,
    "insights_access.team_id": Holds.SLACK_THING,
    "insights_access.enterprise_id": Holds.SLACK_THING,
    "deliveries.person_id": Holds.ROW_ID,
    "deliveries.key": Holds.MADE_FROM_USER_ID,  # nudge:T:U:day, digest:T:team:week:U
    "deliveries.channel_id": Holds.MADE_FROM_USER_ID,  # a DM is sent to the user id
    "deliveries.claimed_by": Holds.SLACK_THING,
    "deliveries.message_ts": Holds.SLACK_THING,
    "deliveries.error": Holds.SLACK_THING,
    "deliveries.team_id": Holds.SLACK_THING,
    "deliveries.enterprise_id": Holds.SLACK_THING,
    "chart_images.person_id": Holds.ROW_ID,
    "chart_images.subject": Holds.MADE_FROM_ROW_ID,  # person:<row id>, deleted with person_id's cascade
    "chart_images.data_version": Holds.SLACK_THING,  # a hash of the numbers a chart draws
    "chart_images.file_id": Holds.SLACK_THING,  # the private Slack file holding the picture
    "chart_images.team_id": Holds.SLACK_THING,
    "chart_images.enterprise_id": Holds.SLACK_THING,
    "processed_events.team_id": Holds.SLACK_THING,
    "processed_events.event_id": Holds.SLACK_THING,
    "workspaces.team_id": Holds.SLACK_THING,
    "workspaces.enterprise_id": Holds.SLACK_THING,
    "workspaces.help_channel_id": Holds.SLACK_THING,
}

PERSON_COLUMN_NAMES = ("user_id", "person_id", "asker_id", "helper_id")


def _may_name_a_person(column: Column[object]) -> bool:
    """A column that can hold a user id or a person's row id: named like one, pointing at people, or any
    text (a user id fits in every string, so each must be placed in the inventory on purpose)."""
    points_at_people = any(key.column.table.name == "people" for key in column.foreign_keys)
    textual = isinstance(column.type, String | JSON) and not isinstance(column.type, EnumType)
    named_like_one = column.name.endswith(PERSON_COLUMN_NAMES)
    return points_at_people or textual or named_like_one or str(column) == "people.id"


def test_every_column_that_can_name_a_person_is_in_the_inventory():
    found = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        if table.name not in NOT_PERSONAL
        for column in table.columns
        if _may_name_a_person(column)
    }

    assert sorted(found - INVENTORY.keys()) == [], "new columns: say what they hold in INVENTORY"
    assert sorted(INVENTORY.keys() - found) == [], "gone from the models: drop them from INVENTORY"
    assert Base.metadata.tables.keys() >= NOT_PERSONAL  # a renamed store would slip the list


def traces(session: Session, user_id: str, row_id: int) -> set[str]:
    """Every listed column where some row holds the person's row id or (in any text) their user id."""
    session.expire_all()
    found = set()
    for name, holds in INVENTORY.items():
        table, column_name = name.split(".")
        column = Base.metadata.tables[table].c[column_name]
        if holds is Holds.ROW_ID:
            condition = column == row_id
        elif holds is Holds.MADE_FROM_ROW_ID:
            condition = column == person_subject(row_id)
        else:
            condition = column.contains(user_id)
        if session.scalar(select(func.count()).select_from(column.table).where(condition)):
            found.add(name)
    return found


MONDAY_DIGEST = datetime(2026, 11, 30, 9, tzinfo=UTC)
SHARE_IN_HELP = {"channel": {"value": {"type": "conversations_select", "selected_conversation": "C0HELP"}}}


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)


def answers(session) -> list[tuple[str, str]]:
    session.expire_all()
    rows = session.execute(
        select(HelpQuestion.text, HelpAnswer.user_id)
        .join(HelpQuestion, HelpQuestion.id == HelpAnswer.question_id)
        .order_by(HelpAnswer.id)
    )
    return [tuple(row) for row in rows]


def offers(session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(HelpQuestion.text, HelpOffer.user_id)
        .join(HelpQuestion, HelpQuestion.id == HelpOffer.question_id)
        .order_by(HelpOffer.id)
    )
    return [tuple(row) for row in rows]


def credits(session) -> list[tuple[str, str, str]]:
    people = dict(session.execute(select(Person.id, Person.user_id)).all())
    rows = session.execute(
        select(HelpQuestion.text, HelpCredit.helper_id, HelpCredit.asker_id)
        .join(HelpQuestion, HelpQuestion.id == HelpCredit.question_id)
        .order_by(HelpCredit.id)
    )
    return [(text, people[helper], people[asker]) for text, helper, asker in rows]


def a_week_of_ana_with_others(slack, fake_slack, session, clock, runner) -> dict[str, HelpQuestion]:
    """Ana learns, sets goals, asks, answers, offers, is credited, leads a team and is sent things by the
    scheduler, alongside Bo and Ken; the questions, by their words."""
    slack.command("/team", "help-channel <#C0HELP|help>", user=ADMIN)
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", f"add <@{ANA}|ana> <@{BO}|bo> <@{KEN}|ken>", user=ADMIN)
    slack.command("/team", f"lead <@{ANA}|ana>", user=ADMIN)
    slack.command("/team", f"insights-access <@{ANA}|ana>", user=ADMIN)
    logged = slack.command("/learn", "30m #sql Indexes", user=ANA)
    share_entry = button_value(logged.json, SHARE_ENTRY)
    slack.click(SHARE_ENTRY, user=ANA, value=share_entry)
    slack.submit(last_opened_view(fake_slack), SHARE_IN_HELP, user=ANA, view_id="V0SHAREANA")
    slack.command("/learn", "15m vis:private #ana-only Interview prep", user=ANA)
    slack.command("/goal", "Learn Kubernetes basics #kubernetes 10h by 2027-01-31", user=ANA)
    slack.command("/fitness", "rest", user=ANA)
    slack.command("/fitness", "target 4 days 90m", user=ANA)
    slack.command("/fitness", "", user=ANA)  # her card, and its chart's cached image
    slack.command("/learn", "20m #sql Plans", user=BO)
    slack.command("/learn", "10m #go Reading", user=KEN)
    give_kudos(slack, session, "Indexes", user=BO)  # kudos Ana receives, gives, and two that are not hers
    give_kudos(slack, session, "Plans", user=ANA)
    give_kudos(slack, session, "Plans", user=KEN)
    give_kudos(slack, session, "Reading", user=BO)

    ask(slack, "How do I read a query plan? #postgres", user=ANA, trigger="1.ana")
    ask(slack, "Who owns billing? #billing", user=BO, trigger="2.bo")
    ask(slack, "Where are the runbooks?", user=BO, trigger="3.bo")
    ask(slack, "Anyone know Terraform? #terraform", user=ANA, trigger="4.ana")
    asked = {question.text: question for question in questions(session)}
    anas, billing, runbooks = (
        asked["How do I read a query plan?"],
        asked["Who owns billing?"],
        asked["Where are the runbooks?"],
    )
    reply(slack, anas, BO, "1800000001.000100")
    click(slack, fake_slack, OFFER_HELP, user=KEN, value=str(anas.id))
    resolve_crediting(slack, fake_slack, session, anas, BO, view_id="V0ANA")
    for question, base in ((billing, 2), (runbooks, 3)):
        reply(slack, question, ANA, f"18000000{base}0.000100")
        reply(slack, question, KEN, f"18000000{base}1.000100")
    resolve_crediting(slack, fake_slack, session, billing, ANA, KEN, view_id="V0BILLING")
    click(slack, fake_slack, OFFER_HELP, user=ANA, value=str(runbooks.id))
    click(slack, fake_slack, OFFER_HELP, user=KEN, value=str(runbooks.id))

    runner.run_due(now=datetime(2026, 11, 24, 16, tzinfo=UTC))  # Ana's nudge: she learned today
    runner.run_due(now=datetime(2026, 11, 25, 12, tzinfo=UTC))  # the Terraform question's follow-up
    runner.run_due(now=MONDAY_DIGEST)  # the digest, to Ada's DM and Ana's
    clock.set(MONDAY_DIGEST)
    return asked


def test_forget_me_leaves_no_trace_of_the_person_in_any_column_and_keeps_everyone_elses(
    slack, fake_slack, session, clock, settings, engine, sleeps
):
    runner = make_runner(settings, engine, sleeps, FakeTimer())
    a_week_of_ana_with_others(slack, fake_slack, session, clock, runner)
    ana_id = session.scalar(select(Person.id).where(Person.user_id == ANA))
    # The story reaches every column that can name her, so a column forget-me missed would show.
    assert traces(session, ANA, ana_id) == {
        name for name, holds in INVENTORY.items() if holds not in (Holds.TYPED, Holds.SLACK_THING)
    }
    events = session.scalar(select(func.count()).select_from(ProcessedEvent))
    others_sends = session.scalars(
        select(Delivery.key).where(or_(Delivery.person_id != ana_id, Delivery.person_id.is_(None)))
    ).all()

    slack.command("/fitness", "forget-me", user=ANA)
    slack.click(FORGET_ME, user=ANA, value="confirm")

    assert "are deleted" in text_of(last_response(fake_slack))
    assert traces(session, ANA, ana_id) == set()
    # Everyone else's part stays: their questions, their answers, offers and credits, their team, their sends.
    assert answers(session) == [
        ("Who owns billing?", KEN),
        ("Where are the runbooks?", KEN),
    ]
    assert offers(session) == [("Where are the runbooks?", KEN)]
    assert credits(session) == [("Who owns billing?", KEN, BO)]
    assert [question.text for question in questions(session)] == [
        "Who owns billing?",
        "Where are the runbooks?",
    ]
    members = session.execute(
        select(Person.user_id, TeamMember.role).join(TeamMember, TeamMember.person_id == Person.id)
    ).all()
    assert dict(members) == {ADMIN: TeamRole.LEAD, BO: TeamRole.MEMBER, KEN: TeamRole.MEMBER}
    assert sorted(session.scalars(select(Delivery.key))) == sorted(others_sends)
    assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == events
    assert session.scalar(select(func.count()).select_from(LearningEntry)) == 2  # Bo's and Ken's
    # Skill names go once nothing is tagged with them; a shared one stays.
    assert sorted(session.scalars(select(Skill.name))) == ["billing", "go", "sql"]
    # Kudos she gave and got are gone; Ken's to Bo and Bo's to Ken stay.
    assert kudos_between(session) == [(BO, "Reading"), (KEN, "Plans")]


def test_after_forget_me_the_person_is_not_preselected_for_credit_nor_counted_in_a_digest(
    slack, fake_slack, session, clock, settings, engine, sleeps
):
    runner = make_runner(settings, engine, sleeps, FakeTimer())
    runbooks = a_week_of_ana_with_others(slack, fake_slack, session, clock, runner)["Where are the runbooks?"]
    slack.command("/fitness", "forget-me", user=ANA)
    slack.click(FORGET_ME, user=ANA, value="confirm")

    click(slack, fake_slack, RESOLVE_QUESTION, user=BO, value=str(runbooks.id), channel=HELP)
    [helpers] = [
        block for block in last_opened_view(fake_slack)["blocks"] if block.get("block_id") == "helpers"
    ]
    assert helpers["element"]["initial_users"] == [KEN]

    # Ana starts fresh and joins the team again: her old replies do not count for her.
    slack.command("/learn", "10m Fresh start", user=ANA)
    slack.command("/team", f"add <@{ANA}|ana>", user=ADMIN)
    slack.command("/team", "digest preview", user=ADMIN)
    assert "2 asked · 2 answers · 1 resolved" in text_of(last_response(fake_slack))


def test_opening_fitness_or_home_after_forget_me_enrols_no_one_in_nudges_until_they_log_again(
    slack, fake_slack, session, clock, settings, engine, sleeps
):
    runner = make_runner(settings, engine, sleeps, FakeTimer())
    slack.command("/learn", "30m #sql Indexes", user=ANA)  # Tue 24 Nov, 10:00 in London: nudges start
    slack.command("/fitness", "nudges snooze 7d", user=ANA)
    slack.command("/fitness", "forget-me", user=ANA)
    slack.click(FORGET_ME, user=ANA, value="confirm")
    assert "Nudges stop too: if you `/learn` again, you start fresh" in text_of(last_response(fake_slack))

    # She looks around: App Home, the card, its menu's nudge settings. None of it is a new start.
    slack.event(TEST_TEAM.app_home_opened(ANA))
    slack.command("/fitness", "", user=ANA)
    assert ":bell: Nudges start once you log learning" in text_of(last_response(fake_slack))
    slack.pick(CARD_MENU, CardChoice.NUDGES, user=ANA)
    assert "They start once you log learning" in text_of(last_response(fake_slack))
    session.expire_all()
    assert session.scalar(select(Person.next_nudge_at).where(Person.user_id == ANA)) is None

    # A week of the scheduler's hourly ticks (16:00 that day included) sends her nothing.
    tuesday = datetime(2026, 11, 24, 11, tzinfo=UTC)
    for hour in range(0, 7 * 24):
        now = tuesday + timedelta(hours=hour)
        runner.schedule_missing(now)
        runner.run_due(now=now)
    assert [call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == ANA] == []
    assert session.scalars(select(Delivery.key).where(Delivery.kind == DeliveryKind.NUDGE)).all() == []

    # Logging again is the fresh start the confirmation promised: Tuesday's nudge is skipped (she learned
    # that day) and Thursday's goes.
    clock.set(datetime(2026, 12, 1, 9, tzinfo=UTC))
    slack.command("/learn", "20m #sql Plans", user=ANA)
    runner.run_due(now=datetime(2026, 12, 1, 16, 1, tzinfo=UTC))
    runner.run_due(now=datetime(2026, 12, 3, 16, 1, tzinfo=UTC))
    assert [call.args["channel"] for call in fake_slack.calls_to("chat.postMessage")] == [ANA]
