"""Buttons from the fitness card, history and forget-me: targets, paging, delete, confirm."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.forms.targets import targets_modal
from bot.listeners.commands.fitness import send_history
from bot.listeners.common import home_for, person_scope, publish_home, workspace_of
from bot.services.fitness_card import targets_of
from bot.services.learning import delete_entry
from bot.services.people import find_person
from bot.services.privacy import Holdings, forget_person
from bot.views.fitness import (
    DELETE_ENTRY,
    FORGET_ME,
    FORGET_ME_CANCEL,
    OPEN_TARGETS_MODAL,
    SHOW_HISTORY,
    forgotten_message,
    plain_message,
)
from bot.views.format import duration, truncate
from bot.views.home import forgotten_home_view


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


def register(app: App, deps: Deps) -> None:
    @app.action(OPEN_TARGETS_MODAL)
    def open_targets(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        with person_scope(deps, context, client, body["user"]["id"]) as scope:
            view = targets_modal(targets_of(scope.person))
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(re.compile(f"^{SHOW_HISTORY}"))
    def page_history(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        # Newer and Older turn the page in place; History on the card answers with a new message.
        in_history = action["action_id"] != SHOW_HISTORY
        send_history(
            deps,
            context,
            client,
            body["user"]["id"],
            respond,
            offset=_number(action.get("value", "0")),
            replace=in_history,
        )

    @app.action(DELETE_ENTRY)
    def delete_from_history(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        entry_text, _, offset_text = str(action.get("value", "")).partition(":")
        with person_scope(deps, context, client, user_id) as scope:
            removed = delete_entry(scope.session, scope.person, _number(entry_text))
            scope.session.flush()
            home = home_for(scope)
        note = (
            f"Deleted *{duration(removed.minutes)}* · {truncate(removed.what, 80)}"
            if removed
            else "That entry was already gone."
        )
        send_history(
            deps, context, client, user_id, respond, offset=_number(offset_text), note=note, replace=True
        )
        publish_home(client, user_id, home)

    @app.action(FORGET_ME)
    def forget_me(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        with deps.sessions() as session, session.begin():
            person = find_person(session, workspace_of(context), user_id)
            held = forget_person(session, person) if person else Holdings(entries=0, goals=0)
        respond(**forgotten_message(held), replace_original=True)
        publish_home(client, user_id, forgotten_home_view())

    @app.action(FORGET_ME_CANCEL)
    def keep_me(ack: Ack, respond: Respond) -> None:
        ack()
        respond(**plain_message("Nothing was deleted."), replace_original=True)
