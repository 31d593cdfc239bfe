"""The delivery ledger: every scheduled send is claimed under a unique key before it is sent.

A key is claimed once, ever (the unique index decides races between processes). A claim is then taken
(renewed) just before the Slack call and marked sent, failed or skipped after it, each step a
compare-and-set on the claimant, so a process that lost its claim can never overwrite the one that holds
it. A claim whose process died stays CLAIMED; once its lease has run out another process reclaims it and
sends, as long as the send's window is still open (one of a kind that process cannot send is settled as
failed).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, String, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Delivery, DeliveryKind, DeliveryStatus
from scheduler.workspaces import Workspace

# Longer than one send can take (pacing, a capped Retry-After wait, the HTTP timeout), so a live claim
# is never reclaimed; short enough that a crashed process's sends go out a few minutes late, not never.
LEASE = timedelta(minutes=5)
ERROR_LIMIT = 200
UNKNOWN_KIND = "unknown_kind"


@dataclass(frozen=True, kw_only=True)
class PlannedSend:
    """A send the scheduler means to make, as the ledger records it when claimed or skipped."""

    key: str
    kind: DeliveryKind
    team_id: str
    enterprise_id: str | None
    window_ends_at: datetime
    person_id: int | None = None
    learning_team_id: int | None = None
    help_question_id: int | None = None
    channel_id: str | None = None

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.team_id, self.enterprise_id)

    def row(
        self, status: DeliveryStatus, *, worker: str, now: datetime, error: str | None = None
    ) -> Delivery:
        """The ledger row that records this send in `status`."""
        return Delivery(
            key=self.key,
            kind=self.kind,
            status=status,
            team_id=self.team_id,
            enterprise_id=self.enterprise_id,
            person_id=self.person_id,
            learning_team_id=self.learning_team_id,
            help_question_id=self.help_question_id,
            claimed_by=worker,
            claimed_at=now,
            window_ends_at=self.window_ends_at,
            attempts=0,
            channel_id=self.channel_id,
            error=error[:ERROR_LIMIT] if error else None,
        )


@dataclass(frozen=True, kw_only=True)
class Claim(PlannedSend):
    """A claimed send, as the sending step needs it (plain values: no session is kept open while sending)."""

    id: int

    @classmethod
    def of(cls, delivery: Delivery) -> Claim:
        return cls(
            id=delivery.id,
            key=delivery.key,
            kind=delivery.kind,
            team_id=delivery.team_id,
            enterprise_id=delivery.enterprise_id,
            window_ends_at=delivery.window_ends_at,
            person_id=delivery.person_id,
            learning_team_id=delivery.learning_team_id,
            help_question_id=delivery.help_question_id,
            channel_id=delivery.channel_id,
        )


def _insert(session: Session, delivery: Delivery) -> Delivery | None:
    try:
        with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        return None  # the key is claimed (or settled) already: by us earlier, or by another process
    return delivery


def claim(session: Session, send: PlannedSend, *, worker: str, now: datetime) -> Claim | None:
    """Claim a send under its key; None if that key was ever claimed before."""
    delivery = _insert(session, send.row(DeliveryStatus.CLAIMED, worker=worker, now=now))
    return Claim.of(delivery) if delivery is not None else None


def record_skip(session: Session, send: PlannedSend, *, reason: str, worker: str, now: datetime) -> bool:
    """Settle a send's key as skipped with a reason, unless it was claimed before; True if this call did."""
    return (
        _insert(session, send.row(DeliveryStatus.SKIPPED, worker=worker, now=now, error=reason)) is not None
    )


def _change_mine(
    session: Session, claim_id: int, worker: str, *also: ColumnElement[bool], **values: object
) -> bool:
    """Compare-and-set on the claimant: change our claim if it is still ours; False if it is not."""
    # On the connection, a plain UPDATE whose result has the rowcount (the ORM's result type does not).
    result = session.connection().execute(
        update(Delivery)
        .where(
            Delivery.id == claim_id,
            Delivery.status == DeliveryStatus.CLAIMED,
            Delivery.claimed_by == worker,
            *also,
        )
        .values(**values)
    )
    return result.rowcount == 1


def take(session: Session, claim_id: int, *, worker: str, now: datetime) -> bool:
    """Renew our claim just before sending (a fresh lease for the call); False if it is not ours any more."""
    return _change_mine(
        session,
        claim_id,
        worker,
        Delivery.window_ends_at > now,
        claimed_at=now,
        attempts=Delivery.attempts + 1,
    )


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
    return _change_mine(session, claim_id, worker, **values)


def release(session: Session, claim_id: int, *, worker: str, now: datetime, error: str) -> bool:
    """Give a claim back (rate-limited, Slack unreachable): the next tick's recovery retries it at once."""
    return _change_mine(
        session, claim_id, worker, claimed_by=None, claimed_at=now - LEASE, error=error[:ERROR_LIMIT]
    )


def reclaim_expired(
    session: Session,
    *,
    worker: str,
    now: datetime,
    limit: int,
    kinds: Collection[DeliveryKind],
    stale_before: datetime | None = None,
) -> list[Claim]:
    """Take over claims of `kinds` whose lease ran out while their window is open (their process died or
    gave up).

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


def fail_unknown_kinds(
    session: Session, *, known: Collection[DeliveryKind], stale_before: datetime
) -> list[tuple[str, str]]:
    """Settle as failed the claims left behind whose kind is not `known` (no sender for it here, or a
    kind the enum lacks, written by a newer version); the (key, kind) of each, for the logs."""
    kind_text = type_coerce(Delivery.kind, String)  # as text: the enum type refuses a value it lacks
    rows = session.execute(
        select(Delivery.id, Delivery.key, kind_text)
        .where(
            Delivery.status == DeliveryStatus.CLAIMED,
            Delivery.claimed_at < stale_before,
            Delivery.kind.not_in(known),
        )
        .with_for_update(skip_locked=True)
    ).all()
    if rows:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_([row.id for row in rows]), Delivery.status == DeliveryStatus.CLAIMED)
            .values(status=DeliveryStatus.FAILED, error=UNKNOWN_KIND)
            .execution_options(synchronize_session=False)
        )
    return [(key, kind) for _, key, kind in rows]
