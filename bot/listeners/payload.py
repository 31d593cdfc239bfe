"""Reading Slack's payloads the same way in every listener."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.services.people import Workspace


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
    """The channel an interaction happened in (None on App Home and in modals)."""
    channel: dict[str, Any] = body.get("channel") or {}
    return channel.get("id")


def id_value(action: dict[str, Any]) -> int | None:
    """A button's value that names a row by its id; anything else (crafted, empty) is None."""
    value = str(action.get("value", ""))
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
