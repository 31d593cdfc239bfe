"""Kudos: a teammate's "Nice one" on an entry in the team feed, and the author's daily summary of them.

A kudos is stored once per giver and entry (a unique key), and only when the clicker could see the entry
in their feed: shared with the team, not their own, by someone in one of their teams, in their workspace.
The author hears of new kudos at most once a day, in one DM at a daytime hour of theirs on a working day;
a snooze postpones it, and nothing anywhere counts or ranks kudos.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services.feed import teammates_query
from bot.services.nudges import uninstalled_workspace
from bot.services.people import next_slot
from models import Kudos, LearningEntry, Person, TeamMember, Visibility

# The summary goes out at the author's nudge time, kept within daytime, Monday to Friday.
SUMMARY_WEEKDAYS = (0, 1, 2, 3, 4)
EARLIEST_MINUTE = 9 * 60
LATEST_MINUTE = 18 * 60
# A summary not sent within this long after its time waits for the next day's: never in the evening.
SUMMARY_WINDOW = timedelta(hours=2)
MAX_SUMMARY_LINES = 8


class KudosOutcome(StrEnum):
    GIVEN = "given"
    ALREADY = "already"  # a double click, a retry: stored once
    NOT_ALLOWED = "not_allowed"  # own, private, unknown, another workspace's, not a teammate's


def kudos_key(team_id: str, user_id: str, day: date) -> str:
    """The ledger key of an author's kudos summary on one local day: at most one a day."""
    return f"kudos:{team_id}:{user_id}:{day.isoformat()}"


def summary_slot(author: Person, *, after: datetime) -> datetime | None:
    """When the author's next summary may go: their nudge time within daytime, on a working day."""
    if author.deactivated_at is not None or author.is_external:
        return None
    minute = min(max(author.nudge_minute, EARLIEST_MINUTE), LATEST_MINUTE)
    return next_slot(author.tz, SUMMARY_WEEKDAYS, minute, after=after)


def visible_entry(session: Session, viewer: Person, entry_id: int) -> LearningEntry | None:
    """The entry, if the viewer could see it in their team feed; else None, whatever the reason."""
    their_teams = select(TeamMember.learning_team_id).where(TeamMember.person_id == viewer.id)
    return session.scalar(
        select(LearningEntry).where(
            LearningEntry.id == entry_id,
            LearningEntry.team_id == viewer.team_id,
            LearningEntry.visibility == Visibility.TEAM,
            LearningEntry.person_id.in_(teammates_query(viewer, their_teams)),
            # As the feed: a partner from another organisation is never a teammate whose entry is shown.
            LearningEntry.person_id.not_in(select(Person.id).where(Person.is_external.is_(True))),
        )
    )


def give_kudos(session: Session, giver: Person, entry_id: int, *, now: datetime) -> KudosOutcome:
    """Store the giver's "Nice one" on an entry they can see, once; and make sure its author's summary
    is scheduled."""
    entry = visible_entry(session, giver, entry_id)
    if entry is None or giver.is_external:
        return KudosOutcome.NOT_ALLOWED
    kudos = Kudos(
        team_id=giver.team_id,
        enterprise_id=giver.enterprise_id,
        entry_id=entry.id,
        giver_id=giver.id,
        receiver_id=entry.person_id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(kudos)
    except IntegrityError:
        return KudosOutcome.ALREADY
    author = entry.person
    if author.next_kudos_at is None:
        author.next_kudos_at = summary_slot(author, after=now)
    return KudosOutcome.GIVEN


# ---------------------------------------------------------------------- the scheduler's side


def due_authors_query(now: datetime, limit: int) -> Select[Person]:
    """Authors whose summary time has come, oldest first; locked with SKIP LOCKED on PostgreSQL."""
    return (
        select(Person)
        .where(Person.next_kudos_at <= now, ~uninstalled_workspace(Person.team_id))
        .order_by(Person.next_kudos_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Person)
    )


def untold_count(session: Session, author: Person) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Kudos)
            .where(Kudos.receiver_id == author.id, Kudos.summary_delivery_id.is_(None))
        )
        or 0
    )


def attach_untold(session: Session, author: Person, delivery_id: int) -> None:
    """The author's kudos not told yet are the ones this summary tells (a retry tells the same)."""
    session.execute(
        update(Kudos)
        .where(Kudos.receiver_id == author.id, Kudos.summary_delivery_id.is_(None))
        .values(summary_delivery_id=delivery_id)
        .execution_options(synchronize_session=False)
    )


def postpone(session: Session, author: Person, delivery_id: int, *, now: datetime) -> None:
    """The summary did not go (the author is away): its kudos wait for the next day's."""
    session.execute(
        update(Kudos)
        .where(Kudos.summary_delivery_id == delivery_id)
        .values(summary_delivery_id=None)
        .execution_options(synchronize_session=False)
    )
    author.next_kudos_at = summary_slot(author, after=now)


def authors_missing_a_summary(session: Session, limit: int) -> list[Person]:
    """Authors with kudos not yet told and no summary scheduled (a postponed or interrupted one)."""
    waiting = select(Kudos.receiver_id).where(Kudos.summary_delivery_id.is_(None))
    return list(
        session.scalars(
            select(Person)
            .where(
                Person.next_kudos_at.is_(None),
                Person.id.in_(waiting),
                Person.deactivated_at.is_(None),
                Person.is_external.is_(False),  # never sent anything by the scheduler: no summary to wait for
            )
            .order_by(Person.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class KudosLine:
    what: str  # the entry's words
    people: int  # how many people said "Nice one" to it in this summary


def summary_lines(session: Session, delivery_id: int) -> list[KudosLine]:
    """What one summary tells: each entry with how many people said "Nice one", newest entry first."""
    rows = session.execute(
        select(LearningEntry.what, func.count(Kudos.giver_id.distinct()))
        .join(Kudos, Kudos.entry_id == LearningEntry.id)
        .where(Kudos.summary_delivery_id == delivery_id)
        .group_by(LearningEntry.id, LearningEntry.what, LearningEntry.created_at)
        .order_by(LearningEntry.created_at.desc(), LearningEntry.id.desc())
    ).all()
    return [KudosLine(what, int(people)) for what, people in rows]
