"""Kudos: a teammate's "Nice one" on a shared entry, once per giver and entry, told to its author in a
daily summary (never a score: nothing counts or ranks them anywhere else)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, WorkspaceScoped


class Kudos(WorkspaceScoped, Base):
    __tablename__ = "kudos"
    __table_args__ = (
        # A double click or Slack's retry carries the same giver and entry, so it can never store twice.
        UniqueConstraint("entry_id", "giver_id"),
        # The author's kudos not yet in a summary, found without a scan.
        Index("ix_kudos_receiver_summary", "receiver_id", "summary_delivery_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("learning_entries.id", ondelete="CASCADE"))
    # Both people by row id, so forgetting either one deletes the kudos with them.
    giver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The daily summary that tells the author (None: not claimed by one yet).
    summary_delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
