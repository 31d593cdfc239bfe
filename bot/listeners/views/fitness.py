"""Submitting the weekly targets form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.home import HomeRedraw, home_after_change
from bot.flows.scope import person_scope
from bot.forms.targets import parse_targets_form
from bot.gateway import SlackGateway
from bot.listeners.views.submission import ack_after
from bot.services.fitness import Targets
from bot.services.fitness_card import set_targets, targets_of
from bot.services.people import Workspace
from bot.views.fitness import targets_set_message


def submit_targets(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    user_id = body["user"]["id"]
    saved = ack_after(ack, _save, deps, workspace, gateway, user_id, view)
    if saved is None:
        return
    targets, home = saved
    gateway.notify(user_id, targets_set_message(targets))
    home.publish(deps, workspace, gateway, user_id)


def _save(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, view: dict[str, Any]
) -> tuple[Targets, HomeRedraw]:
    """The targets set, and App Home showing them."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        targets = parse_targets_form(view["state"]["values"], targets_of(scope.person))
        set_targets(scope.person, targets)
        scope.session.flush()
        return targets, home_after_change(scope)
