"""The scheduler's work: each tick asks the database what is due, claims it in the ledger, sends, settles.

No job per person: a tick finds due people, teams and questions through indexed columns (each kind in
`scheduler.kinds` says how), in batches, and moves each one's next time on in the same transaction that
claims its send. Sending happens outside any transaction, one send at a time, paced per workspace; one
send's failure is recorded against that send and never stops the batch.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Clock, utc_now
from bot.services.help import forget_processed_events
from models import Delivery, DeliveryKind, DeliveryStatus
from scheduler import ledger
from scheduler.kinds import KINDS, Kind
from scheduler.pacing import Pacer
from scheduler.tick import Outcome, Tick, TickReport
from scheduler.workspaces import WorkspaceClients, reactivate_reinstalled

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# Event ids are kept only to spot Slack's retries of a delivery, which come within minutes: a day is ample.
PROCESSED_EVENTS_KEPT = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Due:
    """What one cheap look at the database found (most ticks find nothing)."""

    left_behind: bool  # claims whose lease ran out: their process died, or handed them back
    kinds: tuple[DeliveryKind, ...]  # the kinds with something due, in the order a tick runs them


class Runner:
    """Runs whatever is due, kind by kind, and the claims left behind by a process that died."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clients: WorkspaceClients,
        *,
        pacer: Pacer | None = None,
        clock: Clock = utc_now,
        worker: str | None = None,
        batch_size: int = BATCH_SIZE,
        kinds: Mapping[DeliveryKind, Kind] = KINDS,
        stopping: threading.Event | None = None,
    ) -> None:
        self.sessions = sessions
        self.clients = clients
        self.pacer = pacer or Pacer()
        self.clock = clock
        self.worker = worker or worker_name()
        self.batch_size = batch_size
        self.kinds = kinds
        # Set on SIGTERM: the send in hand finishes, the rest of the batch is handed back at once.
        self.stopping = stopping or threading.Event()

    def _tick(self, now: datetime | None) -> Tick:
        return Tick(
            self.sessions,
            self.clients,
            self.pacer,
            clock=self.clock,
            pinned=now,
            worker=self.worker,
            batch_size=self.batch_size,
        )

    def run_due(self, now: datetime | None = None) -> TickReport:
        """One tick. `now` pins this tick's time (tests, `--now`); otherwise the clock runs."""
        self.clients.forget()
        tick = self._tick(now)
        due = self._peek(tick.now())
        if due.left_behind:
            self.recover(tick)
        for kind in due.kinds:
            if self.stopping.is_set():
                break
            self._run(tick, self.kinds[kind])
        if tick.report.outcomes:
            logger.info("tick at %s: %s", tick.now().isoformat(), tick.report)
        return tick.report

    def _peek(self, now: datetime) -> Due:
        """One cheap statement to learn whether anything is due at all, and of which kinds."""
        left_behind = (
            select(Delivery.id)
            .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_at < now - ledger.LEASE)
            .exists()
        )
        statement = select(
            left_behind.label("left_behind"),
            *(kind.due(now).label(name.value) for name, kind in self.kinds.items()),
        )
        with self.sessions() as session:
            found = session.execute(statement).one()._mapping
        return Due(
            left_behind=bool(found["left_behind"]),
            kinds=tuple(name for name in self.kinds if found[name.value]),
        )

    def _run(self, tick: Tick, kind: Kind) -> None:
        while not self.stopping.is_set() and (claims := kind.claim_due(tick)) is not None:
            self._deliver_all(tick, claims)

    def _deliver_all(self, tick: Tick, claims: Sequence[ledger.Claim]) -> None:
        """Send each claim its kind's way; once stopping, hand the rest back so none waits out its lease."""
        for index, claim in enumerate(claims):
            if self.stopping.is_set():
                with tick.transaction() as session:
                    for unsent in claims[index:]:
                        ledger.release(
                            session, unsent.id, worker=self.worker, now=tick.now(), error="scheduler stopped"
                        )
                logger.info("stopping: handed back %d claimed sends", len(claims) - index)
                return
            tick.deliver(claim, self.kinds[claim.kind].send)

    def recover(self, tick: Tick) -> None:
        """Send what a dead (or rate-limited) process claimed and never settled, while its window is open.
        A claim of a kind no object here can send is an error: logged, and settled as failed."""
        stale_before = tick.now() - ledger.LEASE
        with tick.transaction() as session:
            unknown = ledger.fail_unknown_kinds(session, known=self.kinds.keys(), stale_before=stale_before)
        for key, kind in unknown:
            logger.error("%s is of kind %r, which this scheduler cannot send: settled as failed", key, kind)
            tick.report.count(kind, Outcome.FAILED)
        while True:
            with tick.transaction() as session:
                claims = ledger.reclaim_expired(
                    session,
                    worker=self.worker,
                    now=tick.now(),
                    limit=self.batch_size,
                    kinds=self.kinds.keys(),
                    stale_before=stale_before,
                )
            tick.report.recovered += len(claims)
            self._deliver_all(tick, claims)
            if len(claims) < self.batch_size or self.stopping.is_set():
                return

    def schedule_missing(self, now: datetime | None = None) -> int:
        """Put back on the schedule what has no next time: reinstalled workspaces, then each kind's own
        (people who learn but have none, after existing data or a reinstall; teams)."""
        tick = self._tick(now or self.clock())
        reactivate_reinstalled(self.sessions, self.clients, now=tick.now())
        return sum(kind.schedule_missing(tick) for kind in self.kinds.values())

    def housekeeping(self, now: datetime | None = None) -> int:
        """Forget Events API deliveries too old to be retried (otherwise the table grows with every event)."""
        with self.sessions() as session, session.begin():
            return forget_processed_events(session, before=(now or self.clock()) - PROCESSED_EVENTS_KEPT)
