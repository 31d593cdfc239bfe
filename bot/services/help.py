"""Peer help: questions, the thread replies that answer them, offers, credits, experts and follow-ups.

The conversation itself stays in Slack; this module keeps who asked what, who replied (and when), who
offered, and whom the asker credited, so both sides' learning counts. No Slack here: the listeners post.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar, cast
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, field_validator
from pydantic_core import ErrorDetails
from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Integer,
    delete,
    desc,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from bot.services.drafts import Draft, no_control_characters, tidy, unique_skills
from bot.services.learning import skills_named
from bot.services.people import (
    ProfileLookup,
    Workspace,
    find_person,
    get_or_create_person,
    local_today,
    workspace_of_person,
    zone_of,
)
from bot.services.rows import add_once, find_by_key, store_once
from bot.services.search import matching_entries, resolved_questions_like
from models import (
    HelpAnswer,
    HelpCredit,
    HelpOffer,
    HelpQuestion,
    LearningEntry,
    Person,
    ProcessedEvent,
    QuestionStatus,
    Skill,
    SlackWorkspace,
    Urgency,
    Visibility,
    entry_skills,
    question_skills,
)

MAX_QUESTION_LENGTH = 3000  # Slack's plain_text_input limit, so the edit form can always show it back
MAX_DETAILS_LENGTH = 3000
MAX_SUGGESTIONS = 3
# One accepted answer on these skills weighs like an hour of shared learning on them.
CREDIT_WEIGHT_MINUTES = 60
FOLLOW_UP_AFTER = timedelta(hours=24)
WORKING_WEEKDAYS = frozenset(range(5))  # Monday to Friday


class QuestionDraft(Draft):
    """A question as the asker wants it posted, checked before anything is stored."""

    first_field: ClassVar[str] = "text"

    text: Annotated[str, AfterValidator(no_control_characters)] = Field(
        min_length=1, max_length=MAX_QUESTION_LENGTH
    )
    details: Annotated[str | None, AfterValidator(no_control_characters)] = Field(
        default=None, max_length=MAX_DETAILS_LENGTH
    )
    skills: tuple[str, ...] = ()
    urgency: Urgency = Urgency.NORMAL

    @field_validator("text", "details", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
        return value

    @field_validator("details", mode="after")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("skills", mode="before")
    @classmethod
    def _normalise_skills(cls, value: object) -> tuple[str, ...]:
        return unique_skills(value, per="question")

    @classmethod
    def friendly(cls, field: str, error: ErrorDetails) -> str:
        return _friendly(field, error)


def _friendly(field: str, error: ErrorDetails) -> str:
    kind = error["type"]
    if field == "text" and kind == "string_too_short":
        return "Type your question in a few words."
    if kind == "string_too_long":
        limit = MAX_QUESTION_LENGTH if field == "text" else MAX_DETAILS_LENGTH
        return f"That is too long to post: at most {limit:,} characters. Put the rest in a link."
    return tidy(error)


@dataclass(frozen=True)
class AskedQuestion:
    question: HelpQuestion
    duplicate: bool  # a Slack redelivery or a double submission of a question already stored


@dataclass(frozen=True)
class Expert:
    """A peer who may know: shared learning minutes on the question's skills, and help credited on them."""

    user_id: str
    minutes: int
    credits: int


@dataclass(frozen=True)
class QuestionCard:
    """A question as people see it, read inside the session so the views get plain data."""

    id: int
    asker: str  # the asker's Slack user id
    text: str
    details: str | None
    skills: tuple[str, ...]
    urgency: Urgency
    status: QuestionStatus
    channel_id: str | None
    message_ts: str | None
    post_error: str | None
    helpers: tuple[str, ...]  # credited, in the order they were


# ---------------------------------------------------------------------- the workspace's help channel


def workspace_settings(session: Session, workspace: Workspace) -> SlackWorkspace | None:
    return session.scalar(select(SlackWorkspace).where(SlackWorkspace.team_id == workspace.team_id))


def help_channel_of(session: Session, workspace: Workspace) -> str | None:
    """Where questions go; None means the channel where /ask was typed."""
    return session.scalar(
        select(SlackWorkspace.help_channel_id).where(SlackWorkspace.team_id == workspace.team_id)
    )


def set_help_channel(
    session: Session, workspace: Workspace, channel_id: str | None, *, now: datetime
) -> SlackWorkspace:
    """Set (or with None, clear) the workspace's help channel. Who may do it is the caller's check."""
    settings = workspace_settings(session, workspace)
    if settings is None:
        settings = SlackWorkspace(
            team_id=workspace.team_id, enterprise_id=workspace.enterprise_id, created_at=now
        )
        if not add_once(session, settings):
            settings = workspace_settings(session, workspace)
            assert settings is not None
    settings.help_channel_id = channel_id
    return settings


# ---------------------------------------------------------------------- asking, posting, editing


def ask_question(
    session: Session,
    person: Person,
    draft: QuestionDraft,
    *,
    origin_channel_id: str | None,
    now: datetime,
    idempotency_key: str,
    channel_id: str | None = None,
) -> AskedQuestion:
    """Store a question once per idempotency key, unposted until `mark_posted`.

    It is meant for `channel_id` when given (a channel picked in the form), else the workspace's help
    channel, else the channel it was asked in.
    """
    workspace = workspace_of_person(person)
    existing = find_by_key(session, HelpQuestion, person.team_id, idempotency_key)
    if existing is not None:
        return AskedQuestion(existing, duplicate=True)
    question = HelpQuestion(
        team_id=person.team_id,
        enterprise_id=person.enterprise_id,
        asker_id=person.id,
        text=draft.text,
        details=draft.details,
        urgency=draft.urgency,
        status=QuestionStatus.UNPOSTED,
        origin_channel_id=origin_channel_id,
        channel_id=channel_id or help_channel_of(session, workspace) or origin_channel_id,
        created_at=now,
        updated_at=now,
        idempotency_key=idempotency_key,
        skills=skills_named(session, workspace, draft.skills),
    )
    return AskedQuestion(*store_once(session, question))


def get_question(session: Session, workspace: Workspace, question_id: int) -> HelpQuestion | None:
    """A question within the person's reach (ids from buttons and forms are never trusted further)."""
    return session.scalar(
        select(HelpQuestion).where(HelpQuestion.id == question_id, _within_reach(workspace))
    )


def shown_to(question: HelpQuestion, user_id: str) -> bool:
    """Whether the question exists for this person: an unposted one was never in a channel, so it is its
    asker's alone, and to anyone else (admins too) it is as if there were no such question."""
    return question.status is not QuestionStatus.UNPOSTED or question.asker.user_id == user_id


def took_part(session: Session, question: HelpQuestion, user_id: str) -> bool:
    """The asker, or someone who helped: replied in the thread (a reply still there), offered or was
    credited. They have seen the question where it was asked."""
    if question.asker.user_id == user_id:
        return True
    replied = exists().where(
        HelpAnswer.team_id == question.team_id,
        HelpAnswer.question_id == question.id,
        HelpAnswer.user_id == user_id,
        HelpAnswer.deleted_at.is_(None),
    )
    offered = exists().where(
        HelpOffer.team_id == question.team_id,
        HelpOffer.question_id == question.id,
        HelpOffer.user_id == user_id,
    )
    return bool(session.scalar(select(replied | offered))) or user_id in helpers_of(session, question)


def _within_reach(workspace: Workspace) -> ColumnElement[bool]:
    """Questions a person of the workspace can see, click on, reply or react to: their workspace's, and in
    an Enterprise Grid org any of its workspaces' (a channel is shared across the org's workspaces, and
    a click, reply or reaction comes from the person's own workspace)."""
    if workspace.enterprise_id:
        return HelpQuestion.enterprise_id == workspace.enterprise_id
    return HelpQuestion.team_id == workspace.team_id


def question_at(
    session: Session, workspace: Workspace, channel_id: str, message_ts: str
) -> HelpQuestion | None:
    """The question posted as this Slack message, if it is one."""
    return session.scalar(
        select(HelpQuestion).where(
            _within_reach(workspace),
            HelpQuestion.channel_id == channel_id,
            HelpQuestion.message_ts == message_ts,
        )
    )


def repost_channel(session: Session, question: HelpQuestion) -> str | None:
    """Where a (re)post goes now: the help channel if one is set since, else where it was meant to go."""
    workspace = Workspace(question.team_id, question.enterprise_id)
    return help_channel_of(session, workspace) or question.channel_id or question.origin_channel_id


def mark_posted(
    question: HelpQuestion, *, channel_id: str, message_ts: str, in_public_channel: bool, now: datetime
) -> None:
    """Posted (or reposted) in `channel_id`; `in_public_channel` only if Slack said everyone can read it."""
    question.status = QuestionStatus.OPEN
    question.channel_id = channel_id
    question.in_public_channel = in_public_channel
    question.message_ts = message_ts
    question.post_error = None
    question.held_at = None
    question.posted_at = now
    question.updated_at = now


def hold_question(question: HelpQuestion, *, now: datetime) -> bool:
    """Keep an unposted question back while its asker reads questions answered before; False when it is
    no longer unposted (posted meanwhile) or held already."""
    if question.status is not QuestionStatus.UNPOSTED or question.held_at is not None:
        return False
    question.held_at = now
    question.updated_at = now
    return True


def release_held(session: Session, workspace: Workspace, question_id: int, *, now: datetime) -> bool:
    """Claim the one post a held question gets ("Post my question anyway"): True for exactly one of any
    number of clicks, even at once (one conditional UPDATE; the database serialises them)."""
    result = session.execute(
        update(HelpQuestion)
        .where(
            HelpQuestion.id == question_id,
            HelpQuestion.team_id == workspace.team_id,
            HelpQuestion.status == QuestionStatus.UNPOSTED,
            HelpQuestion.held_at.is_not(None),
        )
        .values(held_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount) == 1


def mark_unposted(question: HelpQuestion, *, channel_id: str | None, error: str, now: datetime) -> None:
    """Slack refused the post: the question is kept, with the reason, for a Repost."""
    question.channel_id = channel_id
    question.post_error = error[:64]
    question.updated_at = now


def update_question(session: Session, question: HelpQuestion, draft: QuestionDraft, *, now: datetime) -> None:
    question.text = draft.text
    question.details = draft.details
    question.urgency = draft.urgency
    question.skills = skills_named(session, Workspace(question.team_id, question.enterprise_id), draft.skills)
    question.updated_at = now


def withdraw_question(question: HelpQuestion, *, now: datetime) -> bool:
    """Withdraw an open or unposted question; False when it was already resolved or withdrawn."""
    if question.status not in (QuestionStatus.OPEN, QuestionStatus.UNPOSTED):
        return False
    question.status = QuestionStatus.WITHDRAWN
    question.updated_at = now
    return True


def resolve_question(question: HelpQuestion, *, now: datetime) -> bool:
    """Mark an open question resolved; False when it was not open (already resolved, or withdrawn)."""
    if question.status is not QuestionStatus.OPEN:
        return False
    question.status = QuestionStatus.RESOLVED
    question.resolved_at = now
    question.updated_at = now
    return True


# ---------------------------------------------------------------------- offers, answers, events


def offer_help(session: Session, question: HelpQuestion, user_id: str, *, now: datetime) -> bool:
    """Note that someone clicked "I can help"; False when they had already."""
    offer = HelpOffer(
        team_id=question.team_id,
        enterprise_id=question.enterprise_id,
        question_id=question.id,
        user_id=user_id,
        created_at=now,
    )
    return add_once(session, offer)


def first_delivery(session: Session, team_id: str, event_id: str, *, now: datetime) -> bool:
    """Remember an Events API delivery; False when it was handled before (Slack retries keep the id)."""
    return add_once(session, ProcessedEvent(team_id=team_id, event_id=event_id[:64], received_at=now))


def forget_processed_events(session: Session, *, before: datetime) -> int:
    """Drop delivery records older than Slack's retry window (the scheduler's housekeeping)."""
    # One statement on the received_at index, however many a busy day left behind.
    result = session.execute(
        delete(ProcessedEvent)
        .where(ProcessedEvent.received_at < before)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount)


def record_answer(
    session: Session, question: HelpQuestion, *, user_id: str, message_ts: str, now: datetime
) -> bool:
    """A reply in the question's thread, by someone other than the asker; False if already recorded."""
    if user_id == question.asker.user_id:
        return False
    answer = HelpAnswer(
        team_id=question.team_id,
        enterprise_id=question.enterprise_id,
        question_id=question.id,
        user_id=user_id,
        message_ts=message_ts,
        created_at=now,
    )
    return add_once(session, answer)


def _answer_at(session: Session, workspace: Workspace, channel_id: str, message_ts: str) -> HelpAnswer | None:
    return session.scalar(
        select(HelpAnswer)
        .join(HelpQuestion, HelpQuestion.id == HelpAnswer.question_id)
        .where(
            _within_reach(workspace),
            HelpAnswer.team_id == HelpQuestion.team_id,
            HelpQuestion.channel_id == channel_id,
            HelpAnswer.message_ts == message_ts,
        )
    )


def answer_changed(
    session: Session, workspace: Workspace, channel_id: str, message_ts: str, *, now: datetime, deleted: bool
) -> bool:
    """A reply in a question's thread edited, or `deleted` (it then no longer counts as an answer, nor its
    author as a replier); False when the message is no answer still in the thread."""
    answer = _answer_at(session, workspace, channel_id, message_ts)
    if answer is None or answer.deleted_at is not None:
        return False
    if deleted:
        answer.deleted_at = now
    else:
        answer.edited_at = now
    return True


def repliers(session: Session, question: HelpQuestion) -> list[str]:
    """Everyone whose reply is still in the thread, first reply first (never the asker)."""
    rows = session.execute(
        select(HelpAnswer.user_id, func.min(HelpAnswer.created_at))
        .where(
            HelpAnswer.team_id == question.team_id,
            HelpAnswer.question_id == question.id,
            HelpAnswer.deleted_at.is_(None),
        )
        .group_by(HelpAnswer.user_id)
        .order_by(func.min(HelpAnswer.created_at), HelpAnswer.user_id)
    ).all()
    return [user_id for user_id, _ in rows]


# ---------------------------------------------------------------------- credit


def credit_helpers(
    session: Session,
    question: HelpQuestion,
    helper_user_ids: Iterable[str],
    *,
    now: datetime,
    lookup_profile: ProfileLookup,
) -> list[str]:
    """Credit each helper once per question (never the asker); return the user ids newly credited.

    Help counts on each side's own local day: given for the helper, received for the asker.
    """
    asker = question.asker
    workspace = Workspace(question.team_id, question.enterprise_id)
    credited: list[str] = []
    for user_id in dict.fromkeys(helper_user_ids):
        if user_id == asker.user_id:
            continue
        # Someone credited is not someone making a request: an existing record is taken as it is.
        helper = find_person(session, workspace, user_id) or get_or_create_person(
            session, workspace, user_id, now=now, lookup_profile=lookup_profile
        )
        credit = HelpCredit(
            team_id=question.team_id,
            enterprise_id=question.enterprise_id,
            question_id=question.id,
            helper_id=helper.id,
            asker_id=asker.id,
            helper_day=local_today(helper, now),
            asker_day=local_today(asker, now),
            created_at=now,
        )
        if add_once(session, credit):
            credited.append(user_id)
    return credited


def helpers_of(session: Session, question: HelpQuestion) -> list[str]:
    """Whom the asker credited for this question, in the order they were credited."""
    return list(
        session.scalars(
            select(Person.user_id)
            .join(HelpCredit, HelpCredit.helper_id == Person.id)
            .where(
                HelpCredit.team_id == question.team_id,
                Person.team_id == question.team_id,
                HelpCredit.question_id == question.id,
            )
            .order_by(HelpCredit.id)
        )
    )


def question_card(session: Session, question: HelpQuestion) -> QuestionCard:
    helpers = helpers_of(session, question) if question.status is QuestionStatus.RESOLVED else []
    return QuestionCard(
        id=question.id,
        asker=question.asker.user_id,
        text=question.text,
        details=question.details,
        skills=tuple(skill.name for skill in question.skills),
        urgency=question.urgency,
        status=question.status,
        channel_id=question.channel_id,
        message_ts=question.message_ts,
        post_error=question.post_error,
        helpers=tuple(helpers),
    )


def set_suggest_as_expert(person: Person, suggest: bool) -> None:
    """`/fitness expert off`: never suggest this person to askers (they can still answer, of course)."""
    person.suggest_as_expert = suggest


# ---------------------------------------------------------------------- experts


def suggest_experts(
    session: Session, question: HelpQuestion, *, limit: int = MAX_SUGGESTIONS, exclude: Iterable[str] = ()
) -> list[Expert]:
    """Up to `limit` peers who may know, in one query.

    Ranked by the minutes of their team-visible entries on the question's skills or like its words (two
    words in common), plus each help credited to them on questions sharing a skill or resolved questions
    like it (at CREDIT_WEIGHT_MINUTES). Private entries never count; the asker, people who opted out,
    deactivated accounts and `exclude` (Slack user ids) are never suggested.
    """
    names = [skill.name for skill in question.skills]
    team_id = question.team_id
    worded_entries = matching_entries(session, team_id, question.text)
    worded_questions = resolved_questions_like(session, team_id, question.text)
    if not names and worded_entries is None:
        return []
    skill_ids = select(Skill.id).where(Skill.team_id == team_id, Skill.name.in_(names))
    # Subqueries of ids, so an entry or question tagged with two of the skills (or also alike in words)
    # counts once.
    entries = select(entry_skills.c.entry_id).where(entry_skills.c.skill_id.in_(skill_ids))
    questions = select(question_skills.c.question_id).where(question_skills.c.skill_id.in_(skill_ids))
    entry_counts: ColumnElement[bool] = LearningEntry.id.in_(entries)
    credit_counts: ColumnElement[bool] = HelpCredit.question_id.in_(questions)
    if worded_entries is not None and worded_questions is not None:
        entry_counts = or_(entry_counts, LearningEntry.id.in_(select(worded_entries.c.id)))
        alike = select(worded_questions.c.id).where(worded_questions.c.id != question.id)
        credit_counts = or_(credit_counts, HelpCredit.question_id.in_(alike))
    contributions = union_all(
        select(
            LearningEntry.person_id.label("person_id"),
            LearningEntry.minutes.label("minutes"),
            literal(0, Integer).label("credits"),
        ).where(
            LearningEntry.team_id == team_id,
            LearningEntry.visibility == Visibility.TEAM,
            entry_counts,
        ),
        select(
            HelpCredit.helper_id.label("person_id"),
            literal(0, Integer).label("minutes"),
            literal(1, Integer).label("credits"),
        ).where(HelpCredit.team_id == team_id, credit_counts),
    ).subquery()
    minutes = func.sum(contributions.c.minutes)
    credits = func.sum(contributions.c.credits)
    excluded = {question.asker.user_id, *exclude}
    rows = session.execute(
        select(Person.user_id, minutes, credits)
        .join(contributions, contributions.c.person_id == Person.id)
        .where(
            Person.team_id == team_id,
            Person.suggest_as_expert.is_(True),
            Person.deactivated_at.is_(None),
            Person.user_id.not_in(excluded),
        )
        .group_by(Person.id, Person.user_id)
        .order_by(desc(minutes + credits * CREDIT_WEIGHT_MINUTES), Person.user_id)
        .limit(limit)
    ).all()
    return [Expert(user_id, int(total or 0), int(count or 0)) for user_id, total, count in rows]


# ---------------------------------------------------------------------- follow-ups


def working_time_between(start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
    """The part of [start, end) that falls on Monday to Friday in `zone` (local days, DST included)."""
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    day: date = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        if day.weekday() in WORKING_WEEKDAYS:
            day_start = datetime.combine(day, time(0), tzinfo=zone)
            day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            overlap = min(end, day_end) - max(start, day_start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def due_follow_ups(
    session: Session, *, now: datetime, unanswered_after: timedelta = FOLLOW_UP_AFTER
) -> list[HelpQuestion]:
    """Open questions nobody has replied to (or offered to help with) for `unanswered_after` of the
    asker's working time (Monday to Friday, in their timezone), not followed up yet, in every workspace
    still installed. Oldest first.
    """
    answered = exists().where(
        HelpAnswer.team_id == HelpQuestion.team_id,
        HelpAnswer.question_id == HelpQuestion.id,
        HelpAnswer.deleted_at.is_(None),
    )
    offered = exists().where(
        HelpOffer.team_id == HelpQuestion.team_id, HelpOffer.question_id == HelpQuestion.id
    )
    uninstalled = exists().where(
        SlackWorkspace.team_id == HelpQuestion.team_id, SlackWorkspace.uninstalled_at.is_not(None)
    )
    candidates = session.scalars(
        select(HelpQuestion)
        .join(Person, Person.id == HelpQuestion.asker_id)
        .where(
            Person.team_id == HelpQuestion.team_id,
            Person.deactivated_at.is_(None),
            HelpQuestion.status == QuestionStatus.OPEN,
            HelpQuestion.followed_up_at.is_(None),
            # Working time never exceeds the time on the clock, so this narrows the search in SQL.
            HelpQuestion.posted_at <= now - unanswered_after,
            ~answered,
            ~offered,
            ~uninstalled,
        )
        .order_by(HelpQuestion.posted_at, HelpQuestion.id)
    )
    return [
        question
        for question in candidates
        if question.posted_at is not None
        and working_time_between(question.posted_at, now, zone_of(question.asker)) >= unanswered_after
    ]


def mark_followed_up(question: HelpQuestion, *, now: datetime) -> bool:
    """Claim the one follow-up a question gets; False when it had it already."""
    if question.followed_up_at is not None:
        return False
    question.followed_up_at = now
    question.updated_at = now
    return True
