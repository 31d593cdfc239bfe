"""Learning fitness: rings, streaks and this week against last, from a person's own learning days.

Pure rules (no database, Slack or clock): the caller passes local dates, and weeks start on Monday.
The rules, as a person reads them:

- A *learning day* is a day on which you logged learning, or gave or got help.
- *Consistency* closes when your learning days this week reach your target (3 days unless you change it).
- *Time* closes when the minutes you logged this week reach your target (60 unless you change it).
  Help adds no minutes: only time you logged counts as time.
- *Mix* shows where your learning came from over four weeks (this week and the three before it):
  on the job, from people, formal. Shares are by minutes, and each time you gave or got help counts as
  15 minutes from people. Mix closes when all three appear. It is a nudge, and never decides a week.
- A week is *met* when Consistency and Time both close.
- Your *streak* is how many met weeks you have in a row, up to last week, plus this week once it is met.
  This week can only add to your streak: it never breaks it while it is still going.
- A *rest week* you mark neither breaks nor extends your streak. You get one in any four weeks: a rest
  week counts if none of the three weeks before it was a counted rest week; otherwise it is an ordinary
  week. If you meet your targets in a rest week anyway, it counts as met and uses up no rest.
- Learning dated after today is not counted yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.services.learning import week_start  # one definition of a week, shared with logging
from models import EntryKind

HELP_EVENT_MINUTES = 15  # what one help given or received weighs in Mix; it never adds to Time
MIX_WEEKS = 4
REST_ONE_IN_WEEKS = 4
MIN_DAYS_PER_WEEK, MAX_DAYS_PER_WEEK = 1, 7
MIN_MINUTES_PER_WEEK, MAX_MINUTES_PER_WEEK = 10, 1200
WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class DayActivity:
    """One logged learning entry, reduced to what fitness needs."""

    day: date
    minutes: int
    kind: EntryKind

    def __post_init__(self) -> None:
        if self.minutes < 0:
            raise ValueError("learning minutes cannot be negative")


@dataclass(frozen=True)
class HelpEvent:
    """Help given or received on a local day: a learning day, and learning from people."""

    day: date


@dataclass(frozen=True)
class Targets:
    days_per_week: int = 3
    minutes_per_week: int = 60

    def __post_init__(self) -> None:
        if not MIN_DAYS_PER_WEEK <= self.days_per_week <= MAX_DAYS_PER_WEEK:
            raise ValueError(
                f"aim for {MIN_DAYS_PER_WEEK} to {MAX_DAYS_PER_WEEK} learning days a week, "
                f"not {self.days_per_week}"
            )
        if not MIN_MINUTES_PER_WEEK <= self.minutes_per_week <= MAX_MINUTES_PER_WEEK:
            raise ValueError(
                f"aim for {MIN_MINUTES_PER_WEEK} to {MAX_MINUTES_PER_WEEK} minutes a week, "
                f"not {self.minutes_per_week}"
            )


@dataclass(frozen=True)
class Ring:
    value: int
    target: int  # always at least 1

    @property
    def fraction(self) -> float:
        """How full the ring is drawn, from 0 to 1: going past the target is not a bigger ring."""
        return min(1.0, self.value / self.target)

    @property
    def closed(self) -> bool:
        return self.value >= self.target


@dataclass(frozen=True)
class MixRing(Ring):
    """`value` is how many of the three sources appear; the minutes include help at its weight."""

    job_minutes: int
    people_minutes: int
    formal_minutes: int

    def minutes(self, kind: EntryKind) -> int:
        return {
            EntryKind.JOB: self.job_minutes,
            EntryKind.PEOPLE: self.people_minutes,
            EntryKind.FORMAL: self.formal_minutes,
        }[kind]

    @property
    def shares(self) -> dict[EntryKind, float]:
        """Each source's share of the weighted minutes; all zero when there is nothing yet."""
        total = self.job_minutes + self.people_minutes + self.formal_minutes
        return {kind: self.minutes(kind) / total if total else 0.0 for kind in EntryKind}


@dataclass(frozen=True)
class Rings:
    week_start: date
    consistency: Ring
    time: Ring
    mix: MixRing

    @property
    def met(self) -> bool:
        return self.consistency.closed and self.time.closed


@dataclass(frozen=True)
class Streak:
    current: int
    best: int


@dataclass(frozen=True)
class WeekComparison:
    """This week so far against the whole of last week."""

    this_week_minutes: int
    this_week_days: int
    last_week_minutes: int
    last_week_days: int

    @property
    def minutes_change(self) -> int:
        return self.this_week_minutes - self.last_week_minutes

    @property
    def days_change(self) -> int:
        return self.this_week_days - self.last_week_days


@dataclass(frozen=True)
class WeekTotals:
    """One week's learning days and minutes, and whether it met the targets."""

    week_start: date
    days: int
    minutes: int
    met: bool


@dataclass(frozen=True)
class FitnessSummary:
    today: date
    rings: Rings  # this week's
    streak: Streak
    comparison: WeekComparison
    recent: tuple[WeekTotals, ...] = ()  # the last weeks, oldest first, when asked for


@dataclass
class _Week:
    days: int = 0
    minutes: int = 0
    mix: dict[EntryKind, int] = field(default_factory=lambda: dict.fromkeys(EntryKind, 0))


_NO_LEARNING = _Week()


def _weeks(
    activities: Iterable[DayActivity], help_events: Iterable[HelpEvent], today: date
) -> dict[date, _Week]:
    """Each week's totals in one pass, so every later question is a few look-ups."""
    weeks: dict[date, _Week] = {}
    week_of_day: dict[date, _Week] = {}  # also the set of learning days seen so far

    def week_of(day: date) -> _Week:
        week = week_of_day.get(day)
        if week is None:
            week = weeks.setdefault(week_start(day), _Week())
            week.days += 1
            week_of_day[day] = week
        return week

    for activity in activities:
        if activity.day <= today:
            week = week_of(activity.day)
            week.minutes += activity.minutes
            week.mix[activity.kind] += activity.minutes
    for help_event in help_events:
        if help_event.day <= today:
            week_of(help_event.day).mix[EntryKind.PEOPLE] += HELP_EVENT_MINUTES
    return weeks


def _met(week: _Week, targets: Targets) -> bool:
    return week.days >= targets.days_per_week and week.minutes >= targets.minutes_per_week


def _check_monday(day: date) -> None:
    if day.weekday() != 0:
        raise ValueError(f"weeks start on a Monday; {day:%A %Y-%m-%d} is not one")


def _rings(weeks: dict[date, _Week], targets: Targets, monday: date) -> Rings:
    week = weeks.get(monday, _NO_LEARNING)
    mix = dict.fromkeys(EntryKind, 0)
    for back in range(MIX_WEEKS):
        for kind, minutes in weeks.get(monday - back * WEEK, _NO_LEARNING).mix.items():
            mix[kind] += minutes
    return Rings(
        week_start=monday,
        consistency=Ring(week.days, targets.days_per_week),
        time=Ring(week.minutes, targets.minutes_per_week),
        mix=MixRing(
            value=sum(1 for minutes in mix.values() if minutes > 0),
            target=len(EntryKind),
            job_minutes=mix[EntryKind.JOB],
            people_minutes=mix[EntryKind.PEOPLE],
            formal_minutes=mix[EntryKind.FORMAL],
        ),
    )


def _streak(weeks: dict[date, _Week], targets: Targets, today: date, rest_weeks: Iterable[date]) -> Streak:
    this_week = week_start(today)
    rests = {monday for monday in map(week_start, rest_weeks) if monday <= this_week}
    # Only weeks with learning or a rest mark can change the count, so visit those (and this week) in
    # order; any week skipped over in between had neither, so it broke the streak.
    run = best = 0
    previous: date | None = None
    last_rest: date | None = None
    for monday in sorted({*weeks, *rests, this_week}):
        if previous is not None and monday - previous > WEEK:
            run = 0
        previous = monday
        if _met(weeks.get(monday, _NO_LEARNING), targets):
            run += 1
            best = max(best, run)
        elif monday in rests and (last_rest is None or monday - last_rest >= REST_ONE_IN_WEEKS * WEEK):
            last_rest = monday
        elif monday != this_week:
            run = 0
    return Streak(current=run, best=best)


def _comparison(weeks: dict[date, _Week], today: date) -> WeekComparison:
    this_week = weeks.get(week_start(today), _NO_LEARNING)
    last_week = weeks.get(week_start(today) - WEEK, _NO_LEARNING)
    return WeekComparison(
        this_week_minutes=this_week.minutes,
        this_week_days=this_week.days,
        last_week_minutes=last_week.minutes,
        last_week_days=last_week.days,
    )


def rings_for_week(
    activities: Iterable[DayActivity],
    help_events: Iterable[HelpEvent],
    targets: Targets,
    *,
    week_start: date,
    today: date,
) -> Rings:
    """The three rings for the week starting on the Monday `week_start`, counting only up to `today`."""
    _check_monday(week_start)
    return _rings(_weeks(activities, help_events, today), targets, week_start)


def week_met(
    activities: Iterable[DayActivity],
    help_events: Iterable[HelpEvent],
    targets: Targets,
    *,
    week_start: date,
    today: date,
) -> bool:
    """Whether Consistency and Time both close that week (Mix never decides it)."""
    return rings_for_week(activities, help_events, targets, week_start=week_start, today=today).met


def streak(
    activities: Iterable[DayActivity],
    help_events: Iterable[HelpEvent],
    targets: Targets,
    *,
    today: date,
    rest_weeks: Iterable[date] = (),
) -> Streak:
    """Met weeks in a row, and the best run ever. `rest_weeks` holds any day of each marked rest week."""
    return _streak(_weeks(activities, help_events, today), targets, today, rest_weeks)


def week_comparison(
    activities: Iterable[DayActivity], help_events: Iterable[HelpEvent], *, today: date
) -> WeekComparison:
    return _comparison(_weeks(activities, help_events, today), today)


def _recent(weeks: dict[date, _Week], targets: Targets, today: date, count: int) -> list[WeekTotals]:
    this_week = week_start(today)
    mondays = [this_week - back * WEEK for back in reversed(range(count))]
    return [
        WeekTotals(
            week_start=monday,
            days=weeks.get(monday, _NO_LEARNING).days,
            minutes=weeks.get(monday, _NO_LEARNING).minutes,
            met=_met(weeks.get(monday, _NO_LEARNING), targets),
        )
        for monday in mondays
    ]


def fitness_summary(
    activities: Iterable[DayActivity],
    help_events: Iterable[HelpEvent],
    targets: Targets,
    *,
    today: date,
    rest_weeks: Iterable[date] = (),
    recent: int = 0,
) -> FitnessSummary:
    """This week's rings, the streak and the comparison (and the `recent` last weeks' totals, for a chart),
    from one pass over the history."""
    weeks = _weeks(activities, help_events, today)
    return FitnessSummary(
        today=today,
        rings=_rings(weeks, targets, week_start(today)),
        streak=_streak(weeks, targets, today, rest_weeks),
        comparison=_comparison(weeks, today),
        recent=tuple(_recent(weeks, targets, today, recent)),
    )
