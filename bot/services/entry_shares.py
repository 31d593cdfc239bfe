"""Working out loud: a person posts one of their shared entries as a card in a channel they pick.

Only the entry's author, only an entry shared with the team (never a private one), and each share form at
most once: the share is claimed under the form's view id before the post, so a double submission or a
Slack retry finds the claim and posts nothing more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.services.learning import get_entry
from bot.services.rows import find_by_key, store_once
from models import EntryShare, LearningEntry, Person, Visibility


def shareable_entry(session: Session, person: Person, entry_id: int) -> LearningEntry | None:
    """The person's own entry, if it still exists and is shared with their team; None for anything else
    (private, removed, someone else's, a forged id)."""
    entry = get_entry(session, person, entry_id)
    return entry if entry is not None and entry.visibility is Visibility.TEAM else None


def find_share(session: Session, person: Person, idempotency_key: str) -> EntryShare | None:
    return find_by_key(session, EntryShare, person.team_id, idempotency_key)


def claim_share(
    session: Session,
    person: Person,
    entry: LearningEntry,
    channel_id: str,
    *,
    now: datetime,
    idempotency_key: str,
) -> tuple[EntryShare, bool]:
    """The share claimed for this form, and False; or the one an earlier submission of it claimed, and True
    (its post is made, or being made: nothing more to post)."""
    return store_once(
        session,
        EntryShare(
            team_id=person.team_id,
            enterprise_id=person.enterprise_id,
            entry_id=entry.id,
            person_id=person.id,
            channel_id=channel_id,
            idempotency_key=idempotency_key,
            created_at=now,
        ),
    )


def record_post(session: Session, share_id: int, message_ts: str | None, *, now: datetime) -> None:
    """Slack took the post: keep where it is, for the confirmation's link."""
    session.execute(
        update(EntryShare)
        .where(EntryShare.id == share_id)
        .values(message_ts=message_ts, posted_at=now)
        .execution_options(synchronize_session=False)
    )


def release_share(session: Session, share_id: int) -> None:
    """Slack refused the post: forget the claim, so the same form can be sent again to another channel."""
    session.execute(
        delete(EntryShare)
        .where(EntryShare.id == share_id, EntryShare.message_ts.is_(None))
        .execution_options(synchronize_session=False)
    )
