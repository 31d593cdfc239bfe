"""/team insights: the organisation's learning for admins and the people they name, as aggregates only.

No group of fewer than five people shows on its own, a private entry in a small group changes nothing
anyone sees, and no one is named in the text, the chart's alt text or the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import matplotlib.image
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.services.insights import INSIGHTS_MIN_GROUP, load_insights
from bot.services.people import Workspace
from models import (
    EntryKind,
    EntrySource,
    HelpCredit,
    HelpQuestion,
    InsightsAccess,
    LearningEntry,
    Person,
    QuestionStatus,
    Skill,
    Visibility,
)
from tests.conftest import ANA, BO, START
from tests.helpers import last_response, text_of
from tests.support.payloads import TEAM_ID
from tests.test_teams import ADMIN

# Twelve weeks to the week of START (Tuesday 24 November 2026): Monday 7 September to Sunday 29 November.
FIRST_MONDAY = date(2026, 9, 7)
LEARNERS = [f"U0L{number:02d}" for number in range(1, 9)]  # eight colleagues
RUSTACEANS = LEARNERS[:4]  # a group of four
QUIET_WEEK = 3  # a week in which only four people learn


@pytest.fixture(autouse=True)
def _admin(fake_slack):
    fake_slack.add_user(ADMIN, "ada", tz="Europe/London", is_admin=True, real_name="Ada Admin")


def insights_as(slack, fake_slack, user=ADMIN):
    """The ack, the reply, the uploaded chart's bytes (or None) and the CSV's rows sent to the DM."""
    before = len(fake_slack.calls_to("file_upload"))
    ack = slack.command("/team", "insights", user=user)
    reply = last_response(fake_slack)
    uploads = [call.args for call in fake_slack.calls_to("file_upload")[before:]]
    png = next((upload["content"] for upload in uploads if upload["content"][:4] == b"\x89PNG"), None)
    csvs = [upload["content"].decode() for upload in uploads if upload["content"][:4] != b"\x89PNG"]
    rows = list(csv.reader(io.StringIO(csvs[-1]))) if csvs else []
    return ack, reply, png, rows


class World:
    """Rows straight into the database: twelve weeks of a workspace's learning and questions."""

    def __init__(self, session) -> None:
        self.session = session
        self.people: dict[str, Person] = {}
        self.skills: dict[str, Skill] = {}

    def person(self, user_id: str) -> Person:
        if user_id not in self.people:
            person = self.session.scalar(
                select(Person).where(Person.team_id == TEAM_ID, Person.user_id == user_id)
            )
            if person is None:
                person = Person(team_id=TEAM_ID, user_id=user_id, tz="UTC", created_at=START)
                self.session.add(person)
                self.session.flush()
            self.people[user_id] = person
        return self.people[user_id]

    def skill(self, name: str) -> Skill:
        if name not in self.skills:
            stored = self.session.scalar(select(Skill).where(Skill.team_id == TEAM_ID, Skill.name == name))
            self.skills[name] = stored or Skill(team_id=TEAM_ID, name=name)
        return self.skills[name]

    def learn(
        self,
        user_id: str,
        week: int,
        minutes: int,
        skills=(),
        *,
        kind=EntryKind.JOB,
        visibility=Visibility.TEAM,
    ) -> None:
        day = FIRST_MONDAY + timedelta(weeks=week, days=1)
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        self.session.add(
            LearningEntry(
                team_id=TEAM_ID,
                person_id=self.person(user_id).id,
                what=f"Learning by {user_id}",
                minutes=minutes,
                kind=kind,
                source=EntrySource.COMMAND,
                visibility=visibility,
                local_day=day,
                created_at=moment,
                updated_at=moment,
                skills=[self.skill(name) for name in skills],
            )
        )

    def ask(self, asker: str, skill: str, *, resolved_after: timedelta | None = None, helper=None) -> None:
        asked = START - timedelta(days=10)
        question = HelpQuestion(
            team_id=TEAM_ID,
            asker_id=self.person(asker).id,
            text=f"Question from {asker}",
            status=QuestionStatus.RESOLVED if resolved_after else QuestionStatus.OPEN,
            created_at=asked,
            updated_at=asked,
            posted_at=asked,
            resolved_at=asked + resolved_after if resolved_after else None,
            skills=[self.skill(skill)],
        )
        self.session.add(question)
        self.session.flush()
        if helper:
            self.session.add(
                HelpCredit(
                    team_id=TEAM_ID,
                    question_id=question.id,
                    helper_id=self.person(helper).id,
                    asker_id=question.asker_id,
                    helper_day=asked.date(),
                    asker_day=asked.date(),
                    created_at=question.resolved_at,
                )
            )

    def commit(self) -> None:
        self.session.commit()


def an_organisation(session) -> World:
    """Eight people learn every week (#python, all of them), four of them also #rust, and in one week only
    four people learn at all."""
    world = World(session)
    for week in range(12):
        learners = LEARNERS[:4] if week == QUIET_WEEK else LEARNERS
        for user_id in learners:
            world.learn(user_id, week, 30, ["python"])
            world.learn(user_id, week, 10, ["python"], kind=EntryKind.PEOPLE)
            world.learn(user_id, week, 5, ["python"], kind=EntryKind.FORMAL)
        for user_id in RUSTACEANS:
            world.learn(user_id, week, 20, ["rust"], kind=EntryKind.FORMAL, visibility=Visibility.PRIVATE)
    world.commit()
    return world


def test_insights_are_refused_to_someone_neither_admin_nor_given_access(slack, fake_slack, session):
    an_organisation(session)

    ack, reply, png, rows = insights_as(slack, fake_slack, user=ANA)

    assert ack.body == "Preparing insights…"
    shown = text_of(reply)
    assert "workspace admins and owners" in shown and "/team insights-access @you" in shown
    assert "python" not in shown and png is None and rows == []
    assert reply.get("response_type", "ephemeral") == "ephemeral"


def test_an_admin_gives_access_and_the_person_gets_insights_until_it_is_taken_away(
    slack, fake_slack, session
):
    an_organisation(session)
    slack.command("/team", f"insights-access <@{BO}|bo>", user=ANA)
    assert "Only a workspace admin or owner" in text_of(last_response(fake_slack))

    slack.command("/team", f"insights-access <@{ANA}|ana>", user=ADMIN)
    assert f"<@{ANA}> can now see `/team insights`" in text_of(last_response(fake_slack))
    slack.command("/team", "insights-access", user=ADMIN)
    assert f"these people can see `/team insights`: <@{ANA}>" in text_of(last_response(fake_slack))

    _, reply, png, rows = insights_as(slack, fake_slack, user=ANA)

    [image] = [block for block in reply["blocks"] if block["type"] == "image"]
    [chart_upload] = [
        call for call in fake_slack.calls_to("files.completeUploadExternal") if "channel_id" not in call.args
    ]
    assert image["slack_file"] == {"id": chart_upload.args["files"][0]["id"]}
    # The picture's numbers in words: each week's people and minutes, or that it was too few to show.
    assert (
        re.search(r"\d+ people, (\d+h )?\d+m", image["alt_text"])
        and "fewer than 5 people" in image["alt_text"]
    )
    assert "The 70/20/10 mix of the last 6 weeks: " in image["alt_text"]
    assert png is not None and rows[0] == ["section", "group", "measure", "value"]
    [csv_upload] = [
        call for call in fake_slack.calls_to("files.completeUploadExternal") if "channel_id" in call.args
    ]
    assert csv_upload.args["channel_id"] == f"D{ANA}"
    assert "*Learning:* 8 people over 12 weeks" in text_of(reply)

    slack.command("/team", f"insights-access remove <@{ANA}|ana>", user=ADMIN)
    assert f"<@{ANA}> can no longer see" in text_of(last_response(fake_slack))
    assert session.scalars(select(InsightsAccess)).all() == []
    _, again, _, _ = insights_as(slack, fake_slack, user=ANA)
    assert "/team insights-access @you" in text_of(again)


def figures(rows) -> dict[tuple[str, str, str], str]:
    return {(section, group, measure): value for section, group, measure, value in rows[1:]}


def test_a_group_of_four_never_shows_on_its_own(slack, fake_slack, session):
    an_organisation(session)

    _, reply, _, rows = insights_as(slack, fake_slack)

    shown = figures(rows)
    quiet = (FIRST_MONDAY + timedelta(weeks=QUIET_WEEK)).isoformat()
    # The skill four people learn, and the week in which four learn, show nowhere on their own ...
    assert "rust" not in text_of(reply) and not any(group == "rust" for _, group, _ in shown)
    assert shown[("weeks", quiet, "people")] == f"fewer than {INSIGHTS_MIN_GROUP}"
    assert not any(group == quiet and measure.startswith("minutes") for _, group, measure in shown)
    # ... nor as "other", which is four people too; the totals add up only the groups shown.
    assert not any(group == "(smaller groups)" for _, group, _ in shown)
    # Eleven weeks of eight people, their private #rust courses inside each week's courses (eight people).
    assert shown[("period", "all", "minutes")] == str(11 * (8 * 45 + 4 * 20))
    assert shown[("skills", "python", "people")] == "8"
    assert shown[("weeks", FIRST_MONDAY.isoformat(), "minutes_job")] == str(8 * 30)
    assert shown[("weeks", FIRST_MONDAY.isoformat(), "minutes_formal")] == str(8 * 5 + 4 * 20)


def test_a_private_entry_in_a_small_group_changes_nothing_anyone_sees(slack, fake_slack, session):
    world = an_organisation(session)
    _, before, png_before, rows_before = insights_as(slack, fake_slack)

    # One more private entry by one of the four, in the quiet week and the small skill.
    world.learn(RUSTACEANS[0], QUIET_WEEK, 240, ["rust", "interview-prep"], visibility=Visibility.PRIVATE)
    world.commit()
    _, after, png_after, rows_after = insights_as(slack, fake_slack)

    assert rows_after == rows_before
    assert text_of(after) == text_of(before)
    assert png_after == png_before
    # And one in a week of eight people counts in that week's total, as the group is big enough.
    world.learn(RUSTACEANS[0], 0, 7, visibility=Visibility.PRIVATE)
    world.commit()
    _, _, _, rows_big = insights_as(slack, fake_slack)
    changed = {key for key, value in figures(rows_big).items() if figures(rows_before).get(key) != value}
    assert changed == {
        ("weeks", FIRST_MONDAY.isoformat(), "minutes_job"),
        ("period", "all", "minutes"),
    }


def test_skills_asked_about_against_who_can_help(slack, fake_slack, session):
    world = an_organisation(session)
    askers = LEARNERS[:5]
    world.ask(askers[0], "kubernetes", resolved_after=timedelta(hours=1), helper=LEARNERS[5])
    world.ask(askers[1], "kubernetes", resolved_after=timedelta(hours=2), helper=LEARNERS[6])
    world.ask(askers[2], "kubernetes", resolved_after=timedelta(hours=3), helper=LEARNERS[5])
    world.ask(askers[3], "kubernetes")
    world.ask(askers[4], "kubernetes")
    world.learn(LEARNERS[7], 10, 30, ["kubernetes"])  # shared: can help
    world.learn(LEARNERS[0], 10, 30, ["kubernetes"], visibility=Visibility.PRIVATE)  # private: not counted
    world.ask(LEARNERS[0], "helm")  # one asker: stays in "other" (too small on its own too)
    world.commit()

    _, reply, _, rows = insights_as(slack, fake_slack)

    assert (
        "`#kubernetes`: 5 questions, 3 people who can help, 60 % resolved, median 2 h to resolve"
        in text_of(reply)
    )
    shown = figures(rows)
    assert shown[("asked", "kubernetes", "share_resolved")] == "0.60"
    assert not any(group in ("helm", "(smaller groups)") for section, group, _ in shown if section == "asked")


def test_no_one_is_named_in_the_text_the_alt_text_or_the_csv(slack, fake_slack, session):
    an_organisation(session)
    for user_id in LEARNERS:
        fake_slack.add_user(user_id, f"name{user_id}", real_name=f"Real {user_id}")

    _, reply, _, rows = insights_as(slack, fake_slack)

    [image] = [block for block in reply["blocks"] if block["type"] == "image"]
    everything = [text_of(reply), reply["text"], image["alt_text"], *(cell for row in rows for cell in row)]
    people = [*LEARNERS, ADMIN, *(f"name{user_id}" for user_id in LEARNERS), "Real", "Ada"]
    assert [text for text in everything for who in people if who in text] == []
    assert not any("<@" in text for text in everything)


def test_the_chart_is_a_valid_png(slack, fake_slack, session):
    an_organisation(session)

    _, _, png, _ = insights_as(slack, fake_slack)

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(io.BytesIO(png), format="png").shape
    assert (width, height) == (1200, 800)


def test_a_chart_slack_refuses_still_delivers_the_text_and_the_csv(slack, fake_slack, session):
    an_organisation(session)
    fake_slack.fail_next("files.getUploadURLExternal", error="not_allowed_token_type")

    _, reply, png, rows = insights_as(slack, fake_slack)

    assert [block for block in reply["blocks"] if block["type"] == "image"] == []
    assert "*Learning:* 8 people over 12 weeks" in text_of(reply)
    assert png is None and figures(rows)[("skills", "python", "people")] == "8"


HOSTILE_SKILLS = (
    "<!channel>",
    "<@U0ANA>",
    "<http://evil.example|click>",
    "a\x07b\u202ec$x$^{2}",
    "9" * 60,
    "=cmd|' /C calc'!A0",
)


def test_hostile_skill_names_are_escaped_and_formulas_neutralised(slack, fake_slack, session):
    world = an_organisation(session)
    for index, name in enumerate(HOSTILE_SKILLS):
        for user_id in LEARNERS[:5]:
            world.learn(user_id, 8, 5 + index, [name])
            world.learn(user_id, 2, 5, [name])
        for user_id in LEARNERS[:5]:
            world.ask(user_id, name, resolved_after=timedelta(minutes=30))
    world.commit()

    _, reply, png, rows = insights_as(slack, fake_slack)

    shown = text_of(reply)
    assert "&lt;!channel&gt;" in shown and "&lt;@U0ANA&gt;" in shown
    assert "<!channel>" not in shown and "<@U0ANA>" not in shown and "<http" not in shown
    assert png is not None
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "=cmd|' /C calc'!A0" not in cells
    assert not fake_slack.violations


def test_insights_take_the_same_number_of_statements_whatever_the_size(engine, session, clock):
    def statements_for(world_size: int) -> int:
        world = World(session)
        for week in range(12):
            for number in range(world_size):
                world.learn(f"U0S{world_size}{number:03d}", week, 10, [f"skill{number % 7}"])
        world.ask(f"U0S{world_size}000", "skill1", resolved_after=timedelta(hours=1))
        world.commit()
        seen: list[str] = []

        def count(_connection, _cursor, statement, *_) -> None:
            if not statement.startswith("BEGIN"):  # SQLite's transactions begin IMMEDIATE: not a query
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            with Session(engine) as reading:
                load_insights(reading, Workspace(TEAM_ID), now=clock())
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    assert statements_for(6) == statements_for(40) == 3


def test_partners_from_another_organisation_are_not_counted(slack, fake_slack, session):
    world = an_organisation(session)
    world.person(LEARNERS[7]).is_external = True  # a Slack Connect partner
    world.commit()

    _, reply, _, rows = insights_as(slack, fake_slack)

    assert "*Learning:* 7 people over 12 weeks" in text_of(reply)
    assert figures(rows)[("skills", "python", "people")] == "7"
