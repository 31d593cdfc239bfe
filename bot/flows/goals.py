"""Celebrating a goal reached: once, privately, in the person's DM with the app."""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.flows.home import redraw_home
from bot.flows.scope import PersonScope, person_scope
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
        messages = goals_reached_now(scope)
    tell_goals_reached(gateway, user_id, messages)
    if messages or goals_changed:
        redraw_home(deps, workspace, gateway, user_id)


def goals_reached_now(scope: PersonScope) -> list[dict[str, Any]]:
    """Mark, in the scope's own transaction, each goal the change just made met as reached; the DMs that
    celebrate them, to send once it is committed (so a logged entry is one write, not two)."""
    return [goal_reached_message(item) for item in reach_goals(scope.session, scope.person, now=scope.now)]


def tell_goals_reached(gateway: SlackGateway, user_id: str, messages: list[dict[str, Any]]) -> None:
    for payload in messages:
        gateway.dm(user_id, payload)
