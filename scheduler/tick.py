"""One tick's steps that every kind of delivery shares: claim or skip, take, the paced Slack call whose
errors become a settle or a release, and settle; with the tick's time and what it has learned so far.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Clock
from bot.gateway import Posted, SlackFailure, SlackGateway, SlackUser
from models import DeliveryStatus, Person
from scheduler import ledger
from scheduler.pacing import Pacer
from scheduler.workspaces import NotInstalled, Workspace, WorkspaceClients, mark_uninstalled

logger = logging.getLogger(__name__)

# Slack errors that mean the person is gone: no more sends to them.
PERSON_GONE = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot", "user_deactivated"})
# Errors that mean the app is gone from the workspace (uninstalled, token revoked): no more sends there.
WORKSPACE_GONE = frozenset(
    {"account_inactive", "invalid_auth", "token_revoked", "not_authed", "token_expired", "team_not_found"}
)
# Errors worth another try on a later tick; anything else is final for that send.
TRANSIENT = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)

Message = dict[str, Any]  # a chat.postMessage payload: text and blocks
Send = Callable[["Tick", ledger.Claim], Posted]
Answer = TypeVar("Answer", Posted, SlackUser)  # what a gateway call gives, with its `failure`
Shared = TypeVar("Shared")


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RELEASED = "released"  # handed back (rate-limited, Slack unreachable): retried on a later tick
    LOST = "lost"  # another process holds the claim now


OUTCOME_OF = {
    DeliveryStatus.SENT: Outcome.SENT,
    DeliveryStatus.SKIPPED: Outcome.SKIPPED,
    DeliveryStatus.FAILED: Outcome.FAILED,
}


@dataclass
class TickReport:
    outcomes: dict[str, int] = field(default_factory=dict)
    recovered: int = 0

    def count(self, kind: str, outcome: Outcome) -> None:
        """One more `outcome` for `kind` (a DeliveryKind, or the raw kind of a ledger row it lacks)."""
        name = f"{kind}_{outcome.value}"
        self.outcomes[name] = self.outcomes.get(name, 0) + 1

    def __str__(self) -> str:
        parts = [f"{name}={count}" for name, count in sorted(self.outcomes.items())]
        if self.recovered:
            parts.append(f"recovered={self.recovered}")
        return ", ".join(parts) or "nothing due"


class Settle(Exception):
    """Raised while sending: the send ends here, settled with this status (and why)."""

    def __init__(self, status: DeliveryStatus, error: str | None = None) -> None:
        super().__init__(error or status.value)
        self.status = status
        self.error = error


class Release(Exception):
    """Raised while sending: the claim goes back to the ledger for a later tick to retry."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Tick:
    """One run of the scheduler: its time, its report, and the steps every kind of delivery goes through."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clients: WorkspaceClients,
        pacer: Pacer,
        *,
        clock: Clock,
        pinned: datetime | None,
        worker: str,
        batch_size: int,
    ) -> None:
        self.sessions = sessions
        self.clients = clients
        self.pacer = pacer
        self.clock = clock
        self.pinned = pinned
        self.worker = worker
        self.batch_size = batch_size
        self.report = TickReport()
        self._gone: set[str] = set()  # workspaces found uninstalled during this tick
        self._shared_messages: dict[Hashable, Any] = {}

    def now(self) -> datetime:
        """The pinned time of this tick (tests, `--now`), or else the clock, which runs on as it sends."""
        return self.pinned or self.clock()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def shared_message(self, key: Hashable, build: Callable[[], Shared]) -> Shared:
        """A message (or what goes with it) several sends share (a team's digest goes to each of its
        leads), built once a tick."""
        if key not in self._shared_messages:
            self._shared_messages[key] = build()
        shared: Shared = self._shared_messages[key]
        return shared

    # ------------------------------------------------------------------ the ledger around each send

    def claim_or_skip(
        self, session: Session, planned: ledger.PlannedSend, *, skip: str | None = None
    ) -> ledger.Claim | None:
        """Claim a planned send, or settle it as skipped when there is a reason to; the claim, if it is
        ours to send (None: skipped, or claimed before by this or another process)."""
        if skip is None:
            return ledger.claim(session, planned, worker=self.worker, now=self.now())
        if ledger.record_skip(session, planned, reason=skip, worker=self.worker, now=self.now()):
            self.report.count(planned.kind, Outcome.SKIPPED)
        return None

    def deliver(self, claim: ledger.Claim, send: Send) -> None:
        """Take the claim, send it the kind's way, settle (or release) it, and count the outcome."""
        self.report.count(claim.kind, self._deliver(claim, send))

    def _deliver(self, claim: ledger.Claim, send: Send) -> Outcome:
        with self.transaction() as session:
            if not ledger.take(session, claim.id, worker=self.worker, now=self.now()):
                return Outcome.LOST
        try:
            sent = send(self, claim)
        except Settle as settle:
            return self._settle(claim, settle.status, settle.error)
        except Release as release:
            return self._release(claim, release.error)
        return self._settle(claim, DeliveryStatus.SENT, channel_id=sent.channel, message_ts=sent.ts)

    def _settle(
        self,
        claim: ledger.Claim,
        status: DeliveryStatus,
        error: str | None = None,
        *,
        channel_id: str | None = None,
        message_ts: str | None = None,
    ) -> Outcome:
        with self.transaction() as session:
            settled = ledger.settle(
                session,
                claim.id,
                status,
                worker=self.worker,
                now=self.now(),
                error=error,
                channel_id=channel_id,
                message_ts=message_ts,
            )
        if not settled:
            logger.warning("%s was taken over before it was settled as %s", claim.key, status.value)
            return Outcome.LOST
        return OUTCOME_OF.get(status, Outcome.FAILED)

    def _release(self, claim: ledger.Claim, error: str) -> Outcome:
        with self.transaction() as session:
            ledger.release(session, claim.id, worker=self.worker, now=self.now(), error=error)
        return Outcome.RELEASED

    # ------------------------------------------------------------------ Slack, and what its answers mean

    def slack(
        self,
        claim: ledger.Claim,
        method: str,
        channel: str | None,
        call: Callable[[SlackGateway], Answer],
    ) -> Answer:
        """Make one paced call through the gateway for a claimed send; a failure becomes Settle or Release."""
        workspace = claim.workspace
        if workspace.team_id in self._gone:
            raise Settle(DeliveryStatus.FAILED, "workspace_uninstalled")
        if not self.pacer.acquire(workspace.team_id, method, channel):
            raise Release("ratelimited")
        try:
            client = self.clients.client_for(workspace)
        except NotInstalled as exc:
            logger.warning("no token for %s: %s", workspace.team_id, exc)
            raise Release("no_token") from None
        gateway = SlackGateway(client)
        answer = call(gateway)
        if answer.failure is not None:
            raise self._classify(claim, gateway, answer.failure)
        return answer

    def _classify(
        self, claim: ledger.Claim, gateway: SlackGateway, failure: SlackFailure
    ) -> Settle | Release:
        error, status = failure.error, failure.status or 0
        if status == 429:
            # The client already waited out a short Retry-After; a longer one holds the whole workspace.
            seconds = failure.retry_after or 1.0
            self.pacer.hold(claim.team_id, seconds)
            logger.info("Slack rate-limited %s for %ss; %s handed back", claim.team_id, seconds, claim.key)
            return Release("ratelimited")
        if error == "unreachable":  # connection refused, reset, timed out (after the client's own retry)
            return Release("slack_unreachable")
        if status >= 500 or error in TRANSIENT:
            return Release(error)
        if error == "account_inactive" and gateway.token_works():
            error = "user_account_inactive"  # the app is fine; it is the person's account that is gone
        if error in WORKSPACE_GONE:
            self._workspace_gone(claim.workspace, error)
        elif error in PERSON_GONE or error == "user_account_inactive":
            self.person_gone(claim)
        else:
            logger.warning("Slack refused %s: %s", claim.key, error)
        return Settle(DeliveryStatus.FAILED, error)

    def person_gone(self, claim: ledger.Claim) -> None:
        """The person the send was for has left Slack: no more sends to them."""
        if claim.person_id is None:
            return
        with self.transaction() as session:
            session.execute(
                update(Person)
                .where(Person.id == claim.person_id, Person.deactivated_at.is_(None))
                .values(deactivated_at=self.now(), next_nudge_at=None)
                .execution_options(synchronize_session=False)
            )

    def _workspace_gone(self, workspace: Workspace, error: str) -> None:
        """The app is gone from this workspace: nothing more is sent there until it comes back."""
        logger.warning(
            "Slack says %s for %s: treating the app as uninstalled there", error, workspace.team_id
        )
        self._gone.add(workspace.team_id)
        mark_uninstalled(self.sessions, workspace, now=self.now())
