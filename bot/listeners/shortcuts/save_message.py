"""The message shortcut "Save as learning": the learning modal, prefilled from the message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.forms.learning import ModalContext, ModalPrefill
from bot.listeners.learning_modal import open_learning_modal
from models import EntryKind

SAVE_AS_LEARNING = "save_as_learning"
logger = logging.getLogger(__name__)


def _permalink(client: WebClient, channel_id: str, message_ts: str) -> str | None:
    try:
        return client.chat_getPermalink(channel=channel_id, message_ts=message_ts)["permalink"]
    except SlackApiError as exc:
        logger.info("chat.getPermalink failed: %s", exc.response.get("error"))
        return None


def register(app: App, deps: Deps) -> None:
    @app.message_shortcut(SAVE_AS_LEARNING)
    def save_as_learning(ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        user_id = shortcut["user"]["id"]
        message = shortcut.get("message", {})
        channel_id = shortcut["channel"]["id"]
        author = message.get("user")
        prefill = ModalPrefill(
            what=message.get("text", ""),
            # Someone else's message is learning from people; a note to yourself is learning on the job.
            kind=EntryKind.PEOPLE if author and author != user_id else EntryKind.JOB,
            link=_permalink(client, channel_id, shortcut.get("message_ts") or message.get("ts", "")),
        )
        modal_context = ModalContext(channel_id=channel_id, from_message=True)
        open_learning_modal(deps, context, client, user_id, shortcut["trigger_id"], modal_context, prefill)
