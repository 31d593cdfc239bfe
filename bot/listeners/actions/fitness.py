"""Buttons and menus from the fitness card, history and forget-me: targets, paging, delete, confirm."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.history import history_page
from bot.flows.home import home_after_change
from bot.flows.nudges import change_nudges
from bot.flows.scope import person_scope
from bot.forms.targets import targets_modal
from bot.gateway import SlackGateway
from bot.listeners.actions.learning import edit_entry_in_form
from bot.listeners.payload import id_value, menu_choice
from bot.parsing.numbers import bounded_int
from bot.services.fitness_card import targets_of
from bot.services.learning import delete_entry
from bot.services.people import Workspace, find_person
from bot.services.privacy import Holdings, forget_person
from bot.views.fitness import (
    SHOW_HISTORY,
    CardChoice,
    EntryChoice,
    deleted_note,
    fitness_help_message,
    forgotten_message,
    nothing_deleted_message,
)
from bot.views.home import forgotten_home_view

# Far past anyone's history: only a crafted button value asks for more.
MAX_HISTORY_OFFSET = 1_000_000


def _offset(text: str) -> int:
    """Where a history page starts; anything but a number the history can hold is the first page."""
    return bounded_int(text, low=0, high=MAX_HISTORY_OFFSET) or 0


def open_targets(
    ack: Ack, body: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway
) -> None:
    ack()
    _open_targets(body, workspace, deps, gateway)


def _open_targets(body: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway) -> None:
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        view = targets_modal(targets_of(scope.person))
    gateway.open_modal(body["trigger_id"], view)


def card_menu(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """The card's `⋯` menu: change targets, nudge settings, how the rings work (each a new message or a
    form; the card stays)."""
    ack()
    choice, _ = menu_choice(action)
    if choice == CardChoice.TARGETS:
        _open_targets(body, workspace, deps, gateway)
    elif choice == CardChoice.NUDGES:
        with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
            reply = change_nudges(scope)
        respond(**reply, replace_original=False)
    elif choice == CardChoice.HELP:
        respond(**fitness_help_message(), replace_original=False)


def entry_menu(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """A history entry's `⋯` menu: Edit opens the form; Delete… asks first, on the same page."""
    ack()
    choice, rest = menu_choice(action)
    entry_text, _, offset_text = rest.partition(":")
    entry_id = id_value({"value": entry_text})  # the same check as a button whose value is just the id
    if choice == EntryChoice.EDIT:
        edit_entry_in_form(body, respond, workspace, deps, gateway, entry_id)
    elif choice == EntryChoice.DELETE and entry_id is not None:
        offset = _offset(offset_text)
        reply = history_page(deps, workspace, gateway, body["user"]["id"], offset=offset, confirming=entry_id)
        respond(**reply, replace_original=True)


def page_history(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """History on the card answers with a new message; Newer and Older turn the page in place."""
    ack()
    offset = _offset(str(action.get("value", "0")))
    reply = history_page(deps, workspace, gateway, body["user"]["id"], offset=offset)
    respond(**reply, replace_original=action["action_id"] != SHOW_HISTORY)


def delete_from_history(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Delete on a history page (its value is `entry id:page offset`): the same page redrawn, with a note."""
    user_id = body["user"]["id"]
    entry_text, _, offset_text = str(action.get("value", "")).partition(":")
    entry_id = id_value({"value": entry_text})  # the same check as a button whose value is just the id
    with person_scope(deps, workspace, gateway, user_id) as scope:
        removed = delete_entry(scope.session, scope.person, entry_id) if entry_id else None
        scope.session.flush()
        home = home_after_change(scope)
    ack()  # the change is stored: now Slack hears back
    note = deleted_note(removed)
    reply = history_page(deps, workspace, gateway, user_id, offset=_offset(offset_text), note=note)
    respond(**reply, replace_original=True)
    home.publish(deps, workspace, gateway, user_id)


def forget_me(
    ack: Ack, body: dict[str, Any], respond: Respond, workspace: Workspace, deps: Deps, gateway: SlackGateway
) -> None:
    user_id = body["user"]["id"]
    with deps.sessions() as session, session.begin():
        person = find_person(session, workspace, user_id)
        held = forget_person(session, person) if person else Holdings(entries=0, goals=0)
    ack()  # the change is stored: now Slack hears back
    respond(**forgotten_message(held), replace_original=True)
    gateway.publish_home(user_id, forgotten_home_view())


def keep_me(ack: Ack, respond: Respond) -> None:
    ack()
    respond(**nothing_deleted_message(), replace_original=True)
