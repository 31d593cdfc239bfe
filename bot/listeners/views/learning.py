"""Submitting the learning modal: check it, store or update the entry once, and confirm privately."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.deps import Deps
from bot.listeners.common import home_for, notify, person_scope, publish_home
from bot.listeners.goal_celebration import celebrate_reached_goals
from bot.parsing import FormErrors, parse_learning_form
from bot.services.fitness_card import load_fitness_card
from bot.services.learning import DraftError, log_entry, update_entry
from bot.views.learning import (
    LEARNING_MODAL,
    ModalContext,
    error_message,
    logged_message,
    updated_message,
)
from models import EntrySource


def register(app: App, deps: Deps) -> None:
    @app.view(LEARNING_MODAL)
    def submit_learning(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        user_id = body["user"]["id"]
        modal_context = ModalContext.load(view.get("private_metadata"))
        try:
            draft = parse_learning_form(view["state"]["values"])
        except FormErrors as exc:
            ack(response_action="errors", errors=exc.errors)
            return
        # Store before acking: a problem only the database can see (a future day) goes under its field.
        try:
            with person_scope(deps, context, client, user_id) as scope:
                if modal_context.entry_id is not None:
                    entry = update_entry(
                        scope.session, scope.person, modal_context.entry_id, draft, now=scope.now
                    )
                    duplicate = False
                else:
                    logged = log_entry(
                        scope.session,
                        scope.person,
                        draft,
                        source=EntrySource.SHORTCUT if modal_context.from_message else EntrySource.MODAL,
                        now=scope.now,
                        # A double click on Save submits the same view twice.
                        idempotency_key=f"view:{view['id']}",
                    )
                    entry, duplicate = logged.entry, logged.duplicate
                scope.session.flush()
                card = load_fitness_card(scope.session, scope.person, now=scope.now)
                week, home = card.week, home_for(scope, card)
                if entry is None:
                    reply = error_message("That entry was removed before you saved, so nothing changed.")
                elif modal_context.entry_id is not None:
                    reply = updated_message(entry, week)
                else:
                    reply = logged_message(entry, week)
        except DraftError as exc:
            ack(response_action="errors", errors={exc.field: exc.message})
            return
        ack()
        if duplicate:
            return
        # An edit that came from a confirmation message replaces it in place (while its response_url lives).
        if modal_context.response_url:
            sent = WebhookClient(modal_context.response_url).send(**reply, replace_original=True)
            if sent.status_code == 200:
                publish_home(client, user_id, home)
                celebrate_reached_goals(deps, context, client, user_id)
                return
        notify(client, user_id, reply, channel_id=modal_context.channel_id)
        publish_home(client, user_id, home)
        celebrate_reached_goals(deps, context, client, user_id)
