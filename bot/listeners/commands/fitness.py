"""/fitness: the card, targets, rest weeks, history, export, nudges, expert suggestions and forget-me."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.history import history_page
from bot.flows.home import home_for
from bot.flows.nudges import change_nudges
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.parsing import CommandError
from bot.parsing.fitness import (
    ChangeNudges,
    ExportEntries,
    ForgetMe,
    MarkRestWeek,
    SetExpert,
    SetTargets,
    ShowCard,
    ShowFitnessHelp,
    ShowHistory,
    merged_targets,
    parse_fitness,
)
from bot.services.fitness_card import load_fitness_card, mark_rest_week, set_targets, targets_of
from bot.services.help import set_suggest_as_expert
from bot.services.people import Workspace, local_today
from bot.services.privacy import entries_csv, holdings
from bot.views.fitness import (
    fitness_help_message,
    fitness_message,
    forget_me_question,
    plain_message,
    targets_set_message,
)
from bot.views.format import day_label
from bot.views.help import expert_setting_message
from bot.views.learning import error_message

# What is answered from the person's own rows, in one transaction.
InScopeRequest = ShowCard | SetTargets | MarkRestWeek | SetExpert | ChangeNudges | ForgetMe


def fitness_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    try:
        request = parse_fitness(command.get("text", ""))
    except CommandError as exc:
        ack(**error_message(exc.message))
        return
    if isinstance(request, ShowFitnessHelp):
        ack(**fitness_help_message())
        return
    ack()
    user_id = command["user_id"]
    if isinstance(request, ShowHistory):
        respond(**history_page(deps, workspace, gateway, user_id), replace_original=False)
        return
    if isinstance(request, ExportEntries):
        respond(**_export(deps, workspace, gateway, user_id))
        return
    with person_scope(deps, workspace, gateway, user_id) as scope:
        reply, home = _answer(scope, request)
    respond(**reply)
    if home is not None:
        gateway.publish_home(user_id, home)


def _answer(scope: PersonScope, request: InScopeRequest) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The reply, and App Home when what it shows has changed."""
    if isinstance(request, ShowCard):
        return fitness_message(load_fitness_card(scope.session, scope.person, now=scope.now)), None
    if isinstance(request, SetTargets):
        targets = merged_targets(request, targets_of(scope.person))
        set_targets(scope.person, targets)
        return targets_set_message(targets), home_for(scope)
    if isinstance(request, MarkRestWeek):
        monday = mark_rest_week(scope.session, scope.person, now=scope.now, rest=not request.undo)
        scope.session.flush()
        reply = plain_message(
            f":palm_tree: The week of {day_label(monday)} is a rest week: your streak is safe. "
            "`/fitness rest off` undoes it."
            if not request.undo
            else f"The week of {day_label(monday)} is an ordinary week again."
        )
        return reply, home_for(scope)
    if isinstance(request, ChangeNudges):
        return change_nudges(scope, **asdict(request)), home_for(scope)
    if isinstance(request, SetExpert):
        set_suggest_as_expert(scope.person, request.suggest)
        return expert_setting_message(request.suggest), None
    return forget_me_question(holdings(scope.session, scope.person)), None


def _export(deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> dict[str, Any]:
    """Send every entry as a CSV file to the person's DM with the app; the reply says how that went."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        csv_text, count = entries_csv(scope.session, scope.person)
        today = local_today(scope.person, scope.now)
    if count == 0:
        return plain_message("You have no entries to export yet. Log one with `/learn 20m what you learned`.")
    sent = gateway.send_file(
        user_id,
        content=csv_text,
        filename=f"learnfit-entries-{today.isoformat()}.csv",
        title=f"Your Learnfit entries ({count})",
        comment=f"Here are all your Learnfit entries in this workspace: {count} rows, oldest first.",
    )
    if not sent:
        return error_message(
            "I could not send the file to your DM just now; nothing was lost. Try again in a minute."
        )
    return plain_message(f":inbox_tray: Sent {count} entries as a CSV file to your DM with Learnfit.")
