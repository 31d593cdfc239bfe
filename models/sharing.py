"""Working out loud: a shared learning entry its author posted as a card in a channel they picked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, WorkspaceScoped


class EntryShare(WorkspaceScoped, Base):
    """One click of "Share in a channel", claimed under the share form's view id before the post, so a
    double submission posts once; `message_ts` is set once Slack took the post."""

    __tablename__ = "entry_channel_shares"
    __table_args__ = (UniqueConstraint("team_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("learning_entries.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
