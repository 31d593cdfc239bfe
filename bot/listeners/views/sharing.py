"""Submitting the share-an-entry form: post the card (once) where the person picked, then tell them privately
where it is."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.sharing import SharedEntry, share_entry_in_channel
from bot.forms.share_entry import ShareEntryContext, parse_share_entry_form
from bot.gateway import SlackGateway
from bot.listeners.payload import view_key
from bot.listeners.views.submission import ack_after
from bot.services.people import Workspace
from bot.views.sharing import entry_shared_message


def submit_entry_share(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    user_id = body["user"]["id"]
    shared = ShareEntryContext.load(view.get("private_metadata"))
    # Post before acking, so a channel the app or the person cannot post in is explained under the field.
    posted = ack_after(ack, _share, deps, workspace, gateway, user_id, shared, view)
    if posted is not None:
        gateway.notify(
            user_id, entry_shared_message(posted.channel_id, posted.permalink), channel_id=shared.channel_id
        )


def _share(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    shared: ShareEntryContext,
    view: dict[str, Any],
) -> SharedEntry | None:
    return share_entry_in_channel(
        deps,
        workspace,
        gateway,
        user_id,
        entry_id=shared.entry_id,
        channel_id=parse_share_entry_form(view["state"]["values"]),
        key=view_key(view),
    )
