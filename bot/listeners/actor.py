"""Who is acting, as Slack's payload tells it: someone of the organisation that installed the app, or a
partner from another organisation in a Slack Connect channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.services.people import Workspace, belongs_elsewhere


def is_external(body: dict[str, Any], context: BoltContext) -> bool:
    """Whether the person acting belongs to another organisation than the app's installation.

    An Events API delivery from a channel shared with another organisation says so
    (`is_ext_shared_channel: true`) and names the author's workspace in the event (`user_team`, else
    `team`), which Bolt reads as `actor_team_id` and `actor_enterprise_id`. An interaction names the app's
    workspace in `team` and the clicker's own in `user.team_id`, but not the clicker's Grid org. Slash
    commands are not shared with other organisations. Each is compared with the installation.
    """
    installation = _installation(context)
    if installation is None:
        return False
    if body.get("type") == "event_callback":
        if body.get("is_ext_shared_channel") is not True:
            return False
        team_id, enterprise_id = context.actor_team_id, context.actor_enterprise_id
    else:
        user = body.get("user")
        team_id, enterprise_id = (user.get("team_id") if isinstance(user, dict) else None), None
    if installation.enterprise_id is not None and enterprise_id is None:
        # In a Grid org, a colleague from another of its workspaces looks the same when the payload does
        # not name the actor's org: only Slack's profile of them (users.info) can tell.
        return False
    return belongs_elsewhere(installation, team_id, enterprise_id)


def _installation(context: BoltContext) -> Workspace | None:
    """The workspace and org the app is installed in: what Bolt authorized the request as (an event's
    `authorizations[0]`); None when neither is known, so that no one is taken for a partner."""
    authorized = context.authorize_result
    team_id = (authorized.team_id if authorized else None) or context.team_id
    enterprise_id = (authorized.enterprise_id if authorized else None) or context.enterprise_id
    if not team_id and not enterprise_id:
        return None
    # An org-wide install has no workspace of its own: only the org tells a partner apart.
    return Workspace(team_id=team_id or "", enterprise_id=enterprise_id)
