"""/fitness: the person's learning week (first version)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.common import person_scope
from bot.services.learning import week_summary
from bot.views.fitness import fitness_help_message, fitness_message
from bot.views.learning import error_message


def register(app: App, deps: Deps) -> None:
    @app.command("/fitness")
    def fitness(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        text = command.get("text", "").strip().lower()
        if text in ("help", "?"):
            ack(**fitness_help_message())
            return
        if text:
            ack(
                **error_message(f"`/fitness {text}` is not something I know yet. Type `/fitness` on its own.")
            )
            return
        ack()
        with person_scope(deps, context, client, command["user_id"]) as scope:
            reply = fitness_message(week_summary(scope.session, scope.person, now=scope.now))
        respond(**reply)
