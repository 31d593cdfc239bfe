"""Logging learning: validate a draft, store it once, edit it and undo it; where a week starts, and what a
week's summary holds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field, field_validator
from pydantic_core import ErrorDetails
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.drafts import (
    Draft,
    DraftError,
    no_control_characters,
    tidy,
    unique_skills,
)
from bot.services.people import Workspace, local_today, start_nudges, workspace_of_person
from bot.services.rows import add_once, find_by_key, store_once
from models import EntryKind, EntrySource, Goal, LearningEntry, Person, Skill, Visibility

MAX_MINUTES = 16 * 60
MAX_WHAT_LENGTH = 3000  # Slack's plain_text_input limit, so the modal can always show it back
MAX_LINK_LENGTH = 2000


def _check_link(link: str | None) -> str | None:
    if link is None or not link.strip():
        return None
    link = link.strip()
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", link, re.IGNORECASE):
        raise ValueError("links must start with http:// or https://")
    if len(link) > MAX_LINK_LENGTH:
        raise ValueError(f"links are at most {MAX_LINK_LENGTH:,} characters")
    return link


class EntryDraft(Draft):
    """What a person wants to log, checked before anything is stored."""

    first_field: ClassVar[str] = "what"

    what: Annotated[str, AfterValidator(no_control_characters)] = Field(
        min_length=1, max_length=MAX_WHAT_LENGTH
    )
    minutes: int = Field(ge=1, le=MAX_MINUTES)
    kind: EntryKind = EntryKind.JOB
    skills: tuple[str, ...] = ()
    link: Annotated[str | None, AfterValidator(no_control_characters), AfterValidator(_check_link)] = None
    visibility: Visibility = Visibility.TEAM
    day: date | None = None  # None: the person's today
    goal_id: int | None = None  # the goal picked in the form; checked to be the person's own

    @field_validator("what", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("skills", mode="before")
    @classmethod
    def _normalise_skills(cls, value: object) -> tuple[str, ...]:
        return unique_skills(value, per="entry")

    @classmethod
    def friendly(cls, field: str, error: ErrorDetails) -> str:
        return _friendly(field, error)


def _friendly(field: str, error: ErrorDetails) -> str:
    kind = error["type"]
    if field == "what":
        if kind == "string_too_short":
            return "Say what you learned in a few words."
        if kind == "string_too_long":
            return (
                f"That is too long to keep: at most {MAX_WHAT_LENGTH:,} characters. Put the rest in a link."
            )
    if field == "minutes":
        if kind in ("greater_than_equal", "int_parsing", "int_from_float", "int_type"):
            return "Give the time as a whole number of minutes, at least 1."
        if kind == "less_than_equal":
            return "At most 16 hours in one entry; split longer learning into several entries."
    return tidy(error)


@dataclass(frozen=True)
class LoggedEntry:
    entry: LearningEntry
    duplicate: bool  # True when this was a Slack retry or a double submission of an entry already stored


@dataclass(frozen=True)
class WeekSummary:
    week_start: date
    minutes: int
    entries: int
    recent: list[LearningEntry]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def skills_named(session: Session, workspace: Workspace, names: tuple[str, ...]) -> list[Skill]:
    if not names:
        return []
    existing = {
        skill.name: skill
        for skill in session.scalars(
            select(Skill).where(Skill.team_id == workspace.team_id, Skill.name.in_(names))
        )
    }
    for name in names:
        if name in existing:
            continue
        skill = Skill(team_id=workspace.team_id, enterprise_id=workspace.enterprise_id, name=name)
        if not add_once(session, skill):
            skill = session.scalars(
                select(Skill).where(Skill.team_id == workspace.team_id, Skill.name == name)
            ).one()
        existing[name] = skill
    return [existing[name] for name in names]


def _entry_day(person: Person, draft: EntryDraft, now: datetime) -> date:
    today = local_today(person, now)
    if draft.day is None:
        return today
    if draft.day > today:
        raise DraftError("day", "That day has not happened yet where you are; pick today or earlier.")
    return draft.day


def _own_goal_id(session: Session, person: Person, goal_id: int | None) -> int | None:
    """The picked goal's id if it is this person's (ids from forms are never trusted)."""
    if goal_id is None:
        return None
    owned = session.scalar(
        select(Goal.id).where(Goal.id == goal_id, Goal.team_id == person.team_id, Goal.person_id == person.id)
    )
    if owned is None:
        raise DraftError("goal", "That goal is not one of yours any more. Pick another, or none.")
    return goal_id


def log_entry(
    session: Session,
    person: Person,
    draft: EntryDraft,
    *,
    source: EntrySource,
    now: datetime,
    idempotency_key: str,
) -> LoggedEntry:
    """Store a new entry once per idempotency key (a Slack trigger or view id). Logging is what starts a
    person's nudges."""
    existing = find_by_key(session, LearningEntry, person.team_id, idempotency_key)
    if existing is not None:
        return LoggedEntry(existing, duplicate=True)
    start_nudges(person, now)
    entry = LearningEntry(
        team_id=person.team_id,
        enterprise_id=person.enterprise_id,
        person_id=person.id,
        what=draft.what,
        minutes=draft.minutes,
        kind=draft.kind,
        link=draft.link,
        source=source,
        visibility=draft.visibility,
        local_day=_entry_day(person, draft, now),
        created_at=now,
        updated_at=now,
        idempotency_key=idempotency_key,
        skills=skills_named(session, workspace_of_person(person), draft.skills),
        goal_id=_own_goal_id(session, person, draft.goal_id),
    )
    return LoggedEntry(*store_once(session, entry))


def get_entry(session: Session, person: Person, entry_id: int) -> LearningEntry | None:
    """An entry, only if it belongs to this person (ids from buttons are never trusted)."""
    return session.scalar(
        select(LearningEntry).where(
            LearningEntry.id == entry_id,
            LearningEntry.team_id == person.team_id,
            LearningEntry.person_id == person.id,
        )
    )


def update_entry(
    session: Session, person: Person, entry_id: int, draft: EntryDraft, *, now: datetime
) -> LearningEntry | None:
    entry = get_entry(session, person, entry_id)
    if entry is None:
        return None
    entry.what = draft.what
    entry.minutes = draft.minutes
    entry.kind = draft.kind
    entry.link = draft.link
    entry.visibility = draft.visibility
    if draft.day is not None:
        entry.local_day = _entry_day(person, draft, now)
    entry.skills = skills_named(session, workspace_of_person(person), draft.skills)
    entry.goal_id = _own_goal_id(session, person, draft.goal_id)
    entry.updated_at = now
    return entry


def delete_entry(session: Session, person: Person, entry_id: int) -> LearningEntry | None:
    """Delete an entry of this person's; None when it is gone already (a double click on Undo)."""
    entry = get_entry(session, person, entry_id)
    if entry is None:
        return None
    session.delete(entry)
    return entry
