"""Team digests: each learning team's week, to each lead (or the team's channel) at the team's digest
time. Due teams are found through `LearningTeam.next_digest_at`; one digest is built per team a tick."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.flows.charts import ChartDraft, post_with_chart, team_draft
from bot.gateway import Posted
from bot.services import digests, nudges, people
from bot.views.teams import digest_message
from models import DeliveryKind, DeliveryStatus, LearningTeam
from scheduler.ledger import Claim, PlannedSend
from scheduler.tick import Message, Settle, Tick


class Digests:
    kind = DeliveryKind.DIGEST

    def due(self, now: datetime) -> ColumnElement[bool]:
        return select(LearningTeam.id).where(LearningTeam.next_digest_at <= now).exists()

    def claim_due(self, tick: Tick) -> list[Claim] | None:
        """Lock a batch of due teams, claim a digest for each recipient, move each team's next digest on."""
        now = tick.now()
        claims: list[Claim] = []
        with tick.transaction() as session:
            teams = list(session.scalars(digests.due_teams_query(now, tick.batch_size)))
            if not teams:
                return None
            for team in teams:
                slot = team.next_digest_at or now
                tz = digests.team_timezone(session, team)
                claims += self._claim_team(tick, session, team, slot=slot, tz=tz, now=now)
                team.next_digest_at = digests.next_digest_at(team, tz, after=max(now, slot))
        return claims

    def _claim_team(
        self, tick: Tick, session: Session, team: LearningTeam, *, slot: datetime, tz: str, now: datetime
    ) -> list[Claim]:
        """One digest per recipient, or a skip for each when the scheduler missed the team's window."""
        send_day = slot.astimezone(people.zone(tz)).date()
        missed = now > slot + digests.DIGEST_WINDOW
        claims = []
        for recipient in digests.recipients(session, team):
            planned = PlannedSend(
                key=digests.digest_key(team, send_day, recipient),
                kind=self.kind,
                team_id=team.team_id,
                enterprise_id=team.enterprise_id,
                person_id=recipient.person_id,
                learning_team_id=team.id,
                channel_id=recipient.channel_id,
                window_ends_at=slot + digests.DIGEST_WINDOW,
            )
            skip = nudges.SkipReason.MISSED.value if missed else None
            if claim := tick.claim_or_skip(session, planned, skip=skip):
                claims.append(claim)
        return claims

    def schedule_missing(self, tick: Tick) -> int:
        """Give a next digest to teams that have none (a reinstall)."""
        scheduled = 0
        with tick.transaction() as session:
            for team in session.scalars(
                select(LearningTeam).where(
                    LearningTeam.next_digest_at.is_(None), ~nudges.uninstalled_workspace(LearningTeam.team_id)
                )
            ):
                digests.reschedule_digest(session, team, tick.now())
                scheduled += team.next_digest_at is not None
        return scheduled

    def send(self, tick: Tick, claim: Claim) -> Posted:
        channel = claim.channel_id
        if claim.learning_team_id is None or channel is None:
            raise Settle(DeliveryStatus.FAILED, "nothing_to_send")
        message, chart = self._message(
            tick, claim.learning_team_id, slot=claim.window_ends_at - digests.DIGEST_WINDOW
        )
        return tick.slack(
            claim,
            "chat.postMessage",
            channel,
            lambda gateway: post_with_chart(gateway, tick.sessions, channel, message, chart, now=tick.now()),
        )

    def _message(
        self, tick: Tick, learning_team_id: int, *, slot: datetime
    ) -> tuple[Message, ChartDraft | None]:
        """The digest, and its chart (none for a quiet week), built once a tick for all its recipients."""
        with tick.sessions() as session:
            team = session.get(LearningTeam, learning_team_id)
            if team is None:
                raise Settle(DeliveryStatus.FAILED, "team_gone")
            tz = digests.team_timezone(session, team)
            end_day = slot.astimezone(people.zone(tz)).date()
            return tick.shared_message(
                (self.kind, team.id, end_day),
                partial(_digest_and_chart, session, team, end_day=end_day, tz=tz),
            )


def _digest_and_chart(
    session: Session, team: LearningTeam, *, end_day: date, tz: str
) -> tuple[Message, ChartDraft | None]:
    digest = digests.build_digest(session, team, end_day=end_day, tz=tz)
    if digest.quiet:
        return digest_message(digest), None
    trend = digests.team_trend(session, team, end_day=end_day)
    return digest_message(digest), team_draft(team, digest, trend, day=end_day)
