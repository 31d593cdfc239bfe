"""The scheduler's work: each tick asks the database what is due, claims it in the ledger, sends, settles.

No job per person: a tick finds due people and teams through indexed columns (`Person.next_nudge_at`,
`LearningTeam.next_digest_at`), in batches, and moves each one's next time on in the same transaction that
claims its send. Sending happens outside any transaction, one send at a time, paced per workspace; one
send's failure is recorded against that send and never stops the batch.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Clock, utc_now
from bot.listeners.help_questions import send_follow_up
from bot.services import digests, nudges
from bot.services import help as peer_help
from bot.views.nudges import nudge_message
from bot.views.teams import digest_message
from models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    HelpQuestion,
    LearningEntry,
    LearningTeam,
    Person,
    QuestionStatus,
    SlackWorkspace,
)
from scheduler import ledger
from scheduler.pacing import Pacer
from scheduler.workspaces import NotInstalled, Workspace, WorkspaceClients

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
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


# Built once: every tick asks it, and most ticks find nothing else to do.
ANYTHING_DUE = select(
    select(Delivery.id)
    .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_at < bindparam("stale"))
    .exists(),
    select(Person.id).where(Person.next_nudge_at <= bindparam("now")).exists(),
    select(LearningTeam.id).where(LearningTeam.next_digest_at <= bindparam("now")).exists(),
    select(HelpQuestion.id)
    .where(
        HelpQuestion.status == QuestionStatus.OPEN,
        HelpQuestion.followed_up_at.is_(None),
        HelpQuestion.posted_at <= bindparam("asked_before"),
    )
    .exists(),
)
# A follow-up claimed and not sent (its process died) is retried for this long.
FOLLOW_UP_WINDOW = timedelta(days=2)


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RELEASED = "released"  # handed back (rate-limited, Slack unreachable): retried on a later tick
    LOST = "lost"  # another process holds the claim now


@dataclass
class TickReport:
    outcomes: dict[str, int] = field(default_factory=dict)
    recovered: int = 0

    def count(self, kind: DeliveryKind, outcome: Outcome) -> None:
        name = f"{kind.value}_{outcome.value}"
        self.outcomes[name] = self.outcomes.get(name, 0) + 1

    def __str__(self) -> str:
        parts = [f"{name}={count}" for name, count in sorted(self.outcomes.items())]
        if self.recovered:
            parts.append(f"recovered={self.recovered}")
        return ", ".join(parts) or "nothing due"


class _Settle(Exception):
    def __init__(self, status: DeliveryStatus, error: str | None = None) -> None:
        super().__init__(error or status.value)
        self.status = status
        self.error = error


class _Release(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _retry_after(headers: Any) -> float:
    """Retry-After from a Web API response's headers (a plain dict here, unlike the retry handlers')."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(text))
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def follow_up_key(question: HelpQuestion) -> str:
    """The ledger key of a question's one follow-up (the question id last: recovery reads it back)."""
    return f"follow_up:{question.team_id}:{question.id}"


def worker_name() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


class Runner:
    """Runs whatever is due: nudges, digests, and claims left behind by a process that died."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clients: WorkspaceClients,
        *,
        pacer: Pacer | None = None,
        clock: Clock = utc_now,
        worker: str | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.sessions = sessions
        self.clients = clients
        self.pacer = pacer or Pacer()
        self.clock = clock
        self.worker = worker or worker_name()
        self.batch_size = batch_size
        self._pinned: datetime | None = None
        self._gone: set[str] = set()
        self._digest_cache: dict[tuple[int, date], dict[str, Any]] = {}

    # ------------------------------------------------------------------ ticks

    def now(self) -> datetime:
        return self._pinned or self.clock()

    def run_due(self, now: datetime | None = None) -> TickReport:
        """One tick. `now` pins this tick's time (tests, `--now`); otherwise the clock runs."""
        self._pinned = now
        self.clients.forget()
        self._gone.clear()
        self._digest_cache.clear()
        report = TickReport()
        try:
            claims_left, people_due, teams_due, questions_waiting = self._peek()
            if claims_left:
                self.recover(report)
            if people_due:
                self.run_nudges(report)
            if teams_due:
                self.run_digests(report)
            if questions_waiting:
                self.run_follow_ups(report)
        finally:
            self._pinned = None
        if report.outcomes:
            logger.info("tick at %s: %s", (now or self.clock()).isoformat(), report)
        return report

    def _peek(self) -> tuple[bool, bool, bool, bool]:
        """One cheap statement to learn whether anything is due at all (most ticks find nothing)."""
        now = self.now()
        with self.sessions() as session:
            row = session.execute(
                ANYTHING_DUE,
                {"now": now, "stale": now - ledger.LEASE, "asked_before": now - peer_help.FOLLOW_UP_AFTER},
            ).one()
        return bool(row[0]), bool(row[1]), bool(row[2]), bool(row[3])

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def recover(self, report: TickReport) -> None:
        """Send what a dead (or rate-limited) process claimed and never settled, while its window is open."""
        stale_before = self.now() - ledger.LEASE
        while True:
            with self._transaction() as session:
                claims = ledger.reclaim_expired(
                    session,
                    worker=self.worker,
                    now=self.now(),
                    limit=self.batch_size,
                    stale_before=stale_before,
                )
            if not claims:
                return
            report.recovered += len(claims)
            for claim in claims:
                self._dispatch(claim, report)
            if len(claims) < self.batch_size:
                return

    def _dispatch(self, claim: ledger.Claim, report: TickReport) -> None:
        if claim.kind is DeliveryKind.NUDGE:
            report.count(claim.kind, self.send_nudge(claim))
        elif claim.kind is DeliveryKind.DIGEST:
            report.count(claim.kind, self.send_digest(claim))
        else:
            report.count(claim.kind, self.send_follow_up(claim))

    # ------------------------------------------------------------------ nudges

    def run_nudges(self, report: TickReport) -> None:
        while True:
            claims = self._claim_nudges(report)
            if claims is None:
                return
            for claim in claims:
                report.count(DeliveryKind.NUDGE, self.send_nudge(claim))

    def _claim_nudges(self, report: TickReport) -> list[ledger.Claim] | None:
        """Lock a batch of due people, settle the skips, claim the sends, move each one's next nudge on."""
        now = self.now()
        claims = []
        with self._transaction() as session:
            people = list(session.scalars(nudges.due_people_query(now, self.batch_size)))
            if not people:
                return None
            for decision in nudges.decide_nudges(session, people, now=now):
                person = decision.person
                common: dict[str, Any] = {
                    "key": decision.key,
                    "kind": DeliveryKind.NUDGE,
                    "team_id": person.team_id,
                    "enterprise_id": person.enterprise_id,
                    "person_id": person.id,
                    "worker": self.worker,
                    "now": now,
                    "window_ends_at": decision.slot + nudges.NUDGE_WINDOW,
                }
                if decision.skip is not None:
                    if ledger.record_skip(session, reason=decision.skip.value, **common):
                        report.count(DeliveryKind.NUDGE, Outcome.SKIPPED)
                else:
                    claim = ledger.claim(session, **common)
                    if claim is not None:
                        claims.append(claim)
                person.ignored_nudges = decision.ignored
                person.next_nudge_at = nudges.next_nudge_at(person, after=max(now, decision.slot))
        return claims

    def send_nudge(self, claim: ledger.Claim) -> Outcome:
        workspace = Workspace(claim.team_id, claim.enterprise_id)
        slot = claim.window_ends_at - nudges.NUDGE_WINDOW
        if not self._take(claim):
            return Outcome.LOST
        try:
            with self.sessions() as session:
                person = session.get(Person, claim.person_id) if claim.person_id else None
                if person is None:
                    raise _Settle(DeliveryStatus.FAILED, "person_gone")
                user_id = person.user_id
                reason = nudges.recheck_nudge(session, person, slot=slot)
            if reason is not None:
                raise _Settle(DeliveryStatus.SKIPPED, reason.value)
            user = self._slack(claim, workspace, "users.info", None, lambda c: c.users_info(user=user_id))
            profile = user["user"].get("profile") or {}
            if user["user"].get("deleted"):
                self._person_gone(claim)
                raise _Settle(DeliveryStatus.FAILED, "user_deactivated")
            if nudges.looks_away(profile.get("status_text"), profile.get("status_emoji")):
                raise _Settle(DeliveryStatus.SKIPPED, nudges.SkipReason.AWAY.value)
            payload = self._nudge_payload(claim, user["user"].get("tz"))
            sent = self._slack(
                claim,
                workspace,
                "chat.postMessage",
                user_id,
                lambda c: c.chat_postMessage(channel=user_id, **payload),
            )
        except _Settle as settle:
            return self._settle(claim, settle.status, settle.error)
        except _Release as release:
            return self._release(claim, release.error)
        return self._settle(
            claim, DeliveryStatus.SENT, channel_id=sent.get("channel"), message_ts=sent.get("ts")
        )

    def _nudge_payload(self, claim: ledger.Claim, slack_tz: str | None) -> dict[str, Any]:
        """The nudge's words, built from the person's data now; a new Slack timezone is kept on the way."""
        now = self.now()
        with self._transaction() as session:
            person = session.get(Person, claim.person_id)
            if person is None:
                raise _Settle(DeliveryStatus.FAILED, "person_gone")
            if slack_tz and slack_tz != person.tz and nudges.zone(slack_tz).key == slack_tz:
                person.tz = slack_tz
                person.tz_checked_at = now
                nudges.reschedule_nudge(person, now)
            facts = nudges.nudge_facts(session, person, now=now)
            return nudge_message(facts, nudges.nudge_settings(person, now))

    # ------------------------------------------------------------------ digests

    def run_digests(self, report: TickReport) -> None:
        while True:
            claims = self._claim_digests(report)
            if claims is None:
                return
            for claim in claims:
                report.count(DeliveryKind.DIGEST, self.send_digest(claim))

    def _claim_digests(self, report: TickReport) -> list[ledger.Claim] | None:
        now = self.now()
        claims = []
        with self._transaction() as session:
            teams = list(session.scalars(digests.due_teams_query(now, self.batch_size)))
            if not teams:
                return None
            for team in teams:
                slot = team.next_digest_at or now
                tz = digests.team_timezone(session, team)
                send_day = slot.astimezone(nudges.zone(tz)).date()
                for recipient in digests.recipients(session, team):
                    common: dict[str, Any] = {
                        "key": digests.digest_key(team, send_day, recipient),
                        "kind": DeliveryKind.DIGEST,
                        "team_id": team.team_id,
                        "enterprise_id": team.enterprise_id,
                        "person_id": recipient.person_id,
                        "learning_team_id": team.id,
                        "worker": self.worker,
                        "now": now,
                        "window_ends_at": slot + digests.DIGEST_WINDOW,
                    }
                    if now > slot + digests.DIGEST_WINDOW:
                        if ledger.record_skip(session, reason=nudges.SkipReason.MISSED.value, **common):
                            report.count(DeliveryKind.DIGEST, Outcome.SKIPPED)
                        continue
                    claim = ledger.claim(session, channel_id=recipient.channel_id, **common)
                    if claim is not None:
                        claims.append(claim)
                team.next_digest_at = digests.next_digest_at(team, tz, after=max(now, slot))
        return claims

    def send_digest(self, claim: ledger.Claim) -> Outcome:
        workspace = Workspace(claim.team_id, claim.enterprise_id)
        slot = claim.window_ends_at - digests.DIGEST_WINDOW
        if not self._take(claim):
            return Outcome.LOST
        channel = claim.channel_id
        try:
            if claim.learning_team_id is None or channel is None:
                raise _Settle(DeliveryStatus.FAILED, "nothing_to_send")
            payload = self._digest_payload(claim.learning_team_id, slot)
            sent = self._slack(
                claim,
                workspace,
                "chat.postMessage",
                channel,
                lambda c: c.chat_postMessage(channel=channel, **payload),
            )
        except _Settle as settle:
            return self._settle(claim, settle.status, settle.error)
        except _Release as release:
            return self._release(claim, release.error)
        return self._settle(
            claim, DeliveryStatus.SENT, channel_id=sent.get("channel"), message_ts=sent.get("ts")
        )

    def _digest_payload(self, learning_team_id: int, slot: datetime) -> dict[str, Any]:
        with self.sessions() as session:
            team = session.get(LearningTeam, learning_team_id)
            if team is None:
                raise _Settle(DeliveryStatus.FAILED, "team_gone")
            tz = digests.team_timezone(session, team)
            end_day = slot.astimezone(nudges.zone(tz)).date()
            cached = self._digest_cache.get((team.id, end_day))
            if cached is None:
                digest = digests.build_digest(session, team, end_day=end_day, tz=tz)
                cached = self._digest_cache[(team.id, end_day)] = digest_message(digest)
            return cached

    # ------------------------------------------------------------------ peer help follow-ups

    def run_follow_ups(self, report: TickReport) -> None:
        """Claim the follow-up of each question left unanswered too long, then send them one by one."""
        now = self.now()
        claims = []
        with self._transaction() as session:
            for question in peer_help.due_follow_ups(session, now=now):
                claim = ledger.claim(
                    session,
                    key=follow_up_key(question),
                    kind=DeliveryKind.FOLLOW_UP,
                    team_id=question.team_id,
                    enterprise_id=question.enterprise_id,
                    person_id=question.asker_id,
                    worker=self.worker,
                    now=now,
                    window_ends_at=now + FOLLOW_UP_WINDOW,
                )
                if claim is not None:
                    claims.append(claim)
        for claim in claims:
            report.count(DeliveryKind.FOLLOW_UP, self.send_follow_up(claim))

    def send_follow_up(self, claim: ledger.Claim) -> Outcome:
        workspace = Workspace(claim.team_id, claim.enterprise_id)
        if not self._take(claim):
            return Outcome.LOST
        if workspace.team_id in self._gone:
            return self._settle(claim, DeliveryStatus.FAILED, "workspace_uninstalled")
        if not self.pacer.acquire(workspace.team_id, "chat.postMessage", None):
            return self._release(claim, "ratelimited")
        try:
            client = self.clients.client_for(workspace)
        except NotInstalled:
            return self._release(claim, "no_token")
        question_id = int(claim.key.rsplit(":", 1)[1])
        # Peer help's sender marks the question followed up and answers Slack's errors itself; the
        # ledger around it makes the follow-up exactly-once across processes and crashes.
        with self._transaction() as session:
            question = session.get(HelpQuestion, question_id)
            sent = question is not None and send_follow_up(client, session, question, self.now())
        if sent:
            return self._settle(claim, DeliveryStatus.SENT)
        return self._settle(claim, DeliveryStatus.SKIPPED, "not_sent")

    # ------------------------------------------------------------------ Slack, and what its answers mean

    def _slack(
        self,
        claim: ledger.Claim,
        workspace: Workspace,
        method: str,
        channel: str | None,
        call: Callable[[WebClient], Any],
    ) -> Any:
        """Make one paced call for a claimed send; turn Slack's answer into settle or release."""
        if workspace.team_id in self._gone:
            raise _Settle(DeliveryStatus.FAILED, "workspace_uninstalled")
        if not self.pacer.acquire(workspace.team_id, method, channel):
            raise _Release("ratelimited")
        try:
            client = self.clients.client_for(workspace)
        except NotInstalled as exc:
            logger.warning("no token for %s: %s", workspace.team_id, exc)
            raise _Release("no_token") from None
        try:
            return call(client)
        except SlackApiError as exc:
            raise self._classify(claim, workspace, client, exc) from None
        except OSError as exc:  # connection refused, reset, timed out (after the client's own retry)
            logger.warning("%s for %s failed: %s", method, claim.key, exc)
            raise _Release("slack_unreachable") from None

    def _classify(
        self, claim: ledger.Claim, workspace: Workspace, client: WebClient, exc: SlackApiError
    ) -> _Settle | _Release:
        response = exc.response
        error = str(response.get("error") or f"http_{response.status_code}")
        if response.status_code == 429:
            # The client already waited out a short Retry-After; a longer one holds the whole workspace.
            seconds = _retry_after(response.headers)
            self.pacer.hold(workspace.team_id, seconds)
            logger.info(
                "Slack rate-limited %s for %ss; %s handed back", workspace.team_id, seconds, claim.key
            )
            return _Release("ratelimited")
        if response.status_code >= 500 or error in TRANSIENT:
            return _Release(error)
        if error == "account_inactive" and self._token_works(client):
            error = "user_account_inactive"  # the app is fine; it is the person's account that is gone
        if error in WORKSPACE_GONE:
            self._workspace_gone(workspace, error)
            return _Settle(DeliveryStatus.FAILED, error)
        if error in PERSON_GONE or error == "user_account_inactive":
            self._person_gone(claim)
            return _Settle(DeliveryStatus.FAILED, error)
        logger.warning("Slack refused %s: %s", claim.key, error)
        return _Settle(DeliveryStatus.FAILED, error)

    @staticmethod
    def _token_works(client: WebClient) -> bool:
        try:
            client.auth_test()
        except (SlackApiError, OSError):
            return False
        return True

    def _person_gone(self, claim: ledger.Claim) -> None:
        if claim.person_id is None:
            return
        with self._transaction() as session:
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

    # ------------------------------------------------------------------ the ledger, one short transaction each

    def _take(self, claim: ledger.Claim) -> bool:
        with self._transaction() as session:
            return ledger.take(session, claim.id, worker=self.worker, now=self.now())

    def _settle(
        self,
        claim: ledger.Claim,
        status: DeliveryStatus,
        error: str | None = None,
        *,
        channel_id: str | None = None,
        message_ts: str | None = None,
    ) -> Outcome:
        with self._transaction() as session:
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
        return {
            DeliveryStatus.SENT: Outcome.SENT,
            DeliveryStatus.SKIPPED: Outcome.SKIPPED,
            DeliveryStatus.FAILED: Outcome.FAILED,
        }.get(status, Outcome.FAILED)

    def _release(self, claim: ledger.Claim, error: str) -> Outcome:
        with self._transaction() as session:
            ledger.release(session, claim.id, worker=self.worker, now=self.now(), error=error)
        return Outcome.RELEASED

    # ------------------------------------------------------------------ housekeeping

    def schedule_missing(self, now: datetime | None = None) -> int:
        """Give a next time to people who learn but have none (existing data, reinstalls) and to teams."""
        now = now or self.clock()
        reactivate_reinstalled(self.sessions, self.clients, now=now)
        scheduled, last_id = 0, 0
        while True:
            with self._transaction() as session:
                people = list(
                    session.scalars(
                        select(Person)
                        .where(
                            Person.id > last_id,
                            Person.next_nudge_at.is_(None),
                            Person.nudges_enabled.is_(True),
                            Person.deactivated_at.is_(None),
                            ~nudges.uninstalled_workspace(Person.team_id),
                            exists().where(LearningEntry.person_id == Person.id),
                        )
                        .order_by(Person.id)
                        .limit(self.batch_size)
                    )
                )
                for person in people:
                    nudges.reschedule_nudge(person, now)
                    scheduled += person.next_nudge_at is not None
            if len(people) < self.batch_size:
                break
            last_id = people[-1].id
        with self._transaction() as session:
            for team in session.scalars(
                select(LearningTeam).where(
                    LearningTeam.next_digest_at.is_(None), ~nudges.uninstalled_workspace(LearningTeam.team_id)
                )
            ):
                digests.reschedule_digest(session, team, now)
                scheduled += team.next_digest_at is not None
        return scheduled


def mark_uninstalled(sessions: sessionmaker[Session], workspace: Workspace, *, now: datetime) -> None:
    """Record that the app left a workspace, and take its people and teams off the schedule."""
    with sessions() as session, session.begin():
        row = session.scalar(select(SlackWorkspace).where(SlackWorkspace.team_id == workspace.team_id))
        if row is None:
            row = SlackWorkspace(
                team_id=workspace.team_id, enterprise_id=workspace.enterprise_id, created_at=now
            )
            session.add(row)
        if row.uninstalled_at is None:
            row.uninstalled_at = now
        session.execute(
            update(Person)
            .where(Person.team_id == workspace.team_id)
            .values(next_nudge_at=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(LearningTeam)
            .where(LearningTeam.team_id == workspace.team_id)
            .values(next_digest_at=None)
            .execution_options(synchronize_session=False)
        )


def reactivate_reinstalled(
    sessions: sessionmaker[Session], clients: WorkspaceClients, *, now: datetime
) -> int:
    """Workspaces marked uninstalled whose token works again (reinstalled) are back on the schedule."""
    with sessions() as session:
        gone = session.execute(
            select(SlackWorkspace.team_id, SlackWorkspace.enterprise_id).where(
                SlackWorkspace.uninstalled_at.is_not(None)
            )
        ).all()
    back = 0
    for team_id, enterprise_id in gone:
        workspace = Workspace(team_id, enterprise_id)
        try:
            client = clients.client_for(workspace)
            client.auth_test()
        except (NotInstalled, SlackApiError, OSError):
            continue
        with sessions() as session, session.begin():
            session.execute(
                update(SlackWorkspace)
                .where(SlackWorkspace.team_id == team_id)
                .values(uninstalled_at=None)
                .execution_options(synchronize_session=False)
            )
        back += 1
        logger.info("Learnfit works in %s again: back on the schedule", team_id)
    return back
