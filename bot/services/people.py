"""Workspaces and the people in them: the timezone that decides each person's local day, when their next
nudge is due in it (every service asks here, so they all agree on a person's day), and who belongs to
another organisation (a Slack Connect partner: never nudged, never in a team)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Person

# Slack lets people change timezone when they travel; re-read it at most this often.
TIMEZONE_REFRESH = timedelta(hours=12)
# A person's zone while Slack gives none for them (Learnfit knows no workspace default).
FALLBACK_TIMEZONE = "UTC"


class SlackProfile(Protocol):
    """What Slack says of a user that Learnfit keeps (bot.gateway.SlackUser is one): their timezone, if
    they set one, and the workspace and Enterprise Grid org they belong to."""

    @property
    def tz(self) -> str | None: ...

    @property
    def team_id(self) -> str | None: ...

    @property
    def enterprise_id(self) -> str | None: ...


ProfileLookup = Callable[[str], SlackProfile | None]
"""Given a Slack user id, what Slack says of them, or None when Slack could not be asked."""


@dataclass(frozen=True)
class Workspace:
    """The key every row and query carries: one Slack workspace (and its Enterprise Grid org, if any)."""

    team_id: str
    enterprise_id: str | None = None


def workspace_of_person(person: Person) -> Workspace:
    return Workspace(person.team_id, person.enterprise_id)


def belongs_elsewhere(workspace: Workspace, team_id: str | None, enterprise_id: str | None) -> bool:
    """Whether a user of workspace `team_id` (in Grid org `enterprise_id`; None: in none) is from another
    organisation than `workspace`: a Slack Connect partner. Colleagues from other workspaces of the same
    Grid org are not; a user whose workspace is not known (None) is not."""
    if workspace.enterprise_id is not None and team_id:
        # Every member of a Grid org is one of its enterprise users (users.info's `enterprise_user`): anyone
        # else is a partner, also when an org-wide install filed them under their own workspace.
        return enterprise_id != workspace.enterprise_id
    return bool(team_id) and team_id != workspace.team_id


def mark_external(person: Person) -> None:
    """From now on the person is a partner from another organisation: no nudges. Nothing undoes the mark:
    a request that does not name the actor's organisation is no proof of membership."""
    person.is_external = True
    person.next_nudge_at = None


# ---------------------------------------------------------------------- timezones and local days


def known_zone(name: str | None) -> str | None:
    """The name, if it is an IANA timezone this machine knows; None for a missing or unknown one."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def zone(name: str | None) -> ZoneInfo:
    """The timezone of that name; UTC when the name is missing or unknown."""
    return ZoneInfo(known_zone(name) or "UTC")


def zone_of(person: Person) -> ZoneInfo:
    """The timezone a person is in: the one Slack last gave for them (UTC while it gives none)."""
    return zone(person.tz)


def local_today(person: Person, now: datetime) -> date:
    """The person's calendar day at `now` (any moment: a nudge's slot, a credit's time)."""
    return now.astimezone(zone_of(person)).date()


def next_slot(tz: str | None, weekdays: Sequence[int], minute: int, *, after: datetime) -> datetime | None:
    """The first of the chosen local weekdays at `minute` past local midnight strictly after `after`, in UTC.

    Computed in the zone itself, so 16:00 stays 16:00 on either side of a daylight-saving change (a time
    that does not exist that night falls forward by the gap, as zoneinfo resolves it).
    """
    if not weekdays:
        return None
    local_zone = zone(tz)
    first_day = after.astimezone(local_zone).date()
    at = time(minute // 60, minute % 60)
    for offset in range(8):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        slot = datetime.combine(day, at, tzinfo=local_zone).astimezone(UTC)
        if slot > after:
            return slot
    return None


# ---------------------------------------------------------------------- when the next nudge is due


def weekdays_of(person: Person) -> tuple[int, ...]:
    """The person's nudge days, Monday = 0, from the stored "1,3"."""
    days = {int(part) for part in re.findall(r"\d", person.nudge_weekdays or "")}
    return tuple(sorted(day for day in days if 0 <= day <= 6))


def weekdays_text(days: Iterable[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days)))


def next_nudge_at(person: Person, *, after: datetime) -> datetime | None:
    if not person.nudges_enabled or person.deactivated_at is not None or person.is_external:
        return None
    return next_slot(person.tz, weekdays_of(person), person.nudge_minute, after=after)


def reschedule_nudge(person: Person, now: datetime) -> None:
    """Recompute the person's next nudge from their timezone and settings (None: nothing to send)."""
    person.next_nudge_at = next_nudge_at(person, after=now)


def start_nudges(person: Person, now: datetime) -> None:
    """The one rule for who is nudged: someone who logs learning (or picks a schedule with `/fitness
    nudges`, which reschedules directly). Opening `/fitness` or App Home, being added to a team or credited
    enrols no one, so after forget-me nothing arrives until the person logs again, as they were promised.
    The scheduler's `schedule_missing` applies the same rule (people with an entry) to older rows."""
    if person.next_nudge_at is None:
        reschedule_nudge(person, now)


def follow_profile(person: Person, profile: SlackProfile | None, *, now: datetime) -> None:
    """Keep what Slack now says of the person: whether they are from another organisation, and their
    timezone (a scheduled nudge moves with it). No timezone, or one this machine does not know, is an
    answer too: they are on UTC until the next refresh. None (Slack could not be asked) changes nothing,
    so they are asked again next time."""
    if profile is None:
        return
    person.tz_checked_at = now
    if belongs_elsewhere(workspace_of_person(person), profile.team_id, profile.enterprise_id):
        mark_external(person)
    tz = known_zone(profile.tz)
    person.tz_missing = tz is None
    tz = tz or FALLBACK_TIMEZONE
    if tz == person.tz:
        return
    person.tz = tz
    if person.next_nudge_at is not None:
        reschedule_nudge(person, now)


def take_timezone_note(person: Person, now: datetime) -> bool:
    """Whether to tell the person now that their days and nudges run on UTC, because Slack gives no
    timezone for them; True once, then remembered."""
    if not person.tz_missing or person.tz_note_shown_at is not None or person.is_external:
        return False
    person.tz_note_shown_at = now
    return True


# ---------------------------------------------------------------------- finding and adding people


def find_person(session: Session, workspace: Workspace, user_id: str) -> Person | None:
    return session.scalar(
        select(Person).where(Person.team_id == workspace.team_id, Person.user_id == user_id)
    )


def add_person(
    session: Session, workspace: Workspace, user_id: str, *, profile: SlackProfile | None, now: datetime
) -> tuple[Person, bool]:
    """A new person as Slack describes them (None: not asked yet), and True; or, when another request added
    them a moment ago, that row and False. Nudges are not scheduled here: only people who log learning get
    them (`start_nudges`)."""
    person = Person(
        team_id=workspace.team_id,
        enterprise_id=workspace.enterprise_id,
        user_id=user_id,
        tz=FALLBACK_TIMEZONE,
        created_at=now,
    )
    follow_profile(person, profile, now=now)
    try:
        with session.begin_nested():
            session.add(person)
    except IntegrityError:
        existing = find_person(session, workspace, user_id)
        assert existing is not None
        return existing, False
    return person, True


def get_or_create_person(
    session: Session,
    workspace: Workspace,
    user_id: str,
    *,
    now: datetime,
    lookup_profile: ProfileLookup,
) -> Person:
    """The person behind a Slack user id, created on first use; what Slack says of them is re-read when
    stale (at most once per TIMEZONE_REFRESH, whether or not it had a timezone). Using the app schedules no
    nudge by itself: see `start_nudges`."""
    person = find_person(session, workspace, user_id)
    if person is None:
        person, _ = add_person(session, workspace, user_id, profile=lookup_profile(user_id), now=now)
        return person
    if person.deactivated_at is not None:
        # Slack had said the account was gone; a request from it says otherwise. Their nudges come back
        # with the scheduler's next schedule_missing, if they have learned.
        person.deactivated_at = None
    if person.tz_checked_at is None or now - person.tz_checked_at >= TIMEZONE_REFRESH:
        follow_profile(person, lookup_profile(user_id), now=now)
    return person


def note_external(session: Session, workspace: Workspace, user_id: str, *, now: datetime) -> Person:
    """A partner from another organisation took part (offered help, replied in a thread), as Slack's payload
    says: their row, marked, so that crediting them or naming them in /team finds them a partner. Slack is
    not asked anything: nothing here needs their timezone."""
    person = find_person(session, workspace, user_id)
    if person is None:
        person, _ = add_person(session, workspace, user_id, profile=None, now=now)
    mark_external(person)
    return person
