"""Submitting the learning form: check it, store or update the entry once, and confirm privately."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.goals import goals_reached_now, tell_goals_reached
from bot.flows.home import HomeRedraw, home_after_change
from bot.flows.scope import person_scope
from bot.forms.learning import ModalContext, field_errors, parse_learning_form
from bot.gateway import SlackGateway
from bot.listeners.payload import view_key
from bot.listeners.views.submission import ack_after, confirm
from bot.services.drafts import DraftError
from bot.services.fitness_card import load_fitness_card
from bot.services.learning import log_entry, update_entry
from bot.services.people import Workspace
from bot.views.learning import entry_gone_message, logged_message, updated_message
from models import EntrySource


@dataclass(frozen=True)
class _Saved:
    reply: dict[str, Any]
    home: HomeRedraw
    duplicate: bool  # a double submission of an entry already stored: nothing more to say
    goals_reached: list[dict[str, Any]]  # the DMs that celebrate them


def submit_learning(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    user_id = body["user"]["id"]
    modal_context = ModalContext.load(view.get("private_metadata"))
    # Store before acking: a problem only the database can see (a future day) goes under its field.
    saved = ack_after(ack, _save, deps, workspace, gateway, user_id, modal_context, view)
    if saved is None or saved.duplicate:
        return
    # An edit that came from a confirmation in the person's DM redraws it in place.
    confirm(gateway, user_id, saved.reply, origin=modal_context.origin, channel_id=modal_context.channel_id)
    saved.home.publish(deps, workspace, gateway, user_id)
    tell_goals_reached(gateway, user_id, saved.goals_reached)


def _save(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    modal_context: ModalContext,
    view: dict[str, Any],
) -> _Saved:
    draft = parse_learning_form(view["state"]["values"])
    try:
        with person_scope(deps, workspace, gateway, user_id) as scope:
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
                    idempotency_key=view_key(view),
                )
                entry, duplicate = logged.entry, logged.duplicate
            scope.session.flush()
            card = load_fitness_card(scope.session, scope.person, now=scope.now)
            if entry is None:
                reply = entry_gone_message()
            elif modal_context.entry_id is not None:
                reply = updated_message(entry, card.week)
            else:
                reply = logged_message(entry, card.week)
            reached = goals_reached_now(scope)
            return _Saved(reply, home_after_change(scope, card), duplicate, reached)
    except DraftError as exc:
        raise field_errors(exc) from None
