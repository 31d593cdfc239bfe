"""Workspaces and the people in them, with the timezone that decides their local day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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


def zone_of(person: Person) -> ZoneInfo:
    try:
        return ZoneInfo(person.tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(person: Person, now: datetime) -> date:
    return now.astimezone(zone_of(person)).date()


def _valid_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def find_person(session: Session, workspace: Workspace, user_id: str) -> Person | None:
    return session.scalar(
        select(Person).where(Person.team_id == workspace.team_id, Person.user_id == user_id)
    )


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
        tz = _valid_zone(lookup_timezone(user_id))
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
            # Another request created them a moment ago.
            person = find_person(session, workspace, user_id)
            assert person is not None
            return person
        _reschedule_nudge(person, now)
        return person
    if person.deactivated_at is not None:
        # Slack had said the account was gone; a request from it says otherwise.
        person.deactivated_at = None
        _reschedule_nudge(person, now)
    elif person.next_nudge_at is None and person.nudges_enabled:
        # Added by someone else (/team add) and using the app now: their nudges start.
        _reschedule_nudge(person, now)
    if person.tz_checked_at is None or now - person.tz_checked_at >= TIMEZONE_REFRESH:
        tz = _valid_zone(lookup_timezone(user_id))
        if tz:
            changed = tz != person.tz
            person.tz = tz
            person.tz_checked_at = now
            if changed:
                _reschedule_nudge(person, now)
    return person


def _reschedule_nudge(person: Person, now: datetime) -> None:
    # Imported here: the nudge service builds on this module.
    from bot.services.nudges import reschedule_nudge

    reschedule_nudge(person, now)
