"""Rows that exist at most once, as a unique constraint says: added in a savepoint, or found by their key.

Slack redelivers requests and people click twice, sometimes served by two processes at once; the database's
constraint decides which one stored the row, and the other finds it.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Base, EntryShare, Goal, HelpQuestion, LearningEntry

# What a person submits from Slack, stored once per idempotency key (a Slack trigger or view id).
Submitted = TypeVar("Submitted", LearningEntry, HelpQuestion, Goal, EntryShare)


def add_once(session: Session, row: Base) -> bool:
    """Add `row` in a savepoint; False, with nothing added, when a unique constraint says it is there already."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def find_by_key(
    session: Session, model: type[Submitted], team_id: str, idempotency_key: str
) -> Submitted | None:
    return session.scalar(
        select(model).where(model.team_id == team_id, model.idempotency_key == idempotency_key)
    )


def store_once(session: Session, row: Submitted) -> tuple[Submitted, bool]:
    """`row` stored, and False; or, when the same submission raced it from another thread or process, the
    row that one stored under the idempotency key, and True."""
    if add_once(session, row):
        return row, False
    assert row.idempotency_key is not None
    existing = find_by_key(session, type(row), row.team_id, row.idempotency_key)
    assert existing is not None
    return existing, True
