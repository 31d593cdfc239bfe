"""The Slack side of peer help that several listeners (and the scheduler's follow-up job) share:
posting a question, redrawing it, telling people, checking who is an admin, and the one follow-up.

Database work happens in short transactions, and Slack calls after they commit, so a slow Slack never
holds the database's write lock and a refused post never loses the question.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.forms.ask import AskModalContext, ask_modal
from bot.listeners.common import workspace_of
from bot.services.help import (
    Expert,
    QuestionCard,
    get_question,
    help_channel_of,
    mark_followed_up,
    mark_posted,
    mark_unposted,
    question_card,
    repost_channel,
    suggest_experts,
)
from bot.services.people import Workspace
from bot.views.help import (
    asked_message,
    follow_up_message,
    question_message,
    reposted_message,
    unposted_message,
)
from models import HelpQuestion, QuestionStatus

logger = logging.getLogger(__name__)


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


def is_workspace_admin(client: WebClient, user_id: str) -> bool:
    """Admins and owners may manage anyone's question and pick the help channel (users.info says who)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        logger.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def may_act(client: WebClient, card: QuestionCard, user_id: str) -> bool:
    """The asker, or a workspace admin (only then is Slack asked)."""
    return card.asker == user_id or is_workspace_admin(client, user_id)


def load_card(deps: Deps, workspace: Workspace, question_id: int | None) -> QuestionCard | None:
    if question_id is None:
        return None
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        return question_card(session, question) if question else None


def _post(
    client: WebClient, channel_id: str | None, payload: dict[str, Any]
) -> tuple[str | None, str | None]:
    """Post to a channel: (ts, None), or (None, the reason Slack or we refused)."""
    if not channel_id:
        return None, "no_channel"
    if channel_id.startswith("D"):
        return None, "direct_message"  # peers cannot see a DM, and the app cannot post in other people's
    try:
        return client.chat_postMessage(channel=channel_id, **payload)["ts"], None
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown")
        logger.info("posting question to %s failed: %s", channel_id, error)
        return None, error


def publish_question(
    deps: Deps, workspace: Workspace, client: WebClient, question_id: int
) -> Published | None:
    """Post a new or unposted question, or repost an open one (its old message then says so)."""
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        if question is None or question.status not in (QuestionStatus.UNPOSTED, QuestionStatus.OPEN):
            return None
        target = repost_channel(session, question)
        previous = question_card(session, question) if question.status is QuestionStatus.OPEN else None
        payload = question_message(replace(question_card(session, question), status=QuestionStatus.OPEN))
    ts, error = _post(client, target, payload)
    with deps.sessions() as session, session.begin():
        question = get_question(session, workspace, question_id)
        assert question is not None
        now = deps.clock()
        if ts is not None and target is not None:
            mark_posted(question, channel_id=target, message_ts=ts, now=now)
            experts = suggest_experts(session, question)
        else:
            # An open question that could not be reposted stays where it is.
            if question.status is QuestionStatus.UNPOSTED:
                mark_unposted(question, channel_id=target, error=error or "unknown", now=now)
            experts = []
        card = question_card(session, question)
    if ts is not None and previous is not None and previous.message_ts:
        redraw(client, previous, reposted_message(previous))
    if ts is None and previous is not None:
        card = replace(card, status=QuestionStatus.UNPOSTED, post_error=error, channel_id=target)
    return Published(card, experts)


def redraw(client: WebClient, card: QuestionCard, payload: dict[str, Any] | None = None) -> None:
    """Update the question's message in its channel (a failure is logged: the database has the truth)."""
    if not card.channel_id or not card.message_ts:
        return
    try:
        client.chat_update(channel=card.channel_id, ts=card.message_ts, **(payload or question_message(card)))
    except SlackApiError as exc:
        logger.warning("chat.update of question %s failed: %s", card.id, exc.response.get("error"))


def reply_in_thread(client: WebClient, card: QuestionCard, payload: dict[str, Any]) -> bool:
    if not card.channel_id or not card.message_ts:
        return False
    try:
        client.chat_postMessage(channel=card.channel_id, thread_ts=card.message_ts, **payload)
    except SlackApiError as exc:
        logger.warning("thread reply on question %s failed: %s", card.id, exc.response.get("error"))
        return False
    return True


def direct_message(client: WebClient, user_id: str, payload: dict[str, Any]) -> None:
    try:
        client.chat_postMessage(channel=user_id, **payload)
    except SlackApiError as exc:
        logger.warning("DM to %s failed: %s", user_id, exc.response.get("error"))


def open_ask_modal(
    deps: Deps,
    context: BoltContext,
    client: WebClient,
    trigger_id: str,
    modal_context: AskModalContext,
    card: QuestionCard | None = None,
) -> None:
    with deps.sessions() as session:
        help_channel = help_channel_of(session, workspace_of(context))
    client.views_open(
        trigger_id=trigger_id, view=ask_modal(modal_context, card=card, help_channel_id=help_channel)
    )


def send_follow_up(client: WebClient, session: Session, question: HelpQuestion, now: datetime) -> bool:
    """The one follow-up for an unanswered question (see services.help.due_follow_ups): refreshed expert
    suggestions, and Repost / Close / Keep waiting, in the asker's DM. Claimed before it is sent, so it is
    sent at most once; the caller commits. False when there was nothing to send or Slack refused it.
    """
    if question.status is not QuestionStatus.OPEN or not mark_followed_up(question, now=now):
        return False
    card = question_card(session, question)
    payload = follow_up_message(card, suggest_experts(session, question))
    try:
        client.chat_postMessage(channel=card.asker, **payload)
    except SlackApiError as exc:
        logger.warning("follow-up for question %s failed: %s", question.id, exc.response.get("error"))
        return False
    return True
