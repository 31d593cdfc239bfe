"""Which chart images Slack already holds: one private file per subject (a person or a team), local day and
version of the data drawn. The file id is all that is kept; the numbers stay in their own tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ChartImage


@dataclass(frozen=True)
class ChartKey:
    """What a cached image is found by, and whose it is (so it goes when they go)."""

    team_id: str  # the workspace
    enterprise_id: str | None
    subject: str  # "person:<row id>" or "team:<learning team id>"
    day: date  # the subject's local day
    data_version: str  # bot.charts.chart_version of what is drawn
    person_id: int | None = None
    learning_team_id: int | None = None


def person_subject(person_id: int) -> str:
    return f"person:{person_id}"


def team_subject(learning_team_id: int) -> str:
    return f"team:{learning_team_id}"


def cached_file_id(session: Session, key: ChartKey) -> str | None:
    return session.scalar(
        select(ChartImage.file_id)
        .where(
            ChartImage.team_id == key.team_id,
            ChartImage.subject == key.subject,
            ChartImage.day == key.day,
            ChartImage.data_version == key.data_version,
        )
        .limit(1)
    )


def remember_file(session: Session, key: ChartKey, file_id: str, *, now: datetime) -> None:
    """Keep the file id for `key`, and forget the subject's images of earlier days (never shown again).

    Two views drawing at once may both upload; the second to store keeps the first's row.
    """
    session.execute(
        delete(ChartImage).where(
            ChartImage.team_id == key.team_id, ChartImage.subject == key.subject, ChartImage.day < key.day
        )
    )
    try:
        with session.begin_nested():
            session.add(
                ChartImage(
                    team_id=key.team_id,
                    enterprise_id=key.enterprise_id,
                    subject=key.subject,
                    person_id=key.person_id,
                    learning_team_id=key.learning_team_id,
                    day=key.day,
                    data_version=key.data_version,
                    file_id=file_id,
                    created_at=now,
                )
            )
    except IntegrityError:
        pass  # stored by a concurrent view a moment ago: theirs serves as well


def forget_file(session: Session, key: ChartKey) -> None:
    """Slack would not show the file any more (deleted, say): the next view draws the chart anew."""
    session.execute(
        delete(ChartImage).where(
            ChartImage.team_id == key.team_id,
            ChartImage.subject == key.subject,
            ChartImage.day == key.day,
            ChartImage.data_version == key.data_version,
        )
    )
