"""A person's own data: everything they logged as CSV, and forgetting them completely."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select, union
from sqlalchemy.orm import Session

from models import (
    Goal,
    HelpAnswer,
    HelpOffer,
    HelpQuestion,
    LearningEntry,
    Person,
    Skill,
    entry_skills,
    goal_skills,
    question_skills,
)

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
    """Delete everything Learnfit holds about the person in this workspace.

    What names them by row id goes with their row (ON DELETE CASCADE): entries, goals, rest weeks, their
    questions and all that hangs off them, credits either way, team places, scheduled sends. What names
    them by Slack user id has no foreign key and is deleted here: their replies in question threads and
    their offers to help. Skill names nobody else uses go too. tests/test_forget_me.py holds the list of
    every column that can hold either id.
    """
    held = holdings(session, person)
    their_skills = _skill_ids_of(session, person)
    for by_user_id in (HelpAnswer, HelpOffer):
        session.execute(
            delete(by_user_id).where(
                by_user_id.team_id == person.team_id, by_user_id.user_id == person.user_id
            )
        )
    session.execute(delete(Person).where(Person.id == person.id, Person.team_id == person.team_id))
    session.expunge(person)
    _delete_unused_skills(session, their_skills)
    return held


def _skill_ids_of(session: Session, person: Person) -> list[int]:
    """The skills the person's entries, goals and questions are tagged with."""
    return list(
        session.scalars(
            union(
                select(entry_skills.c.skill_id)
                .join(LearningEntry, LearningEntry.id == entry_skills.c.entry_id)
                .where(LearningEntry.person_id == person.id),
                select(goal_skills.c.skill_id)
                .join(Goal, Goal.id == goal_skills.c.goal_id)
                .where(Goal.person_id == person.id),
                select(question_skills.c.skill_id)
                .join(HelpQuestion, HelpQuestion.id == question_skills.c.question_id)
                .where(HelpQuestion.asker_id == person.id),
            )
        )
    )


def _delete_unused_skills(session: Session, skill_ids: list[int]) -> None:
    """A skill name is a word someone typed: once nothing is tagged with it, it goes (`#my-interview`)."""
    if not skill_ids:
        return
    session.execute(
        delete(Skill).where(
            Skill.id.in_(skill_ids),
            ~exists().where(entry_skills.c.skill_id == Skill.id),
            ~exists().where(goal_skills.c.skill_id == Skill.id),
            ~exists().where(question_skills.c.skill_id == Skill.id),
        )
    )
