"""Weekly team posts: "What <team> learned" in the channel a lead picked, at the team's chosen local time,
once per team and ISO week (the ledger key). Due teams are found through `LearningTeam.next_weekly_post_at`.

A week with nothing shared is settled as skipped, not posted. When Learnfit cannot post in the channel
(removed from it, archived, gone), retrying next week would fail the same way, so the post is turned off
and the team's leads are told once, in their DMs, how to turn it back on: turning it off is what makes the
DM once (no later week can fail again), and it is never sent twice for one failure because the ledger
settles the claim as failed once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.gateway import Posted, SlackGateway
from bot.services import digests, nudges, people, team_posts
from bot.views.team_posts import weekly_post_message, weekly_post_paused_message
from models import DeliveryKind, DeliveryStatus, LearningTeam
from scheduler.ledger import Claim, PlannedSend
from scheduler.tick import Message, Release, Settle, Tick

logger = logging.getLogger(__name__)

# Slack's answers that mean Learnfit cannot post in the channel until someone there changes that.
CHANNEL_REFUSED = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


class TeamPosts:
    kind = DeliveryKind.TEAM_POST

    def due(self, now: datetime) -> ColumnElement[bool]:
        return select(LearningTeam.id).where(LearningTeam.next_weekly_post_at <= now).exists()

    def claim_due(self, tick: Tick) -> list[Claim] | None:
        """Lock a batch of due teams, claim each one's post for its week, move each next post on."""
        now = tick.now()
        claims: list[Claim] = []
        with tick.transaction() as session:
            teams = list(session.scalars(team_posts.due_teams_query(now, tick.batch_size)))
            if not teams:
                return None
            for team in teams:
                slot = team.next_weekly_post_at or now
                tz = digests.team_timezone(session, team)
                if claim := self._claim_team(tick, session, team, slot=slot, tz=tz, now=now):
                    claims.append(claim)
                team.next_weekly_post_at = team_posts.next_weekly_post_at(team, tz, after=max(now, slot))
        return claims

    def _claim_team(
        self, tick: Tick, session: Session, team: LearningTeam, *, slot: datetime, tz: str, now: datetime
    ) -> Claim | None:
        if team.weekly_post_channel_id is None:
            return None
        planned = PlannedSend(
            key=team_posts.weekly_post_key(team, slot.astimezone(people.zone(tz)).date()),
            kind=self.kind,
            team_id=team.team_id,
            enterprise_id=team.enterprise_id,
            learning_team_id=team.id,
            channel_id=team.weekly_post_channel_id,
            window_ends_at=slot + team_posts.WEEKLY_POST_WINDOW,
        )
        missed = now > slot + team_posts.WEEKLY_POST_WINDOW
        skip = nudges.SkipReason.MISSED.value if missed else None
        return tick.claim_or_skip(session, planned, skip=skip)

    def schedule_missing(self, tick: Tick) -> int:
        """Give a next post to teams that have it on but no time (a reinstall)."""
        scheduled = 0
        with tick.transaction() as session:
            for team in session.scalars(
                select(LearningTeam).where(
                    LearningTeam.weekly_post_channel_id.is_not(None),
                    LearningTeam.next_weekly_post_at.is_(None),
                    ~nudges.uninstalled_workspace(LearningTeam.team_id),
                )
            ):
                team_posts.reschedule_weekly_post(session, team, tick.now())
                scheduled += team.next_weekly_post_at is not None
        return scheduled

    def send(self, tick: Tick, claim: Claim) -> Posted:
        channel = claim.channel_id
        if claim.learning_team_id is None or channel is None:
            raise Settle(DeliveryStatus.FAILED, "nothing_to_send")
        message = self._message(tick, claim, slot=claim.window_ends_at - team_posts.WEEKLY_POST_WINDOW)
        try:
            return tick.slack(
                claim, "chat.postMessage", channel, lambda gateway: gateway.post(channel, message)
            )
        except Settle as refused:
            if refused.error in CHANNEL_REFUSED:
                self._turn_off_and_tell_leads(tick, claim, channel)
            raise

    def _message(self, tick: Tick, claim: Claim, *, slot: datetime) -> Message:
        with tick.sessions() as session:
            team = session.get(LearningTeam, claim.learning_team_id)
            if team is None:
                raise Settle(DeliveryStatus.FAILED, "team_gone")
            if team.weekly_post_channel_id != claim.channel_id:
                raise Settle(DeliveryStatus.SKIPPED, "turned_off")  # or moved, since it was claimed
            tz = digests.team_timezone(session, team)
            end_day = slot.astimezone(people.zone(tz)).date()
            post = team_posts.build_team_post(session, team, end_day=end_day, tz=tz)
            if post.empty:
                raise Settle(DeliveryStatus.SKIPPED, "nothing_shared")
            return weekly_post_message(post)

    def _turn_off_and_tell_leads(self, tick: Tick, claim: Claim, channel: str) -> None:
        """Turn the post off (unless a lead has moved it meanwhile) and DM each lead how to fix it; a DM
        Slack refuses is let go: the post is off either way, and `/team list` shows it."""
        with tick.transaction() as session:
            team = session.get(LearningTeam, claim.learning_team_id)
            if team is None or team.weekly_post_channel_id != channel:
                return
            team_posts.turn_off(team)
            leads = [
                lead.user_id
                for lead in session.scalars(digests.leads_query(team.id))
                if lead.deactivated_at is None
            ]
            notice = weekly_post_paused_message(team.name, channel)
        for lead in leads:
            try:
                tick.slack(claim, "chat.postMessage", lead, partial(_post, to=lead, message=notice))
            except (Settle, Release) as lost:
                logger.info("the weekly post's notice to a lead was not sent: %s", lost)


def _post(gateway: SlackGateway, *, to: str, message: Message) -> Posted:
    return gateway.post(to, message)
