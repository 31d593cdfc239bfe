"""/ask: post a question to peers in one line, open the ask form, or show help."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.answered_before import offer_answered_before
from bot.flows.questions import ask_once, open_ask_modal, publish_question
from bot.forms.ask import AskModalContext
from bot.gateway import SlackGateway
from bot.listeners.commands.answer_in_ack import answered_in_ack, parse_text
from bot.listeners.payload import channel_of, command_key
from bot.parsing.ask import OpenAskModal, ShowAskHelp, parse_ask
from bot.services.people import Workspace
from bot.views.help import ask_error_message, ask_help_message, duplicate_ask_message
from bot.views.search import answered_before_message


def ask_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    request = parse_text(parse_ask, command)
    if answered_in_ack(request, ack, ShowAskHelp, ask_help_message, ask_error_message):
        return
    user_id, channel_id = command["user_id"], channel_of(command)
    if isinstance(request, OpenAskModal):
        open_ask_modal(
            deps, workspace, gateway, command["trigger_id"], AskModalContext(channel_id=channel_id)
        )
        return
    asked = ask_once(
        deps,
        workspace,
        gateway,
        user_id,
        request.draft,
        origin_channel_id=channel_id,
        idempotency_key=command_key(command["trigger_id"]),
    )
    if asked.duplicate:
        respond(**duplicate_ask_message(asked.card))
        return
    answered = offer_answered_before(deps, workspace, gateway, user_id, asked.card.id)
    if answered:
        respond(**answered_before_message(asked.card, answered))
        return
    published = publish_question(deps, workspace, gateway, asked.card.id)
    if published is not None:
        respond(**published.reply)
