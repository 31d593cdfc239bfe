"""The message shortcut "Save as learning": the learning modal, prefilled from the message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.learning import open_learning_modal
from bot.forms.learning import ModalContext, ModalPrefill
from bot.gateway import SlackGateway
from bot.listeners.payload import channel_of
from bot.services.people import Workspace
from models import EntryKind

SAVE_AS_LEARNING = "save_as_learning"


def save_as_learning(
    ack: Ack, shortcut: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway
) -> None:
    ack()
    user_id = shortcut["user"]["id"]
    message = shortcut.get("message", {})
    channel_id = channel_of(shortcut)
    author = message.get("user")
    prefill = ModalPrefill(
        what=message.get("text", ""),
        # Someone else's message is learning from people; a note to yourself is learning on the job.
        kind=EntryKind.PEOPLE if author and author != user_id else EntryKind.JOB,
        link=gateway.permalink(channel_id, shortcut.get("message_ts") or message.get("ts")),
    )
    modal_context = ModalContext(channel_id=channel_id, from_message=True)
    open_learning_modal(deps, workspace, gateway, user_id, shortcut["trigger_id"], modal_context, prefill)
