"""Insights for L&D: the organisation's learning over twelve weeks, as counts only, and who may see them.

Privacy by construction. Every figure is an aggregate of a group (a week, a week's kind of learning, a
skill) of at least INSIGHTS_MIN_GROUP distinct people; smaller groups are folded into "other", which shows
under the same rule, and totals add up only what is shown, so no small group can be read off by
subtraction either. Private entries count only inside such groups (never in who can help). Nothing here
returns a name or a user id. Everything is aggregated in SQL, in a fixed number of statements whatever the
size of the workspace. Partners from another organisation (Slack Connect) are not the organisation and are
left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    case,
    delete,
    distinct,
    false,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from bot.services.people import Workspace, find_person
from bot.services.privacy import spreadsheet_safe
from models import (
    EntryKind,
    HelpCredit,
    HelpQuestion,
    InsightsAccess,
    LearningEntry,
    Person,
    QuestionStatus,
    Skill,
    Visibility,
    entry_skills,
    question_skills,
)

# The smallest group whose figures may show; anything smaller is folded into "other".
INSIGHTS_MIN_GROUP = 5
WEEKS = 12
# Rising and falling skills compare the last six weeks with the six before.
HALF_WEEKS = WEEKS // 2
OTHER = "other"


def may_show(people: int | None) -> bool:
    """The one privacy rule: a group's figures show only if at least INSIGHTS_MIN_GROUP distinct people
    are in it (a smaller one is folded into "other", and "other" itself obeys this rule)."""
    return people is not None and people >= INSIGHTS_MIN_GROUP


# ---------------------------------------------------------------------- who may see them


def has_access(session: Session, workspace: Workspace, user_id: str, *, is_admin: bool) -> bool:
    """Workspace admins and owners, and the people an admin gave access to."""
    if is_admin:
        return True
    person = find_person(session, workspace, user_id)
    return person is not None and _grant_of(session, person) is not None


def _grant_of(session: Session, person: Person) -> InsightsAccess | None:
    return session.scalar(
        select(InsightsAccess).where(
            InsightsAccess.team_id == person.team_id, InsightsAccess.person_id == person.id
        )
    )


def grant_access(session: Session, people: Sequence[Person], *, now: datetime) -> list[Person]:
    """Give each person access; returns those who did not have it yet."""
    granted = []
    for person in people:
        if _grant_of(session, person) is None:
            session.add(
                InsightsAccess(
                    team_id=person.team_id,
                    enterprise_id=person.enterprise_id,
                    person_id=person.id,
                    granted_at=now,
                )
            )
            granted.append(person)
    session.flush()
    return granted


def revoke_access(session: Session, people: Sequence[Person]) -> list[Person]:
    """Take access away; returns those who had it."""
    revoked = [person for person in people if _grant_of(session, person) is not None]
    if revoked:
        session.execute(
            delete(InsightsAccess).where(
                InsightsAccess.team_id == revoked[0].team_id,
                InsightsAccess.person_id.in_([person.id for person in revoked]),
            )
        )
    return revoked


def access_list(session: Session, workspace: Workspace) -> list[str]:
    """The user ids of those given access (for the admins who manage it; never part of the insights)."""
    return list(
        session.scalars(
            select(Person.user_id)
            .join(InsightsAccess, InsightsAccess.person_id == Person.id)
            .where(InsightsAccess.team_id == workspace.team_id)
            .order_by(InsightsAccess.granted_at, InsightsAccess.id)
        )
    )


# ---------------------------------------------------------------------- what they show


@dataclass(frozen=True)
class Week:
    """One week of the organisation's learning; `people` None: fewer than INSIGHTS_MIN_GROUP learned."""

    first_day: date
    people: int | None = None
    # Minutes by kind (EntryKind values) and OTHER for the kinds fewer than INSIGHTS_MIN_GROUP did.
    mix: dict[str, int] = field(default_factory=dict)

    @property
    def minutes(self) -> int:
        return sum(self.mix.values())


@dataclass(frozen=True)
class SkillTrend:
    """A skill people learned: how many, how long, and how many in the earlier and later six weeks
    (None: fewer than INSIGHTS_MIN_GROUP)."""

    name: str
    people: int
    minutes: int
    earlier_people: int | None
    recent_people: int | None

    @property
    def change(self) -> int:
        """Rising above zero, falling below: a half under the group size counts as none."""
        return (self.recent_people or 0) - (self.earlier_people or 0)


@dataclass(frozen=True)
class SkillDemand:
    """A skill people asked about with /ask against the people who shared learning in it or were credited
    on a resolved question in it."""

    name: str
    questions: int
    helpers: int
    resolved: int
    median_hours_to_resolve: float | None

    @property
    def resolved_share(self) -> float:
        return self.resolved / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class Insights:
    first_day: date
    last_day: date
    weeks: list[Week]
    # Distinct people over the twelve weeks (None: fewer than INSIGHTS_MIN_GROUP).
    people: int | None
    # The quieter weeks (fewer learners than the group size each) together, when they are enough people.
    other_weeks: Week | None
    skills: list[SkillTrend]  # by people, most first
    other_skills: SkillTrend | None
    demand: list[SkillDemand]  # by questions, most first
    other_demand: SkillDemand | None

    @property
    def minutes(self) -> int:
        shown = [week for week in self.weeks if week.people is not None]
        return sum(week.minutes for week in shown) + (self.other_weeks.minutes if self.other_weeks else 0)

    def mix(self, weeks: slice) -> dict[str, int]:
        """Minutes by kind over some of the weeks shown."""
        total: dict[str, int] = {}
        for week in self.weeks[weeks]:
            for kind, minutes in week.mix.items():
                total[kind] = total.get(kind, 0) + minutes
        return total


@dataclass(frozen=True)
class _Window:
    first_day: date
    last_day: date
    team_id: str

    @property
    def middle(self) -> date:
        return self.first_day + timedelta(weeks=HALF_WEEKS)

    @property
    def first_moment(self) -> datetime:
        return datetime.combine(self.first_day, time(), tzinfo=UTC)


def window_of(now: datetime) -> tuple[date, date]:
    """Twelve whole weeks, Monday to Sunday, the last one this week."""
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    return first, first + timedelta(weeks=WEEKS, days=-1)


def load_insights(session: Session, workspace: Workspace, *, now: datetime) -> Insights:
    """The workspace's learning over the last twelve weeks: eight SQL statements, whatever its size."""
    first_day, last_day = window_of(now)
    window = _Window(first_day, last_day, workspace.team_id)
    weeks, other_weeks, people = _weeks(session, window)
    skills, other_skills = _skills(session, window)
    demand, other_demand = _demand(session, window)
    return Insights(
        first_day, last_day, weeks, people, other_weeks, skills, other_skills, demand, other_demand
    )


# ---------------------------------------------------------------------- weeks and the 70/20/10 mix


def _week_number(day: Any, first_day: date) -> ColumnElement[int]:
    """Which of the twelve weeks a day falls in (0 the oldest), the same on SQLite and PostgreSQL."""
    return case(
        *[(day < first_day + timedelta(weeks=week + 1), literal(week)) for week in range(WEEKS - 1)],
        else_=literal(WEEKS - 1),
    )


def _learning(window: _Window) -> Select[int, int, date, int, EntryKind, int, Visibility]:
    """Each entry in the window by someone of the organisation: who, which week, what kind, how long."""
    return (
        select(
            LearningEntry.id.label("entry_id"),
            LearningEntry.person_id.label("person_id"),
            LearningEntry.local_day.label("day"),
            _week_number(LearningEntry.local_day, window.first_day).label("week"),
            LearningEntry.kind.label("kind"),
            LearningEntry.minutes.label("minutes"),
            LearningEntry.visibility.label("visibility"),
        )
        .join(Person, Person.id == LearningEntry.person_id)
        .where(
            LearningEntry.team_id == window.team_id,
            LearningEntry.local_day.between(window.first_day, window.last_day),
            Person.is_external == false(),
        )
    )


def _weeks(session: Session, window: _Window) -> tuple[list[Week], Week | None, int | None]:
    entries = _learning(window).cte("entries")
    people = func.count(distinct(entries.c.person_id))
    small_cells = (
        select(entries.c.week, entries.c.kind)
        .group_by(entries.c.week, entries.c.kind)
        .having(people < INSIGHTS_MIN_GROUP)
        .subquery("small_cells")
    )
    small_weeks = (
        select(entries.c.week).group_by(entries.c.week).having(people < INSIGHTS_MIN_GROUP).subquery("small")
    )
    in_small_cell = small_cells.c.kind.is_not(None)
    in_small_week = small_weeks.c.week.is_not(None)
    cells = session.execute(
        select(entries.c.week, entries.c.kind, people, func.sum(entries.c.minutes))
        .group_by(entries.c.week, entries.c.kind)
        .order_by(entries.c.week, entries.c.kind)
    ).all()
    per_week = session.execute(
        select(
            entries.c.week,
            people,
            func.count(distinct(case((in_small_cell, entries.c.person_id)))),
            func.coalesce(func.sum(case((in_small_cell, entries.c.minutes))), 0),
        )
        .outerjoin(
            small_cells, and_(small_cells.c.week == entries.c.week, small_cells.c.kind == entries.c.kind)
        )
        .group_by(entries.c.week)
    ).all()
    overall = session.execute(
        select(
            people,
            func.count(distinct(case((in_small_week, entries.c.person_id)))),
            func.coalesce(func.sum(case((in_small_week, entries.c.minutes))), 0),
        ).outerjoin(small_weeks, small_weeks.c.week == entries.c.week)
    ).one()
    mixes: dict[int, dict[str, int]] = {}
    for week, kind, cell_people, minutes in cells:
        if may_show(cell_people):
            mixes.setdefault(week, {})[str(kind)] = int(minutes)
    weeks = [Week(window.first_day + timedelta(weeks=number)) for number in range(WEEKS)]
    for week, week_people, other_people, other_minutes in per_week:
        if not may_show(week_people):
            continue
        mix = mixes.get(week, {})
        if may_show(other_people):
            mix[OTHER] = int(other_minutes)
        weeks[week] = Week(weeks[week].first_day, week_people, mix)
    total_people, quiet_people, quiet_minutes = overall
    other_weeks = Week(window.first_day, quiet_people, {OTHER: int(quiet_minutes)})
    shown_total = total_people if may_show(total_people) else None
    return weeks, other_weeks if may_show(quiet_people) else None, shown_total


# ---------------------------------------------------------------------- skills rising and falling


def _skills(session: Session, window: _Window) -> tuple[list[SkillTrend], SkillTrend | None]:
    entries = _learning(window).cte("entries")
    tagged = (
        select(entries, entry_skills.c.skill_id)
        .join(entry_skills, entry_skills.c.entry_id == entries.c.entry_id)
        .cte("tagged")
    )
    people = func.count(distinct(tagged.c.person_id))
    rows = session.execute(
        select(
            Skill.name,
            people,
            func.sum(tagged.c.minutes),
            func.count(distinct(case((tagged.c.day < window.middle, tagged.c.person_id)))),
            func.count(distinct(case((tagged.c.day >= window.middle, tagged.c.person_id)))),
        )
        .join(Skill, Skill.id == tagged.c.skill_id)
        .group_by(Skill.id, Skill.name)
        .having(people >= INSIGHTS_MIN_GROUP)
    ).all()
    small_skills = select(tagged.c.skill_id).group_by(tagged.c.skill_id).having(people < INSIGHTS_MIN_GROUP)
    # Each entry once, however many small skills it is tagged with.
    in_small = select(entries).where(
        entries.c.entry_id.in_(
            select(entry_skills.c.entry_id).where(entry_skills.c.skill_id.in_(small_skills))
        )
    )
    small = in_small.subquery("in_small")
    other_people, other_minutes, earlier, recent = session.execute(
        select(
            func.count(distinct(small.c.person_id)),
            func.coalesce(func.sum(small.c.minutes), 0),
            func.count(distinct(case((small.c.day < window.middle, small.c.person_id)))),
            func.count(distinct(case((small.c.day >= window.middle, small.c.person_id)))),
        )
    ).one()
    skills = [
        SkillTrend(name, count, int(minutes), _shown(before), _shown(after))
        for name, count, minutes, before, after in rows
    ]
    skills.sort(key=lambda skill: (-skill.people, skill.name))
    other = (
        SkillTrend(OTHER, other_people, int(other_minutes), _shown(earlier), _shown(recent))
        if may_show(other_people)
        else None
    )
    return skills, other


def _shown(people: int) -> int | None:
    return people if may_show(people) else None


# ---------------------------------------------------------------------- asked for against who can help


def _involvement(window: _Window) -> CompoundSelect[Any]:
    """Who is involved in each skill asked about: (skill, person, question, resolved, can help). Askers
    bring their questions; people who shared learning in the skill, or were credited on a resolved
    question in it, can help. Private entries never make anyone a helper."""
    asked = (
        select(
            question_skills.c.skill_id,
            HelpQuestion.asker_id.label("person_id"),
            HelpQuestion.id.label("question_id"),
            (HelpQuestion.status == QuestionStatus.RESOLVED).label("resolved"),
            false().label("helps"),
        )
        .join(HelpQuestion, HelpQuestion.id == question_skills.c.question_id)
        .join(Person, Person.id == HelpQuestion.asker_id)
        .where(
            HelpQuestion.team_id == window.team_id,
            HelpQuestion.created_at >= window.first_moment,
            Person.is_external == false(),
        )
    )
    credited = (
        select(
            question_skills.c.skill_id,
            HelpCredit.helper_id,
            literal(None).label("question_id"),
            false(),
            true(),
        )
        .join(HelpCredit, HelpCredit.question_id == question_skills.c.question_id)
        .join(HelpQuestion, HelpQuestion.id == HelpCredit.question_id)
        .where(
            HelpCredit.team_id == window.team_id,
            HelpCredit.created_at >= window.first_moment,
            HelpQuestion.status == QuestionStatus.RESOLVED,
        )
    )
    shared = (
        select(entry_skills.c.skill_id, LearningEntry.person_id, literal(None), false(), true())
        .join(LearningEntry, LearningEntry.id == entry_skills.c.entry_id)
        .join(Person, Person.id == LearningEntry.person_id)
        .where(
            LearningEntry.team_id == window.team_id,
            LearningEntry.local_day.between(window.first_day, window.last_day),
            LearningEntry.visibility == Visibility.TEAM,
            Person.is_external == false(),
        )
    )
    return union_all(asked, credited, shared)


def _resolve_seconds(session: Session) -> ColumnElement[Any]:
    """Seconds from asking to resolving, in each dialect's own date arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(HelpQuestion.resolved_at) - func.julianday(HelpQuestion.created_at)) * 86400.0
    return func.extract("epoch", HelpQuestion.resolved_at - HelpQuestion.created_at)


def _demand(session: Session, window: _Window) -> tuple[list[SkillDemand], SkillDemand | None]:
    involved = _involvement(window).cte("involved")
    people = func.count(distinct(involved.c.person_id))
    questions = func.count(distinct(involved.c.question_id))
    figures = (
        questions,
        func.count(distinct(case((involved.c.helps, involved.c.person_id)))),
        func.count(distinct(case((involved.c.resolved, involved.c.question_id)))),
    )
    rows = session.execute(
        select(Skill.name, *figures)
        .join(Skill, Skill.id == involved.c.skill_id)
        .group_by(Skill.id, Skill.name)
        .having(people >= INSIGHTS_MIN_GROUP, questions > 0)
    ).all()
    small_skills = (
        select(involved.c.skill_id)
        .group_by(involved.c.skill_id)
        .having(people < INSIGHTS_MIN_GROUP, questions > 0)
    )
    other_people, other_asked, other_helpers, other_resolved = session.execute(
        select(people, *figures).where(involved.c.skill_id.in_(small_skills))
    ).one()
    medians = _median_hours(session, window)
    demand = [
        SkillDemand(name, asked, helpers, resolved, medians.get(name))
        for name, asked, helpers, resolved in rows
    ]
    demand.sort(key=lambda skill: (-skill.questions, skill.name))
    other = (
        SkillDemand(OTHER, other_asked, other_helpers, other_resolved, None)
        if may_show(other_people)
        else None
    )
    return demand, other


def _median_hours(session: Session, window: _Window) -> dict[str, float]:
    """The median time from asking to resolving, per skill asked about, by name (one statement)."""
    seconds = _resolve_seconds(session)
    durations = (
        select(
            Skill.name.label("name"),
            seconds.label("seconds"),
            func.row_number().over(partition_by=Skill.id, order_by=seconds).label("rank_in_skill"),
            func.count().over(partition_by=Skill.id).label("questions_in_skill"),
        )
        .select_from(question_skills)
        .join(HelpQuestion, HelpQuestion.id == question_skills.c.question_id)
        .join(Skill, Skill.id == question_skills.c.skill_id)
        .where(
            HelpQuestion.team_id == window.team_id,
            HelpQuestion.created_at >= window.first_moment,
            HelpQuestion.status == QuestionStatus.RESOLVED,
            HelpQuestion.resolved_at.is_not(None),
        )
        .subquery("durations")
    )
    # The middle one, or the mean of the middle two.
    in_skill = durations.c.questions_in_skill
    middle = durations.c.rank_in_skill.in_([(in_skill + 1) // 2, (in_skill + 2) // 2])
    rows = session.execute(
        select(durations.c.name, func.avg(durations.c.seconds)).where(middle).group_by(durations.c.name)
    ).all()
    return {name: float(average) / 3600 for name, average in rows}


CSV_COLUMNS = ["section", "group", "measure", "value"]
FEWER = f"fewer than {INSIGHTS_MIN_GROUP}"


def insights_csv(insights: Insights) -> str:
    """The figures as CSV, one per row (section, group, measure, value); every cell spreadsheet-safe."""
    rows: list[tuple[str, str, str, object]] = [
        (
            "period",
            f"{insights.first_day.isoformat()} to {insights.last_day.isoformat()}",
            "people",
            _count(insights.people),
        ),
        ("period", "all", "minutes", insights.minutes),
    ]
    quiet = [("weeks", OTHER, insights.other_weeks)] if insights.other_weeks else []
    for section, group, week in [*(("weeks", w.first_day.isoformat(), w) for w in insights.weeks), *quiet]:
        rows.append((section, group, "people", _count(week.people)))
        rows.extend((section, group, f"minutes_{kind}", minutes) for kind, minutes in week.mix.items())
    for skill in [*insights.skills, *([insights.other_skills] if insights.other_skills else [])]:
        rows.append(("skills", skill.name, "people", skill.people))
        rows.append(("skills", skill.name, "minutes", skill.minutes))
        rows.append(("skills", skill.name, "people_earlier_6_weeks", _count(skill.earlier_people)))
        rows.append(("skills", skill.name, "people_last_6_weeks", _count(skill.recent_people)))
    for asked in [*insights.demand, *([insights.other_demand] if insights.other_demand else [])]:
        rows.append(("asked", asked.name, "questions", asked.questions))
        rows.append(("asked", asked.name, "people_who_can_help", asked.helpers))
        rows.append(("asked", asked.name, "resolved", asked.resolved))
        rows.append(("asked", asked.name, "share_resolved", f"{asked.resolved_share:.2f}"))
        median = asked.median_hours_to_resolve
        rows.append(
            ("asked", asked.name, "median_hours_to_resolve", "" if median is None else f"{median:.1f}")
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows([spreadsheet_safe(str(cell)) for cell in row] for row in rows)
    return buffer.getvalue()


def _count(people: int | None) -> str:
    return FEWER if people is None else str(people)


def kind_names() -> list[str]:
    """The mix's categories in the order they are shown: the three kinds of learning, then other."""
    return [kind.value for kind in EntryKind] + [OTHER]
