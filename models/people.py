"""A person: one Slack user in one workspace, with the timezone we last read from Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, WorkspaceScoped


class Person(WorkspaceScoped, Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    tz_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Learning fitness targets: the week's rings close at these.
    target_days_per_week: Mapped[int] = mapped_column(default=3, server_default="3")
    target_minutes_per_week: Mapped[int] = mapped_column(default=60, server_default="60")
