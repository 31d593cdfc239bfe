"""Personal learning goals, and the rest weeks a person takes without breaking their streak."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, WorkspaceScoped, enum_column
from models.learning import Skill
from models.people import Person


class GoalTarget(StrEnum):
    MINUTES = "minutes"  # e.g. 10 hours of learning
    SESSIONS = "sessions"  # e.g. 12 learning sessions
    DATE = "date"  # just a done-by date; the person marks it done


class GoalStatus(StrEnum):
    ACTIVE = "active"
    DONE = "done"
    DROPPED = "dropped"


goal_skills = Table(
    "goal_skills",
    Base.metadata,
    Column("goal_id", ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Goal(WorkspaceScoped, Base):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("team_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    why: Mapped[str | None] = mapped_column(Text)
    target_kind: Mapped[GoalTarget] = mapped_column(enum_column(GoalTarget))
    target_value: Mapped[int | None]  # minutes or sessions; None for a date-only goal
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[GoalStatus] = mapped_column(enum_column(GoalStatus), default=GoalStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its owner shared it (the Share button, once reached): only then may a team's weekly post name it.
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str | None] = mapped_column(String(255))

    person: Mapped[Person] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=goal_skills, order_by=Skill.name, lazy="selectin")


class RestWeek(WorkspaceScoped, Base):
    """A week the person rests: it neither breaks nor extends their streak (at most one in any four)."""

    __tablename__ = "rest_weeks"
    __table_args__ = (UniqueConstraint("person_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
