"""Buttons of finding things again: "Post my question anyway" under questions answered before."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.answered_before import post_held_question
from bot.flows.questions import load_card
from bot.gateway import SlackGateway
from bot.listeners.payload import id_value
from bot.services.people import Workspace
from bot.views.help import question_gone_message
from bot.views.search import posted_already_message


def post_anyway(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Post the asker's held question: once, however many clicks; to anyone else there is no question."""
    ack()
    user_id = body["user"]["id"]
    card = load_card(deps, workspace, id_value(action), user_id)
    if card is None or card.asker != user_id:
        respond(**question_gone_message(), response_type="ephemeral", replace_original=False)
        return
    published = post_held_question(deps, workspace, gateway, card.id)
    if published is None:
        respond(**posted_already_message(), response_type="ephemeral", replace_original=False)
        return
    respond(**published.reply, replace_original=True)
