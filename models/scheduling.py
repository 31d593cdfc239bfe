"""Learning teams and their digests, and the delivery ledger that makes every scheduled send exactly-once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, WorkspaceScoped, enum_column
from models.people import Person


class TeamRole(StrEnum):
    MEMBER = "member"
    LEAD = "lead"


class LearningTeam(WorkspaceScoped, Base):
    """A group of people whose leads get a weekly digest (not a Slack workspace, which is `team_id`)."""

    __tablename__ = "learning_teams"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    digest_weekday: Mapped[int] = mapped_column(default=0, server_default="0")  # Monday
    digest_minute: Mapped[int] = mapped_column(default=540, server_default="540")  # 09:00 in the lead's time
    digest_channel_id: Mapped[str | None] = mapped_column(String(32))  # None: each lead's DM
    next_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # "What <team> learned", posted weekly in a channel a lead picked (None: off), in the lead's time.
    weekly_post_channel_id: Mapped[str | None] = mapped_column(String(32))
    weekly_post_weekday: Mapped[int] = mapped_column(default=0, server_default="0")  # Monday
    weekly_post_minute: Mapped[int] = mapped_column(default=600, server_default="600")  # 10:00
    next_weekly_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    members: Mapped[list[TeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan")


class TeamMember(Base):
    __tablename__ = "team_members"

    learning_team_id: Mapped[int] = mapped_column(
        ForeignKey("learning_teams.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[TeamRole] = mapped_column(enum_column(TeamRole), default=TeamRole.MEMBER)

    team: Mapped[LearningTeam] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class DeliveryKind(StrEnum):
    NUDGE = "nudge"
    DIGEST = "digest"
    FOLLOW_UP = "follow_up"
    KUDOS = "kudos"
    TEAM_POST = "team_post"


class DeliveryStatus(StrEnum):
    CLAIMED = "claimed"  # a scheduler took it; if that process died, it is retried within its window
    SENT = "sent"
    FAILED = "failed"  # Slack refused it for good (user_not_found, account_inactive, ...)
    SKIPPED = "skipped"  # nothing to send after all (already learned today, snoozed, away)


class Delivery(WorkspaceScoped, Base):
    """One scheduled send, claimed under a unique key before it is sent: the exactly-once ledger."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_deliveries_status_claimed", "status", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))  # e.g. nudge:T1:U1:2026-11-24
    kind: Mapped[DeliveryKind] = mapped_column(enum_column(DeliveryKind))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus))
    # Indexed, so that deleting a person, team or question finds its deliveries without a scan.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    learning_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_teams.id", ondelete="CASCADE"), index=True
    )
    # The question a follow-up is for (like person_id and learning_team_id, gone with what it names).
    help_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_questions.id", ondelete="CASCADE"), index=True
    )
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))
