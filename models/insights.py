"""Who may see the organisation's learning insights besides workspace admins: people an admin named."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, WorkspaceScoped


class InsightsAccess(WorkspaceScoped, Base):
    """One person an admin gave `/team insights` to; goes with the person (forget-me, ON DELETE CASCADE)."""

    __tablename__ = "insights_access"
    __table_args__ = (UniqueConstraint("team_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
