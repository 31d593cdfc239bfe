"""Habit nudges: a person's nudge settings, whether a due nudge should go, and what it says about them.

`Person.next_nudge_at` (UTC, indexed) is the only thing the scheduler's tick queries; every change to a
person's schedule, timezone or on/off switch recomputes it through bot/services/people.py, which knows the
person's timezone. Whether a due nudge is skipped is decided from the database (switched off, snoozed,
already learned that day, backing off after ignored nudges); the scheduler adds the one check that needs
Slack (an away or holiday status).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import Exists, Select, SQLColumnExpression, exists, func, select
from sqlalchemy.orm import Session

from bot.services.fitness_card import load_fitness_card
from bot.services.goals import GoalProgress, goal_progress
from bot.services.people import local_today, weekdays_of, weekdays_text, zone_of

# Transitional, for issue 9: scheduler/ and the /team listener still reach these through this module.
# Once they import them from bot.services.people, keep reschedule_nudge in the import above, drop the rest.
from bot.services.people import next_nudge_at as next_nudge_at
from bot.services.people import reschedule_nudge as reschedule_nudge
from bot.services.people import zone as zone
from models import (
    Delivery,
    DeliveryStatus,
    HelpQuestion,
    LearningEntry,
    Person,
    QuestionStatus,
    Skill,
    SlackWorkspace,
    entry_skills,
    question_skills,
)

# A nudge that could not go out within this long after its time is skipped as missed: 16:00 is a nudge,
# 21:00 is a nag.
NUDGE_WINDOW = timedelta(hours=3)
# After this many ignored nudges in a row, nudge at most once a week until the person logs again.
BACKOFF_AFTER = 3
BACKOFF_DAYS = 7
# How far back the ledger is read to count ignored nudges (longer than the weekly back-off needs).
IGNORED_LOOKBACK_DAYS = 35
QUESTION_MAX_AGE = timedelta(days=7)
QUESTION_SKILLS_DAYS = 60


class SkipReason(StrEnum):
    """Why a due nudge was not sent; stored in the ledger's error column."""

    NUDGES_OFF = "nudges_off"
    SNOOZED = "snoozed"
    ALREADY_LEARNED = "already_learned"
    BACKING_OFF = "backing_off"
    AWAY = "away"
    MISSED = "missed_window"
    EXTERNAL = "external"  # from another organisation (Slack Connect): never nudged


def nudge_key(team_id: str, user_id: str, day: date) -> str:
    """The ledger key of one person's nudge on one local day: at most one, whatever happens."""
    return f"nudge:{team_id}:{user_id}:{day.isoformat()}"


# ---------------------------------------------------------------------- the person's settings


@dataclass(frozen=True)
class NudgeSettings:
    enabled: bool
    weekdays: tuple[int, ...]
    minute: int
    next_local: datetime | None  # the next nudge in the person's time, if any
    snoozed_until_local: datetime | None  # in the person's time, only while it is ahead


def nudge_settings(person: Person, now: datetime) -> NudgeSettings:
    local_zone = zone_of(person)
    snoozed = person.snoozed_until if person.snoozed_until and person.snoozed_until > now else None
    return NudgeSettings(
        enabled=person.nudges_enabled,
        weekdays=weekdays_of(person),
        minute=person.nudge_minute,
        next_local=person.next_nudge_at.astimezone(local_zone) if person.next_nudge_at else None,
        snoozed_until_local=snoozed.astimezone(local_zone) if snoozed else None,
    )


def set_nudges_enabled(person: Person, enabled: bool, *, now: datetime) -> NudgeSettings:
    person.nudges_enabled = enabled
    if enabled:
        person.ignored_nudges = 0
    reschedule_nudge(person, now)
    return nudge_settings(person, now)


def set_nudge_schedule(
    person: Person, weekdays: Sequence[int] | None, minute: int | None, *, now: datetime
) -> NudgeSettings:
    """Change the days and/or the time (what is not given stays); choosing a schedule turns nudges on."""
    if weekdays is not None:
        if not weekdays or any(not 0 <= day <= 6 for day in weekdays):
            raise ValueError("pick at least one day of the week")
        person.nudge_weekdays = weekdays_text(weekdays)
    if minute is not None:
        if not 0 <= minute < 24 * 60:
            raise ValueError("pick a time between 00:00 and 23:59")
        person.nudge_minute = minute
    person.nudges_enabled = True
    person.ignored_nudges = 0
    reschedule_nudge(person, now)
    return nudge_settings(person, now)


def snooze_until(person: Person, *, now: datetime, days: int) -> datetime:
    """The local midnight `days` days after today (0: the end of today), in UTC."""
    local_zone = zone_of(person)
    day = now.astimezone(local_zone).date() + timedelta(days=days + 1 if days == 0 else days)
    return datetime.combine(day, time(0), tzinfo=local_zone).astimezone(UTC)


def snooze(person: Person, *, now: datetime, days: int) -> NudgeSettings:
    """No nudges until the local midnight after today (`days=0`) or `days` days from today."""
    person.snoozed_until = snooze_until(person, now=now, days=days)
    return nudge_settings(person, now)


def unsnooze(person: Person, *, now: datetime) -> NudgeSettings:
    person.snoozed_until = None
    return nudge_settings(person, now)


# ---------------------------------------------------------------------- what is due, and whether to send it


def uninstalled_workspace(team_id_column: SQLColumnExpression[str]) -> Exists:
    """SQL: the row's workspace uninstalled the app (the scheduler sends nothing there any more)."""
    return exists().where(
        SlackWorkspace.team_id == team_id_column, SlackWorkspace.uninstalled_at.is_not(None)
    )


def due_people_query(now: datetime, limit: int) -> Select[Person]:
    """People whose nudge time has come, oldest first, through the index on next_nudge_at.

    On PostgreSQL the rows are locked with SKIP LOCKED, so schedulers running at once take different people.
    """
    return (
        select(Person)
        .where(
            Person.next_nudge_at <= now,
            Person.deactivated_at.is_(None),
            Person.is_external.is_(False),
            ~uninstalled_workspace(Person.team_id),
        )
        .order_by(Person.next_nudge_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Person)
    )


@dataclass(frozen=True)
class NudgeDecision:
    person: Person
    slot: datetime  # when it was due, UTC
    day: date  # the person's local day of the slot
    key: str
    skip: SkipReason | None
    ignored: int  # nudges sent since the person last logged (within the look-back)


def _learned_on(session: Session, wanted: set[tuple[int, date]]) -> set[tuple[int, date]]:
    if not wanted:
        return set()
    rows = session.execute(
        select(LearningEntry.person_id, LearningEntry.local_day)
        .where(
            LearningEntry.person_id.in_({person_id for person_id, _ in wanted}),
            LearningEntry.local_day.in_({day for _, day in wanted}),
        )
        .distinct()
    )
    return {(person_id, day) for person_id, day in rows} & wanted


def _last_logged(session: Session, person_ids: set[int]) -> dict[int, datetime]:
    rows = session.execute(
        select(LearningEntry.person_id, func.max(LearningEntry.created_at))
        .where(LearningEntry.person_id.in_(person_ids))
        .group_by(LearningEntry.person_id)
    )
    return {person_id: _aware(last) for person_id, last in rows if last is not None}


def _aware(moment: datetime) -> datetime:
    # func.max() bypasses the column type, so SQLite hands back a naive (UTC) value.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sent_nudges(session: Session, keys_by_person: dict[int, list[str]]) -> dict[int, list[datetime]]:
    """When each person's recent nudges were sent, found by their ledger keys (the unique index)."""
    owner = {key: person_id for person_id, keys in keys_by_person.items() for key in keys}
    if not owner:
        return {}
    rows = session.execute(
        select(Delivery.key, Delivery.sent_at).where(
            Delivery.key.in_(list(owner)), Delivery.status == DeliveryStatus.SENT
        )
    )
    sent: dict[int, list[datetime]] = {}
    for key, sent_at in rows:
        if sent_at is not None:
            sent.setdefault(owner[key], []).append(sent_at)
    return sent


def decide_nudges(
    session: Session, people: Sequence[Person], *, now: datetime, due_now: bool = False
) -> list[NudgeDecision]:
    """For people whose nudge is due: its key, and the reason to skip it, if any.

    `due_now` decides as if each nudge were due at `now` (previews). A fixed number of statements for
    the whole batch, whatever its size.
    """
    slots = {person.id: now if due_now else person.next_nudge_at or now for person in people}
    days = {person.id: local_today(person, slots[person.id]) for person in people}
    learned = _learned_on(session, {(person.id, days[person.id]) for person in people})
    last_logged = _last_logged(session, {person.id for person in people})
    lookback = {
        person.id: [
            nudge_key(person.team_id, person.user_id, days[person.id] - timedelta(days=back))
            for back in range(1, IGNORED_LOOKBACK_DAYS + 1)
        ]
        for person in people
    }
    sent = _sent_nudges(session, lookback)
    decisions = []
    for person in people:
        slot, day = slots[person.id], days[person.id]
        since = last_logged.get(person.id)
        ignored_at = sorted(at for at in sent.get(person.id, []) if since is None or at > since)
        skip: SkipReason | None = None
        if not person.nudges_enabled:
            skip = SkipReason.NUDGES_OFF
        elif now > slot + NUDGE_WINDOW:
            skip = SkipReason.MISSED
        elif person.snoozed_until is not None and person.snoozed_until > slot:
            skip = SkipReason.SNOOZED
        elif (person.id, day) in learned:
            skip = SkipReason.ALREADY_LEARNED
        elif (
            len(ignored_at) >= BACKOFF_AFTER
            and (day - local_today(person, ignored_at[-1])).days < BACKOFF_DAYS
        ):
            skip = SkipReason.BACKING_OFF
        decisions.append(
            NudgeDecision(
                person=person,
                slot=slot,
                day=day,
                key=nudge_key(person.team_id, person.user_id, day),
                skip=skip,
                ignored=len(ignored_at),
            )
        )
    return decisions


def recheck_nudge(session: Session, person: Person, *, slot: datetime) -> SkipReason | None:
    """Just before sending: the person may have switched off, snoozed or learned since the claim, or been
    found to be from another organisation."""
    if person.is_external:
        return SkipReason.EXTERNAL
    if not person.nudges_enabled or person.deactivated_at is not None:
        return SkipReason.NUDGES_OFF
    if person.snoozed_until is not None and person.snoozed_until > slot:
        return SkipReason.SNOOZED
    day = local_today(person, slot)
    if (person.id, day) in _learned_on(session, {(person.id, day)}):
        return SkipReason.ALREADY_LEARNED
    return None


# ---------------------------------------------------------------------- what a nudge says

AWAY_EMOJI = frozenset(
    {
        ":palm_tree:",
        ":face_with_thermometer:",
        ":airplane:",
        ":beach_with_umbrella:",
        ":desert_island:",
        ":sick:",
        ":mask:",
        ":nauseated_face:",
        ":baby:",
        ":house_with_garden:",
        ":no_entry:",
        ":zzz:",
        ":sleeping:",
        ":luggage:",
    }
)
AWAY_WORDS = re.compile(
    r"\b(vacation|vacay|holiday|holidays|out of (the )?office|ooo|o\.o\.o|pto|annual leave|on leave|"
    r"parental leave|sick|off sick|off today|day off|away|travell?ing|offline)\b",
    re.IGNORECASE,
)


def looks_away(status_text: str | None, status_emoji: str | None) -> bool:
    """Whether a Slack status says the person is away, off sick or on holiday."""
    if (status_emoji or "").strip() in AWAY_EMOJI:
        return True
    return bool(AWAY_WORDS.search(status_text or ""))


@dataclass(frozen=True)
class OpenQuestion:
    id: int
    text: str
    channel_id: str | None
    skill: str


@dataclass(frozen=True)
class NudgeFacts:
    """What a nudge can say about this person today."""

    user_id: str
    day: date
    seed: int  # chooses the wording: stable for a person and a day, different across days
    streak: int
    days_to_go: int  # learning days still needed this week (0: the Consistency ring is closed)
    minutes_to_go: int
    rest_week: bool
    goal: GoalProgress | None
    question: OpenQuestion | None


def nudge_seed(person: Person, day: date) -> int:
    digest = hashlib.sha256(f"{person.team_id}:{person.user_id}:{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _open_question(session: Session, person: Person, *, now: datetime) -> OpenQuestion | None:
    """A recent open question from a peer that shares a skill this person logged lately, posted where
    everyone in the workspace can read it: a private channel's words never reach anyone outside it."""
    if not person.suggest_as_expert:
        return None
    since_day = local_today(person, now) - timedelta(days=QUESTION_SKILLS_DAYS)
    my_skills = (
        select(entry_skills.c.skill_id)
        .join(LearningEntry, LearningEntry.id == entry_skills.c.entry_id)
        .where(
            LearningEntry.team_id == person.team_id,
            LearningEntry.person_id == person.id,
            LearningEntry.local_day >= since_day,
        )
    )
    row = session.execute(
        select(HelpQuestion.id, HelpQuestion.text, HelpQuestion.channel_id, Skill.name)
        .join(question_skills, question_skills.c.question_id == HelpQuestion.id)
        .join(Skill, Skill.id == question_skills.c.skill_id)
        .where(
            HelpQuestion.team_id == person.team_id,
            HelpQuestion.status == QuestionStatus.OPEN,
            HelpQuestion.in_public_channel.is_(True),
            HelpQuestion.asker_id != person.id,
            HelpQuestion.posted_at >= now - QUESTION_MAX_AGE,
            question_skills.c.skill_id.in_(my_skills),
        )
        .order_by(HelpQuestion.posted_at.desc(), HelpQuestion.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    question_id, text, channel_id, skill = row
    return OpenQuestion(question_id, text, channel_id, skill)


def nudge_facts(session: Session, person: Person, *, now: datetime) -> NudgeFacts:
    card = load_fitness_card(session, person, now=now, recent=1)
    rings = card.summary.rings
    goal = next(
        (progress for progress in goal_progress(session, person, now=now) if not progress.reached), None
    )
    day = local_today(person, now)
    return NudgeFacts(
        user_id=person.user_id,
        day=day,
        seed=nudge_seed(person, day),
        streak=card.summary.streak.current,
        days_to_go=max(0, rings.consistency.target - rings.consistency.value),
        minutes_to_go=max(0, rings.time.target - rings.time.value),
        rest_week=card.rest_this_week,
        goal=goal,
        question=_open_question(session, person, now=now),
    )
