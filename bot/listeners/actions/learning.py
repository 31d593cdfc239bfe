"""Buttons on learning messages, nudges and App Home: Log learning, Edit, Undo, Share in a channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.home import home_after_change
from bot.flows.learning import open_entry_editor, open_learning_modal
from bot.flows.scope import person_scope
from bot.forms.learning import ModalContext
from bot.forms.share_entry import share_entry_modal
from bot.gateway import SlackGateway
from bot.listeners.payload import channel_of, id_value, redrawable_message
from bot.services.entry_shares import shareable_entry
from bot.services.learning import delete_entry
from bot.services.people import Workspace
from bot.views.learning import nothing_to_edit_message, undone_message
from bot.views.sharing import not_shareable_message


def open_log_modal(
    ack: Ack, body: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway
) -> None:
    """An empty learning form: Log learning on App Home, or Log now on a nudge."""
    ack()
    modal_context = ModalContext(channel_id=channel_of(body))
    open_learning_modal(deps, workspace, gateway, body["user"]["id"], body["trigger_id"], modal_context)


def edit_entry(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    ack()
    edit_entry_in_form(body, respond, workspace, deps, gateway, id_value(action))


def edit_entry_in_form(
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
    entry_id: int | None,
) -> None:
    """Edit on a logged entry, or in a history entry's menu: the form, or why there is nothing to edit."""
    modal_context = ModalContext(
        entry_id=entry_id, channel_id=channel_of(body), origin=redrawable_message(body)
    )
    user_id, trigger_id = body["user"]["id"], body["trigger_id"]
    if not open_entry_editor(deps, workspace, gateway, user_id, trigger_id, entry_id, modal_context):
        respond(**nothing_to_edit_message(), replace_original=False)


def undo_entry(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    user_id, entry_id = body["user"]["id"], id_value(action)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        removed = delete_entry(scope.session, scope.person, entry_id) if entry_id else None
        scope.session.flush()
        reply = undone_message(removed)
        home = home_after_change(scope)
    ack()  # the change is stored: now Slack hears back
    respond(**reply, replace_original=True)
    home.publish(deps, workspace, gateway, user_id)


def share_entry(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Share in a channel, on a confirmation: the form, only for the clicker's own entry shared with the
    team; the channel it was logged in is picked when it was one."""
    ack()
    user_id, entry_id = body["user"]["id"], id_value(action)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        entry = shareable_entry(scope.session, scope.person, entry_id) if entry_id else None
        view = share_entry_modal(entry, channel_id=channel_of(body)) if entry else None
    if view is None:
        respond(**not_shareable_message(), replace_original=False)
        return
    gateway.open_modal(body["trigger_id"], view)
