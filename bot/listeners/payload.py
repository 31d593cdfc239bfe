"""Reading Slack's payloads the same way in every listener."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from slack_bolt import BoltContext

from bot.forms.base import MessageOrigin
from bot.parsing.numbers import bounded_int
from bot.services.people import Workspace
from bot.views.values import CHANNEL_ID, MAX_ROW_ID


def workspace_of(body: dict[str, Any], context: BoltContext) -> Workspace | None:
    """The workspace the acting person belongs to: the one person row per Slack user and workspace is
    keyed by it. A workspace-level install names it (Bolt's `team_id`). An org-wide Enterprise Grid install
    does not: Bolt's `team_id` is then None (events carry a null `authorizations[0].team_id`) or the org
    itself (a view's `app_installed_team_id`), so the person's own workspace is read from the payload: the
    user's `team_id` on interactions, the event's `user_team` or `team`, the command's `team_id`, then the
    workspace of the conversation (`context_team_id`). Never the org: a person keyed by it would be a
    second row for someone who already has one in their workspace.
    """
    team_id = None if context.is_enterprise_install else context.team_id
    team_id = team_id or _acting_team(body)
    return Workspace(team_id=team_id, enterprise_id=context.enterprise_id) if team_id else None


def _acting_team(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    event = body.get("event")
    candidates = [
        user.get("team_id") if isinstance(user, dict) else None,
        event.get("user_team") if isinstance(event, dict) else None,
        event.get("team") if isinstance(event, dict) else None,
        body.get("team_id"),
        (body.get("view") or {}).get("team_id"),
        body.get("context_team_id"),
    ]
    # Only a workspace id (T…) will do: some events name the org (E…) where a workspace is meant.
    return next((str(team) for team in candidates if isinstance(team, str) and team.startswith("T")), None)


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel a command was typed or an interaction happened in (None on App Home and in modals, or
    when what the payload names is no channel id)."""
    channel = body.get("channel")
    channel_id = channel.get("id") if isinstance(channel, dict) else body.get("channel_id")
    return channel_id if isinstance(channel_id, str) and CHANNEL_ID.fullmatch(channel_id) else None


def redrawable_message(body: dict[str, Any]) -> MessageOrigin | None:
    """The message clicked, when a form opened from it can redraw it with chat.update: a message (not an
    ephemeral one, which has nothing to update) in a DM, which the submission checks is the person's own."""
    container = body.get("container")
    channel_id = channel_of(body)
    if not isinstance(container, dict) or container.get("is_ephemeral") or not channel_id:
        return None
    if not channel_id.startswith("D"):
        return None
    try:
        return MessageOrigin.model_validate(
            {"channel_id": channel_id, "message_ts": container.get("message_ts")}
        )
    except ValidationError:
        return None


def id_value(action: dict[str, Any]) -> int | None:
    """A button's value that names a row by its id; anything else (crafted, empty, 0, too big) is None."""
    value = action.get("value")
    # The app writes ids as plain ASCII digits; anything else (spaces, other scripts) was not written by it.
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    return bounded_int(value, low=1, high=MAX_ROW_ID)


def menu_choice(action: dict[str, Any]) -> tuple[str, str]:
    """What was picked in an overflow menu whose option values the app wrote as `choice:rest`: the choice
    and the rest (ids for `id_value` to read, and for the listener to check). Anything else is ("", "")."""
    selected = action.get("selected_option")
    value = selected.get("value") if isinstance(selected, dict) else None
    if not isinstance(value, str) or len(value) > 150:  # Slack's limit for an option's value
        return "", ""
    choice, _, rest = value.partition(":")
    return choice, rest


# Slack gives each slash-command invocation its own trigger id and each opened modal its own view id, so
# keying what a request stores by them means a retry or a double submission cannot store it twice.
def command_key(trigger_id: str) -> str:
    return f"command:{trigger_id}"


def view_key(view: dict[str, Any]) -> str:
    return f"view:{view['id']}"
