"""/learn: log learning in one line, open the form, or show help.

A logged entry is committed before the ack, and the ack carries the confirmation: once Slack has its 200,
the entry is stored, whatever happens to this process next."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.goals import goals_reached_now, tell_goals_reached
from bot.flows.home import home_after_change
from bot.flows.learning import open_learning_modal
from bot.flows.scope import person_scope
from bot.forms.learning import ModalContext
from bot.gateway import SlackGateway
from bot.listeners.commands.answer_in_ack import mistake_or_help_answered, parse_text
from bot.listeners.payload import channel_of, command_key
from bot.parsing import OpenLogModal, SearchLearning, ShowHelp, parse_learn
from bot.services.fitness_card import week_so_far
from bot.services.learning import log_entry
from bot.services.people import Workspace, find_person
from bot.services.search import search_entries
from bot.views.learning import error_message, help_message, logged_message
from bot.views.search import search_results_message
from models import EntrySource


def learn_command(
    ack: Ack,
    command: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    request = parse_text(parse_learn, command)
    if isinstance(request, SearchLearning):
        # The search is read-only and quick: its answer rides in the ack.
        ack(**search_learning(deps, workspace, command["user_id"], request, command.get("text", "")))
        return
    if mistake_or_help_answered(request, ack, ShowHelp, help_message, error_message):
        return
    user_id = command["user_id"]
    if isinstance(request, OpenLogModal):
        ack()
        modal_context = ModalContext(channel_id=channel_of(command))
        open_learning_modal(deps, workspace, gateway, user_id, command["trigger_id"], modal_context)
        return
    with person_scope(deps, workspace, gateway, user_id) as scope:
        logged = log_entry(
            scope.session,
            scope.person,
            request.draft,
            source=EntrySource.COMMAND,
            now=scope.now,
            idempotency_key=command_key(command["trigger_id"]),
        )
        scope.session.flush()
        # The week line alone: the whole card is loaded only if Home is to be redrawn.
        week = week_so_far(scope.session, scope.person, now=scope.now)
        reply = logged_message(logged.entry, week, duplicate=logged.duplicate)
        reached = goals_reached_now(scope)
        home = home_after_change(scope)
    ack(**reply)
    home.publish(deps, workspace, gateway, user_id)
    tell_goals_reached(gateway, user_id, reached)


def search_learning(
    deps: Deps, workspace: Workspace, user_id: str, request: SearchLearning, typed: str
) -> dict[str, Any]:
    """`/learn search`: the person's own entries and their teammates' shared ones, best match first."""
    with deps.sessions() as session:
        found = search_entries(session, find_person(session, workspace, user_id), request.query)
    return search_results_message(typed.split(maxsplit=1)[-1], found)
