"""Submitting the weekly targets form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.home import home_for
from bot.flows.scope import person_scope
from bot.forms.base import FormErrors
from bot.forms.targets import parse_targets_form
from bot.gateway import SlackGateway
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
    with person_scope(deps, workspace, gateway, user_id) as scope:
        try:
            targets = parse_targets_form(view["state"]["values"], targets_of(scope.person))
        except FormErrors as exc:
            ack(**exc.response)
            return
        set_targets(scope.person, targets)
        scope.session.flush()
        home = home_for(scope)
    ack()
    gateway.notify(user_id, targets_set_message(targets))
    gateway.publish_home(user_id, home)
