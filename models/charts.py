"""Charts Slack already holds: an image is drawn and uploaded once per person (or team), day and data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, WorkspaceScoped


class ChartImage(WorkspaceScoped, Base):
    """The private Slack file showing one subject's chart for one local day and one version of its data
    (a hash of what is drawn): the next view with the same numbers shows the same file, uploading nothing."""

    __tablename__ = "chart_images"
    __table_args__ = (UniqueConstraint("team_id", "subject", "day", "data_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))  # "person:<row id>" or "team:<learning team id>"
    # Deleted with the person (forget-me) or the team they are of.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    learning_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_teams.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    data_version: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
