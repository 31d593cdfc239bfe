"""`/team insights` and `/team insights-access`: the organisation's learning for workspace admins and the
people they give access to (the figures follow the ack, since drawing them can take longer than Slack waits)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.insights import insights_reply
from bot.gateway import SlackGateway
from bot.listeners.commands.mentioned import mentioned_users
from bot.parsing.team import GrantInsightsAccess, InsightsAccessRequest, ListInsightsAccess
from bot.services import insights, teams
from bot.services.people import Workspace
from bot.views.insights import (
    access_admins_only_message,
    access_changed_message,
    access_list_message,
    insights_refused_message,
    preparing_message,
)


def show_insights(
    ack: Ack, user_id: str, respond: Respond, workspace: Workspace, deps: Deps, gateway: SlackGateway
) -> None:
    """Ack at once, check who asks, then answer through `respond`."""
    ack(**preparing_message())
    is_admin = gateway.is_admin(user_id)
    with deps.sessions() as session:
        allowed = insights.has_access(session, workspace, user_id, is_admin=is_admin)
    if not allowed:
        respond(**insights_refused_message())
        return
    respond(**insights_reply(deps, workspace, gateway, user_id))


def change_access(
    request: InsightsAccessRequest, user_id: str, workspace: Workspace, deps: Deps, gateway: SlackGateway
) -> dict[str, Any]:
    """Only a workspace admin or owner gives or takes access, or sees who has it."""
    if not gateway.is_admin(user_id):
        return access_admins_only_message()
    if isinstance(request, ListInsightsAccess):
        with deps.sessions() as session:
            return access_list_message(insights.access_list(session, workspace))
    users = mentioned_users(gateway, request.user_ids)
    now = deps.clock()
    with deps.sessions() as session, session.begin():
        left_out = teams.people_for(session, workspace, users, now=now)
        people = left_out.people
        if isinstance(request, GrantInsightsAccess):
            changed = insights.grant_access(session, people, now=now)
        else:
            changed = insights.revoke_access(session, people)
        unchanged = [person.user_id for person in people if person not in changed]
        changed_ids = [person.user_id for person in changed]
    granted = isinstance(request, GrantInsightsAccess)
    return access_changed_message(changed_ids, unchanged, left_out, granted=granted)
