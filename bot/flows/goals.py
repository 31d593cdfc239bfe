"""Celebrating a goal reached: once, privately, in the person's DM with the app."""

from __future__ import annotations

from bot.deps import Deps
from bot.flows.home import redraw_home
from bot.flows.scope import person_scope
from bot.gateway import SlackGateway
from bot.services.goals import reach_goals
from bot.services.people import Workspace
from bot.views.goals import goal_reached_message


def celebrate_reached_goals(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, *, goals_changed: bool = False
) -> None:
    """Mark each goal whose target is now met as reached, then tell the person once each, after the commit:
    no DM goes out for a goal whose reaching failed to store, and a lost DM is better than a repeated one.
    App Home is redrawn when a goal was reached or `goals_changed`.
    """
    with person_scope(deps, workspace, gateway, user_id) as scope:
        messages = [
            goal_reached_message(item) for item in reach_goals(scope.session, scope.person, now=scope.now)
        ]
    for payload in messages:
        gateway.dm(user_id, payload)
    if messages or goals_changed:
        redraw_home(deps, workspace, gateway, user_id)
