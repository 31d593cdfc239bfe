"""A person: one Slack user in one workspace, with the timezone we last read from Slack, and whether they
belong to another organisation (a Slack Connect partner)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, WorkspaceScoped


class Person(WorkspaceScoped, Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    tz_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Slack gave no timezone at the last check: their days and nudges run on UTC, and they are told once.
    tz_missing: Mapped[bool] = mapped_column(default=False, server_default=false())
    tz_note_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Learning fitness targets: the week's rings close at these.
    target_days_per_week: Mapped[int] = mapped_column(default=3, server_default="3")
    target_minutes_per_week: Mapped[int] = mapped_column(default=60, server_default="60")
    # Peer help: whether others may see this person suggested as an expert (/fitness expert off).
    suggest_as_expert: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Habit nudges, in the person's local time; next_nudge_at (UTC) is what the scheduler's tick queries.
    nudges_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    nudge_weekdays: Mapped[str] = mapped_column(String(20), default="1,3", server_default="1,3")  # Tue, Thu
    nudge_minute: Mapped[int] = mapped_column(default=960, server_default="960")  # 16:00
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ignored_nudges: Mapped[int] = mapped_column(default=0, server_default="0")
    next_nudge_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # A Slack Connect partner from another organisation: may answer and be credited in a question's thread,
    # but is never nudged, never sent anything by the scheduler, never in a team.
    is_external: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set when Slack says the account is gone (user_not_found, account_inactive): no more sends.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # App Home is redrawn after a change only for someone who opened it lately, and at most every few seconds.
    home_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    home_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the daily summary of kudos on their entries is due (UTC); None while there is nothing to tell.
    next_kudos_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
