"""Weekly team digests: when each team's digest is due, who gets it, and what it says.

A digest celebrates what a team learned in seven days: how many people learned, the time and sessions
against the week before, the 70/20/10 mix, top skills, help asked and given, goals reached and streak
milestones. It never ranks people by time. Private entries count in the totals only: never by name, skill
or text; and only where no one person's private learning can be read off them (PRIVATE_TOTALS_MIN_PEOPLE),
else the totals are of shared entries only. Everything is aggregated by the database in a fixed number of
statements per team, however large the team or long its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Integer,
    Row,
    Select,
    SQLColumnExpression,
    and_,
    case,
    cast,
    distinct,
    func,
    join,
    literal,
    literal_column,
    select,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from bot.services.fitness import DayActivity, Targets, streak
from bot.services.learning import week_start
from bot.services.nudges import uninstalled_workspace
from bot.services.people import next_slot, zone
from models import (
    EntryKind,
    Goal,
    GoalStatus,
    HelpAnswer,
    HelpCredit,
    HelpQuestion,
    LearningEntry,
    LearningTeam,
    Person,
    RestWeek,
    Skill,
    TeamMember,
    TeamRole,
    Visibility,
    entry_skills,
)

# A digest that could not go out within this long after its time is skipped as missed.
DIGEST_WINDOW = timedelta(hours=12)
DIGEST_DAYS = 7
TOP_SKILLS = 5
TOP_HELPERS = 3
ANSWERED_QUESTIONS_AGE = timedelta(days=60)  # answers counted are to questions asked this recently
STREAK_MILESTONES = (4, 8, 12, 26, 52)
STREAK_HISTORY_WEEKS = 60  # enough to see the 52-week milestone being reached
EPOCH_MONDAY = date(2000, 1, 3)
# Totals with private entries in them only for a week at least this many people learned in (a lead can make
# a team of one or two): with fewer, one person's private learning could be read off the totals.
PRIVATE_TOTALS_MIN_PEOPLE = 3
TREND_WEEKS = 12  # the weeks the digest's chart shows, its own week included


# ---------------------------------------------------------------------- schedule


def leads_query(team_id: int) -> Select[Person]:
    return (
        select(Person)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .where(
            TeamMember.learning_team_id == team_id,
            TeamMember.role == TeamRole.LEAD,
            Person.is_external.is_(False),  # a partner from another organisation is sent nothing
        )
        .order_by(Person.id)
    )


def team_timezone(session: Session, team: LearningTeam) -> str:
    """A team's digest time is its first lead's local time (UTC while it has no lead)."""
    first = session.scalars(leads_query(team.id).limit(1)).first()
    return first.tz if first is not None else "UTC"


def next_digest_at(team: LearningTeam, tz: str, *, after: datetime) -> datetime | None:
    return next_slot(tz, (team.digest_weekday,), team.digest_minute, after=after)


def reschedule_digest(session: Session, team: LearningTeam, now: datetime) -> None:
    team.next_digest_at = next_digest_at(team, team_timezone(session, team), after=now)


def due_teams_query(now: datetime, limit: int) -> Select[LearningTeam]:
    """Teams whose digest time has come, through the index on next_digest_at (rows locked, SKIP LOCKED)."""
    return (
        select(LearningTeam)
        .where(LearningTeam.next_digest_at <= now, ~uninstalled_workspace(LearningTeam.team_id))
        .order_by(LearningTeam.next_digest_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=LearningTeam)
    )


@dataclass(frozen=True)
class Recipient:
    """Where one copy of a digest goes: a channel, or a lead's DM (their user id)."""

    channel_id: str
    person_id: int | None  # the lead, for a DM


def recipients(session: Session, team: LearningTeam) -> list[Recipient]:
    if team.digest_channel_id:
        return [Recipient(team.digest_channel_id, None)]
    return [
        Recipient(lead.user_id, lead.id)
        for lead in session.scalars(leads_query(team.id))
        if lead.deactivated_at is None
    ]


def digest_key(team: LearningTeam, send_day: date, recipient: Recipient) -> str:
    """One digest per team, ISO week and recipient, whatever happens."""
    year, week, _ = send_day.isocalendar()
    return f"digest:{team.team_id}:{team.id}:{year}-W{week:02d}:{recipient.channel_id}"


# ---------------------------------------------------------------------- content


@dataclass(frozen=True)
class Milestone:
    user_id: str
    weeks: int


@dataclass(frozen=True)
class _Totals:
    """A digest week's learning against the week before, of all entries or of shared ones only."""

    active: int  # people who logged anything counted here
    minutes: int
    sessions: int
    previous_minutes: int
    previous_sessions: int
    mix: dict[EntryKind, int]


@dataclass(frozen=True)
class TeamDigest:
    team_name: str
    first_day: date
    last_day: date
    members: int
    active: int  # people who logged anything counted in the totals (never named for it)
    minutes: int
    sessions: int
    previous_minutes: int
    previous_sessions: int
    mix: dict[EntryKind, int]
    top_skills: list[str]  # from entries shared with the team only
    asked: int
    answered: int
    resolved: int
    helpers: list[str] = field(default_factory=list)  # user ids of the people most thanked for help
    goals_reached: int = 0
    milestones: list[Milestone] = field(default_factory=list)
    # Whether the totals (and goals reached, private to their owners too) include what is private; when
    # not, they are of shared entries only and the digest says why.
    private_counted: bool = False

    @property
    def quiet(self) -> bool:
        return self.sessions == 0 and self.asked == 0 and self.answered == 0 and self.goals_reached == 0


def _day_number(session: Session, day: SQLColumnExpression[date]) -> ColumnElement[int]:
    """Days since a fixed Monday, in SQL (each dialect subtracts dates its own way)."""
    # The epoch is written into the SQL (not bound), so GROUP BY sees the very expression SELECT has.
    epoch = f"'{EPOCH_MONDAY.isoformat()}'"
    if session.get_bind().dialect.name == "postgresql":
        return cast(day - literal_column(f"DATE {epoch}"), Integer)
    return cast(func.julianday(day) - func.julianday(literal_column(epoch)), Integer)


def _members_entries(team: LearningTeam) -> tuple[Join, tuple[ColumnElement[bool], ...]]:
    """The team's counted members joined to their entries, and the conditions that keep it to them."""
    # Entries are reached from the team's members through the (person_id, local_day) index, never by
    # walking all of the workspace's entries: SQLite, without statistics, would take the index that starts
    # with team_id, so the workspace filter is written as an expression no index serves (`team_id || ''`).
    members_entries = join(
        join(TeamMember, Person, Person.id == TeamMember.person_id),
        LearningEntry,
        LearningEntry.person_id == TeamMember.person_id,
    )
    counted = Person.is_external.is_(False)
    return members_entries, (
        TeamMember.learning_team_id == team.id,
        counted,
        LearningEntry.team_id + "" == team.team_id,
    )


def utc_bounds(tz: str, first_day: date, end_day: date) -> tuple[datetime, datetime]:
    local_zone = zone(tz)
    return (
        datetime.combine(first_day, time(0), tzinfo=local_zone).astimezone(UTC),
        datetime.combine(end_day, time(0), tzinfo=local_zone).astimezone(UTC),
    )


def build_digest(session: Session, team: LearningTeam, *, end_day: date, tz: str) -> TeamDigest:
    """The digest of the seven local days before `end_day`, compared with the seven before those.

    Eight statements, whatever the team's size or history.
    """
    first_day = end_day - timedelta(days=DIGEST_DAYS)
    previous_first = first_day - timedelta(days=DIGEST_DAYS)
    last_day = end_day - timedelta(days=1)
    since, until = utc_bounds(tz, first_day, end_day)
    # A partner from another organisation (Slack Connect) is never counted, whatever their membership says.
    counted = Person.is_external.is_(False)
    # Through an alias of people, so that statements selecting people too never correlate with it.
    member = aliased(Person)
    member_ids = (
        select(TeamMember.person_id)
        .join(member, member.id == TeamMember.person_id)
        .where(TeamMember.learning_team_id == team.id, member.is_external.is_(False))
    )
    members_entries, ours = _members_entries(team)
    this_week = LearningEntry.local_day >= first_day

    # 1. The members.
    members = session.execute(
        select(Person.id, Person.user_id, Person.target_days_per_week, Person.target_minutes_per_week)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .where(TeamMember.learning_team_id == team.id, counted)
    ).all()

    # 2. Totals, this week and the week before, and the mix, of all entries and of shared ones, in one pass.
    totals = session.execute(
        select(*_totals_columns(first_day))
        .select_from(members_entries)
        .where(*ours, LearningEntry.local_day >= previous_first, LearningEntry.local_day < end_day)
    ).one()
    everything, shared, private_counted = _pick_totals(*(int(value) for value in totals))
    counted_totals = everything if private_counted else shared

    # 3. Top skills, from shared entries only; by how many people learned them, then time.
    top_skills = list(
        session.scalars(
            select(Skill.name)
            .select_from(members_entries)
            .join(entry_skills, entry_skills.c.entry_id == LearningEntry.id)
            .join(Skill, Skill.id == entry_skills.c.skill_id)
            .where(
                *ours,
                LearningEntry.visibility == Visibility.TEAM,
                this_week,
                LearningEntry.local_day < end_day,
            )
            .group_by(Skill.name)
            .order_by(
                func.count(distinct(LearningEntry.person_id)).desc(),
                func.sum(LearningEntry.minutes).desc(),
                Skill.name,
            )
            .limit(TOP_SKILLS)
        )
    )

    # 4. Help asked, answered and resolved by the team's members: three counts in one statement.
    member_users = select(Person.user_id).where(Person.id.in_(member_ids))
    asked, answered, resolved = session.execute(
        select(
            select(func.count(HelpQuestion.id))
            .where(
                HelpQuestion.team_id == team.team_id,
                HelpQuestion.asker_id.in_(member_ids),
                HelpQuestion.created_at >= since,
                HelpQuestion.created_at < until,
            )
            .scalar_subquery(),
            select(func.count(HelpAnswer.id))
            .where(
                HelpAnswer.team_id == team.team_id,
                HelpAnswer.user_id.in_(member_users),
                # Through the questions of recent weeks: help_answers is only indexed by question.
                HelpAnswer.question_id.in_(
                    select(HelpQuestion.id).where(
                        HelpQuestion.team_id == team.team_id,
                        HelpQuestion.created_at >= since - ANSWERED_QUESTIONS_AGE,
                    )
                ),
                HelpAnswer.deleted_at.is_(None),
                HelpAnswer.created_at >= since,
                HelpAnswer.created_at < until,
            )
            .scalar_subquery(),
            select(func.count(HelpQuestion.id))
            .where(
                HelpQuestion.team_id == team.team_id,
                HelpQuestion.asker_id.in_(member_ids),
                HelpQuestion.resolved_at >= since,
                HelpQuestion.resolved_at < until,
            )
            .scalar_subquery(),
        )
    ).one()

    # 5. The people most thanked for their help (named to thank them, never with numbers).
    helpers = list(
        session.scalars(
            select(Person.user_id)
            .join(HelpCredit, HelpCredit.helper_id == Person.id)
            .where(
                HelpCredit.team_id == team.team_id,
                HelpCredit.helper_id.in_(member_ids),
                HelpCredit.created_at >= since,
                HelpCredit.created_at < until,
            )
            .group_by(Person.user_id)
            .order_by(func.count(HelpCredit.id).desc(), Person.user_id)
            .limit(TOP_HELPERS)
        )
    )

    # 6. Goals reached (counted only: goals are private to their owner).
    finished_at = func.coalesce(Goal.reached_at, Goal.updated_at)
    goals_reached = session.scalar(
        select(func.count(Goal.id)).where(
            Goal.team_id + "" == team.team_id,  # through the person_id index, as for entries above
            Goal.person_id.in_(member_ids),
            Goal.status == GoalStatus.DONE,
            finished_at >= since,
            finished_at < until,
        )
    )

    milestones = _milestones(session, team, members, members_entries, ours, end_day=end_day)
    return TeamDigest(
        team_name=team.name,
        first_day=first_day,
        last_day=last_day,
        members=len(members),
        active=counted_totals.active,
        minutes=counted_totals.minutes,
        sessions=counted_totals.sessions,
        previous_minutes=counted_totals.previous_minutes,
        previous_sessions=counted_totals.previous_sessions,
        mix=counted_totals.mix,
        top_skills=top_skills,
        asked=int(asked or 0),
        answered=int(answered or 0),
        resolved=int(resolved or 0),
        helpers=helpers,
        goals_reached=int(goals_reached or 0) if private_counted else 0,
        milestones=milestones,
        private_counted=private_counted,
    )


def _totals_columns(first_day: date) -> list[ColumnElement[int]]:
    """Over the entries of a digest's week and the week before: people active the week before, private
    entries that week, then the figures of `_Totals` for all entries and again for shared entries only."""
    this_week = LearningEntry.local_day >= first_day
    week_before = ~this_week
    shared = LearningEntry.visibility == Visibility.TEAM

    def people(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(distinct(case((and_(*conditions), LearningEntry.person_id))))

    def total(value: SQLColumnExpression[int], *conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(*conditions), value), else_=0)), 0)

    def figures(*only: ColumnElement[bool]) -> list[ColumnElement[int]]:
        return [
            people(this_week, *only),
            total(LearningEntry.minutes, this_week, *only),
            total(literal(1), this_week, *only),
            total(LearningEntry.minutes, week_before, *only),
            total(literal(1), week_before, *only),
            *(
                total(LearningEntry.minutes, this_week, LearningEntry.kind == kind, *only)
                for kind in EntryKind
            ),
        ]

    return [people(week_before), total(literal(1), week_before, ~shared), *figures(), *figures(shared)]


def _totals(
    active: int, minutes: int, sessions: int, before: int, sessions_before: int, *kinds: int
) -> _Totals:
    return _Totals(
        active, minutes, sessions, before, sessions_before, dict(zip(EntryKind, kinds, strict=True))
    )


def _pick_totals(active_before: int, private_before: int, *figures: int) -> tuple[_Totals, _Totals, bool]:
    """All entries' totals, shared entries' totals, and whether private ones may count: only when at least
    PRIVATE_TOTALS_MIN_PEOPLE learned this week and in the week it is compared with (or that week has no
    private entry), so no one's private learning can be read off the totals or off the change."""
    width = len(figures) // 2
    everything, shared = (_totals(*figures[:width]), _totals(*figures[width:]))
    return everything, shared, private_may_count(everything.active, private_before, active_before)


def private_may_count(active: int, private_before: int, active_before: int) -> bool:
    """Whether a week's totals may include private entries: only when at least PRIVATE_TOTALS_MIN_PEOPLE
    learned that week and in the week it is compared with (or that week has no private entry)."""
    enough_now = active >= PRIVATE_TOTALS_MIN_PEOPLE
    enough_before = private_before == 0 or active_before >= PRIVATE_TOTALS_MIN_PEOPLE
    return enough_now and enough_before


# ---------------------------------------------------------------------- trend


@dataclass(frozen=True)
class TrendWeek:
    """One seven-day week of a team's learning: minutes and how many people learned (never who)."""

    first_day: date
    minutes: int
    people: int
    private_counted: bool  # whether private entries are in these totals (the digest's own rule)


def team_trend(session: Session, team: LearningTeam, *, end_day: date) -> list[TrendWeek]:
    """The team's learning in the TREND_WEEKS seven-day weeks ending the day before `end_day` (the
    digest's weeks), oldest first. Each week counts private entries only as the digest would, against the
    week before it; one grouped statement, whatever the team's size or history."""
    members_entries, ours = _members_entries(team)
    last = (end_day - EPOCH_MONDAY).days - 1
    # Weeks back from the digest's: 0 is its own week, TREND_WEEKS the one the oldest is compared with.
    weeks_back: ColumnElement[int] = (
        literal_column(str(last)) - _day_number(session, LearningEntry.local_day)
    ) // 7
    shared = LearningEntry.visibility == Visibility.TEAM
    rows = session.execute(
        select(
            weeks_back,
            func.count(distinct(LearningEntry.person_id)),
            func.count(distinct(case((shared, LearningEntry.person_id)))),
            func.sum(LearningEntry.minutes),
            func.coalesce(func.sum(case((shared, LearningEntry.minutes), else_=0)), 0),
            func.coalesce(func.sum(case((shared, 0), else_=1)), 0),
        )
        .select_from(members_entries)
        .where(
            *ours,
            LearningEntry.local_day >= end_day - timedelta(days=DIGEST_DAYS * (TREND_WEEKS + 1)),
            LearningEntry.local_day < end_day,
        )
        .group_by(weeks_back)
    ).all()
    found = {int(back): tuple(int(value or 0) for value in values) for back, *values in rows}
    nothing = (0, 0, 0, 0, 0)
    trend = []
    for back in reversed(range(TREND_WEEKS)):
        active, active_shared, minutes, minutes_shared, _ = found.get(back, nothing)
        before_active, _, _, _, before_private = found.get(back + 1, nothing)
        counted = private_may_count(active, before_private, before_active)
        trend.append(
            TrendWeek(
                first_day=end_day - timedelta(days=DIGEST_DAYS * (back + 1)),
                minutes=minutes if counted else minutes_shared,
                people=active if counted else active_shared,
                private_counted=counted,
            )
        )
    return trend


def _milestones(
    session: Session,
    team: LearningTeam,
    members: Sequence[Row[int, str, int, int]],  # id, user id, target days, target minutes
    members_entries: Join,
    ours: tuple[ColumnElement[bool], ...],
    *,
    end_day: date,
) -> list[Milestone]:
    """Members whose streak reached a milestone with the digest's last week (shared entries only)."""
    last_day = end_day - timedelta(days=1)
    since = week_start(last_day) - timedelta(weeks=STREAK_HISTORY_WEEKS)
    week_number = _day_number(session, LearningEntry.local_day) // 7
    # 7. Each member's learning days and minutes per week, aggregated by the database.
    weeks = session.execute(
        select(
            LearningEntry.person_id,
            week_number,
            func.count(distinct(LearningEntry.local_day)),
            func.sum(LearningEntry.minutes),
        )
        .select_from(members_entries)
        .where(
            *ours,
            LearningEntry.visibility == Visibility.TEAM,
            LearningEntry.local_day >= since,
            LearningEntry.local_day <= last_day,
        )
        .group_by(LearningEntry.person_id, week_number)
    ).all()
    # 8. Their rest weeks.
    rests = session.execute(
        select(RestWeek.person_id, RestWeek.week_start).where(
            RestWeek.team_id == team.team_id,
            RestWeek.person_id.in_([member.id for member in members]),
            RestWeek.week_start >= since,
        )
    ).all()
    activities: dict[int, list[DayActivity]] = {}
    for person_id, number, days, minutes in weeks:
        monday = EPOCH_MONDAY + timedelta(weeks=int(number))
        # A week is what the streak rules need of it: how many learning days, how many minutes.
        days_in_week = [monday + timedelta(days=offset) for offset in range(int(days))]
        activities.setdefault(person_id, []).extend(
            DayActivity(day, int(minutes) if index == 0 else 0, EntryKind.JOB)
            for index, day in enumerate(days_in_week)
        )
    rest_weeks: dict[int, list[date]] = {}
    for person_id, monday in rests:
        rest_weeks.setdefault(person_id, []).append(monday)
    reached = []
    this_monday = week_start(last_day)
    for member_id, user_id, target_days, target_minutes in members:
        history = activities.get(member_id)
        if not history:
            continue
        targets = Targets(days_per_week=target_days, minutes_per_week=target_minutes)
        this_week = [activity for activity in history if activity.day >= this_monday]
        met_this_week = (
            len(this_week) >= target_days
            and sum(activity.minutes for activity in this_week) >= target_minutes
        )
        # The synthetic days of the last week may fall after last_day; the rules only need the count.
        current = streak(
            history,
            [],
            targets,
            today=this_monday + timedelta(days=6),
            rest_weeks=rest_weeks.get(member_id, []),
        ).current
        if met_this_week and current in STREAK_MILESTONES:
            reached.append(Milestone(user_id, current))
    return sorted(reached, key=lambda milestone: (-milestone.weeks, milestone.user_id))
