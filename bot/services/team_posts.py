"""A team's weekly "What <team> learned" post, in a channel a lead picked: when it is due, and what it says.

It is working out loud for the whole team, so it only ever holds what its people already made public to
the team or the workspace: the titles and skills of entries shared with the team (never a private one,
never anyone's minutes, no ranking), questions asked in a public channel that teammates answered (never
one from a private channel, whose words belong to that channel), and goals reached by people who shared
them. A week with none of these is not posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from bot.services.digests import DIGEST_DAYS, team_timezone, utc_bounds
from bot.services.nudges import uninstalled_workspace
from bot.services.people import next_slot
from models import (
    Goal,
    GoalStatus,
    HelpCredit,
    HelpQuestion,
    LearningEntry,
    LearningTeam,
    Person,
    QuestionStatus,
    TeamMember,
    Visibility,
)

# A post that could not go out within this long after its time is skipped as missed.
WEEKLY_POST_WINDOW = timedelta(hours=12)
# The week's shared entries read to pick from (most teams share fewer); the post shows a few per skill
# and says how many more there were.
MAX_ENTRIES_READ = 300
MAX_SKILLS = 10
MAX_TITLES_PER_SKILL = 5
MAX_QUESTIONS = 8
MAX_GOALS = 10


# ---------------------------------------------------------------------- schedule


def next_weekly_post_at(team: LearningTeam, tz: str, *, after: datetime) -> datetime | None:
    """The next post's time in the team's timezone (its first lead's, as the digest's); None when off."""
    if team.weekly_post_channel_id is None:
        return None
    return next_slot(tz, (team.weekly_post_weekday,), team.weekly_post_minute, after=after)


def reschedule_weekly_post(session: Session, team: LearningTeam, now: datetime) -> None:
    team.next_weekly_post_at = next_weekly_post_at(team, team_timezone(session, team), after=now)


def turn_on(
    session: Session,
    team: LearningTeam,
    channel_id: str,
    *,
    weekday: int | None,
    minute: int | None,
    now: datetime,
) -> None:
    """Post weekly in `channel_id`; a day or time not given keeps the one the team has (Monday 10:00)."""
    team.weekly_post_channel_id = channel_id
    if weekday is not None:
        team.weekly_post_weekday = weekday
    if minute is not None:
        team.weekly_post_minute = minute
    reschedule_weekly_post(session, team, now)


def turn_off(team: LearningTeam) -> None:
    team.weekly_post_channel_id = None
    team.next_weekly_post_at = None


def due_teams_query(now: datetime, limit: int) -> Select[LearningTeam]:
    """Teams whose weekly post is due, through the index on next_weekly_post_at (rows locked, SKIP LOCKED)."""
    return (
        select(LearningTeam)
        .where(LearningTeam.next_weekly_post_at <= now, ~uninstalled_workspace(LearningTeam.team_id))
        .order_by(LearningTeam.next_weekly_post_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=LearningTeam)
    )


def weekly_post_key(team: LearningTeam, send_day: date) -> str:
    """One post per team and ISO week, whatever happens (a new channel or time that week included)."""
    year, week, _ = send_day.isocalendar()
    return f"team_post:{team.team_id}:{team.id}:{year}-W{week:02d}"


# ---------------------------------------------------------------------- content


@dataclass(frozen=True)
class SkillGroup:
    skill: str | None  # None: entries with no skill tagged
    titles: list[str]


@dataclass(frozen=True)
class AnsweredQuestion:
    text: str
    channel_id: str
    helpers: list[str]  # user ids of the teammates credited


@dataclass(frozen=True)
class SharedGoal:
    user_id: str
    title: str


@dataclass(frozen=True)
class TeamPost:
    team_name: str
    first_day: date
    last_day: date
    groups: list[SkillGroup] = field(default_factory=list)
    more_entries: int = 0  # shared entries beyond those shown
    questions: list[AnsweredQuestion] = field(default_factory=list)
    goals: list[SharedGoal] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.groups or self.questions or self.goals)


def build_team_post(session: Session, team: LearningTeam, *, end_day: date, tz: str) -> TeamPost:
    """The post for the seven local days before `end_day`, in four to six statements whatever the history."""
    first_day = end_day - timedelta(days=DIGEST_DAYS)
    since, until = utc_bounds(tz, first_day, end_day)
    member = aliased(Person)
    # A partner from another organisation (Slack Connect) is never in it, whatever their membership says.
    member_ids = (
        select(TeamMember.person_id)
        .join(member, member.id == TeamMember.person_id)
        .where(TeamMember.learning_team_id == team.id, member.is_external.is_(False))
    )
    shared = (
        # Through the (person_id, local_day) index, as the digest does: the workspace filter is an
        # expression no index serves, so SQLite never walks the workspace's whole history instead.
        LearningEntry.team_id + "" == team.team_id,
        LearningEntry.person_id.in_(member_ids),
        LearningEntry.visibility == Visibility.TEAM,
        LearningEntry.local_day >= first_day,
        LearningEntry.local_day < end_day,
    )
    entries = list(
        session.scalars(
            select(LearningEntry)
            .where(*shared)
            .order_by(LearningEntry.local_day, LearningEntry.id)
            .limit(MAX_ENTRIES_READ)
        )
    )
    groups, shown = _by_skill(entries)
    total = len(entries)
    if total == MAX_ENTRIES_READ:  # there may be more than were read: count them
        total = session.scalar(select(func.count(LearningEntry.id)).where(*shared)) or 0
    return TeamPost(
        team_name=team.name,
        first_day=first_day,
        last_day=end_day - timedelta(days=1),
        groups=groups,
        more_entries=total - shown,
        questions=_answered_questions(session, team, member_ids, since=since, until=until),
        goals=_shared_goals(session, team, member_ids, since=since, until=until),
    )


def _by_skill(entries: Sequence[LearningEntry]) -> tuple[list[SkillGroup], int]:
    """Entries' titles under their first skill (by name), skills in alphabetical order, those without one
    last; and how many titles are shown."""
    titles: dict[str | None, list[str]] = {}
    for entry in entries:
        skill = entry.skills[0].name if entry.skills else None
        titles.setdefault(skill, []).append(entry.what)
    named = sorted(skill for skill in titles if skill is not None)
    order: list[str | None] = [*named[:MAX_SKILLS], *([None] if None in titles else [])]
    groups = [SkillGroup(skill, titles[skill][:MAX_TITLES_PER_SKILL]) for skill in order]
    return groups, sum(len(group.titles) for group in groups)


def _answered_questions(
    session: Session, team: LearningTeam, member_ids: Select[int], *, since: datetime, until: datetime
) -> list[AnsweredQuestion]:
    """Questions resolved this week with credit to a teammate; only those asked in a public channel."""
    questions = list(
        session.execute(
            select(HelpQuestion.id, HelpQuestion.text, HelpQuestion.channel_id)
            .where(
                HelpQuestion.team_id == team.team_id,
                HelpQuestion.status == QuestionStatus.RESOLVED,
                HelpQuestion.in_public_channel.is_(True),
                HelpQuestion.channel_id.is_not(None),
                HelpQuestion.resolved_at >= since,
                HelpQuestion.resolved_at < until,
                HelpQuestion.id.in_(
                    select(HelpCredit.question_id).where(
                        HelpCredit.team_id == team.team_id, HelpCredit.helper_id.in_(member_ids)
                    )
                ),
            )
            .order_by(HelpQuestion.resolved_at, HelpQuestion.id)
            .limit(MAX_QUESTIONS)
        ).all()
    )
    if not questions:
        return []
    helpers: dict[int, list[str]] = {}
    for question_id, user_id in session.execute(
        select(HelpCredit.question_id, Person.user_id)
        .join(Person, Person.id == HelpCredit.helper_id)
        .where(
            HelpCredit.question_id.in_([row.id for row in questions]),
            HelpCredit.helper_id.in_(member_ids),
        )
        .order_by(Person.user_id)
    ):
        helpers.setdefault(question_id, []).append(user_id)
    return [AnsweredQuestion(row.text, row.channel_id, helpers.get(row.id, [])) for row in questions]


def _shared_goals(
    session: Session, team: LearningTeam, member_ids: Select[int], *, since: datetime, until: datetime
) -> list[SharedGoal]:
    """Goals teammates reached this week and chose to share (goals are private to their owner until then)."""
    rows = session.execute(
        select(Person.user_id, Goal.title)
        .join(Person, Person.id == Goal.person_id)
        .where(
            Goal.team_id + "" == team.team_id,  # through the person_id index, as for entries
            Goal.person_id.in_(member_ids),
            Goal.status == GoalStatus.DONE,
            Goal.shared_at.is_not(None),
            Goal.reached_at >= since,
            Goal.reached_at < until,
        )
        .order_by(Goal.reached_at, Goal.id)
        .limit(MAX_GOALS)
    ).all()
    return [SharedGoal(user_id, title) for user_id, title in rows]
