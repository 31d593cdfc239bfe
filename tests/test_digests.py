"""Weekly digests for team leads: on time in the lead's timezone, once, celebrating without ranking, and
never showing private entries by name, skill or text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from bot import db
from bot.services.digests import build_digest
from models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    EntryKind,
    EntrySource,
    HelpAnswer,
    HelpCredit,
    HelpQuestion,
    LearningEntry,
    LearningTeam,
    Person,
    QuestionStatus,
    Skill,
    Visibility,
)
from tests.conftest import ANA, BO, KEN
from tests.helpers import last_response, text_of
from tests.support.payloads import TEAM_ID
from tests.test_scheduler import FakeTimer, ledger_rows, make_runner
from tests.test_teams import ADMIN

MONDAY_DIGEST = datetime(2026, 11, 30, 9, tzinfo=UTC)  # Monday 09:00 in London


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True)


@pytest.fixture
def runner(settings, engine, sleeps):
    return make_runner(settings, engine, sleeps, FakeTimer())


def learn(slack, clock, user, when, text):
    clock.set(when)
    slack.command("/learn", text, user=user)


def make_team(slack, clock, *people):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))  # after that Monday's digest time
    slack.command("/team", "create Platform", user=ADMIN)
    if people:
        slack.command("/team", "add " + " ".join(f"<@{user}|x>" for user in people), user=ADMIN)


def digests_sent(fake_slack):
    return [
        call.args
        for call in fake_slack.calls_to("chat.postMessage")
        if "a week of learning" in call.args["text"] or "quiet week" in call.args["text"]
    ]


def test_the_monday_digest_celebrates_the_week_and_keeps_private_entries_private(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock, ANA, BO, KEN)
    learn(slack, clock, ANA, datetime(2026, 11, 17, 12, tzinfo=UTC), "30m #sql Indexes")  # the week before
    learn(slack, clock, ANA, datetime(2026, 11, 24, 12, tzinfo=UTC), "45m #sql Query plans")
    learn(slack, clock, ANA, datetime(2026, 11, 25, 12, tzinfo=UTC), "20m kind:people #go Pairing with Bo")
    learn(slack, clock, BO, datetime(2026, 11, 26, 15, tzinfo=UTC), "1h kind:formal #k8s Course, part 2")
    learn(slack, clock, BO, datetime(2026, 11, 27, 15, tzinfo=UTC), "15m vis:private #secret Interview prep")
    learn(slack, clock, KEN, datetime(2026, 11, 28, 3, tzinfo=UTC), "30m vis:private #hidden Reading group")
    learn(slack, clock, BO, datetime(2026, 11, 30, 12, tzinfo=UTC), "10m #late After the digest's week")

    runner.run_due(now=MONDAY_DIGEST - timedelta(minutes=15))
    assert digests_sent(fake_slack) == []
    runner.run_due(now=MONDAY_DIGEST)
    runner.run_due(now=MONDAY_DIGEST + timedelta(minutes=15))

    [digest] = digests_sent(fake_slack)
    assert digest["channel"] == ADMIN  # the lead's DM
    shown = text_of(digest)
    assert "Mon 23 Nov to Sun 29 Nov" in shown
    # Three people learned, so private entries count in the totals (never by name, skill or text).
    assert "*3 of 4 people* learned, *2h 50m* over *5 sessions* (+2h 20m and +4 sessions" in shown
    assert "On the job 53% · From people 12% · Formal 35%" in shown
    assert "*Top skills:* `#k8s` · `#sql` · `#go`" in shown
    for private in ("secret", "Interview", "late", "hidden", "Reading"):
        assert private not in shown
    assert "never ranks people by time" in shown
    [row] = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.DIGEST)).all()
    assert (row.key, row.status) == (
        f"digest:{TEAM_ID}:{row.learning_team_id}:2026-W49:{ADMIN}",
        DeliveryStatus.SENT,
    )
    assert session.scalar(select(LearningTeam.next_digest_at)) == MONDAY_DIGEST + timedelta(weeks=1)


def test_a_quiet_week_gets_one_short_kind_message(slack, fake_slack, clock, runner):
    make_team(slack, clock, ANA)

    runner.run_due(now=MONDAY_DIGEST)

    [digest] = digests_sent(fake_slack)
    assert len(digest["blocks"]) == 1
    assert "A quiet week for *Platform*: nothing shared from Mon 23 Nov to Sun 29 Nov" in text_of(digest)


def test_each_lead_gets_one_copy_in_their_dm_or_one_goes_to_the_channel(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock, ANA)
    slack.command("/team", f"lead <@{BO}|bo>", user=ADMIN)
    learn(slack, clock, ANA, datetime(2026, 11, 24, 12, tzinfo=UTC), "45m #sql Query plans")

    runner.run_due(now=MONDAY_DIGEST)
    runner.run_due(now=MONDAY_DIGEST)  # a restart in the same minute sends nothing more

    assert sorted(digest["channel"] for digest in digests_sent(fake_slack)) == sorted([ADMIN, BO])
    assert len(ledger_rows(session, DeliveryKind.DIGEST)) == 2

    slack.command("/team", "digest channel <#C0GENERAL|general>", user=ADMIN)
    runner.run_due(now=MONDAY_DIGEST + timedelta(weeks=1))
    assert [digest["channel"] for digest in digests_sent(fake_slack)][2:] == ["C0GENERAL"]


def test_a_digest_in_new_york_goes_at_nine_new_york_time(slack, fake_slack, clock, runner):
    clock.set(datetime(2026, 11, 23, 10, tzinfo=UTC))  # after that Monday's digest time
    slack.command("/team", "create Platform", user=ADMIN)
    slack.command("/team", f"lead <@{BO}|bo>", user=ADMIN)
    slack.command("/team", f"remove <@{ADMIN}|ada>", user=BO)  # Bo, in New York, is the only lead now

    runner.run_due(now=MONDAY_DIGEST)
    assert digests_sent(fake_slack) == []
    runner.run_due(now=datetime(2026, 11, 30, 14, tzinfo=UTC))  # 09:00 EST
    assert [digest["channel"] for digest in digests_sent(fake_slack)] == [BO]


def test_preview_shows_this_weeks_digest_now_and_only_to_the_lead(slack, fake_slack, clock):
    make_team(slack, clock, ANA)
    learn(slack, clock, ANA, datetime(2026, 11, 24, 12, tzinfo=UTC), "45m #sql Query plans")
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    posted_before = len(fake_slack.calls_to("chat.postMessage"))  # Ana was told she was added

    slack.command("/team", "digest preview", user=ADMIN)

    preview = last_response(fake_slack)
    assert preview.get("response_type", "ephemeral") == "ephemeral"
    shown = text_of(preview)
    assert "Preview, only you can see it · Thu 19 Nov to Wed 25 Nov" in shown
    assert "*1 of 2 people* learned, *45m* over *1 session*" in shown
    assert len(fake_slack.calls_to("chat.postMessage")) == posted_before


def insert_entry(session, person, day, minutes, visibility, skills=()) -> None:
    """Bulk history straight into the database (logging itself is tested through /learn elsewhere)."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    session.add(
        LearningEntry(
            team_id=TEAM_ID,
            person_id=person.id,
            what=f"Entry on {day}",
            minutes=minutes,
            kind=EntryKind.JOB,
            source=EntrySource.COMMAND,
            visibility=visibility,
            local_day=day,
            created_at=moment,
            updated_at=moment,
            skills=list(skills),
        )
    )


def _help_given(session, asker: str, helper: str, when: datetime) -> None:
    people = {person.user_id: person for person in session.scalars(select(Person))}
    question = HelpQuestion(
        team_id=TEAM_ID,
        asker_id=people[asker].id,
        text="How do I read this plan?",
        status=QuestionStatus.RESOLVED,
        created_at=when,
        updated_at=when,
        posted_at=when,
        resolved_at=when + timedelta(hours=1),
        channel_id="C0HELP",
        message_ts=f"{when.timestamp():.6f}",
    )
    session.add(question)
    session.flush()
    session.add(
        HelpAnswer(
            team_id=TEAM_ID, question_id=question.id, user_id=helper, message_ts="2.0", created_at=when
        )
    )
    session.add(
        HelpCredit(
            team_id=TEAM_ID,
            question_id=question.id,
            helper_id=people[helper].id,
            asker_id=people[asker].id,
            helper_day=when.date(),
            asker_day=when.date(),
            created_at=when + timedelta(hours=1),
        )
    )
    session.commit()


def test_help_is_counted_helpers_are_thanked_and_streak_milestones_celebrated(
    slack, fake_slack, clock, runner, session
):
    make_team(slack, clock, ANA, BO)
    # Ana meets her targets (3 days, 60 minutes) four weeks running, the last one the digest's week.
    for monday in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)):
        for offset in range(3):
            day = monday + timedelta(days=offset)
            learn(
                slack, clock, ANA, datetime(day.year, day.month, day.day, 12, tzinfo=UTC), "25m #sql Practice"
            )
    # Bo meets his in private only: his streak is never named.
    bo = session.scalar(select(Person).where(Person.user_id == BO))
    for monday in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)):
        for offset in range(3):
            insert_entry(session, bo, monday + timedelta(days=offset), 25, Visibility.PRIVATE)
    session.commit()
    _help_given(session, BO, ANA, datetime(2026, 11, 25, 10, tzinfo=UTC))

    runner.run_due(now=MONDAY_DIGEST)

    shown = text_of(digests_sent(fake_slack)[0])
    assert ":raising_hand: 1 asked · 1 answer · 1 resolved. Thank you <@U0ANA> for helping out!" in shown
    assert f":fire: <@{ANA}> reached a 4-week streak" in shown
    assert f"<@{BO}> reached" not in shown


def test_a_digest_takes_the_same_few_statements_however_big_the_team(
    slack, fake_slack, clock, engine, session
):
    make_team(slack, clock, ANA)
    slack.command("/team", "create Bigger", user=ADMIN)
    slack.command("/team", f"add Bigger <@{ANA}|a> <@{BO}|b> <@{KEN}|k>", user=ADMIN)
    people = {person.user_id: person for person in session.scalars(select(Person))}
    sql = Skill(team_id=TEAM_ID, name="sql")
    session.add(sql)
    for back in range(120):  # four months of learning for Bo and Ken, a few days for Ana
        for user in (BO, KEN) if back > 3 else (ANA, BO, KEN):
            day = date(2026, 11, 29) - timedelta(days=back)
            visibility = Visibility.TEAM if back % 5 else Visibility.PRIVATE
            insert_entry(session, people[user], day, 20 + back % 30, visibility, [sql])
    session.commit()

    counts = {}
    for name in ("Platform", "Bigger"):
        statements: list[str] = []

        def count(*args, into=statements):
            into.append(args[2])

        with db.make_sessionmaker(engine)() as own:
            team = own.scalar(select(LearningTeam).where(LearningTeam.name == name))
            event.listen(engine, "before_cursor_execute", count)
            try:
                build_digest(own, team, end_day=date(2026, 11, 30), tz="Europe/London")
            finally:
                event.remove(engine, "before_cursor_execute", count)
        counts[name] = len(statements)

    assert counts == {"Platform": 8, "Bigger": 8}
