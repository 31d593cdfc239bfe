"""Kudos summaries: an author hears, at most once a day, how many people said "Nice one" to entries they
shared, in one DM at a daytime hour of theirs (`Person.next_kudos_at`, set when a kudos is given).

A snooze postpones the summary past it, an away status to the next day, a missed window (the scheduler
was down) to the next day's time: never an evening message, and the kudos wait rather than vanish. The
kudos a summary tells are tied to its ledger row when it is claimed, so a retry tells the same ones.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.gateway import Posted
from bot.services import kudos, nudges
from bot.services.people import local_today
from bot.views.feed import kudos_summary_message
from models import DeliveryKind, DeliveryStatus, Person
from scheduler.ledger import Claim, PlannedSend
from scheduler.tick import Message, Settle, Tick


class KudosSummaries:
    kind = DeliveryKind.KUDOS

    def due(self, now: datetime) -> ColumnElement[bool]:
        return select(Person.id).where(Person.next_kudos_at <= now).exists()

    def claim_due(self, tick: Tick) -> list[Claim] | None:
        """Lock a batch of due authors; claim today's summary for each (or put it off), tie their untold
        kudos to the claim, and clear their schedule until the next kudos."""
        now = tick.now()
        claims = []
        with tick.transaction() as session:
            authors = list(session.scalars(kudos.due_authors_query(now, tick.batch_size)))
            if not authors:
                return None
            for author in authors:
                if claim := self._claim(tick, session, author, now=now):
                    claims.append(claim)
        return claims

    def _claim(self, tick: Tick, session: Session, author: Person, *, now: datetime) -> Claim | None:
        slot = author.next_kudos_at or now
        author.next_kudos_at = None
        if (
            author.is_external
            or author.deactivated_at is not None
            or kudos.untold_count(session, author) == 0
        ):
            return None  # no one to tell, or nothing (the givers asked to be forgotten)
        snoozed = author.snoozed_until
        if snoozed is not None and snoozed > now:
            author.next_kudos_at = kudos.summary_slot(author, after=snoozed)
            return None
        if now > slot + kudos.SUMMARY_WINDOW:  # the scheduler missed its daytime window: tomorrow's
            author.next_kudos_at = kudos.summary_slot(author, after=now)
            return None
        planned = PlannedSend(
            key=kudos.kudos_key(author.team_id, author.user_id, local_today(author, slot)),
            kind=self.kind,
            team_id=author.team_id,
            enterprise_id=author.enterprise_id,
            person_id=author.id,
            window_ends_at=slot + kudos.SUMMARY_WINDOW,
        )
        claim = tick.claim_or_skip(session, planned)
        if claim is None:  # today's is claimed already: these kudos go in the next one
            author.next_kudos_at = kudos.summary_slot(author, after=now)
            return None
        kudos.attach_untold(session, author, claim.id)
        return claim

    def schedule_missing(self, tick: Tick) -> int:
        """Give a summary time to authors with kudos untold and none scheduled (one put off, say)."""
        now = tick.now()
        scheduled = 0
        with tick.transaction() as session:
            for author in kudos.authors_missing_a_summary(session, tick.batch_size):
                author.next_kudos_at = kudos.summary_slot(author, after=now)
                scheduled += author.next_kudos_at is not None
        return scheduled

    def send(self, tick: Tick, claim: Claim) -> Posted:
        user_id = self._author_id(tick, claim)
        user = tick.slack(claim, "users.info", None, lambda gateway: gateway.user(user_id))
        if user.deleted:
            tick.person_gone(claim)
            raise Settle(DeliveryStatus.FAILED, "user_deactivated")
        if nudges.looks_away(user.status_text, user.status_emoji):
            self._put_off(tick, claim)
            raise Settle(DeliveryStatus.SKIPPED, nudges.SkipReason.AWAY.value)
        message = self._message(tick, claim)
        return tick.slack(claim, "chat.postMessage", user_id, lambda gateway: gateway.post(user_id, message))

    @staticmethod
    def _author(session: Session, claim: Claim) -> Person:
        author = session.get(Person, claim.person_id) if claim.person_id else None
        if author is None:
            raise Settle(DeliveryStatus.FAILED, "person_gone")
        return author

    def _author_id(self, tick: Tick, claim: Claim) -> str:
        with tick.sessions() as session:
            author = self._author(session, claim)
            if author.is_external or author.deactivated_at is not None:
                raise Settle(DeliveryStatus.SKIPPED, nudges.SkipReason.EXTERNAL.value)
            return author.user_id

    def _put_off(self, tick: Tick, claim: Claim) -> None:
        with tick.transaction() as session:
            kudos.postpone(session, self._author(session, claim), claim.id, now=tick.now())

    @staticmethod
    def _message(tick: Tick, claim: Claim) -> Message:
        with tick.sessions() as session:
            lines = kudos.summary_lines(session, claim.id)
        if not lines:  # the entries or their givers are gone since the claim
            raise Settle(DeliveryStatus.SKIPPED, "nothing_to_tell")
        return kudos_summary_message(lines)
