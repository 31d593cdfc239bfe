"""When App Home is worth redrawing after a change: the person opened it lately, and it was not drawn
moments ago (views.publish has a rate tier, and a busy minute has many changes per person)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, update
from sqlalchemy.orm import Session

from models import Person

# Someone who opened Home this recently may still be looking at it; anyone else sees it fresh when they open it.
HOME_SEEN_FOR = timedelta(minutes=30)
# At most one views.publish per person in this long; a change inside it is drawn once it has passed.
HOME_REDRAW_GAP = timedelta(seconds=5)


def note_home_opened(person: Person, now: datetime) -> None:
    person.home_opened_at = now


def home_in_view(person: Person, now: datetime) -> bool:
    return person.home_opened_at is not None and now - person.home_opened_at < HOME_SEEN_FOR


def take_home_redraw(session: Session, person: Person, now: datetime) -> bool:
    """Take this person's turn to publish Home now, or False if it was published within HOME_REDRAW_GAP.

    One conditional UPDATE, so two requests (or two web processes) cannot both take the same turn.
    """
    taken = session.execute(
        update(Person)
        .where(
            Person.id == person.id,
            or_(Person.home_published_at.is_(None), Person.home_published_at <= now - HOME_REDRAW_GAP),
        )
        .values(home_published_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], taken).rowcount == 1
