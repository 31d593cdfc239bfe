"""A Slack workspace's own settings and state (one row per team_id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class SlackWorkspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    help_channel_id: Mapped[str | None] = mapped_column(
        String(32)
    )  # where /ask posts; None: where it was typed
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # scheduler skips it from then on
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
