"""Everything the fitness card and App Home show, loaded in a fixed handful of SQL statements.

The rules live in bot/services/fitness.py; this module feeds them a person's per-day totals, aggregated by
the database, so the cost does not grow with the number of entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.services.fitness import (
    WEEK,
    DayActivity,
    FitnessSummary,
    HelpEvent,
    Targets,
    WeekTotals,
    fitness_summary,
)
from bot.services.learning import WeekSummary, week_start
from bot.services.people import local_today, zone_of
from models import HelpCredit, LearningEntry, Person, RestWeek, Skill, entry_skills

TOP_SKILLS_DAYS = 30
TOP_SKILLS_LIMIT = 5
TREND_WEEKS = 8  # the weeks the card's chart shows, this one included


@dataclass(frozen=True)
class SkillTime:
    name: str
    minutes: int


@dataclass(frozen=True)
class FitnessCard:
    summary: FitnessSummary
    targets: Targets
    week: WeekSummary
    top_skills: list[SkillTime]
    rest_this_week: bool
    help_given: int = 0  # times this person was credited for helping
    help_received: int = 0  # helpers this person credited on their questions
    next_nudge: datetime | None = None  # in the person's timezone; None while nudges are off
    nudges_snoozed_until: datetime | None = None  # in the person's timezone, while the snooze lasts
    trend: tuple[WeekTotals, ...] = ()  # the last TREND_WEEKS weeks, oldest first, for the chart
    nudges_enabled: bool = True  # with no next nudge: they start once the person logs learning
    # Minutes logged last week up to the same weekday and time of day as now (in the person's timezone).
    last_week_so_far_minutes: int = 0


def targets_of(person: Person) -> Targets:
    return Targets(days_per_week=person.target_days_per_week, minutes_per_week=person.target_minutes_per_week)


def set_targets(person: Person, targets: Targets) -> None:
    person.target_days_per_week = targets.days_per_week
    person.target_minutes_per_week = targets.minutes_per_week


def _mine(person: Person) -> ColumnElement[bool]:
    return and_(LearningEntry.team_id == person.team_id, LearningEntry.person_id == person.id)


def _daily_activity(session: Session, person: Person) -> tuple[list[DayActivity], dict[date, int]]:
    """Minutes per local day and kind, and entries per day, in one grouped query."""
    rows = session.execute(
        select(
            LearningEntry.local_day,
            LearningEntry.kind,
            func.sum(LearningEntry.minutes),
            func.count(LearningEntry.id),
        )
        .where(_mine(person))
        .group_by(LearningEntry.local_day, LearningEntry.kind)
    ).all()
    activities = [DayActivity(day=day, minutes=int(minutes), kind=kind) for day, kind, minutes, _ in rows]
    entries_per_day: dict[date, int] = {}
    for day, _, _, count in rows:
        entries_per_day[day] = entries_per_day.get(day, 0) + int(count)
    return activities, entries_per_day


def _top_skills(session: Session, person: Person, today: date) -> list[SkillTime]:
    since = today - timedelta(days=TOP_SKILLS_DAYS - 1)
    rows = session.execute(
        select(Skill.name, func.sum(LearningEntry.minutes).label("minutes"))
        .join(entry_skills, entry_skills.c.skill_id == Skill.id)
        .join(LearningEntry, LearningEntry.id == entry_skills.c.entry_id)
        .where(_mine(person), LearningEntry.local_day >= since)
        .group_by(Skill.name)
        .order_by(func.sum(LearningEntry.minutes).desc(), Skill.name)
        .limit(TOP_SKILLS_LIMIT)
    ).all()
    return [SkillTime(name, int(minutes)) for name, minutes in rows]


def _help_credits(session: Session, person: Person) -> tuple[list[HelpEvent], int, int]:
    """Help given and received, each on this person's own local day, in one query."""
    rows = session.execute(
        select(HelpCredit.helper_id, HelpCredit.helper_day, HelpCredit.asker_day).where(
            HelpCredit.team_id == person.team_id,
            or_(HelpCredit.helper_id == person.id, HelpCredit.asker_id == person.id),
        )
    ).all()
    events = [
        HelpEvent(helper_day if helper_id == person.id else asker_day)
        for helper_id, helper_day, asker_day in rows
    ]
    given = sum(1 for helper_id, _, _ in rows if helper_id == person.id)
    return events, given, len(rows) - given


def recent_entries(session: Session, person: Person, *, limit: int, offset: int = 0) -> list[LearningEntry]:
    return list(
        session.scalars(
            select(LearningEntry)
            .where(_mine(person))
            .order_by(
                LearningEntry.local_day.desc(), LearningEntry.created_at.desc(), LearningEntry.id.desc()
            )
            .limit(limit)
            .offset(offset)
        )
    )


def minutes_by_now_last_week(session: Session, person: Person, *, now: datetime) -> int:
    """What the person had logged last week by this point of it: every day before today's weekday, and on
    that weekday what they had logged by this time of day, both in their timezone. Early in a week this is
    the fair comparison; the whole of last week is not."""
    then = now.astimezone(zone_of(person)) - WEEK  # aware arithmetic keeps the wall-clock time
    then_day, then_utc = then.date(), then.astimezone(UTC)
    minutes = session.scalar(
        select(func.coalesce(func.sum(LearningEntry.minutes), 0)).where(
            _mine(person),
            LearningEntry.local_day >= week_start(then_day),
            or_(
                LearningEntry.local_day < then_day,
                and_(LearningEntry.local_day == then_day, LearningEntry.created_at <= then_utc),
            ),
        )
    )
    return int(minutes or 0)


def rest_week_starts(session: Session, person: Person) -> list[date]:
    return list(session.scalars(select(RestWeek.week_start).where(RestWeek.person_id == person.id)))


def week_so_far(session: Session, person: Person, *, now: datetime) -> WeekSummary:
    """This week's minutes and entries up to today, as the card counts them, in one query; without the
    latest entries (`recent` is empty). What a confirmation shows, when nothing else needs the card."""
    today = local_today(person, now)
    monday = week_start(today)
    minutes, entries = session.execute(
        select(func.coalesce(func.sum(LearningEntry.minutes), 0), func.count(LearningEntry.id)).where(
            _mine(person), LearningEntry.local_day >= monday, LearningEntry.local_day <= today
        )
    ).one()
    return WeekSummary(week_start=monday, minutes=int(minutes), entries=int(entries), recent=[])


def load_fitness_card(
    session: Session,
    person: Person,
    *,
    now: datetime,
    help_events: list[HelpEvent] | None = None,
    recent: int = 5,
) -> FitnessCard:
    """The card: rings, streak, this week against last, top skills, the latest entries, and help given and
    received (credits count as learning from people; `help_events` adds more, for benchmarks and tests)."""
    today = local_today(person, now)
    activities, entries_per_day = _daily_activity(session, person)
    rests = rest_week_starts(session, person)
    targets = targets_of(person)
    credits, given, received = _help_credits(session, person)
    help_events = [*credits, *(help_events or [])]
    summary = fitness_summary(
        activities, help_events, targets, today=today, rest_weeks=rests, recent=TREND_WEEKS
    )
    monday = week_start(today)
    week = WeekSummary(
        week_start=monday,
        minutes=summary.comparison.this_week_minutes,
        entries=sum(count for day, count in entries_per_day.items() if monday <= day <= today),
        recent=recent_entries(session, person, limit=recent),
    )
    return FitnessCard(
        summary=summary,
        targets=targets,
        week=week,
        top_skills=_top_skills(session, person, today),
        rest_this_week=monday in rests,
        help_given=given,
        help_received=received,
        trend=summary.recent,
        next_nudge=person.next_nudge_at.astimezone(zone_of(person)) if person.next_nudge_at else None,
        nudges_snoozed_until=(
            person.snoozed_until.astimezone(zone_of(person))
            if person.snoozed_until and person.snoozed_until > now
            else None
        ),
        nudges_enabled=person.nudges_enabled,
        last_week_so_far_minutes=minutes_by_now_last_week(session, person, now=now),
    )


def mark_rest_week(session: Session, person: Person, *, now: datetime, rest: bool = True) -> date:
    """Mark (or unmark) this local week as a rest week; return its Monday."""
    monday = week_start(local_today(person, now))
    existing = session.scalar(
        select(RestWeek).where(RestWeek.person_id == person.id, RestWeek.week_start == monday)
    )
    if rest and existing is None:
        session.add(
            RestWeek(
                team_id=person.team_id,
                enterprise_id=person.enterprise_id,
                person_id=person.id,
                week_start=monday,
            )
        )
    elif not rest and existing is not None:
        session.execute(delete(RestWeek).where(RestWeek.id == existing.id))
    return monday
