"""Habit nudges: a DM at each person's nudge time, unless they learned already, snoozed, backed off, or
their Slack status says they are away. Due people are found through `Person.next_nudge_at`. Never to a
partner from another organisation, whatever their row says: Slack's answer is checked just before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from bot.gateway import Posted, SlackUser
from bot.services import nudges
from bot.services.people import follow_profile, next_nudge_at, reschedule_nudge
from bot.views.nudges import nudge_message
from models import DeliveryKind, DeliveryStatus, LearningEntry, Person
from scheduler.ledger import Claim, PlannedSend
from scheduler.tick import Message, Settle, Tick


class Nudges:
    kind = DeliveryKind.NUDGE

    def due(self, now: datetime) -> ColumnElement[bool]:
        return select(Person.id).where(Person.next_nudge_at <= now).exists()

    def claim_due(self, tick: Tick) -> list[Claim] | None:
        """Lock a batch of due people, settle the skips, claim the sends, move each one's next nudge on."""
        now = tick.now()
        claims = []
        with tick.transaction() as session:
            people = list(session.scalars(nudges.due_people_query(now, tick.batch_size)))
            if not people:
                return None
            for decision in nudges.decide_nudges(session, people, now=now):
                person = decision.person
                planned = PlannedSend(
                    key=decision.key,
                    kind=self.kind,
                    team_id=person.team_id,
                    enterprise_id=person.enterprise_id,
                    person_id=person.id,
                    window_ends_at=decision.slot + nudges.NUDGE_WINDOW,
                )
                skip = decision.skip.value if decision.skip is not None else None
                if claim := tick.claim_or_skip(session, planned, skip=skip):
                    claims.append(claim)
                person.ignored_nudges = decision.ignored
                person.next_nudge_at = next_nudge_at(person, after=max(now, decision.slot))
        return claims

    def schedule_missing(self, tick: Tick) -> int:
        """Give a next nudge to people who learn but have none (existing data, a reinstall)."""
        now = tick.now()
        scheduled, last_id = 0, 0
        while True:
            with tick.transaction() as session:
                people = list(
                    session.scalars(
                        select(Person)
                        .where(
                            Person.id > last_id,
                            Person.next_nudge_at.is_(None),
                            Person.nudges_enabled.is_(True),
                            Person.deactivated_at.is_(None),
                            Person.is_external.is_(False),
                            ~nudges.uninstalled_workspace(Person.team_id),
                            exists().where(LearningEntry.person_id == Person.id),
                        )
                        .order_by(Person.id)
                        .limit(tick.batch_size)
                    )
                )
                for person in people:
                    reschedule_nudge(person, now)
                    scheduled += person.next_nudge_at is not None
            if len(people) < tick.batch_size:
                return scheduled
            last_id = people[-1].id

    def send(self, tick: Tick, claim: Claim) -> Posted:
        user_id = self._still_wanted(tick, claim)
        user = tick.slack(claim, "users.info", None, lambda gateway: gateway.user(user_id))
        if user.deleted:
            tick.person_gone(claim)
            raise Settle(DeliveryStatus.FAILED, "user_deactivated")
        if nudges.looks_away(user.status_text, user.status_emoji):
            raise Settle(DeliveryStatus.SKIPPED, nudges.SkipReason.AWAY.value)
        message = self._message(tick, claim, user)
        if message is None:
            raise Settle(DeliveryStatus.SKIPPED, nudges.SkipReason.EXTERNAL.value)
        return tick.slack(claim, "chat.postMessage", user_id, lambda gateway: gateway.post(user_id, message))

    @staticmethod
    def _person(session: Session, claim: Claim) -> Person:
        person = session.get(Person, claim.person_id) if claim.person_id else None
        if person is None:
            raise Settle(DeliveryStatus.FAILED, "person_gone")
        return person

    def _still_wanted(self, tick: Tick, claim: Claim) -> str:
        """The person's Slack id, unless the nudge should not go after all (they learned since it was
        claimed, say)."""
        with tick.sessions() as session:
            person = self._person(session, claim)
            reason = nudges.recheck_nudge(session, person, slot=claim.window_ends_at - nudges.NUDGE_WINDOW)
            if reason is not None:
                raise Settle(DeliveryStatus.SKIPPED, reason.value)
            return person.user_id

    def _message(self, tick: Tick, claim: Claim, slack_user: SlackUser) -> Message | None:
        """The nudge's words, built from the person's data now; what Slack says of them is kept on the way
        (None: Slack says they are from another organisation, which is kept too)."""
        now = tick.now()
        with tick.transaction() as session:
            person = self._person(session, claim)
            follow_profile(person, slack_user, now=now)
            if person.is_external:
                return None
            facts = nudges.nudge_facts(session, person, now=now)
            return nudge_message(facts, nudges.nudge_settings(person, now))
