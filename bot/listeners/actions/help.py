"""Help question buttons: I can help, Resolved, Edit, Withdraw, Repost, invite a peer, credit helpers,
log what you learned, and the follow-up's Close and Keep waiting."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.forms.ask import AskModalContext
from bot.forms.credit import credit_modal
from bot.forms.learning import ModalContext, ModalPrefill
from bot.listeners.common import workspace_of
from bot.listeners.help_questions import (
    direct_message,
    load_card,
    may_act,
    open_ask_modal,
    publish_question,
    redraw,
    reply_in_thread,
)
from bot.listeners.learning_modal import open_learning_modal
from bot.services.help import (
    QuestionCard,
    get_question,
    offer_help,
    question_card,
    repliers,
    suggest_experts,
    withdraw_question,
)
from bot.services.people import Workspace
from bot.views.help import (
    CLOSE_QUESTION,
    CREDIT_HELPERS,
    EDIT_QUESTION,
    INVITE_EXPERT,
    KEEP_WAITING,
    LOG_HELP_LEARNING,
    OFFER_HELP,
    OPEN_ASK_MODAL,
    REPOST_QUESTION,
    RESOLVE_QUESTION,
    WITHDRAW_QUESTION,
    asked_message,
    follow_up_message,
    invite_thread_message,
    no_longer_open_message,
    not_yours_message,
    note,
    offer_notice,
    offer_thread_message,
    own_offer_message,
)
from models import EntryKind, QuestionStatus

logger = logging.getLogger(__name__)
GONE = "That question no longer exists, so nothing changed."


def _question_id(action: dict[str, Any]) -> int | None:
    value = str(action.get("value", ""))
    return int(value) if value.isdigit() else None


def _channel_id(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id")


def _private(respond: Respond, payload: dict[str, Any], *, replace_original: bool = False) -> None:
    """Only the clicker sees it: a new ephemeral message, or their own private message redrawn."""
    if replace_original:
        respond(**payload, replace_original=True)
    else:
        respond(**payload, response_type="ephemeral", replace_original=False)


def _card_to_manage(
    deps: Deps,
    workspace: Workspace,
    client: WebClient,
    respond: Respond,
    action: dict[str, Any],
    user_id: str,
    *,
    verb: str,
    statuses: set[QuestionStatus] | None,
) -> QuestionCard | None:
    """The question a button is about, if it still exists, is in one of `statuses` (None: any) and this
    person may `verb` it; otherwise they are told why privately, and None."""
    card = load_card(deps, workspace, _question_id(action))
    if card is None:
        _private(respond, note(GONE))
    elif statuses is not None and card.status not in statuses:
        _private(respond, no_longer_open_message(card))
    elif not may_act(client, card, user_id):
        _private(respond, not_yours_message(card, verb))
    else:
        return card
    return None


def _permalink(client: WebClient, channel_id: str | None, message_ts: str | None) -> str | None:
    if not channel_id or not message_ts:
        return None
    try:
        return client.chat_getPermalink(channel=channel_id, message_ts=message_ts)["permalink"]
    except SlackApiError as exc:
        logger.info("chat.getPermalink failed: %s", exc.response.get("error"))
        return None


def register(app: App, deps: Deps) -> None:
    @app.action(OPEN_ASK_MODAL)
    def open_ask(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        open_ask_modal(
            deps, context, client, body["trigger_id"], AskModalContext(channel_id=_channel_id(body))
        )

    @app.action(OFFER_HELP)
    def offer(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        question_id = _question_id(action)
        offered = False
        with deps.sessions() as session, session.begin():
            question = get_question(session, workspace_of(context), question_id) if question_id else None
            card = question_card(session, question) if question else None
            if question and card and card.status is QuestionStatus.OPEN and card.asker != user_id:
                offered = offer_help(session, question, user_id, now=deps.clock())
        if card is None:
            _private(respond, note(GONE))
        elif card.status is not QuestionStatus.OPEN:
            _private(respond, no_longer_open_message(card))
        elif card.asker == user_id:
            _private(respond, own_offer_message())
        elif not offered:
            _private(respond, note("You offered already, and the asker knows. Reply in the thread to help."))
        else:
            reply_in_thread(client, card, offer_thread_message(user_id))
            direct_message(client, card.asker, offer_notice(card, user_id))
            _private(respond, note(f"Thank you! <@{card.asker}> knows you can help. Reply in the thread."))

    @app.action(RESOLVE_QUESTION)
    @app.action(CREDIT_HELPERS)
    def resolve(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Resolved on the question, or Credit helpers in the DM after a reaction: the credit modal."""
        ack()
        user_id = body["user"]["id"]
        workspace = workspace_of(context)
        # Crediting stays possible once resolved (the reaction path resolves first, then asks).
        still_possible = {QuestionStatus.OPEN}
        if action["action_id"] == CREDIT_HELPERS:
            still_possible.add(QuestionStatus.RESOLVED)
        card = _card_to_manage(
            deps, workspace, client, respond, action, user_id, verb="resolve", statuses=still_possible
        )
        if card is None:
            return
        with deps.sessions() as session, session.begin():
            question = get_question(session, workspace, card.id)
            replied = repliers(session, question) if question else []
        view = credit_modal(
            card, [user for user in replied if user != card.asker], channel_id=_channel_id(body)
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(EDIT_QUESTION)
    def edit(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        card = _card_to_manage(
            deps,
            workspace_of(context),
            client,
            respond,
            action,
            user_id,
            verb="edit",
            statuses={QuestionStatus.OPEN},
        )
        if card is not None:
            modal_context = AskModalContext(channel_id=_channel_id(body), question_id=card.id)
            open_ask_modal(deps, context, client, body["trigger_id"], modal_context, card)

    @app.action(WITHDRAW_QUESTION)
    @app.action(CLOSE_QUESTION)
    def withdraw(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Withdraw on the question, or Close it in the follow-up: the message says it is withdrawn."""
        ack()
        user_id = body["user"]["id"]
        workspace = workspace_of(context)
        card = _card_to_manage(
            deps, workspace, client, respond, action, user_id, verb="withdraw", statuses=None
        )
        if card is None:
            return
        with deps.sessions() as session, session.begin():
            question = get_question(session, workspace, card.id)
            withdrawn = question is not None and withdraw_question(question, now=deps.clock())
        if not withdrawn:
            _private(respond, no_longer_open_message(card))
            return
        card = replace(card, status=QuestionStatus.WITHDRAWN)
        redraw(client, card)
        if action["action_id"] == CLOSE_QUESTION:
            _private(respond, note("Closed: your question is marked as withdrawn."), replace_original=True)

    @app.action(REPOST_QUESTION)
    def repost(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        workspace = workspace_of(context)
        card = _card_to_manage(
            deps,
            workspace,
            client,
            respond,
            action,
            user_id,
            verb="repost",
            statuses={QuestionStatus.UNPOSTED, QuestionStatus.OPEN},
        )
        if card is not None and (published := publish_question(deps, workspace, client, card.id)) is not None:
            _private(respond, published.reply, replace_original=True)

    @app.action(INVITE_EXPERT)
    def invite(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Invite a suggested peer: a thread reply that mentions them, sent only on this click."""
        ack()
        user_id = body["user"]["id"]
        try:
            value = json.loads(action.get("value") or "{}")
            question_id, expert = int(value["q"]), str(value["u"])
            invited = [str(user) for user in value.get("in", [])]
        except (ValueError, KeyError, TypeError):
            return
        workspace = workspace_of(context)
        card = load_card(deps, workspace, question_id)
        if card is None:
            _private(respond, note(GONE))
            return
        if card.status is not QuestionStatus.OPEN:
            _private(respond, no_longer_open_message(card))
            return
        if card.asker != user_id:
            _private(respond, not_yours_message(card, "invite peers to"))
            return
        if expert not in invited:
            reply_in_thread(client, card, invite_thread_message(expert, user_id))
            invited.append(expert)
        with deps.sessions() as session, session.begin():
            question = get_question(session, workspace, question_id)
            experts = suggest_experts(session, question) if question else []
        build = follow_up_message if value.get("on") == "follow_up" else asked_message
        _private(respond, build(card, experts, invited), replace_original=True)

    @app.action(LOG_HELP_LEARNING)
    def log_learning(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Log what you learned from the answers: the learning form, prefilled as learning from people."""
        ack()
        card = load_card(deps, workspace_of(context), _question_id(action))
        if card is None:
            _private(respond, note(GONE))
            return
        prefill = ModalPrefill(
            what=card.text,
            kind=EntryKind.PEOPLE,
            skills=card.skills,
            link=_permalink(client, card.channel_id, card.message_ts),
        )
        modal_context = ModalContext(channel_id=_channel_id(body))
        open_learning_modal(
            deps, context, client, body["user"]["id"], body["trigger_id"], modal_context, prefill
        )

    @app.action(KEEP_WAITING)
    def keep_waiting(ack: Ack, respond: Respond) -> None:
        ack()
        _private(
            respond,
            note(
                "Your question stays open. Click *Resolved* on it (or react :white_check_mark:) once answered."
            ),
            replace_original=True,
        )
