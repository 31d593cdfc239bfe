"""Learning fitness rules: rings, met weeks, streaks with rest weeks, and this week against last.

Examples tell the story; property tests hold the fast rules to a slow, obvious reading of them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.fitness import (
    HELP_EVENT_MINUTES,
    DayActivity,
    FitnessSummary,
    HelpEvent,
    MixRing,
    Ring,
    Rings,
    Streak,
    Targets,
    WeekComparison,
    fitness_summary,
    rings_for_week,
    streak,
    week_comparison,
    week_met,
    week_start,
)
from models import EntryKind

JOB, PEOPLE, FORMAL = EntryKind.JOB, EntryKind.PEOPLE, EntryKind.FORMAL
KINDS = list(EntryKind)
MONDAY = date(2026, 11, 23)  # the week of the app's test clock (Tuesday 24 November 2026)
DEFAULT = Targets()


def day(week: int, weekday: int = 0) -> date:
    """A day counted from MONDAY: `day(-1, 2)` is last week's Wednesday."""
    return MONDAY + timedelta(weeks=week, days=weekday)


def learned(on: date, minutes: int, kind: EntryKind = JOB) -> DayActivity:
    return DayActivity(on, minutes, kind)


def met_week(week: int) -> list[DayActivity]:
    """Exactly the default targets: three days, an hour."""
    return [learned(day(week, weekday), 20) for weekday in (0, 2, 4)]


# Weeks and rings


def test_week_starts_on_monday():
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)  # Monday
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)  # Sunday
    assert week_start(date(2026, 11, 30)) == date(2026, 11, 30)  # next Monday
    sunday, next_monday = learned(day(0, 6), 25), learned(day(1, 0), 40)

    rings = rings_for_week([sunday, next_monday], [], DEFAULT, week_start=MONDAY, today=day(1, 3))

    assert (rings.consistency.value, rings.time.value) == (1, 25)


def test_three_days_and_an_hour_close_both_rings():
    rings = rings_for_week(met_week(0), [], DEFAULT, week_start=MONDAY, today=day(0, 6))

    assert rings.consistency == Ring(value=3, target=3)
    assert rings.time == Ring(value=60, target=60)
    assert (rings.consistency.fraction, rings.consistency.closed) == (1.0, True)
    assert (rings.time.fraction, rings.time.closed) == (1.0, True)
    assert rings.met is True
    assert week_met(met_week(0), [], DEFAULT, week_start=MONDAY, today=day(0, 6)) is True


def test_one_long_session_fills_time_but_not_consistency():
    rings = rings_for_week([learned(day(0, 1), 150)], [], DEFAULT, week_start=MONDAY, today=day(0, 6))

    assert rings.consistency == Ring(value=1, target=3)
    assert rings.consistency.fraction == 1 / 3
    assert rings.consistency.closed is False
    assert rings.time == Ring(value=150, target=60)
    assert (rings.time.fraction, rings.time.closed) == (1.0, True)  # the ring is full, not 250%
    assert rings.met is False


def test_several_entries_on_one_day_are_one_learning_day():
    entries = [learned(day(0, 1), 10), learned(day(0, 1), 15, FORMAL), learned(day(0, 3), 5)]

    rings = rings_for_week(entries, [HelpEvent(day(0, 1))], DEFAULT, week_start=MONDAY, today=day(0, 6))

    assert (rings.consistency.value, rings.time.value) == (2, 30)


def test_personal_targets_set_the_rings():
    targets = Targets(days_per_week=5, minutes_per_week=150)

    rings = rings_for_week(met_week(0), [], targets, week_start=MONDAY, today=day(0, 6))

    assert (rings.consistency, rings.time) == (Ring(3, 5), Ring(60, 150))
    assert (rings.consistency.fraction, rings.time.fraction) == (0.6, 0.4)
    assert rings.met is False


def test_help_is_a_learning_day_and_learning_from_people_but_adds_no_minutes():
    entries = [learned(day(0, 0), 30), learned(day(0, 2), 30)]
    helped = [HelpEvent(day(0, 4)), HelpEvent(day(0, 4))]

    rings = rings_for_week(entries, helped, DEFAULT, week_start=MONDAY, today=day(0, 6))

    assert rings.consistency == Ring(3, 3)
    assert rings.time == Ring(60, 60)
    assert rings.mix == MixRing(value=2, target=3, job_minutes=60, people_minutes=30, formal_minutes=0)
    assert HELP_EVENT_MINUTES == 15
    assert rings.mix.shares == {JOB: 60 / 90, PEOPLE: 30 / 90, FORMAL: 0.0}


def test_mix_covers_this_week_and_the_three_before_it():
    entries = [
        learned(day(-4, 6), 500, FORMAL),  # five weeks ago: outside the window
        learned(day(-3, 0), 20, FORMAL),
        learned(day(-1, 2), 45, PEOPLE),
        learned(day(0, 1), 15),
        learned(day(0, 3), 90, FORMAL),  # after today: not counted yet
    ]

    rings = rings_for_week(entries, [], DEFAULT, week_start=MONDAY, today=day(0, 2))

    assert rings.mix == MixRing(value=3, target=3, job_minutes=15, people_minutes=45, formal_minutes=20)
    assert (rings.mix.fraction, rings.mix.closed) == (1.0, True)
    assert rings.mix.shares == {JOB: 0.1875, PEOPLE: 0.5625, FORMAL: 0.25}


def test_mix_alone_never_meets_a_week():
    entries = [learned(day(0, 0), 20, JOB), learned(day(0, 1), 20, PEOPLE), learned(day(0, 2), 19, FORMAL)]

    rings = rings_for_week(entries, [], DEFAULT, week_start=MONDAY, today=day(0, 6))

    assert (rings.mix.closed, rings.consistency.closed, rings.time.closed, rings.met) == (
        True,
        True,
        False,
        False,
    )


def test_learning_dated_after_today_is_not_counted_yet():
    entries = [learned(day(0, 0), 30), learned(day(0, 1), 30), learned(day(0, 2), 30)]

    rings = rings_for_week(entries, [HelpEvent(day(0, 3))], DEFAULT, week_start=MONDAY, today=day(0, 1))

    assert (rings.consistency.value, rings.time.value, rings.mix.people_minutes) == (2, 60, 0)


def test_nothing_logged_yet_shows_empty_rings_and_no_streak():
    summary = fitness_summary([], [], DEFAULT, today=day(0, 1))

    assert summary.rings == Rings(
        week_start=MONDAY,
        consistency=Ring(0, 3),
        time=Ring(0, 60),
        mix=MixRing(value=0, target=3, job_minutes=0, people_minutes=0, formal_minutes=0),
    )
    assert summary.rings.mix.shares == {JOB: 0.0, PEOPLE: 0.0, FORMAL: 0.0}
    assert summary.streak == Streak(current=0, best=0)
    assert summary.comparison == WeekComparison(0, 0, 0, 0)


def test_rings_are_asked_for_a_week_by_its_monday():
    with pytest.raises(ValueError, match="Monday"):
        rings_for_week([], [], DEFAULT, week_start=day(0, 1), today=day(0, 1))


@pytest.mark.parametrize(
    ("days", "minutes", "allowed"),
    [
        (1, 10, True),
        (7, 1200, True),
        (3, 60, True),
        (0, 60, False),
        (8, 60, False),
        (3, 9, False),
        (3, 1201, False),
    ],
)
def test_targets_stay_within_what_a_week_can_hold(days, minutes, allowed):
    if allowed:
        assert Targets(days, minutes) == Targets(days_per_week=days, minutes_per_week=minutes)
    else:
        with pytest.raises(ValueError, match="aim for"):
            Targets(days, minutes)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        DayActivity(MONDAY, -5, JOB)


# Streaks


def test_met_weeks_in_a_row_make_the_streak():
    history = met_week(-3) + met_week(-2) + met_week(-1)

    assert streak(history, [], DEFAULT, today=day(0, 6)) == Streak(current=3, best=3)


def test_unfinished_current_week_never_breaks_the_streak():
    history = met_week(-2) + met_week(-1) + [learned(day(0, 0), 10)]

    assert streak(history, [], DEFAULT, today=day(0, 6)) == Streak(current=2, best=2)


def test_this_week_joins_the_streak_as_soon_as_it_is_met():
    history = met_week(-2) + met_week(-1) + met_week(0)

    assert streak(history, [], DEFAULT, today=day(0, 3)) == Streak(current=2, best=2)  # Friday not here yet
    assert streak(history, [], DEFAULT, today=day(0, 4)) == Streak(current=3, best=3)


def test_a_missed_week_breaks_the_streak_and_the_best_is_remembered():
    history = met_week(-6) + met_week(-5) + met_week(-4) + [learned(day(-3, 0), 59)] + met_week(-2)

    assert streak(history, [], DEFAULT, today=day(0, 0)) == Streak(current=0, best=3)  # last week missed
    assert streak(history, [], DEFAULT, today=day(-1, 0)) == Streak(current=1, best=3)


def test_a_rest_week_keeps_the_streak():
    history = met_week(-4) + met_week(-3) + met_week(-1)

    assert streak(history, [], DEFAULT, today=day(0, 2)) == Streak(current=1, best=2)
    assert streak(history, [], DEFAULT, today=day(0, 2), rest_weeks={day(-2)}) == Streak(current=3, best=3)


def test_a_rest_week_can_be_marked_by_any_of_its_days():
    history = met_week(-3) + met_week(-1)

    assert streak(history, [], DEFAULT, today=day(0, 2), rest_weeks={day(-2, 5)}) == Streak(2, 2)


def test_resting_this_week_keeps_the_streak_too():
    history = met_week(-2) + met_week(-1)

    assert streak(history, [], DEFAULT, today=day(0, 6), rest_weeks={MONDAY}) == Streak(2, 2)
    assert streak(history, [], DEFAULT, today=day(1, 0), rest_weeks={MONDAY}) == Streak(2, 2)


def test_two_rest_weeks_within_four_weeks_break_the_streak():
    history = met_week(-5) + met_week(-3) + met_week(-1)
    rest_weeks = {day(-4), day(-2)}  # two weeks apart: the second is an ordinary, missed week

    assert streak(history, [], DEFAULT, today=day(0, 2), rest_weeks=rest_weeks) == Streak(current=1, best=2)


def test_a_second_rest_three_weeks_later_is_an_ordinary_week():
    history = met_week(-6) + met_week(-5) + met_week(-3) + met_week(-2)
    rest_weeks = {day(-4), day(-1)}  # both in the four weeks from -4 to -1

    assert streak(history, [], DEFAULT, today=day(0, 2), rest_weeks=rest_weeks) == Streak(current=0, best=4)


def test_rest_weeks_four_weeks_apart_both_count():
    history = met_week(-7) + met_week(-6) + met_week(-5) + met_week(-3) + met_week(-2) + met_week(-1)
    rest_weeks = {day(-8), day(-4)}  # the first rest, before any learning, counts but adds nothing

    assert streak(history, [], DEFAULT, today=day(0, 2), rest_weeks=rest_weeks) == Streak(current=6, best=6)


def test_a_refused_rest_week_does_not_delay_the_next_one():
    history = met_week(-9) + met_week(-7) + met_week(-5) + met_week(-3) + met_week(-2) + met_week(-1)
    # -8 counts; -6 comes within three weeks of it, so it is a missed week; -4 is four weeks after -8.
    rest_weeks = {day(-8), day(-6), day(-4)}

    assert streak(history, [], DEFAULT, today=day(0, 2), rest_weeks=rest_weeks) == Streak(current=4, best=4)


def test_a_rest_week_you_learned_in_counts_as_met_and_uses_no_rest():
    history = met_week(-4) + met_week(-3) + met_week(-1)
    rest_weeks = {day(-3), day(-2)}  # -3 was met anyway, so resting in -2 still counts

    assert streak(history, [], DEFAULT, today=day(0, 2), rest_weeks=rest_weeks) == Streak(current=3, best=3)


def test_rest_alone_never_starts_a_streak():
    assert streak([], [], DEFAULT, today=day(0, 2), rest_weeks={day(-1)}) == Streak(0, 0)


def test_help_days_count_toward_a_met_week():
    history = [learned(day(-1, 0), 40), learned(day(-1, 1), 20)]

    assert streak(history, [HelpEvent(day(-1, 3))], DEFAULT, today=day(0, 0)) == Streak(1, 1)
    assert streak(history, [], DEFAULT, today=day(0, 0)) == Streak(0, 0)


# This week against last, and the summary


def test_week_comparison_shows_this_week_so_far_against_last_week():
    history = [*met_week(-1), learned(day(-1, 6), 30), learned(day(0, 0), 25), learned(day(0, 0), 5)]

    comparison = week_comparison(history, [HelpEvent(day(0, 1))], today=day(0, 1))

    assert comparison == WeekComparison(
        this_week_minutes=30, this_week_days=2, last_week_minutes=90, last_week_days=4
    )
    assert (comparison.minutes_change, comparison.days_change) == (-60, -2)


def test_fitness_summary_gathers_this_weeks_rings_the_streak_and_the_comparison():
    history = met_week(-2) + met_week(-1) + [learned(day(0, 1), 45, FORMAL)]
    helped = [HelpEvent(day(0, 2))]

    summary = fitness_summary(iter(history), iter(helped), DEFAULT, today=day(0, 3), rest_weeks={day(-3)})

    assert summary == FitnessSummary(
        today=day(0, 3),
        rings=Rings(
            week_start=MONDAY,
            consistency=Ring(2, 3),
            time=Ring(45, 60),
            mix=MixRing(value=3, target=3, job_minutes=120, people_minutes=15, formal_minutes=45),
        ),
        streak=Streak(current=2, best=2),
        comparison=WeekComparison(
            this_week_minutes=45, this_week_days=2, last_week_minutes=60, last_week_days=3
        ),
    )


# The fast rules against a slow, obvious reading of them

FIRST_MONDAY = date(2024, 1, 1)
BEFORE_EVERYTHING = FIRST_MONDAY - timedelta(weeks=1)  # before any generated day, rest week or today
WEEKS_OF_HISTORY = 104
GAP_WEEKS = 9

# A generated week sits right on the person's targets or just below them, so both sides of every
# boundary come up; GAP skips nine weeks, so a few dozen plans can span two years. A week is drawn as
# (plan, marked as rest): mostly met weeks, with rested misses often enough to run into one-in-four.
PLANS = ("met", "met with help", "a day short", "a minute short", "empty", "gap")
MET, MET_WITH_HELP, DAY_SHORT, MINUTE_SHORT, EMPTY, GAP = PLANS
WEEK_PLANS = st.sampled_from(
    [(MET, False)] * 5
    + [(plan, False) for plan in PLANS]
    + [(MET, True)]
    + [(plan, True) for plan in (DAY_SHORT, MINUTE_SHORT, EMPTY)] * 2
)
PLAN_COUNT = st.integers(0, 40)
ANY_DAY = st.integers(0, 7 * WEEKS_OF_HISTORY - 1)
STRAYS = st.lists(st.tuples(ANY_DAY, st.integers(0, 240), st.sampled_from(KINDS)), max_size=5)
ODD_DAYS = st.lists(ANY_DAY, max_size=3)  # stray help events and rest marks


def planned_week(plan: str, monday: date, targets: Targets) -> tuple[list[DayActivity], list[HelpEvent]]:
    days, minutes = targets.days_per_week, targets.minutes_per_week
    rotation = monday.toordinal() // 7  # vary the weekdays and kinds from week to week

    def spread(day_count: int, total: int) -> list[DayActivity]:
        return [
            DayActivity(
                monday + timedelta(days=(rotation + k) % 7),
                total // day_count + (total % day_count if k == 0 else 0),
                KINDS[(rotation + k) % 3],
            )
            for k in range(day_count)
        ]

    if plan == MET:
        return spread(days, minutes), []
    if plan == MET_WITH_HELP:  # help is the last learning day (or shares the only one)
        return spread(max(days - 1, 1), minutes), [
            HelpEvent(monday + timedelta(days=(rotation + days - 1) % 7))
        ]
    if plan == DAY_SHORT:
        return (spread(days - 1, minutes) if days > 1 else []), []
    if plan == MINUTE_SHORT:
        return spread(days, minutes - 1), []
    return [], []


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[DayActivity], list[HelpEvent], Targets, date, set[date]]:
    """Up to two years of weeks planned around random targets, with rests, gaps and stray entries."""
    targets = Targets(days_per_week=draw(st.integers(1, 7)), minutes_per_week=draw(st.integers(10, 1200)))
    start = FIRST_MONDAY + timedelta(weeks=draw(st.integers(0, 26)))
    activities, help_events, rest_weeks = [], [], set()
    monday = start
    for plan, rest in draw(st.lists(WEEK_PLANS, min_size=draw(PLAN_COUNT), max_size=40)):
        if monday >= start + timedelta(weeks=WEEKS_OF_HISTORY):
            break
        if plan == GAP:
            monday += timedelta(weeks=GAP_WEEKS)
            continue
        entries, helped = planned_week(plan, monday, targets)
        activities += entries
        help_events += helped
        if rest:
            rest_weeks.add(monday + timedelta(days=len(activities) % 7))  # any day of the week marks it
        monday += timedelta(weeks=1)

    def on(offset: int) -> date:
        return start + timedelta(days=offset)

    activities += [DayActivity(on(offset), minutes, kind) for offset, minutes, kind in draw(STRAYS)]
    help_events += [HelpEvent(on(offset)) for offset in draw(ODD_DAYS)]
    rest_weeks |= {on(offset) for offset in draw(ODD_DAYS)}
    # Today anywhere from the week before the history to a fortnight after it, shrinking towards the start.
    history_days = (monday - start).days + 21
    today = start - timedelta(days=7) + timedelta(days=history_days * draw(st.integers(0, 1000)) // 1000)
    return activities, help_events, targets, today, rest_weeks


def by_day(activities, help_events):
    """Each day's entries and help events, so the slow walks below can look a day up."""
    days = {}
    for item in [*activities, *help_events]:
        days.setdefault(item.day, []).append(item)
    return days


def slow_week(days, monday, today):
    """Learning days and minutes of one week, one day at a time."""
    learning_days = minutes = 0
    for offset in range(7):
        current = monday + timedelta(days=offset)
        if current <= today and current in days:
            learning_days += 1
            minutes += sum(item.minutes for item in days[current] if isinstance(item, DayActivity))
    return learning_days, minutes


def slow_mix(days, monday, today):
    minutes = {JOB: 0, PEOPLE: 0, FORMAL: 0}
    current = monday - timedelta(weeks=3)
    while current <= monday + timedelta(days=6) and current <= today:
        for item in days.get(current, []):
            if isinstance(item, DayActivity):
                minutes[item.kind] += item.minutes
            else:
                minutes[PEOPLE] += HELP_EVENT_MINUTES
        current += timedelta(days=1)
    return minutes


def slow_streak(days, targets, today, rest_weeks):
    """Mark every week since before the history met, rest or neither; then count back from each week."""
    this_monday = today - timedelta(days=today.weekday())
    rest_mondays = {rest - timedelta(days=rest.weekday()) for rest in rest_weeks}
    met, counted_rests = {}, set()
    monday = BEFORE_EVERYTHING
    while monday <= this_monday:
        learning_days, minutes = slow_week(days, monday, today)
        met[monday] = learning_days >= targets.days_per_week and minutes >= targets.minutes_per_week
        three_before = [monday - timedelta(weeks=back) for back in (1, 2, 3)]
        if (
            not met[monday]
            and monday in rest_mondays
            and not any(week in counted_rests for week in three_before)
        ):
            counted_rests.add(monday)
        monday += timedelta(weeks=1)

    def streak_ending(last):
        count, monday = 0, last
        if last == this_monday and not met[last]:
            monday -= timedelta(weeks=1)
        while monday in met:
            if met[monday]:
                count += 1
            elif monday not in counted_rests:
                break
            monday -= timedelta(weeks=1)
        return count

    return streak_ending(this_monday), max(streak_ending(monday) for monday in met)


@settings(max_examples=200, deadline=None)
@given(histories(), st.integers(-8, 2))
def test_rings_match_a_day_by_day_count(history, weeks_from_now):
    activities, help_events, targets, today, _ = history
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_from_now)

    rings = rings_for_week(activities, help_events, targets, week_start=monday, today=today)

    days = by_day(activities, help_events)
    learning_days, minutes = slow_week(days, monday, today)
    mix = slow_mix(days, monday, today)
    assert rings == Rings(
        week_start=monday,
        consistency=Ring(learning_days, targets.days_per_week),
        time=Ring(minutes, targets.minutes_per_week),
        mix=MixRing(
            value=sum(1 for kind_minutes in mix.values() if kind_minutes),
            target=3,
            job_minutes=mix[JOB],
            people_minutes=mix[PEOPLE],
            formal_minutes=mix[FORMAL],
        ),
    )
    assert rings.consistency.fraction == min(1.0, learning_days / targets.days_per_week)
    assert rings.time.closed == (minutes >= targets.minutes_per_week)
    assert rings.met == (learning_days >= targets.days_per_week and minutes >= targets.minutes_per_week)


@settings(max_examples=200, deadline=None)
@given(histories())
def test_streak_matches_a_week_by_week_walk(history):
    activities, help_events, targets, today, rest_weeks = history

    result = streak(activities, help_events, targets, today=today, rest_weeks=rest_weeks)

    assert (result.current, result.best) == slow_streak(
        by_day(activities, help_events), targets, today, rest_weeks
    )


@settings(max_examples=50, deadline=None)
@given(histories())
def test_summary_agrees_with_the_separate_rules(history):
    activities, help_events, targets, today, rest_weeks = history
    this_monday = week_start(today)

    summary = fitness_summary(activities, help_events, targets, today=today, rest_weeks=rest_weeks)

    assert summary.rings == rings_for_week(
        activities, help_events, targets, week_start=this_monday, today=today
    )
    assert summary.streak == streak(activities, help_events, targets, today=today, rest_weeks=rest_weeks)
    days = by_day(activities, help_events)
    this_week_days, this_week_minutes = slow_week(days, this_monday, today)
    last_week_days, last_week_minutes = slow_week(days, this_monday - timedelta(weeks=1), today)
    assert summary.comparison == WeekComparison(
        this_week_minutes, this_week_days, last_week_minutes, last_week_days
    )
