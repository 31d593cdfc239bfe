"""Peer help's Slack side: posting a question, redrawing it, replying in its thread, and who may manage it.

Database work happens in short transactions and Slack calls after they commit, so a slow Slack never holds
the database's write lock and a refused post never loses the question.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.deps import Deps
from bot.flows.scope import person_scope
from bot.forms.ask import AskModalContext, ask_modal
from bot.gateway import Posted, SlackFailure, SlackGateway
from bot.services.help import (
    Expert,
    QuestionCard,
    QuestionDraft,
    ask_question,
    get_question,
    help_channel_of,
    mark_posted,
    mark_unposted,
    question_card,
    repost_channel,
    shown_to,
    suggest_experts,
)
from bot.services.people import Workspace
from bot.views.help import (
    asked_message,
    question_message,
    reposted_message,
    unposted_message,
)
from models import QuestionStatus


@dataclass(frozen=True)
class Published:
    card: QuestionCard
    experts: list[Expert]

    @property
    def reply(self) -> dict[str, Any]:
        """What the asker sees privately: the confirmation with peers to invite, or how to fix the post."""
        if self.card.status is QuestionStatus.UNPOSTED:
            return unposted_message(self.card)
        return asked_message(self.card, self.experts)


@dataclass(frozen=True)
class Asked:
    card: QuestionCard
    duplicate: bool  # a Slack redelivery or a double submission: the question stored the first time


def ask_once(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    draft: QuestionDraft,
    *,
    origin_channel_id: str | None,
    idempotency_key: str,
    channel_id: str | None = None,
) -> Asked:
    """Store a new question once per idempotency key (a Slack trigger or view id), not posted yet:
    `publish_question` posts it."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        asked = ask_question(
            scope.session,
            scope.person,
            draft,
            origin_channel_id=origin_channel_id,
            channel_id=channel_id,
            now=scope.now,
            idempotency_key=idempotency_key,
        )
        scope.session.flush()
        return Asked(question_card(scope.session, asked.question), asked.duplicate)


def may_manage(gateway: SlackGateway, card: QuestionCard, user_id: str) -> bool:
    """The asker, or a workspace admin (only then is Slack asked)."""
    return card.asker == user_id or gateway.is_admin(user_id)


def load_card(deps: Deps, workspace: Workspace, question_id: int | None, user_id: str) -> QuestionCard | None:
    """The question as `user_id` may see it: None when there is none, or it is someone else's unposted one."""
    if question_id is None:
        return None
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        return question_card(session, question) if question and shown_to(question, user_id) else None


def _post(gateway: SlackGateway, channel_id: str | None, payload: dict[str, Any]) -> Posted:
    if not channel_id:
        return Posted(failure=SlackFailure("no_channel"))
    if channel_id.startswith("D"):
        # Peers cannot see a DM, and the app cannot post in other people's.
        return Posted(failure=SlackFailure("direct_message"))
    return gateway.post(channel_id, payload)


def publish_question(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, question_id: int
) -> Published | None:
    """Post a new or unposted question, or repost an open one (its old message then says so)."""
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        if question is None or question.status not in (QuestionStatus.UNPOSTED, QuestionStatus.OPEN):
            return None
        target = repost_channel(session, question)
        previous = question_card(session, question) if question.status is QuestionStatus.OPEN else None
        payload = question_message(replace(question_card(session, question), status=QuestionStatus.OPEN))
    posted = _post(gateway, target, payload)
    public = posted.ts is not None and target is not None and gateway.is_public_channel(target)
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        assert question is not None
        now = deps.clock()
        if posted.ts is not None and target is not None:
            mark_posted(question, channel_id=target, message_ts=posted.ts, in_public_channel=public, now=now)
            experts = suggest_experts(session, question)
        else:
            # An open question that could not be reposted stays where it is.
            if question.status is QuestionStatus.UNPOSTED:
                mark_unposted(question, channel_id=target, error=posted.error or "unknown", now=now)
            experts = []
        card = question_card(session, question)
    if posted.ts is not None and previous is not None and previous.message_ts:
        redraw(gateway, previous, reposted_message(previous))
    if posted.ts is None and previous is not None:
        card = replace(card, status=QuestionStatus.UNPOSTED, post_error=posted.error, channel_id=target)
    return Published(card, experts)


def redraw(gateway: SlackGateway, card: QuestionCard, payload: dict[str, Any] | None = None) -> None:
    """Update the question's message in its channel (the database has the truth if this fails)."""
    if card.channel_id and card.message_ts:
        gateway.update(card.channel_id, card.message_ts, payload or question_message(card))


def reply_in_thread(gateway: SlackGateway, card: QuestionCard, payload: dict[str, Any]) -> bool:
    if not card.channel_id or not card.message_ts:
        return False
    return gateway.post(card.channel_id, payload, thread_ts=card.message_ts).ts is not None


def open_ask_modal(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    trigger_id: str,
    modal_context: AskModalContext,
    card: QuestionCard | None = None,
) -> None:
    with deps.sessions() as session:
        help_channel = help_channel_of(session, workspace)
    gateway.open_modal(trigger_id, ask_modal(modal_context, card=card, help_channel_id=help_channel))
