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
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    distinct,
    func,
    literal,
    null,
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
# The mix's kinds of learning done by fewer than INSIGHTS_MIN_GROUP people in a week, together.
OTHER = "other"
# The name of the smaller skills (or weeks) together: no skill's name has a space, so none is called this.
OTHER_GROUP = "(smaller groups)"


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
    dialect: str

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
    """The workspace's learning over the last twelve weeks: three SQL statements, whatever its size."""
    first_day, last_day = window_of(now)
    window = _Window(first_day, last_day, workspace.team_id, session.get_bind().dialect.name)
    weeks, other_weeks, people = _weeks(session, window)
    skills, other_skills, demand, other_demand = _skills_and_demand(session, window)
    return Insights(
        first_day, last_day, weeks, people, other_weeks, skills, other_skills, demand, other_demand
    )


# ---------------------------------------------------------------------- weeks and the 70/20/10 mix


def _week_number(window: _Window) -> ColumnElement[Any]:
    """Which of the twelve weeks an entry's day falls in (0 the oldest), in each dialect's date arithmetic."""
    if window.dialect == "sqlite":
        days = func.julianday(LearningEntry.local_day) - func.julianday(window.first_day.isoformat())
        return cast(days / 7, Integer)
    return (LearningEntry.local_day - literal(window.first_day, Date)) // 7


def _learning(window: _Window) -> Select[int, int, date, int, EntryKind, int, Visibility]:
    """Each entry in the window by someone of the organisation: which, whose, when, what kind, how long,
    shared or private."""
    return select(
        LearningEntry.id.label("entry_id"),
        LearningEntry.person_id.label("person_id"),
        LearningEntry.local_day.label("day"),
        _week_number(window).label("week"),
        LearningEntry.kind.label("kind"),
        LearningEntry.minutes.label("minutes"),
        LearningEntry.visibility.label("visibility"),
    ).where(*_in_window(window))


def _in_window(window: _Window) -> tuple[ColumnElement[bool], ...]:
    """An entry of the workspace, in the twelve weeks, by someone of the organisation."""
    return (
        LearningEntry.team_id == window.team_id,
        LearningEntry.local_day.between(window.first_day, window.last_day),
        LearningEntry.person_id.not_in(_partners(window)),
    )


def _partners(window: _Window) -> Select[int]:
    """People of another organisation (Slack Connect), a handful: left out by id, not by a join per row."""
    return select(Person.id).where(Person.team_id == window.team_id, Person.is_external == true())


def _weeks(session: Session, window: _Window) -> tuple[list[Week], Week | None, int | None]:
    """Each week's people and minutes by kind, each week's small kinds together, all twelve weeks' people
    and the quiet weeks together: one statement (rows told apart by their first column)."""
    entries = _learning(window).subquery("entries")
    # One row per week, kind and person: a cell's people are then a plain count.
    each = (
        select(
            entries.c.week, entries.c.kind, entries.c.person_id, func.sum(entries.c.minutes).label("minutes")
        )
        .group_by(entries.c.week, entries.c.kind, entries.c.person_id)
        .cte("per_person")
    )
    cells = (
        select(
            each.c.week, each.c.kind, func.count().label("people"), func.sum(each.c.minutes).label("minutes")
        )
        .group_by(each.c.week, each.c.kind)
        .cte("cells")
    )
    weeks = (
        select(each.c.week, func.count(distinct(each.c.person_id)).label("people"))
        .group_by(each.c.week)
        .cte("weeks")
    )
    people, minutes = func.count(distinct(each.c.person_id)), func.coalesce(func.sum(each.c.minutes), 0)
    no_kind = null().label("kind")
    rows = session.execute(
        union_all(
            select(literal("cell"), cells.c.week, cells.c.kind, cells.c.people, cells.c.minutes),
            select(literal("week"), weeks.c.week, no_kind, weeks.c.people, literal(0)),
            select(literal("small kinds"), each.c.week, no_kind, people, minutes)
            .join(cells, and_(cells.c.week == each.c.week, cells.c.kind == each.c.kind))
            .where(cells.c.people < INSIGHTS_MIN_GROUP)
            .group_by(each.c.week),
            select(literal("all"), null(), no_kind, people, minutes),
            select(literal("quiet weeks"), null(), no_kind, people, minutes)
            .join(weeks, weeks.c.week == each.c.week)
            .where(weeks.c.people < INSIGHTS_MIN_GROUP),
        )
    ).all()
    return _weeks_from(window, rows)


def _weeks_from(window: _Window, rows: Sequence[Any]) -> tuple[list[Week], Week | None, int | None]:
    mixes: dict[int, dict[str, int]] = {}
    week_people: dict[int, int] = {}
    small_kinds: dict[int, tuple[int, int]] = {}
    total_people, quiet = 0, Week(window.first_day)
    for level, week, kind, people, minutes in rows:
        if level == "cell" and may_show(people):
            mixes.setdefault(week, {})[str(kind)] = int(minutes)
        elif level == "week":
            week_people[week] = people
        elif level == "small kinds":
            small_kinds[week] = (people, int(minutes))
        elif level == "all":
            total_people = people
        elif level == "quiet weeks":
            quiet = Week(window.first_day, people, {OTHER: int(minutes)})
    weeks = [Week(window.first_day + timedelta(weeks=number)) for number in range(WEEKS)]
    for week, people in week_people.items():
        if not may_show(people):
            continue
        mix = mixes.get(week, {})
        other_people, other_minutes = small_kinds.get(week, (0, 0))
        if may_show(other_people):
            mix[OTHER] = other_minutes
        weeks[week] = Week(weeks[week].first_day, people, mix)
    return weeks, quiet if may_show(quiet.people) else None, _shown(total_people)


# ---------------------------------------------------------------------- skills rising and falling


def _skills_and_demand(
    session: Session, window: _Window
) -> tuple[list[SkillTrend], SkillTrend | None, list[SkillDemand], SkillDemand | None]:
    """Skills learned and skills asked about, each of at least INSIGHTS_MIN_GROUP people, and the smaller
    ones together (the rows without a name): one statement, one pass over the window's tagged entries."""
    entries = _learning(window).subquery("entries")
    earlier = entries.c.day < window.middle
    # One row per skill and person: their minutes in it, whether they learned it in each half, and whether
    # they shared any of it; a skill's figures are then plain counts and sums.
    learned = (
        select(
            entry_skills.c.skill_id,
            entries.c.person_id,
            func.sum(entries.c.minutes).label("minutes"),
            func.max(case((earlier, 1), else_=0)).label("earlier"),
            func.max(case((earlier, 0), else_=1)).label("recent"),
            func.max(case((entries.c.visibility == Visibility.TEAM, 1), else_=0)).label("shared"),
        )
        .join(entry_skills, entry_skills.c.entry_id == entries.c.entry_id)
        .group_by(entry_skills.c.skill_id, entries.c.person_id)
        .cte("learned")
    )
    rows = session.execute(union_all(*_skill_rows(window, learned), *_demand_rows(window, learned))).all()
    medians = _median_hours(session, window)
    skills, other_skills, demand, other_demand = [], None, [], None
    for section, name, people, *figures in rows:
        counts = [int(figure) for figure in figures]
        if section == "skill" and name is not None:
            skills.append(SkillTrend(name, people, counts[0], _shown(counts[1]), _shown(counts[2])))
        elif section == "skill" and may_show(people):
            other_skills = SkillTrend(OTHER_GROUP, people, counts[0], _shown(counts[1]), _shown(counts[2]))
        elif section == "asked" and name is not None:
            demand.append(SkillDemand(name, counts[0], counts[1], counts[2], medians.get(name)))
        elif section == "asked" and may_show(people) and counts[0]:
            other_demand = SkillDemand(OTHER_GROUP, counts[0], counts[1], counts[2], None)
    skills.sort(key=lambda skill: (-skill.people, skill.name))
    demand.sort(key=lambda skill: (-skill.questions, skill.name))
    return skills, other_skills, demand, other_demand


def _skill_rows(window: _Window, learned: Any) -> tuple[Select[Any], Select[Any]]:
    """(skill, name, people, minutes, people in the earlier half, in the later half) for each skill of at
    least INSIGHTS_MIN_GROUP people, and for the smaller ones together (no name)."""
    per_skill = (
        select(
            learned.c.skill_id,
            func.count().label("people"),
            func.sum(learned.c.minutes).label("minutes"),
            func.sum(learned.c.earlier).label("earlier"),
            func.sum(learned.c.recent).label("recent"),
        )
        .group_by(learned.c.skill_id)
        .cte("per_skill")
    )
    small_skills = select(per_skill.c.skill_id).where(per_skill.c.people < INSIGHTS_MIN_GROUP)
    # The small skills' entries, each once however many small skills it is tagged with (few: found from
    # the skills' side).
    small = (
        select(
            LearningEntry.id,
            LearningEntry.person_id,
            LearningEntry.local_day.label("day"),
            LearningEntry.minutes,
        )
        .distinct()
        .select_from(entry_skills)
        .join(LearningEntry, LearningEntry.id == entry_skills.c.entry_id)
        .where(entry_skills.c.skill_id.in_(small_skills), *_in_window(window))
        .subquery("small")
    )
    small_earlier = small.c.day < window.middle
    each_skill = (
        select(
            literal("skill"),
            Skill.name,
            per_skill.c.people,
            per_skill.c.minutes,
            per_skill.c.earlier,
            per_skill.c.recent,
        )
        .join(Skill, Skill.id == per_skill.c.skill_id)
        .where(per_skill.c.people >= INSIGHTS_MIN_GROUP)
    )
    together = select(
        literal("skill"),
        null(),
        func.count(distinct(small.c.person_id)),
        func.coalesce(func.sum(small.c.minutes), 0),
        func.count(distinct(case((small_earlier, small.c.person_id)))),
        func.count(distinct(case((~small_earlier, small.c.person_id)))),
    )
    return each_skill, together


def _shown(people: int) -> int | None:
    return people if may_show(people) else None


# ---------------------------------------------------------------------- asked for against who can help


def _questions(window: _Window) -> Select[int, int, int, int]:
    """Each question asked in the window by someone of the organisation, once per skill it is tagged with."""
    return (
        select(
            question_skills.c.skill_id,
            HelpQuestion.id.label("question_id"),
            HelpQuestion.asker_id.label("person_id"),
            case((HelpQuestion.status == QuestionStatus.RESOLVED, 1), else_=0).label("resolved"),
        )
        .join(HelpQuestion, HelpQuestion.id == question_skills.c.question_id)
        .where(
            HelpQuestion.team_id == window.team_id,
            HelpQuestion.created_at >= window.first_moment,
            HelpQuestion.asker_id.not_in(_partners(window)),
        )
    )


def _involvement(window: _Window, asked: Any, learned: Any) -> CompoundSelect[Any]:
    """Who is involved in each skill asked about, and whether they can help (1) or asked (0): people who
    shared learning in the skill, or were credited on a resolved question in it, can help. Private entries
    never make anyone a helper."""
    credited = (
        select(question_skills.c.skill_id, HelpCredit.helper_id, literal(1))
        .join(HelpCredit, HelpCredit.question_id == question_skills.c.question_id)
        .join(HelpQuestion, HelpQuestion.id == HelpCredit.question_id)
        .where(
            HelpCredit.team_id == window.team_id,
            HelpCredit.created_at >= window.first_moment,
            HelpQuestion.status == QuestionStatus.RESOLVED,
            HelpCredit.helper_id.not_in(_partners(window)),
        )
    )
    shared = select(learned.c.skill_id, learned.c.person_id, literal(1)).where(learned.c.shared == 1)
    askers = select(asked.c.skill_id, asked.c.person_id, literal(0).label("helps"))
    return union_all(askers, credited, shared)


def _resolve_seconds(session: Session) -> ColumnElement[Any]:
    """Seconds from asking to resolving, in each dialect's own date arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(HelpQuestion.resolved_at) - func.julianday(HelpQuestion.created_at)) * 86400.0
    return func.extract("epoch", HelpQuestion.resolved_at - HelpQuestion.created_at)


def _demand_rows(window: _Window, learned: Any) -> tuple[Select[Any], Select[Any]]:
    """(asked, name, people involved, questions, people who can help, questions resolved) for each skill
    asked about with at least INSIGHTS_MIN_GROUP people involved, and for the smaller ones together."""
    asked = _questions(window).cte("asked")
    involved = _involvement(window, asked, learned).subquery("involved")
    # One row per skill and person, then plain counts per skill.
    each = (
        select(involved.c.skill_id, involved.c.person_id, func.max(involved.c.helps).label("helps"))
        .group_by(involved.c.skill_id, involved.c.person_id)
        .cte("involved_once")
    )
    people = (
        select(each.c.skill_id, func.count().label("people"), func.sum(each.c.helps).label("helpers"))
        .group_by(each.c.skill_id)
        .cte("skill_people")
    )
    questions = (
        select(
            asked.c.skill_id, func.count().label("questions"), func.sum(asked.c.resolved).label("resolved")
        )
        .group_by(asked.c.skill_id)
        .cte("skill_questions")
    )
    # Skills asked about (those only learned are not demand) by fewer people than the group size.
    small_skills = (
        select(people.c.skill_id)
        .join(questions, questions.c.skill_id == people.c.skill_id)
        .where(people.c.people < INSIGHTS_MIN_GROUP)
    )
    in_small = each.c.skill_id.in_(small_skills)
    small_asked = asked.c.skill_id.in_(small_skills)
    each_skill = (
        select(
            literal("asked"),
            Skill.name,
            people.c.people,
            questions.c.questions,
            people.c.helpers,
            questions.c.resolved,
        )
        .join(Skill, Skill.id == people.c.skill_id)
        .join(questions, questions.c.skill_id == people.c.skill_id)
        .where(people.c.people >= INSIGHTS_MIN_GROUP)
    )
    together = select(
        literal("asked"),
        null(),
        select(func.count(distinct(each.c.person_id))).where(in_small).scalar_subquery(),
        select(func.count(distinct(asked.c.question_id))).where(small_asked).scalar_subquery(),
        select(func.count(distinct(case((each.c.helps == 1, each.c.person_id)))))
        .where(in_small)
        .scalar_subquery(),
        select(func.count(distinct(case((asked.c.resolved == 1, asked.c.question_id)))))
        .where(small_asked)
        .scalar_subquery(),
    )
    return each_skill, together


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
    quiet = [("weeks", OTHER_GROUP, insights.other_weeks)] if insights.other_weeks else []
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
