"""Peer help: questions posted to a channel, the thread replies that answer them, and the credit for help."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, WorkspaceScoped, enum_column
from models.learning import Skill
from models.people import Person


class QuestionStatus(StrEnum):
    UNPOSTED = "unposted"  # kept because Slack refused the post; can be reposted
    OPEN = "open"
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


question_skills = Table(
    "question_skills",
    Base.metadata,
    Column("question_id", ForeignKey("help_questions.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class HelpQuestion(WorkspaceScoped, Base):
    __tablename__ = "help_questions"
    __table_args__ = (
        UniqueConstraint("team_id", "idempotency_key"),
        # Thread replies find their question by the message they reply to.
        UniqueConstraint("team_id", "channel_id", "message_ts"),
        Index("ix_help_questions_status_posted", "team_id", "status", "posted_at"),
        # Under an org-wide Grid install a reply finds its question across the org's workspaces.
        Index("ix_help_questions_org_message", "enterprise_id", "channel_id", "message_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency), default=Urgency.NORMAL)
    status: Mapped[QuestionStatus] = mapped_column(enum_column(QuestionStatus))
    origin_channel_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # Whether everyone in the workspace can read the channel it is posted in (Slack said so when it was
    # posted): only then may its words reach people outside that channel, as in a nudge.
    in_public_channel: Mapped[bool] = mapped_column(default=False, server_default=false())
    post_error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Held back unposted while its asker reads questions answered before; "Post anyway" clears it once.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str | None] = mapped_column(String(255))

    asker: Mapped[Person] = relationship()
    skills: Mapped[list[Skill]] = relationship(
        secondary=question_skills, order_by=Skill.name, lazy="selectin"
    )


class HelpAnswer(WorkspaceScoped, Base):
    """A reply in a question's thread (who and when; the words stay in Slack)."""

    __tablename__ = "help_answers"
    __table_args__ = (UniqueConstraint("question_id", "message_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("help_questions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HelpOffer(WorkspaceScoped, Base):
    """Someone clicked "I can help"."""

    __tablename__ = "help_offers"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("help_questions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HelpCredit(WorkspaceScoped, Base):
    """The asker credited this person for helping: help given for them, help received for the asker."""

    __tablename__ = "help_credits"
    __table_args__ = (UniqueConstraint("question_id", "helper_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("help_questions.id", ondelete="CASCADE"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    helper_day: Mapped[date] = mapped_column(Date)  # the helper's local day, for their rings
    asker_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    """Events API deliveries already handled: Slack retries carry the same event_id."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("team_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
