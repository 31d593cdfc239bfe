"""Block Kit builders stay within Slack's limits even with the longest input a person can give."""

from __future__ import annotations

from datetime import date

import pytest

from bot.forms.base import MessageOrigin
from bot.forms.learning import ModalContext, ModalPrefill, learning_modal
from bot.forms.targets import targets_modal
from bot.localslack.blockkit import block_kit_problems
from bot.services.drafts import MAX_SKILL_LENGTH, MAX_SKILLS
from bot.services.fitness import DayActivity, Targets, fitness_summary
from bot.services.fitness_card import FitnessCard, SkillTime
from bot.services.goals import GoalProgress
from bot.services.learning import MAX_LINK_LENGTH, MAX_WHAT_LENGTH, WeekSummary
from bot.services.privacy import Holdings
from bot.views.fitness import (
    HISTORY_PAGE,
    fitness_help_message,
    fitness_message,
    forget_me_question,
    forgotten_message,
    history_message,
    targets_set_message,
)
from bot.views.format import counted, duration, duration_change, escape
from bot.views.goals import goal_lines
from bot.views.home import forgotten_home_view, home_view
from bot.views.learning import (
    error_message,
    help_message,
    logged_message,
    undone_message,
    updated_message,
)
from bot.views.values import MAX_ROW_ID
from models import EntryKind, Goal, GoalStatus, GoalTarget, LearningEntry, Skill, Visibility


def longest_entry(number: int = 1) -> LearningEntry:
    return LearningEntry(
        id=number,
        what="<!channel> & " + "w" * (MAX_WHAT_LENGTH - 13),
        minutes=960,
        kind=EntryKind.FORMAL,
        link="https://example.com/" + "l" * (MAX_LINK_LENGTH - 20),
        visibility=Visibility.PRIVATE,
        local_day=date(2026, 11, 24),
        skills=[Skill(name=f"{index}" + "s" * (MAX_SKILL_LENGTH - 1)) for index in range(MAX_SKILLS)],
    )


def longest_week() -> WeekSummary:
    return WeekSummary(
        week_start=date(2026, 11, 23),
        minutes=99_999,
        entries=500,
        recent=[longest_entry(n) for n in range(5)],
    )


def card(week: WeekSummary, *, busy: bool = True) -> FitnessCard:
    today = date(2026, 11, 25)
    activities = (
        [DayActivity(date(2026, 11, day), 960, kind) for day in range(1, 26) for kind in EntryKind]
        if busy
        else []
    )
    return FitnessCard(
        summary=fitness_summary(activities, [], Targets(), today=today),
        targets=Targets(days_per_week=7, minutes_per_week=1200),
        week=week,
        top_skills=[SkillTime(name="s" * MAX_SKILL_LENGTH, minutes=99_999)] * 5 if busy else [],
        rest_this_week=busy,
    )


@pytest.mark.parametrize(
    "payload",
    [
        logged_message(longest_entry(), longest_week()),
        logged_message(longest_entry(), longest_week(), duplicate=True),
        updated_message(longest_entry(), longest_week()),
        undone_message(longest_entry()),
        undone_message(None),
        error_message("x" * 5000),
        help_message(),
        fitness_message(card(longest_week())),
        fitness_message(card(WeekSummary(date(2026, 11, 23), 0, 0, []), busy=False)),
        fitness_help_message(),
        history_message(
            [longest_entry(n) for n in range(HISTORY_PAGE)], offset=15, more=True, note="n" * 200
        ),
        history_message([], offset=0, more=False),
        forget_me_question(Holdings(entries=10**6, goals=10**4)),
        forgotten_message(Holdings(entries=3, goals=1)),
        targets_set_message(Targets()),
    ],
    ids=lambda payload: payload["text"][:20],
)
def test_messages_fit_slacks_limits(payload):
    assert block_kit_problems(payload, "message") == []
    assert payload["text"]  # the notification and screen-reader fallback


def longest_goals() -> list[GoalProgress]:
    goal = Goal(
        id=1,
        title="g" * 150,
        target_kind=GoalTarget.MINUTES,
        target_value=60_000,
        due_date=date(2026, 11, 1),
        status=GoalStatus.ACTIVE,
        skills=[Skill(name="s" * MAX_SKILL_LENGTH) for _ in range(MAX_SKILLS)],
    )
    return [
        GoalProgress(goal=goal, minutes=59_000, sessions=900, fraction=0.98, overdue=True, reached=False)
    ] * 30


def test_home_fits_slacks_limits_with_the_longest_entries_and_most_goals():
    view = home_view(card(longest_week()), goal_lines(longest_goals(), today=date(2026, 11, 25)))
    assert block_kit_problems(view, "home") == []
    assert block_kit_problems(home_view(card(longest_week()), goal_lines([])), "home") == []
    assert block_kit_problems(forgotten_home_view(), "home") == []


def test_targets_modal_fits_slacks_limits():
    assert block_kit_problems(targets_modal(Targets(days_per_week=7, minutes_per_week=1200)), "modal") == []


def test_modal_fits_slacks_limits_when_prefilled_with_the_longest_entry():
    view = learning_modal(
        ModalPrefill.from_entry(longest_entry()),
        ModalContext(
            entry_id=MAX_ROW_ID,
            channel_id="C" + "X" * 20,
            origin=MessageOrigin(channel_id="D" + "X" * 20, message_ts="9" * 12 + "." + "9" * 8),
            from_message=True,
        ),
        today=date(2026, 11, 24),
    )
    assert block_kit_problems(view, "modal") == []
    assert len(view["private_metadata"]) <= 3000


def test_user_text_cannot_mention_channels_or_break_links():
    assert escape("<!channel> & <https://x|y>") == "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"
    assert "<!channel>" not in str(logged_message(longest_entry(), longest_week())["blocks"])


@pytest.mark.parametrize(
    ("minutes", "shown"), [(0, "0m"), (1, "1m"), (59, "59m"), (60, "1h"), (95, "1h 35m"), (355, "5h 55m")]
)
def test_durations_read_naturally_and_the_same_way_everywhere(minutes, shown):
    assert duration(minutes) == shown


@pytest.mark.parametrize(("minutes", "shown"), [(0, "same"), (355, "+5h 55m"), (-20, "\u221220m")])
def test_a_change_in_time_uses_the_same_format_as_a_duration(minutes, shown):
    assert duration_change(minutes) == shown


@pytest.mark.parametrize(
    ("count", "singular", "plural", "shown"),
    [
        (0, "goal", None, "0 goals"),
        (1, "goal", None, "1 goal"),
        (1, "entry", "entries", "1 entry"),
        (4, "entry", "entries", "4 entries"),
        (2, "person", "people", "2 people"),
    ],
)
def test_counted_nouns_agree_with_their_number(count, singular, plural, shown):
    assert counted(count, singular, plural) == shown


def test_modal_context_survives_garbage_private_metadata():
    assert ModalContext.load("not json") == ModalContext()
    assert ModalContext.load("[1, 2]") == ModalContext()
    assert ModalContext.load(ModalContext(entry_id=7, from_message=True).dump()) == ModalContext(
        entry_id=7, from_message=True
    )
