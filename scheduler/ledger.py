"""The delivery ledger: every scheduled send is claimed under a unique key before it is sent.

A key is claimed once, ever (the unique index decides races between processes). A claim is then taken
(renewed) just before the Slack call and marked sent, failed or skipped after it, each step a
compare-and-set on the claimant, so a process that lost its claim can never overwrite the one that holds
it. A claim whose process died stays CLAIMED; once its lease has run out another process reclaims it and
sends, as long as the send's window is still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Delivery, DeliveryKind, DeliveryStatus

# Longer than one send can take (pacing, a capped Retry-After wait, the HTTP timeout), so a live claim
# is never reclaimed; short enough that a crashed process's sends go out a few minutes late, not never.
LEASE = timedelta(minutes=5)
ERROR_LIMIT = 200


@dataclass(frozen=True)
class Claim:
    """A claimed send, as the sending step needs it (plain values: no session is kept open while sending)."""

    id: int
    key: str
    kind: DeliveryKind
    team_id: str
    enterprise_id: str | None
    person_id: int | None
    learning_team_id: int | None
    window_ends_at: datetime
    channel_id: str | None

    @classmethod
    def of(cls, delivery: Delivery) -> Claim:
        return cls(
            id=delivery.id,
            key=delivery.key,
            kind=delivery.kind,
            team_id=delivery.team_id,
            enterprise_id=delivery.enterprise_id,
            person_id=delivery.person_id,
            learning_team_id=delivery.learning_team_id,
            window_ends_at=delivery.window_ends_at,
            channel_id=delivery.channel_id,
        )


def _insert(session: Session, delivery: Delivery) -> Delivery | None:
    try:
        with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        return None  # the key is claimed (or settled) already: by us earlier, or by another process
    return delivery


def claim(
    session: Session,
    *,
    key: str,
    kind: DeliveryKind,
    team_id: str,
    enterprise_id: str | None,
    worker: str,
    now: datetime,
    window_ends_at: datetime,
    person_id: int | None = None,
    learning_team_id: int | None = None,
    channel_id: str | None = None,
) -> Claim | None:
    """Claim a send under `key`; None if that key was ever claimed before."""
    delivery = _insert(
        session,
        Delivery(
            key=key,
            kind=kind,
            status=DeliveryStatus.CLAIMED,
            team_id=team_id,
            enterprise_id=enterprise_id,
            person_id=person_id,
            learning_team_id=learning_team_id,
            claimed_by=worker,
            claimed_at=now,
            window_ends_at=window_ends_at,
            attempts=0,
            channel_id=channel_id,
        ),
    )
    return Claim.of(delivery) if delivery is not None else None


def record_skip(
    session: Session,
    *,
    key: str,
    kind: DeliveryKind,
    team_id: str,
    enterprise_id: str | None,
    reason: str,
    worker: str,
    now: datetime,
    window_ends_at: datetime,
    person_id: int | None = None,
    learning_team_id: int | None = None,
) -> bool:
    """Settle `key` as skipped with a reason, unless it was claimed before; True if this call settled it."""
    delivery = _insert(
        session,
        Delivery(
            key=key,
            kind=kind,
            status=DeliveryStatus.SKIPPED,
            team_id=team_id,
            enterprise_id=enterprise_id,
            person_id=person_id,
            learning_team_id=learning_team_id,
            claimed_by=worker,
            claimed_at=now,
            window_ends_at=window_ends_at,
            attempts=0,
            error=reason[:ERROR_LIMIT],
        ),
    )
    return delivery is not None


def _mine(claim_id: int, worker: str):  # noqa: ANN202 - SQL conditions
    return (
        Delivery.id == claim_id,
        Delivery.status == DeliveryStatus.CLAIMED,
        Delivery.claimed_by == worker,
    )


def take(session: Session, claim_id: int, *, worker: str, now: datetime) -> bool:
    """Renew our claim just before sending (a fresh lease for the call); False if it is not ours any more."""
    result = session.execute(
        update(Delivery)
        .where(*_mine(claim_id, worker), Delivery.window_ends_at > now)
        .values(claimed_at=now, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def settle(
    session: Session,
    claim_id: int,
    status: DeliveryStatus,
    *,
    worker: str,
    now: datetime,
    error: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
) -> bool:
    """Mark our claim sent, failed or skipped; False if another process holds it now."""
    values: dict[str, object] = {"status": status, "error": error[:ERROR_LIMIT] if error else None}
    if status is DeliveryStatus.SENT:
        values.update(sent_at=now, channel_id=channel_id, message_ts=message_ts)
    result = session.execute(
        update(Delivery)
        .where(*_mine(claim_id, worker))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def release(session: Session, claim_id: int, *, worker: str, now: datetime, error: str) -> bool:
    """Give a claim back (rate-limited, Slack unreachable): the next tick's recovery retries it at once."""
    result = session.execute(
        update(Delivery)
        .where(*_mine(claim_id, worker))
        .values(claimed_by=None, claimed_at=now - LEASE, error=error[:ERROR_LIMIT])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def reclaim_expired(
    session: Session,
    *,
    worker: str,
    now: datetime,
    limit: int,
    kinds: tuple[DeliveryKind, ...] = tuple(DeliveryKind),
    stale_before: datetime | None = None,
) -> list[Claim]:
    """Take over claims whose lease ran out while their window is open (their process died or gave up).

    `stale_before` (default: a lease ago) is fixed for a whole tick, so a claim handed back during the
    tick (its claimed_at set a lease back from then) waits for the next tick instead of going round again.
    Claims whose window closed meanwhile are settled as failed, so the ledger never keeps a send hanging.
    """
    stale = stale_before or now - LEASE
    session.execute(
        update(Delivery)
        .where(
            Delivery.status == DeliveryStatus.CLAIMED,
            Delivery.claimed_at < stale,
            Delivery.window_ends_at <= now,
            Delivery.kind.in_(kinds),
        )
        .values(status=DeliveryStatus.FAILED, error="window_passed")
        .execution_options(synchronize_session=False)
    )
    expired = list(
        session.scalars(
            select(Delivery)
            .where(
                Delivery.status == DeliveryStatus.CLAIMED,
                Delivery.claimed_at < stale,
                Delivery.window_ends_at > now,
                Delivery.kind.in_(kinds),
            )
            .order_by(Delivery.claimed_at, Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for delivery in expired:
        delivery.claimed_by = worker
        delivery.claimed_at = now
    session.flush()
    return [Claim.of(delivery) for delivery in expired]


def find(session: Session, key: str) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.key == key))
