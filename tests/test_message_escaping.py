"""Nothing a person types can mention, link or mark up anything Learnfit posts: every message and view
builder walked with hostile words in every field a person controls, and the stories that post them, through
the app."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import CodeType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import bot.forms
import bot.views
from bot.forms import ask, credit, goal, learning, share_entry, share_goal, targets
from bot.localslack import FakeSlack, RecordedCall
from bot.services.digests import Milestone, TeamDigest
from bot.services.feed import FeedItem, TeamFeed
from bot.services.fitness import Targets, fitness_summary
from bot.services.fitness_card import FitnessCard, SkillTime
from bot.services.goals import GoalProgress
from bot.services.help import Expert, QuestionCard
from bot.services.insights import OTHER_GROUP, Insights, SkillDemand, SkillTrend, Week
from bot.services.kudos import KudosLine
from bot.services.learning import MAX_LINK_LENGTH, WeekSummary
from bot.services.nudges import NudgeFacts, NudgeSettings, OpenQuestion
from bot.services.privacy import Holdings
from bot.services.search import AnsweredBefore, FoundEntry, SimilarQuestion
from bot.services.team_posts import AnsweredQuestion, SharedGoal, SkillGroup, TeamPost
from bot.services.teams import Left, Mentioned, Welcome
from bot.views import (
    charts,
    failures,
    feed,
    fitness,
    goals,
    help,
    home,
    insights,
    nudges,
    search,
    sharing,
    team_posts,
    teams,
)
from bot.views import learning as learning_views
from bot.views.fitness import DELETE_ENTRY, HISTORY_ENTRY_MENU
from bot.views.format import channel_link, escape, link, mention, skill_tag
from bot.views.goals import SHARE_GOAL
from bot.views.teams import TeamLine
from models import (
    EntryKind,
    Goal,
    GoalStatus,
    GoalTarget,
    LearningEntry,
    LearningTeam,
    QuestionStatus,
    Skill,
    Urgency,
    Visibility,
)
from tests.conftest import ANA
from tests.helpers import button_value, last_opened_view, last_response, menu_values
from tests.support.driver import SlackDriver
from tests.support.payloads import form_values, learning_form, radio_value, text_value

HOSTILE = (
    "<!channel> <!here> <http://evil.example/login|Reset your SSO password>",  # the review's goal title
    "<!here>",
    "<!everyone> read this",
    "<!channel|@channel>",
    "ping <@U0ANA> now",
    "<@U0ANA|Ana from IT>",
    "see <#C0GENERAL>",
    "<!subteam^S0> on call",
    "<!subteam^S0|@oncall>",
    "<http://evil.example|click>",
    "<mailto:it@evil.example|IT support>",
    "<!date^1392734382^{date}|18 Feb>",
    "<<!channel>>",
    "&lt;!channel&gt; already escaped &amp; more",
    "&#60;!here&#62;",
    "a < b && c > d",
    "*bold* _italic_ ~strike~ `code` ```block``` > quote",
    ":tada: :rotating_light: emoji codes",
    "\u202eRTL override <!channel>",
    "zero\u200dwidth\u200cjoiners <!chan\u200dnel> <!here>",
    "4-byte emoji \U0001f9d1\u200d\U0001f4bb \U0001d54f <!here>",
    "<!channel> " * 400,  # longer than any field allows
)

# The people, channel and link the samples name the app's way (ids it read from Slack, not words).
ASKER, HELPER, EXPERT, HELP = "U0ASKER", "U0HELPER", "U0EXPERT", "C0HELP"
LINK_PREFIX = "https://example.com/notes?q="
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)

TOKEN = re.compile(r"<([^<>]*)>")


# ---------------------------------------------------------------------- what Slack would parse


def _parsed_in(node: object) -> list[str]:
    if isinstance(node, list):
        return [text for item in node for text in _parsed_in(item)]
    if not isinstance(node, dict):
        return []
    own = (
        [value for key in ("text", "fallback", "comment") if isinstance(value := node.get(key), str)]
        if node.get("type") != "plain_text"
        else []
    )
    return own + [text for value in node.values() for text in _parsed_in(value)]


def parsed_texts(output: object) -> list[str]:
    """Every string Slack parses for mentions and links: a message's `text` (the notification and fallback),
    mrkdwn text objects, a file's comment, or the mrkdwn a builder returns for another to place. Plain text
    (headers, buttons, options, inputs) is shown as typed and never parsed."""
    return [output] if isinstance(output, str) else _parsed_in(output)


def stray_markup(text: str, *, people: Iterable[str], channels: Iterable[str]) -> list[str]:
    """Markup in `text` the app did not make: any `<…>` token but its own mentions of `people`, links to
    `channels` and a person's link behind the app's label; and any `<` or `>` left outside a token."""
    own = {f"@{person}" for person in people} | {f"#{channel}" for channel in channels}
    stray = [
        f"<{token}>"
        for token in TOKEN.findall(text)
        if token not in own and not re.fullmatch(re.escape(LINK_PREFIX) + r"[^|]*\|link", token)
    ]
    rest = TOKEN.sub("", text)
    return stray + [character for character in "<>" if character in rest]


# ---------------------------------------------------------------------- samples: hostile in every typed field


def a_goal(typed: str) -> Goal:
    return Goal(
        id=7,
        title=typed,
        why=typed,
        target_kind=GoalTarget.MINUTES,
        target_value=600,
        due_date=date(2026, 12, 31),
        status=GoalStatus.ACTIVE,
        skills=[Skill(name=typed)],
    )


def progress(typed: str) -> GoalProgress:
    return GoalProgress(a_goal(typed), minutes=120, sessions=3, fraction=0.2, overdue=False, reached=False)


def an_entry(typed: str) -> LearningEntry:
    return LearningEntry(
        id=3,
        what=typed,
        minutes=45,
        kind=EntryKind.PEOPLE,
        link=(LINK_PREFIX + typed)[:MAX_LINK_LENGTH],
        visibility=Visibility.TEAM,
        local_day=TODAY,
        skills=[Skill(name=typed)],
    )


def a_feed(typed: str) -> TeamFeed:
    """A page of the team feed whose team, entries and skills are all typed words."""
    entry = an_entry(typed)
    entry.created_at = NOW
    return TeamFeed(
        [typed, typed], [FeedItem(entry, ASKER, False), FeedItem(entry, HELPER, True)], 5, True, 4
    )


def a_week(typed: str) -> WeekSummary:
    return WeekSummary(week_start=date(2026, 11, 23), minutes=90, entries=2, recent=[an_entry(typed)])


def a_card(typed: str) -> FitnessCard:
    return FitnessCard(
        summary=fitness_summary([], [], Targets(), today=TODAY),
        targets=Targets(),
        week=a_week(typed),
        top_skills=[SkillTime(name=typed, minutes=90)],
        rest_this_week=False,
        next_nudge=NOW,
    )


def a_question(typed: str, status: QuestionStatus = QuestionStatus.OPEN) -> QuestionCard:
    return QuestionCard(
        id=11,
        asker=ASKER,
        text=typed,
        details=typed,
        skills=(typed,),
        urgency=Urgency.NORMAL,
        status=status,
        channel_id=HELP,
        message_ts="1800000000.000100",
        post_error=typed,  # Slack's error code, kept on the question: not the app's words either
        helpers=(HELPER,),
    )


EXPERTS = [Expert(EXPERT, minutes=90, credits=2)]


def facts(typed: str, *, goal: bool = False, question: bool = False) -> NudgeFacts:
    """A nudge shows one of its extras a day: ask for one at a time to see each."""
    return NudgeFacts(
        user_id=ASKER,
        day=TODAY,
        seed=1,
        streak=2,
        days_to_go=1,
        minutes_to_go=30,
        rest_week=False,
        goal=progress(typed) if goal else None,
        question=OpenQuestion(id=11, text=typed, channel_id=HELP, skill=typed) if question else None,
    )


SETTINGS = NudgeSettings(
    enabled=True, weekdays=(0, 2, 4), minute=960, next_local=NOW, snoozed_until_local=NOW
)


def a_digest(typed: str, *, sessions: int = 5) -> TeamDigest:
    return TeamDigest(
        team_name=typed,
        first_day=date(2026, 11, 16),
        last_day=date(2026, 11, 22),
        members=4,
        active=3 if sessions else 0,
        minutes=200 if sessions else 0,
        sessions=sessions,
        previous_minutes=100,
        previous_sessions=2,
        mix={EntryKind.JOB: 100, EntryKind.PEOPLE: 60, EntryKind.FORMAL: 40},
        top_skills=[typed],
        asked=2 if sessions else 0,
        answered=3 if sessions else 0,
        resolved=1,
        helpers=[HELPER],
        goals_reached=1 if sessions else 0,
        milestones=[Milestone(ASKER, 4)],
    )


def a_team(typed: str) -> LearningTeam:
    return LearningTeam(id=5, name=typed, digest_weekday=0, digest_minute=540, digest_channel_id=HELP)


def a_team_post(typed: str) -> TeamPost:
    return TeamPost(
        team_name=typed,
        first_day=date(2026, 11, 16),
        last_day=date(2026, 11, 22),
        groups=[SkillGroup(typed, [typed, typed]), SkillGroup(None, [typed])],
        more_entries=3,
        questions=[AnsweredQuestion(typed, HELP, [HELPER, EXPERT])],
        goals=[SharedGoal(ASKER, typed)],
    )


def a_posting_team(typed: str) -> LearningTeam:
    return LearningTeam(
        id=5, name=typed, weekly_post_channel_id=HELP, weekly_post_weekday=4, weekly_post_minute=960
    )


def a_found_entry(typed: str, *, mine: bool = False) -> FoundEntry:
    return FoundEntry(
        id=3,
        user_id=ASKER,
        mine=mine,
        what=typed,
        minutes=45,
        kind=EntryKind.JOB,
        skills=(typed,),
        link=(LINK_PREFIX + typed)[:MAX_LINK_LENGTH],
        local_day=TODAY,
        visibility=Visibility.PRIVATE if mine else Visibility.TEAM,
    )


def answered(typed: str) -> AnsweredBefore:
    similar = SimilarQuestion(11, typed, HELP, "1800000000.000100", in_public_channel=True, resolved_at=NOW)
    return AnsweredBefore(similar, permalink=LINK_PREFIX + typed)


def an_insights(typed: str) -> Insights:
    """Twelve weeks with a skill named `typed` rising, another falling, and asked about."""
    weeks = [
        Week(date(2026, 9, 7) + timedelta(weeks=n), 8, {"job": 300, "people": 90, "formal": 40})
        for n in range(12)
    ]
    return Insights(
        first_day=date(2026, 9, 7),
        last_day=date(2026, 11, 29),
        weeks=weeks,
        people=8,
        other_weeks=None,
        skills=[SkillTrend(typed, 8, 600, None, 8), SkillTrend(typed + "2", 6, 300, 6, None)],
        other_skills=None,
        demand=[SkillDemand(typed, 14, 3, 9, 2.5)],
        other_demand=SkillDemand(OTHER_GROUP, 6, 5, 1, None),
    )


LEFT_OUT = Mentioned(people=[], refused=[HELPER], outsiders=[EXPERT])


# ---------------------------------------------------------------------- every builder, registered


@dataclass(frozen=True)
class Case:
    build: Callable[[str], object]  # calls the builder with `typed` in every field a person controls
    shows: bool = True  # the words appear in text Slack parses (not only in inputs or plain text)


def wordless(build: Callable[[str], object]) -> Case:
    """A builder that shows no one's words where Slack parses: it takes numbers, dates, ids or the app's own
    mrkdwn, or shows the words only in inputs and plain text."""
    return Case(build, shows=False)


BUILDERS: dict[Callable[..., object], Case] = {
    # bot/views/fitness.py
    fitness.day_count: wordless(lambda _: fitness.day_count(3)),
    fitness.latest_entries_blocks: Case(lambda typed: fitness.latest_entries_blocks(a_week(typed))),
    fitness.fitness_card_blocks: Case(lambda typed: fitness.fitness_card_blocks(a_card(typed))),
    fitness.fitness_message: Case(lambda typed: fitness.fitness_message(a_card(typed))),
    fitness.fitness_help_message: wordless(lambda _: fitness.fitness_help_message()),
    fitness.fitness_error_message: wordless(
        lambda _: fitness.fitness_error_message("The app's own *mrkdwn*.")
    ),
    fitness.history_message: Case(
        lambda typed: (
            fitness.history_message(
                [an_entry(typed)], offset=15, more=True, note=fitness.deleted_note(an_entry(typed))
            ),
            fitness.history_message([an_entry(typed)], offset=0, more=False, confirming=an_entry(typed).id),
        )
    ),
    fitness.forget_me_question: wordless(lambda _: fitness.forget_me_question(Holdings(entries=3, goals=1))),
    fitness.forgotten_message: wordless(lambda _: fitness.forgotten_message(Holdings(entries=3, goals=1))),
    fitness.deleted_note: Case(lambda typed: fitness.deleted_note(an_entry(typed))),
    fitness.nothing_deleted_message: wordless(lambda _: fitness.nothing_deleted_message()),
    fitness.plain_message: wordless(lambda _: fitness.plain_message("The app's own *mrkdwn*.")),
    fitness.timezone_note_message: wordless(lambda _: fitness.timezone_note_message()),
    fitness.rest_week_message: wordless(lambda _: fitness.rest_week_message(TODAY, rest=True)),
    fitness.export_file: wordless(lambda _: fitness.export_file(3, today=TODAY)),
    fitness.exported_message: wordless(
        lambda _: (fitness.exported_message(3, sent=True), fitness.exported_message(3, sent=False))
    ),
    fitness.targets_set_message: wordless(lambda _: fitness.targets_set_message(Targets())),
    # bot/views/goals.py
    goals.target_text: wordless(lambda typed: goals.target_text(a_goal(typed))),
    goals.progress_line: wordless(lambda typed: goals.progress_line(progress(typed))),
    goals.status_line: wordless(lambda typed: goals.status_line(progress(typed), TODAY)),
    goals.goal_list_message: Case(
        lambda typed: goals.goal_list_message(
            [progress(typed)], today=TODAY, notice=goals.goal_updated_notice(a_goal(typed))
        )
    ),
    goals.goal_lines: Case(lambda typed: goals.goal_lines([progress(typed)], today=TODAY)),
    goals.goal_saved_message: Case(
        lambda typed: (
            goals.goal_saved_message(a_goal(typed), today=TODAY),
            goals.goal_saved_message(a_goal(typed), today=TODAY, duplicate=True),
        )
    ),
    goals.goal_reached_message: Case(lambda typed: goals.goal_reached_message(progress(typed))),
    goals.goal_shared_message: Case(lambda typed: goals.goal_shared_message(a_goal(typed), ASKER)),
    goals.goal_updated_notice: Case(lambda typed: goals.goal_updated_notice(a_goal(typed))),
    goals.goal_finished_notice: Case(
        lambda typed: tuple(
            goals.goal_finished_notice(a_goal(typed), changed=changed, drop=drop)
            for changed in (True, False)
            for drop in (True, False)
        )
    ),
    goals.goal_not_saved_message: wordless(lambda _: goals.goal_not_saved_message("That date has passed.")),
    goals.goal_gone_message: wordless(lambda _: goals.goal_gone_message()),
    goals.goal_refused_message: wordless(
        lambda _: (goals.goal_refused_message(), goals.goal_refused_message(finished=True))
    ),
    goals.goal_error_message: wordless(lambda _: goals.goal_error_message("The app's own *mrkdwn*.")),
    goals.goal_help_message: wordless(lambda _: goals.goal_help_message()),
    # bot/views/charts.py: numbers and the app's labels only; no one's words (nor their team's name)
    charts.personal_chart: wordless(lambda typed: charts.personal_chart(a_card(typed))),
    charts.personal_alt_text: wordless(
        lambda typed: charts.personal_alt_text(charts.personal_chart(a_card(typed)))
    ),
    charts.team_chart: wordless(lambda typed: charts.team_chart(a_digest(typed), [])),
    charts.team_alt_text: wordless(
        lambda typed: charts.team_alt_text(charts.team_chart(a_digest(typed), []))
    ),
    charts.chart_block: wordless(lambda _: charts.chart_block("F0CHART", "Chart of 3 days")),
    charts.with_chart: Case(
        lambda typed: charts.with_chart(fitness.fitness_message(a_card(typed)), charts.chart_block("F0", "x"))
    ),
    # bot/views/help.py
    help.quote: Case(lambda typed: help.quote(a_question(typed))),
    help.question_message: Case(
        lambda typed: tuple(help.question_message(a_question(typed, status)) for status in QuestionStatus)
    ),
    help.reposted_message: Case(lambda typed: help.reposted_message(a_question(typed))),
    help.offer_thread_message: wordless(lambda _: help.offer_thread_message(HELPER)),
    help.invite_thread_message: wordless(lambda _: help.invite_thread_message(EXPERT, ASKER)),
    help.thanks_thread_message: wordless(
        lambda typed: help.thanks_thread_message(a_question(typed), [HELPER])
    ),
    help.asked_message: Case(lambda typed: help.asked_message(a_question(typed), EXPERTS, invited=[EXPERT])),
    help.duplicate_ask_message: Case(lambda typed: help.duplicate_ask_message(a_question(typed))),
    help.post_problem: Case(lambda typed: help.post_problem(typed, HELP)),
    help.unposted_message: Case(
        lambda typed: help.unposted_message(a_question(typed, QuestionStatus.UNPOSTED))
    ),
    help.offer_notice: Case(lambda typed: help.offer_notice(a_question(typed), HELPER)),
    help.credit_prompt_message: Case(lambda typed: help.credit_prompt_message(a_question(typed))),
    help.resolved_message: Case(
        lambda typed: (
            help.resolved_message(a_question(typed), [HELPER], newly_resolved=True),
            help.resolved_message(a_question(typed), [], newly_resolved=False),
        )
    ),
    help.follow_up_message: Case(lambda typed: help.follow_up_message(a_question(typed), EXPERTS)),
    help.note: wordless(lambda _: help.note("The app's own *mrkdwn*.")),
    help.question_gone_message: wordless(lambda _: help.question_gone_message()),
    help.offered_already_message: wordless(lambda _: help.offered_already_message()),
    help.offer_thanks_message: wordless(lambda typed: help.offer_thanks_message(a_question(typed))),
    help.closed_message: wordless(lambda _: help.closed_message()),
    help.keep_waiting_message: wordless(lambda _: help.keep_waiting_message()),
    help.not_yours_message: wordless(lambda typed: help.not_yours_message(a_question(typed), "resolve")),
    help.own_offer_message: wordless(lambda typed: help.own_offer_message(a_question(typed))),
    help.asker_controls: wordless(lambda typed: help.asker_controls(a_question(typed))),
    help.withdraw_question_message: Case(lambda typed: help.withdraw_question_message(a_question(typed))),
    help.question_kept_message: Case(lambda typed: help.question_kept_message(a_question(typed))),
    help.withdrawn_message: wordless(lambda _: help.withdrawn_message()),
    help.no_longer_open_message: wordless(
        lambda typed: help.no_longer_open_message(a_question(typed, QuestionStatus.RESOLVED))
    ),
    help.ask_error_message: wordless(lambda _: help.ask_error_message("The app's own *mrkdwn*.")),
    help.ask_help_message: wordless(lambda _: help.ask_help_message()),
    help.help_channel_message: wordless(
        lambda _: tuple(
            help.help_channel_message(channel, changed=changed)
            for channel in (HELP, None)
            for changed in (True, False)
        )
    ),
    help.admins_only_message: wordless(lambda _: help.admins_only_message()),
    help.expert_setting_message: wordless(
        lambda _: (help.expert_setting_message(True), help.expert_setting_message(False))
    ),
    # bot/views/feed.py
    feed.feed_blocks: Case(lambda typed: feed.feed_blocks(a_feed(typed), tz=ZoneInfo("Asia/Tokyo"))),
    feed.feed_message: Case(
        lambda typed: (
            feed.feed_message(a_feed(typed), tz=ZoneInfo("UTC")),
            feed.feed_message(TeamFeed([typed], [], 0, False, None), tz=ZoneInfo("UTC")),
            feed.feed_message(TeamFeed([], [], 0, False, None), tz=ZoneInfo("UTC")),
        )
    ),
    feed.plain_feed_message: wordless(lambda _: feed.plain_feed_message("The app's own *mrkdwn*.")),
    feed.not_in_team_message: Case(lambda typed: feed.not_in_team_message(typed)),
    feed.kudos_refused_message: wordless(lambda _: feed.kudos_refused_message()),
    feed.kudos_summary_message: Case(
        lambda typed: (
            feed.kudos_summary_message([KudosLine(typed, 3), KudosLine(typed, 1)] * 6),
            feed.kudos_summary_message([]),
        )
    ),
    feed.feed_moment: wordless(lambda _: feed.feed_moment(NOW, ZoneInfo("Europe/London"))),
    # bot/views/home.py
    home.home_view: Case(
        lambda typed: home.home_view(
            a_card(typed),
            goals.goal_lines([progress(typed)], today=TODAY),
            feed.feed_blocks(a_feed(typed), tz=ZoneInfo("America/New_York")),
        )
    ),
    home.forgotten_home_view: wordless(lambda _: home.forgotten_home_view()),
    # bot/views/learning.py
    learning_views.logged_message: Case(
        lambda typed: (
            learning_views.logged_message(an_entry(typed), a_week(typed)),
            learning_views.logged_message(an_entry(typed), a_week(typed), duplicate=True),
        )
    ),
    learning_views.updated_message: Case(
        lambda typed: learning_views.updated_message(an_entry(typed), a_week(typed))
    ),
    learning_views.undone_message: Case(
        lambda typed: (learning_views.undone_message(an_entry(typed)), learning_views.undone_message(None))
    ),
    learning_views.entry_gone_message: wordless(lambda _: learning_views.entry_gone_message()),
    learning_views.nothing_to_edit_message: wordless(lambda _: learning_views.nothing_to_edit_message()),
    learning_views.error_message: wordless(lambda _: learning_views.error_message("The app's own *mrkdwn*.")),
    learning_views.help_message: wordless(lambda _: learning_views.help_message()),
    # bot/views/nudges.py
    nudges.clock_time: wordless(lambda _: nudges.clock_time(960)),
    nudges.days_text: wordless(lambda _: nudges.days_text([0, 2, 4])),
    nudges.moment_label: wordless(lambda _: nudges.moment_label(NOW)),
    nudges.nudge_message: Case(
        lambda typed: (
            nudges.nudge_message(facts(typed, goal=True), SETTINGS),
            nudges.nudge_message(facts(typed, question=True), SETTINGS),
        )
    ),
    nudges.nudge_settings_message: wordless(
        lambda _: nudges.nudge_settings_message(SETTINGS, note="A *note*.")
    ),
    nudges.one_day_needed_message: wordless(lambda _: nudges.one_day_needed_message(SETTINGS)),
    nudges.snoozed_message: wordless(lambda _: nudges.snoozed_message(SETTINGS)),
    # bot/views/search.py
    search.search_results_message: Case(
        lambda typed: (
            search.search_results_message(typed, [a_found_entry(typed), a_found_entry(typed, mine=True)]),
            search.search_results_message(typed, []),
        )
    ),
    search.answered_before_message: Case(
        lambda typed: search.answered_before_message(
            a_question(typed, QuestionStatus.UNPOSTED), [answered(typed)]
        )
    ),
    search.posted_already_message: wordless(lambda _: search.posted_already_message()),
    # bot/views/insights.py
    insights.preparing_message: wordless(lambda _: insights.preparing_message()),
    insights.insights_refused_message: wordless(lambda _: insights.insights_refused_message()),
    insights.access_admins_only_message: wordless(lambda _: insights.access_admins_only_message()),
    insights.demand_line: Case(lambda typed: insights.demand_line(an_insights(typed).demand[0])),
    insights.insights_summary: Case(lambda typed: "\n".join(insights.insights_summary(an_insights(typed)))),
    insights.insights_alt_text: wordless(lambda typed: insights.insights_alt_text(an_insights(typed))),
    insights.insights_message: Case(
        lambda typed: (
            insights.insights_message(an_insights(typed), file_id="F0CHART", csv_sent=True),
            insights.insights_message(an_insights(typed), file_id=None, csv_sent=False),
        )
    ),
    insights.insights_files: wordless(lambda _: insights.insights_files(TODAY)),
    insights.access_changed_message: wordless(
        lambda _: (
            insights.access_changed_message([ASKER], [HELPER], LEFT_OUT, granted=True),
            insights.access_changed_message([], [HELPER], LEFT_OUT, granted=False),
        )
    ),
    insights.access_list_message: wordless(
        lambda _: (insights.access_list_message([ASKER]), insights.access_list_message([]))
    ),
    # bot/views/teams.py
    teams.digest_message: Case(
        lambda typed: (
            teams.digest_message(a_digest(typed)),
            teams.digest_message(a_digest(typed), preview=True),
            teams.digest_message(a_digest(typed, sessions=0)),
        )
    ),
    teams.schedule_text: wordless(
        lambda _: (teams.schedule_text(0, 540, HELP), teams.schedule_text(4, 600, None))
    ),
    teams.team_list_message: Case(
        lambda typed: teams.team_list_message([TeamLine(typed, 4, [ASKER], 0, 540, HELP)])
    ),
    teams.team_created_message: Case(lambda typed: teams.team_created_message(a_team(typed))),
    teams.members_added_message: Case(
        lambda typed: teams.members_added_message(typed, [ASKER], [HELPER], LEFT_OUT)
    ),
    teams.leads_made_message: Case(lambda typed: teams.leads_made_message(typed, [ASKER], LEFT_OUT)),
    teams.members_removed_message: Case(
        lambda typed: teams.members_removed_message(typed, [ASKER], LEFT_OUT, leaderless=True)
    ),
    teams.digest_time_set_message: Case(
        lambda typed: teams.digest_time_set_message(a_team(typed), "Europe/London", NOW)
    ),
    teams.added_to_team_message: Case(
        lambda typed: (
            teams.added_to_team_message(Welcome(HELPER, typed, ASKER, [ASKER], None)),
            teams.added_to_team_message(Welcome(HELPER, typed, ASKER, [], HELP)),
            teams.added_to_team_message(Welcome(HELPER, typed, ASKER, [], None, HELP)),
        )
    ),
    teams.team_left_message: Case(
        lambda typed: (
            teams.team_left_message(Left(typed, leaderless=True)),
            teams.team_left_message(Left(typed, leaderless=False)),
        )
    ),
    teams.digest_channel_set_message: Case(lambda typed: teams.digest_channel_set_message(typed, HELP)),
    teams.digest_channel_problem: wordless(
        lambda _: tuple(
            teams.digest_channel_problem(HELP, channel)
            for channel in ("missing_scope", "channel_not_found", {"is_archived": True}, {"is_member": False})
        )
    ),
    teams.plain_team_message: wordless(lambda _: teams.plain_team_message("The app's own *mrkdwn*.")),
    teams.team_error_message: wordless(lambda _: teams.team_error_message("The app's own *mrkdwn*.")),
    teams.team_help_message: wordless(lambda _: teams.team_help_message()),
    # bot/views/failures.py
    failures.not_saved_message: wordless(
        lambda _: tuple(failures.not_saved_message(busy=busy) for busy in (True, False))
    ),
    failures.not_saved_modal: wordless(
        lambda _: tuple(failures.not_saved_modal(busy=busy) for busy in (True, False))
    ),
    # bot/views/team_posts.py
    team_posts.weekly_post_message: Case(lambda typed: team_posts.weekly_post_message(a_team_post(typed))),
    team_posts.weekly_post_on_message: Case(
        lambda typed: (
            team_posts.weekly_post_on_message(a_posting_team(typed), "Europe/London", NOW),
            team_posts.weekly_post_on_message(a_posting_team(typed), "Europe/London", None),
        )
    ),
    team_posts.weekly_post_off_message: Case(lambda typed: team_posts.weekly_post_off_message(typed)),
    team_posts.weekly_post_channel_problem: wordless(
        lambda _: tuple(
            team_posts.weekly_post_channel_problem(HELP, channel)
            for channel in ("channel_not_found", {"is_mpim": True}, {"is_member": False}, {"is_member": True})
        )
    ),
    team_posts.weekly_post_paused_message: Case(
        lambda typed: team_posts.weekly_post_paused_message(typed, HELP)
    ),
    # bot/views/sharing.py
    sharing.entry_card_message: Case(lambda typed: sharing.entry_card_message(an_entry(typed), ASKER)),
    sharing.entry_shared_message: wordless(
        lambda typed: (
            sharing.entry_shared_message(HELP, LINK_PREFIX + typed[:100]),  # from Slack: short
            sharing.entry_shared_message(HELP, None),
        )
    ),
    sharing.not_shareable_message: wordless(lambda _: sharing.not_shareable_message()),
    # bot/forms: what a person typed is shown back in inputs (never parsed), or quoted in a section
    ask.ask_modal: wordless(
        lambda typed: (
            ask.ask_modal(ask.AskModalContext(channel_id=HELP, question_id=11), card=a_question(typed)),
            ask.ask_modal(ask.AskModalContext(channel_id=HELP)),
            ask.ask_modal(ask.AskModalContext(channel_id=HELP), help_channel_id=HELP),
        )
    ),
    credit.credit_modal: Case(
        lambda typed: credit.credit_modal(a_question(typed), [HELPER], channel_id=HELP)
    ),
    goal.goal_modal: wordless(
        lambda typed: goal.goal_modal(
            goal.GoalPrefill(title=typed, why=typed, skills=(typed,)), goal.GoalModalContext(goal_id=7)
        )
    ),
    learning.learning_modal: wordless(
        lambda typed: learning.learning_modal(
            learning.ModalPrefill(what=typed, skills=(typed,), link=LINK_PREFIX + typed, goal_id=1),
            learning.ModalContext(entry_id=3, channel_id=HELP),
            today=TODAY,
            goals=[(1, typed)],
        )
    ),
    share_goal.share_modal: Case(lambda typed: share_goal.share_modal(a_goal(typed))),
    share_entry.share_entry_modal: Case(
        lambda typed: (
            share_entry.share_entry_modal(an_entry(typed), channel_id=HELP),
            share_entry.share_entry_modal(an_entry(typed), channel_id=None),
        )
    ),
    targets.targets_modal: wordless(lambda _: targets.targets_modal(Targets())),
}

# Not walked: Block Kit constructors (their callers hand them text already made safe), the escaping
# primitives (tested below), and reading a submission.
BUILDING_BLOCKS = {"bot.views.blocks", "bot.views.format", "bot.forms.base", "bot.forms.elements"}


def reads_a_submission(function: Callable[..., object]) -> bool:
    """A form's parser, or the errors it shows under fields (plain text): nothing the app posts."""
    return (
        function.__name__.startswith("parse_")
        or inspect.signature(function).return_annotation == "FormErrors"
    )


def discovered_builders() -> set[Callable[..., object]]:
    found: set[Callable[..., object]] = set()
    for package in (bot.views, bot.forms):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if module.__name__ in BUILDING_BLOCKS:
                continue
            found |= {
                function
                for name, function in inspect.getmembers(module, inspect.isfunction)
                if function.__module__ == module.__name__
                and not name.startswith("_")
                and not reads_a_submission(function)
            }
    return found


def named(functions: Iterable[Callable[..., object]]) -> list[str]:
    return sorted(f"{function.__module__}.{function.__name__}" for function in functions)


def names_used(code: CodeType) -> set[str]:
    """The global and attribute names a function's code uses, its generator expressions' included."""
    nested = [names_used(const) for const in code.co_consts if isinstance(const, CodeType)]
    return set(code.co_names).union(*nested)


def test_every_builder_is_walked_with_hostile_words() -> None:
    discovered = discovered_builders()
    assert named(discovered - set(BUILDERS)) == [], (
        "register each new builder in BUILDERS, hostile in every field"
    )
    assert named(set(BUILDERS) - discovered) == []
    misfiled = [
        builder
        for builder, case in BUILDERS.items()
        if builder.__name__ not in names_used(case.build.__code__)
    ]
    assert named(misfiled) == [], "each case calls the builder it is filed under"


def outputs(result: object) -> tuple[object, ...]:
    return result if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize(
    "builder", list(BUILDERS), ids=lambda builder: f"{builder.__module__.split('.', 1)[1]}.{builder.__name__}"
)
def test_no_builder_lets_typed_words_mention_link_or_mark_up(builder: Callable[..., object]) -> None:
    case = BUILDERS[builder]
    for typed in HOSTILE:
        texts = [text for output in outputs(case.build(typed)) for text in parsed_texts(output)]
        assert texts or not case.shows
        for text in texts:
            stray = stray_markup(text, people=(ASKER, HELPER, EXPERT), channels=(HELP,))
            assert stray == [], f"{typed[:60]!r} left {stray} live in {text[:300]!r}"
        if case.shows:  # still what the person typed, shown as typed
            assert any(escape(typed[:30]) in text for text in texts), f"{typed[:60]!r} is not shown"


# ---------------------------------------------------------------------- the one escaping function and its kin


def test_escape_is_slacks_rule_and_shows_what_was_typed() -> None:
    assert (
        escape("<!channel> & <@U0ANA> > <http://x|y>")
        == "&lt;!channel&gt; &amp; &lt;@U0ANA&gt; &gt; &lt;http://x|y&gt;"
    )
    assert escape("&lt;b&gt;") == "&amp;lt;b&amp;gt;"  # typed entities show as typed, never decoded
    assert (
        escape("@here @channel :tada: *bold* \u202e\u200d\U0001f9d1")
        == "@here @channel :tada: *bold* \u202e\u200d\U0001f9d1"
    )


@pytest.mark.parametrize("forged", ["U0ANA> <!channel", "<!here>", "U0ana", "C0GEN ERAL", "", "U0ANA|Ana"])
def test_a_forged_id_never_becomes_a_mention_or_a_channel_link(forged: str) -> None:
    for shown in (mention(forged), channel_link(forged)):
        assert stray_markup(shown, people=(), channels=()) == []
    assert mention("W0ASH") == "<@W0ASH>" and channel_link("G0PRIVATE") == "<#G0PRIVATE>"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://example.com/a?b=1&c=2", "<https://example.com/a?b=1&amp;c=2|link>"),
        (
            "https://evil.example/|Reset your SSO password",
            "<https://evil.example/%7CReset your SSO password|link>",
        ),
        ("https://evil.example/><!channel>", "<https://evil.example/%3E%3C!channel%3E|link>"),
    ],
)
def test_a_persons_url_cannot_close_its_link_or_relabel_it(url: str, shown: str) -> None:
    assert link(url, "link") == shown


def test_skill_tags_are_escaped_like_any_words() -> None:
    assert skill_tag("<!here>") == "`#&lt;!here&gt;`"


# ---------------------------------------------------------------------- through the app


def posted_calls(fake_slack: FakeSlack) -> list[RecordedCall]:
    """Everything the app said to Slack that people read: messages, replies, modals and App Home."""
    methods = (
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "response_url",
        "views.open",
        "views.publish",
    )
    return [call for call in fake_slack.calls if call.method in methods]


def assert_nothing_live(
    fake_slack: FakeSlack, *, people: Iterable[str] = (ANA,), channels: Iterable[str] = ()
) -> None:
    calls = posted_calls(fake_slack)
    assert calls
    for call in calls:
        assert "link_names" not in call.args and call.args.get("parse") in (None, "none")
        for text in parsed_texts(call.args):
            assert stray_markup(text, people=people, channels=channels) == [], (call.method, text[:300])


def conversation(channel_id: str) -> dict[str, Any]:
    return {"channel": {"value": {"type": "conversations_select", "selected_conversation": channel_id}}}


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (
            "<!channel> <!here> <http://evil.example/login|Reset your SSO password>",
            "&lt;!channel&gt; &lt;!here&gt; &lt;http://evil.example/login|Reset your SSO password&gt;",
        ),
        (
            "<!everyone> meet <@U0BO> in <#C0GENERAL>",
            "&lt;!everyone&gt; meet &lt;@U0BO&gt; in &lt;#C0GENERAL&gt;",
        ),
        ("<!subteam^S0|@oncall> &lt;b&gt; R&D", "&lt;!subteam^S0|@oncall&gt; &amp;lt;b&amp;gt; R&amp;D"),
        ("<https://evil.example|Open the doc> :tada:", "&lt;https://evil.example|Open the doc&gt; :tada:"),
    ],
)
def test_a_goal_shared_to_a_channel_shows_its_title_and_pings_no_one(
    slack: SlackDriver, fake_slack: FakeSlack, title: str, shown: str
) -> None:
    slack.command("/goal", "", user=ANA)
    form = form_values(
        title=text_value(title),
        target=radio_value("sessions"),
        amount=text_value("1"),
        skills=text_value("#sql"),
    )
    assert slack.submit(last_opened_view(fake_slack), form, user=ANA, view_id="V0GOAL").status == 200
    slack.command("/learn", "30m #sql Joins", user=ANA)  # reaches it: the DM offers to share
    [reached] = [call for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == ANA]
    slack.click(SHARE_GOAL, user=ANA, value=button_value(reached.args, SHARE_GOAL), channel_id=f"D{ANA}")

    slack.submit(last_opened_view(fake_slack), conversation("C0HELP"), user=ANA, view_id="V0SHARE")

    [share] = [
        call.args for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == "C0HELP"
    ]
    assert share["text"] == f"A learning goal reached: {shown}"
    assert [block["text"]["text"] for block in share["blocks"]] == [
        f":tada: <@{ANA}> reached a learning goal: *{shown}* (1 session of learning)"
    ]
    assert reached.args["text"] == f"You reached your goal: {shown}"
    assert_nothing_live(fake_slack)


def test_a_question_from_the_form_is_posted_in_the_persons_words_and_pings_no_one(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    words = "<!here> is <http://evil.example|the runbook> right? ask <@U0BO> & <!subteam^S0>"
    shown = (
        "&lt;!here&gt; is &lt;http://evil.example|the runbook&gt; right? ask &lt;@U0BO&gt; &amp; "
        "&lt;!subteam^S0&gt;"
    )
    slack.command("/ask", "", user=ANA)
    form = form_values(
        question=text_value(words),
        details=text_value("<!channel> see <#C0GENERAL>"),
        skills=text_value("#sre"),
        urgency=radio_value("normal"),
    ) | conversation("C0HELP")

    slack.submit(last_opened_view(fake_slack), form, user=ANA, view_id="V0ASK")

    [question] = [
        call.args for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == "C0HELP"
    ]
    assert question["text"] == f"<@{ANA}> asks: {shown}"
    assert question["blocks"][0]["text"]["text"] == f":raising_hand: *<@{ANA}> asks:*\n{shown}"
    assert question["blocks"][1]["text"]["text"] == "&lt;!channel&gt; see &lt;#C0GENERAL&gt;"
    assert_nothing_live(fake_slack, channels=("C0HELP",))


def test_people_and_channels_named_in_slash_ask_read_as_words_and_ping_no_one(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    # As Slack sends /ask with should_escape: people, channels and broadcasts as markup, a typed < as &lt;.
    slack.command(
        "/ask",
        "<!here> can <@U0BO|bo> explain deploys in <#C0HELP|help> &lt;3 #sre",
        user=ANA,
        channel_id="C0HELP",
    )

    [question] = [
        call.args for call in fake_slack.calls_to("chat.postMessage") if call.args["channel"] == "C0HELP"
    ]
    assert question["text"] == f"<@{ANA}> asks: @here can @bo explain deploys in #help &lt;3"
    assert_nothing_live(fake_slack, channels=("C0HELP",))


def test_a_deleted_entry_is_named_in_the_persons_words(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    slack.command("/learn", "", user=ANA)
    what = "<!channel> <http://evil.example|Reset your password> & more"
    slack.submit(
        last_opened_view(fake_slack),
        learning_form(what=what, link=LINK_PREFIX + "asyncio"),
        user=ANA,
        view_id="V0LEARN",
    )
    slack.command("/fitness", "history", user=ANA)

    [_, delete] = menu_values(last_response(fake_slack), HISTORY_ENTRY_MENU)
    slack.click(DELETE_ENTRY, user=ANA, value=delete.removeprefix("delete:"))

    note = last_response(fake_slack)["blocks"][1]["elements"][0]["text"]
    assert (
        note == "Deleted *45m* · &lt;!channel&gt; &lt;http://evil.example|Reset your password&gt; &amp; more"
    )
    assert_nothing_live(fake_slack)
