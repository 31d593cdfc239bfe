"""Submitting the weekly targets modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.common import home_for, notify, person_scope, publish_home
from bot.parsing import FormErrors
from bot.parsing.fitness import parse_targets_form
from bot.services.fitness_card import set_targets, targets_of
from bot.views.fitness import TARGETS_MODAL, targets_set_message


def register(app: App, deps: Deps) -> None:
    @app.view(TARGETS_MODAL)
    def submit_targets(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        user_id = body["user"]["id"]
        with person_scope(deps, context, client, user_id) as scope:
            try:
                targets = parse_targets_form(view["state"]["values"], targets_of(scope.person))
            except FormErrors as exc:
                ack(response_action="errors", errors=exc.errors)
                return
            set_targets(scope.person, targets)
            scope.session.flush()
            home = home_for(scope)
        ack()
        notify(client, user_id, targets_set_message(targets))
        publish_home(client, user_id, home)
