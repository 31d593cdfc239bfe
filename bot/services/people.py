"""Workspaces and the people in them: the timezone that decides each person's local day, and when their
next nudge is due in it (every service asks here, so they all agree on a person's day)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Person

# Slack lets people change timezone when they travel; re-read it at most this often.
TIMEZONE_REFRESH = timedelta(hours=12)

TimezoneLookup = Callable[[str], str | None]
"""Given a Slack user id, the IANA timezone Slack has for them, or None when it cannot be read."""


@dataclass(frozen=True)
class Workspace:
    """The key every row and query carries: one Slack workspace (and its Enterprise Grid org, if any)."""

    team_id: str
    enterprise_id: str | None = None


def workspace_of_person(person: Person) -> Workspace:
    return Workspace(person.team_id, person.enterprise_id)


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
    """The timezone a person is in: the one Slack last gave for them."""
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
    if not person.nudges_enabled or person.deactivated_at is not None:
        return None
    return next_slot(person.tz, weekdays_of(person), person.nudge_minute, after=after)


def reschedule_nudge(person: Person, now: datetime) -> None:
    """Recompute the person's next nudge from their timezone and settings (None: nothing to send)."""
    person.next_nudge_at = next_nudge_at(person, after=now)


def follow_timezone(person: Person, name: str | None, *, now: datetime) -> None:
    """Take the timezone Slack now gives for the person (an unknown one is ignored); their nudge moves too."""
    tz = known_zone(name)
    if tz is None:
        return
    moved = tz != person.tz
    person.tz = tz
    person.tz_checked_at = now
    if moved:
        reschedule_nudge(person, now)


# ---------------------------------------------------------------------- finding and adding people


def find_person(session: Session, workspace: Workspace, user_id: str) -> Person | None:
    return session.scalar(
        select(Person).where(Person.team_id == workspace.team_id, Person.user_id == user_id)
    )


def add_person(
    session: Session, workspace: Workspace, user_id: str, *, tz: str | None, now: datetime
) -> tuple[Person, bool]:
    """A new person with the timezone Slack gave, and True; or, when another request added them a moment
    ago, that row and False. Nudges are not scheduled here: only people who use the app get them."""
    tz = known_zone(tz)
    person = Person(
        team_id=workspace.team_id,
        enterprise_id=workspace.enterprise_id,
        user_id=user_id,
        tz=tz or "UTC",
        tz_checked_at=now if tz else None,
        created_at=now,
    )
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
    lookup_timezone: TimezoneLookup,
) -> Person:
    """The person behind a Slack user id, created on first use; the timezone is refreshed when stale."""
    person = find_person(session, workspace, user_id)
    if person is None:
        person, added = add_person(session, workspace, user_id, tz=lookup_timezone(user_id), now=now)
        if added:
            reschedule_nudge(person, now)
        return person
    if person.deactivated_at is not None:
        # Slack had said the account was gone; a request from it says otherwise.
        person.deactivated_at = None
        reschedule_nudge(person, now)
    elif person.next_nudge_at is None and person.nudges_enabled:
        # Added by someone else (/team add) and using the app now: their nudges start.
        reschedule_nudge(person, now)
    if person.tz_checked_at is None or now - person.tz_checked_at >= TIMEZONE_REFRESH:
        follow_timezone(person, lookup_timezone(user_id), now=now)
    return person
