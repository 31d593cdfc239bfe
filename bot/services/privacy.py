"""A person's own data: everything they logged as CSV, and forgetting them completely."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import Goal, LearningEntry, Person

CSV_COLUMNS = ["date", "minutes", "kind", "what", "skills", "link", "visibility", "source", "logged_at_utc"]


def entries_csv(session: Session, person: Person) -> tuple[str, int]:
    """All of the person's entries, oldest first, as CSV text; and how many there are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    count = 0
    entries = session.scalars(
        select(LearningEntry)
        .where(LearningEntry.team_id == person.team_id, LearningEntry.person_id == person.id)
        .order_by(LearningEntry.local_day, LearningEntry.created_at, LearningEntry.id)
    )
    for entry in entries:
        cells = [
            entry.local_day.isoformat(),
            str(entry.minutes),
            entry.kind.value,
            entry.what,
            " ".join(skill.name for skill in entry.skills),
            entry.link or "",
            entry.visibility.value,
            entry.source.value,
            entry.created_at.isoformat(timespec="seconds"),
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        count += 1
    return buffer.getvalue(), count


# What makes a spreadsheet read a cell as a formula when the CSV is opened: = + - @, and a leading tab or
# carriage return (which some strip before looking), in ASCII and the full-width forms some locales accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: every cell of an export goes through here."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


@dataclass(frozen=True)
class Holdings:
    entries: int
    goals: int


def holdings(session: Session, person: Person) -> Holdings:
    entries = session.scalar(select(func.count()).where(LearningEntry.person_id == person.id)) or 0
    goals = session.scalar(select(func.count()).where(Goal.person_id == person.id)) or 0
    return Holdings(entries=entries, goals=goals)


def forget_person(session: Session, person: Person) -> Holdings:
    """Delete the person and everything that hangs off them (entries, goals, rest weeks) in this workspace."""
    held = holdings(session, person)
    session.execute(delete(Person).where(Person.id == person.id, Person.team_id == person.team_id))
    session.expunge(person)
    return held
