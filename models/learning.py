"""Learning entries and the skills they are tagged with."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, WorkspaceScoped, enum_column
from models.people import Person


class EntryKind(StrEnum):
    """Where the learning came from, after 70/20/10."""

    JOB = "job"
    PEOPLE = "people"
    FORMAL = "formal"


class EntrySource(StrEnum):
    COMMAND = "command"
    MODAL = "modal"
    SHORTCUT = "shortcut"


class Visibility(StrEnum):
    PRIVATE = "private"
    TEAM = "team"


entry_skills = Table(
    "entry_skills",
    Base.metadata,
    Column("entry_id", ForeignKey("learning_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Skill(WorkspaceScoped, Base):
    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class LearningEntry(WorkspaceScoped, Base):
    __tablename__ = "learning_entries"
    __table_args__ = (
        # A Slack retry or double submission carries the same key, so it can never store twice.
        UniqueConstraint("team_id", "idempotency_key"),
        Index("ix_learning_entries_person_day", "person_id", "local_day"),
        # The team feed: a workspace's entries newest first, read until a page of teammates' is found.
        Index("ix_learning_entries_team_created", "team_id", "created_at"),
        # /team insights reads a workspace's weeks from the index alone (who, what kind, how long, shared).
        Index(
            "ix_learning_entries_team_day",
            "team_id",
            "local_day",
            "person_id",
            "kind",
            "minutes",
            "visibility",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int]
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind))
    link: Mapped[str | None] = mapped_column(String(2000))
    source: Mapped[EntrySource] = mapped_column(enum_column(EntrySource))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility))
    local_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # The goal the person logged this toward (goals also count entries that share one of their skills).
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"), index=True)

    person: Mapped[Person] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=entry_skills, order_by=Skill.name, lazy="selectin")
