"""Peer-help follow-ups: the asker of a question nobody has answered for a working day gets one DM, with
fresh expert suggestions and Repost / Close / Keep waiting. Due questions come from the help service."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select

from bot.gateway import Posted
from bot.services import help as peer_help
from bot.views.help import follow_up_message
from models import DeliveryKind, DeliveryStatus, HelpQuestion, QuestionStatus
from scheduler.ledger import Claim, PlannedSend
from scheduler.tick import Message, Settle, Tick

# A follow-up claimed and not sent (its process died, Slack said wait) is retried for this long.
FOLLOW_UP_WINDOW = timedelta(days=2)


def follow_up_key(question: HelpQuestion) -> str:
    """The ledger key of a question's one follow-up."""
    return f"follow_up:{question.team_id}:{question.id}"


class FollowUps:
    kind = DeliveryKind.FOLLOW_UP

    def due(self, now: datetime) -> ColumnElement[bool]:
        """Open questions posted a day ago or more, not followed up: a superset of the due ones (working
        time, answers and offers are the help service's to weigh)."""
        return (
            select(HelpQuestion.id)
            .where(
                HelpQuestion.status == QuestionStatus.OPEN,
                HelpQuestion.followed_up_at.is_(None),
                HelpQuestion.posted_at <= now - peer_help.FOLLOW_UP_AFTER,
            )
            .exists()
        )

    def claim_due(self, tick: Tick) -> list[Claim] | None:
        """Claim the follow-up of each question left unanswered too long, and mark the question followed
        up in the same transaction: the claim is its one follow-up, whatever becomes of the send."""
        now = tick.now()
        claims = []
        with tick.transaction() as session:
            questions = peer_help.due_follow_ups(session, now=now)
            if not questions:
                return None
            for question in questions:
                planned = PlannedSend(
                    key=follow_up_key(question),
                    kind=self.kind,
                    team_id=question.team_id,
                    enterprise_id=question.enterprise_id,
                    person_id=question.asker_id,
                    help_question_id=question.id,
                    window_ends_at=now + FOLLOW_UP_WINDOW,
                )
                if claim := tick.claim_or_skip(session, planned):
                    claims.append(claim)
                peer_help.mark_followed_up(question, now=now)
        return claims

    def schedule_missing(self, tick: Tick) -> int:
        return 0  # nothing to put back: a question's follow-up is due from when it was posted

    def send(self, tick: Tick, claim: Claim) -> Posted:
        asker, message = self._message(tick, claim)
        return tick.slack(claim, "chat.postMessage", asker, lambda gateway: gateway.post(asker, message))

    @staticmethod
    def _message(tick: Tick, claim: Claim) -> tuple[str, Message]:
        """The asker's Slack id and their follow-up, while the question is still open."""
        with tick.sessions() as session:
            question = session.get(HelpQuestion, claim.help_question_id) if claim.help_question_id else None
            if question is None:
                raise Settle(DeliveryStatus.SKIPPED, "question_gone")
            if question.status is not QuestionStatus.OPEN:
                raise Settle(DeliveryStatus.SKIPPED, "question_closed")
            card = peer_help.question_card(session, question)
            return card.asker, follow_up_message(card, peer_help.suggest_experts(session, question))
