"""Learning teams: who is in them, who leads them, and when and where their digest goes.

A workspace admin creates a team and becomes its first lead; its leads (or any admin) manage it. People
added to a team get a Person row so the digest can count them, but no nudges until they use Learnfit
themselves (the scheduler only schedules people who have logged learning); they are told they were added
and may leave any team they are in. Partners from another organisation (Slack Connect) are never added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services.digests import leads_query, reschedule_digest
from bot.services.drafts import CONTROL_CHARACTERS_MESSAGE, has_control_characters
from bot.services.people import Workspace, add_person, belongs_elsewhere, find_person, mark_external
from bot.services.team_posts import reschedule_weekly_post
from models import LearningTeam, Person, TeamMember, TeamRole

MAX_TEAM_NAME = 80
MAX_TEAMS_LISTED = 45


class TeamError(ValueError):
    """Something the person can fix, worded for them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SlackUser:
    """What the listener read from users.info about someone mentioned in a command."""

    user_id: str
    tz: str | None = None
    is_bot: bool = False
    deleted: bool = False
    team_id: str | None = None  # their own workspace and Grid org: another organisation's for a partner
    enterprise_id: str | None = None


def _reschedule(session: Session, team: LearningTeam, now: datetime) -> None:
    """Both of a team's weekly times follow its first lead's timezone, so both move when its leads change."""
    reschedule_digest(session, team, now)
    reschedule_weekly_post(session, team, now)


def team_name(typed: str) -> str:
    """A team's name as typed, spaces tidied: 1 to MAX_TEAM_NAME characters and none invisible, or TeamError.

    Every name a command gives goes through here before it is stored or looked up.
    """
    name = " ".join(typed.split())
    if not name or len(name) > MAX_TEAM_NAME:
        raise TeamError(f"Give the team a name of 1 to {MAX_TEAM_NAME} characters.")
    if has_control_characters(name):
        raise TeamError(f"Team names are plain words: {CONTROL_CHARACTERS_MESSAGE}.")
    return name


def find_team(session: Session, workspace: Workspace, name: str) -> LearningTeam | None:
    return session.scalar(
        select(LearningTeam).where(
            LearningTeam.team_id == workspace.team_id, func.lower(LearningTeam.name) == name.strip().lower()
        )
    )


def workspace_teams(session: Session, workspace: Workspace) -> list[LearningTeam]:
    return list(
        session.scalars(
            select(LearningTeam)
            .where(LearningTeam.team_id == workspace.team_id)
            .order_by(func.lower(LearningTeam.name))
            .limit(MAX_TEAMS_LISTED)
        )
    )


def role_of(session: Session, team: LearningTeam, person: Person) -> TeamRole | None:
    return session.scalar(
        select(TeamMember.role).where(
            TeamMember.learning_team_id == team.id, TeamMember.person_id == person.id
        )
    )


def teams_led_by(session: Session, person: Person) -> list[LearningTeam]:
    return list(
        session.scalars(
            select(LearningTeam)
            .join(TeamMember, TeamMember.learning_team_id == LearningTeam.id)
            .where(
                LearningTeam.team_id == person.team_id,
                TeamMember.person_id == person.id,
                TeamMember.role == TeamRole.LEAD,
            )
            .order_by(LearningTeam.name)
        )
    )


def resolve_team(session: Session, person: Person, name: str | None, *, is_admin: bool) -> LearningTeam:
    """The team a command means: the one named, else the only one the person leads."""
    workspace = Workspace(person.team_id, person.enterprise_id)
    if name:
        name = team_name(name)
        team = find_team(session, workspace, name)
        if team is None:
            raise TeamError(f"There is no team called *{name}* here. `/team list` shows the teams.")
        return team
    led = teams_led_by(session, person)
    if len(led) == 1:
        return led[0]
    if led:
        names = ", ".join(f"*{team.name}*" for team in led)
        raise TeamError(f"You lead {names}: say which one, e.g. `/team add {led[0].name} @ana`.")
    teams = workspace_teams(session, workspace)
    if len(teams) == 1 and is_admin:
        return teams[0]
    if not teams:
        raise TeamError("There are no teams yet. A workspace admin starts one with `/team create Platform`.")
    raise TeamError("Say which team, e.g. `/team add Platform @ana`. `/team list` shows the teams.")


def check_can_manage(session: Session, team: LearningTeam, person: Person, *, is_admin: bool) -> None:
    if role_of(session, team, person) is TeamRole.LEAD or is_admin:
        return
    raise TeamError(
        f"Only *{team.name}*'s leads or a workspace admin can change it or see its digest. "
        "`/team list` shows who leads it."
    )


def create_team(
    session: Session, creator: Person, name: str, *, now: datetime, is_admin: bool
) -> LearningTeam:
    """A new team, led by its creator (a workspace admin)."""
    name = team_name(name)
    if not is_admin:
        raise TeamError(
            "Only a workspace admin can create a team. Ask one to run `/team create "
            f"{name}` and make you its lead with `/team lead @you`."
        )
    workspace = Workspace(creator.team_id, creator.enterprise_id)
    if find_team(session, workspace, name) is not None:
        raise TeamError(f"There is a team called *{name}* already. `/team list` shows the teams.")
    team = LearningTeam(
        team_id=creator.team_id, enterprise_id=creator.enterprise_id, name=name, created_at=now
    )
    try:
        with session.begin_nested():
            session.add(team)
            session.flush()
            session.add(TeamMember(learning_team_id=team.id, person_id=creator.id, role=TeamRole.LEAD))
    except IntegrityError:
        raise TeamError(f"There is a team called *{name}* already.") from None
    _reschedule(session, team, now)
    return team


@dataclass(frozen=True)
class Mentioned:
    """The users a team change mentioned: the people it applies to, and the ids of those it leaves out."""

    people: list[Person]
    refused: list[str]  # bots and deactivated accounts
    outsiders: list[str]  # partners from another organisation (Slack Connect)


def people_for(
    session: Session, workspace: Workspace, users: Sequence[SlackUser], *, now: datetime
) -> Mentioned:
    """Person rows for mentioned users (created when new, without nudges); bots, deactivated accounts and
    partners from another organisation are left out (partners are marked as such)."""
    people: list[Person] = []
    refused: list[str] = []
    outsiders: list[str] = []
    for user in users:
        if user.is_bot or user.deleted:
            refused.append(user.user_id)
            continue
        person = find_person(session, workspace, user.user_id)
        if person is not None and belongs_elsewhere(workspace, user.team_id, user.enterprise_id):
            mark_external(person)
        if person is None and not belongs_elsewhere(workspace, user.team_id, user.enterprise_id):
            person, _ = add_person(session, workspace, user.user_id, profile=user, now=now)
        if person is None or person.is_external:
            outsiders.append(user.user_id)
            continue
        people.append(person)
    return Mentioned(people, refused, outsiders)


def _membership(session: Session, team: LearningTeam, person: Person) -> TeamMember | None:
    return session.get(TeamMember, (team.id, person.id))


def not_members(session: Session, team: LearningTeam, people: Sequence[Person]) -> list[Person]:
    """Those of `people` who are not in the team (yet)."""
    return [person for person in people if _membership(session, team, person) is None]


def add_members(session: Session, team: LearningTeam, people: Sequence[Person]) -> list[Person]:
    """Add people as members; returns those who were not in the team yet."""
    added = []
    for person in people:
        if _membership(session, team, person) is None:
            session.add(TeamMember(learning_team_id=team.id, person_id=person.id, role=TeamRole.MEMBER))
            added.append(person)
    session.flush()
    return added


def make_leads(
    session: Session, team: LearningTeam, people: Sequence[Person], *, now: datetime
) -> list[Person]:
    """Make people leads (adding them to the team if needed); returns those who were not leads yet."""
    promoted = []
    for person in people:
        membership = _membership(session, team, person)
        if membership is None:
            session.add(TeamMember(learning_team_id=team.id, person_id=person.id, role=TeamRole.LEAD))
            promoted.append(person)
        elif membership.role is not TeamRole.LEAD:
            membership.role = TeamRole.LEAD
            promoted.append(person)
    session.flush()
    _reschedule(session, team, now)  # the first lead's timezone sets the digest and post times
    return promoted


def remove_members(
    session: Session, team: LearningTeam, people: Sequence[Person], *, now: datetime
) -> list[Person]:
    removed = []
    for person in people:
        membership = _membership(session, team, person)
        if membership is not None:
            session.delete(membership)
            removed.append(person)
    session.flush()
    _reschedule(session, team, now)
    return removed


@dataclass(frozen=True)
class Welcome:
    """What someone newly added to a team is told, in their DM: the team, who added them, who leads it
    (user ids) and where its digest goes (None: the leads' DMs)."""

    user_id: str
    team_name: str
    added_by: str
    leads: list[str]
    digest_channel_id: str | None
    weekly_post_channel_id: str | None = None  # where "What <team> learned" goes, if it is on


def welcomes(session: Session, team: LearningTeam, joined: Sequence[Person], *, by: Person) -> list[Welcome]:
    """What each person who just joined the team is told; never a partner from another organisation, nor
    a deactivated account, nor the person who added them (who knows). Bots never get a Person row here."""
    told = [
        person
        for person in joined
        if not person.is_external and person.deactivated_at is None and person.id != by.id
    ]
    if not told:
        return []
    leads = [lead.user_id for lead in session.scalars(leads_query(team.id))]
    return [
        Welcome(
            person.user_id, team.name, by.user_id, leads, team.digest_channel_id, team.weekly_post_channel_id
        )
        for person in told
    ]


def teams_of(session: Session, person: Person) -> list[LearningTeam]:
    """The teams the person is in, led or not, by name."""
    return list(
        session.scalars(
            select(LearningTeam)
            .join(TeamMember, TeamMember.learning_team_id == LearningTeam.id)
            .where(LearningTeam.team_id == person.team_id, TeamMember.person_id == person.id)
            .order_by(func.lower(LearningTeam.name))
        )
    )


@dataclass(frozen=True)
class Left:
    team_name: str
    leaderless: bool  # they were its last lead: its digest goes nowhere now


def leave_team(session: Session, person: Person, name: str | None, *, now: datetime) -> Left:
    """Take the person out of a team they are in: the one named, else the only one they are in."""
    theirs = teams_of(session, person)
    if name:
        team = next((team for team in theirs if team.name.lower() == name.strip().lower()), None)
        if team is None:
            raise TeamError(f"You aren't in a team called *{name}*. `/team list` shows the teams.")
    elif len(theirs) == 1:
        team = theirs[0]
    elif theirs:
        names = ", ".join(f"*{team.name}*" for team in theirs)
        raise TeamError(f"You're in {names}: say which one, e.g. `/team leave {theirs[0].name}`.")
    else:
        raise TeamError("You aren't in any team. `/team list` shows the teams.")
    membership = _membership(session, team, person)
    assert membership is not None  # one of their teams
    was_lead = membership.role is TeamRole.LEAD
    session.delete(membership)
    session.flush()
    _reschedule(session, team, now)  # the first lead's timezone sets the digest and post times
    return Left(team.name, leaderless=was_lead and lead_count(session, team) == 0)


def lead_count(session: Session, team: LearningTeam) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(TeamMember)
            .where(TeamMember.learning_team_id == team.id, TeamMember.role == TeamRole.LEAD)
        )
        or 0
    )


def set_digest_time(
    session: Session, team: LearningTeam, weekday: int, minute: int, *, now: datetime
) -> None:
    team.digest_weekday = weekday
    team.digest_minute = minute
    reschedule_digest(session, team, now)


def set_digest_channel(session: Session, team: LearningTeam, channel_id: str | None) -> None:
    """Post the digest in a channel, or (None) send it to each lead's DM."""
    team.digest_channel_id = channel_id


@dataclass(frozen=True)
class TeamSummary:
    team: LearningTeam
    members: int
    leads: list[str]


def team_summaries(session: Session, workspace: Workspace) -> list[TeamSummary]:
    """Every team with its size and leads, in two statements."""
    teams = workspace_teams(session, workspace)
    if not teams:
        return []
    rows = session.execute(
        select(TeamMember.learning_team_id, TeamMember.role, Person.user_id)
        .join(Person, Person.id == TeamMember.person_id)
        .where(TeamMember.learning_team_id.in_([team.id for team in teams]))
        .order_by(Person.user_id)
    ).all()
    sizes: dict[int, int] = {}
    leads: dict[int, list[str]] = {}
    for team_id, role, user_id in rows:
        sizes[team_id] = sizes.get(team_id, 0) + 1
        if role is TeamRole.LEAD:
            leads.setdefault(team_id, []).append(user_id)
    return [TeamSummary(team, sizes.get(team.id, 0), leads.get(team.id, [])) for team in teams]
