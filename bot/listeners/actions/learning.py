"""Buttons on learning messages and App Home: Log learning, Edit, Undo."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.forms.learning import ModalContext, ModalPrefill
from bot.listeners.common import home_for, person_scope, publish_home
from bot.listeners.learning_modal import open_learning_modal
from bot.services.learning import delete_entry, get_entry
from bot.views.learning import (
    EDIT_ENTRY,
    OPEN_LOG_MODAL,
    UNDO_ENTRY,
    error_message,
    undone_message,
)


def _entry_id(action: dict[str, Any]) -> int | None:
    value = str(action.get("value", ""))
    return int(value) if value.isdigit() else None


def _channel_id(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id")


def register(app: App, deps: Deps) -> None:
    @app.action(OPEN_LOG_MODAL)
    def open_log_modal(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        open_learning_modal(
            deps,
            context,
            client,
            body["user"]["id"],
            body["trigger_id"],
            ModalContext(channel_id=_channel_id(body)),
        )

    @app.action(EDIT_ENTRY)
    def edit_entry(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        entry_id = _entry_id(action)
        with person_scope(deps, context, client, user_id) as scope:
            entry = get_entry(scope.session, scope.person, entry_id) if entry_id else None
            prefill = ModalPrefill.from_entry(entry) if entry else None
        if prefill is None:
            respond(
                **error_message("That entry no longer exists, so there is nothing to edit."),
                replace_original=False,
            )
            return
        modal_context = ModalContext(
            entry_id=entry_id, channel_id=_channel_id(body), response_url=body.get("response_url")
        )
        open_learning_modal(deps, context, client, user_id, body["trigger_id"], modal_context, prefill)

    @app.action(UNDO_ENTRY)
    def undo_entry(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        entry_id = _entry_id(action)
        with person_scope(deps, context, client, user_id) as scope:
            removed = delete_entry(scope.session, scope.person, entry_id) if entry_id else None
            scope.session.flush()
            reply = undone_message(removed)
            home = home_for(scope)
        respond(**reply, replace_original=True)
        publish_home(client, user_id, home)
