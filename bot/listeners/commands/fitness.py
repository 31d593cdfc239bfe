"""/fitness: the card, targets, rest weeks, history, export, nudges, expert suggestions and forget-me."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.charts import card_with_chart, forget_chart
from bot.flows.history import history_page
from bot.flows.home import HomeRedraw, home_after_change
from bot.flows.nudges import change_nudges
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.listeners.commands.answer_in_ack import mistake_or_help_answered, parse_text
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
from bot.services.fitness_card import mark_rest_week, set_targets, targets_of
from bot.services.help import set_suggest_as_expert
from bot.services.people import Workspace, local_today
from bot.services.privacy import entries_csv, holdings
from bot.views.fitness import (
    export_file,
    exported_message,
    fitness_error_message,
    fitness_help_message,
    forget_me_question,
    rest_week_message,
    targets_set_message,
)
from bot.views.help import expert_setting_message

# What is answered from the person's own rows, in one transaction.
InScopeRequest = SetTargets | MarkRestWeek | SetExpert | ChangeNudges | ForgetMe


def fitness_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    request = parse_text(parse_fitness, command)
    if mistake_or_help_answered(request, ack, ShowFitnessHelp, fitness_help_message, fitness_error_message):
        return
    user_id = command["user_id"]
    if not isinstance(request, InScopeRequest):
        ack()  # what follows reads, or sends: nothing of the person's is changed
    if isinstance(request, ShowHistory):
        respond(**history_page(deps, workspace, gateway, user_id), replace_original=False)
        return
    if isinstance(request, ExportEntries):
        respond(**_export(deps, workspace, gateway, user_id))
        return
    if isinstance(request, ShowCard):
        # Acked already (empty), so the chart is drawn within the response URL's half hour, not Slack's 3 s.
        reply, text_only, chart = card_with_chart(deps, workspace, gateway, user_id)
        if respond(**reply).status_code != 200 and reply is not text_only:
            forget_chart(deps.sessions, chart)  # Slack would not show the picture: the card goes without
            respond(**text_only)
        return
    with person_scope(deps, workspace, gateway, user_id) as scope:
        reply, home = _answer(scope, request)
    ack(**reply)  # the change is stored before Slack hears back, and the ack says so
    home.publish(deps, workspace, gateway, user_id)


def _answer(scope: PersonScope, request: InScopeRequest) -> tuple[dict[str, Any], HomeRedraw]:
    """The reply, and App Home when what it shows has changed."""
    if isinstance(request, SetTargets):
        targets = merged_targets(request, targets_of(scope.person))
        set_targets(scope.person, targets)
        return targets_set_message(targets), home_after_change(scope)
    if isinstance(request, MarkRestWeek):
        monday = mark_rest_week(scope.session, scope.person, now=scope.now, rest=not request.undo)
        scope.session.flush()
        return rest_week_message(monday, rest=not request.undo), home_after_change(scope)
    if isinstance(request, ChangeNudges):
        return change_nudges(scope, **asdict(request)), home_after_change(scope)
    if isinstance(request, SetExpert):
        set_suggest_as_expert(scope.person, request.suggest)
        return expert_setting_message(request.suggest), HomeRedraw()
    return forget_me_question(holdings(scope.session, scope.person)), HomeRedraw()


def _export(deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> dict[str, Any]:
    """Send every entry as a CSV file to the person's DM with the app; the reply says how that went."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        csv_text, count = entries_csv(scope.session, scope.person)
        today = local_today(scope.person, scope.now)
    sent = count > 0 and gateway.send_file(user_id, content=csv_text, **export_file(count, today=today))
    return exported_message(count, sent=sent)
