"""/fitness: the card, targets, rest weeks, history, export and forget-me."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.listeners.actions.nudges import change_nudges
from bot.listeners.common import home_for, person_scope, publish_home
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
from bot.services.fitness_card import (
    load_fitness_card,
    mark_rest_week,
    recent_entries,
    set_targets,
    targets_of,
)
from bot.services.help import set_suggest_as_expert
from bot.services.people import local_today
from bot.services.privacy import entries_csv, holdings
from bot.views.fitness import (
    HISTORY_PAGE,
    fitness_help_message,
    fitness_message,
    forget_me_question,
    history_message,
    plain_message,
    targets_set_message,
)
from bot.views.format import day_label
from bot.views.help import expert_setting_message
from bot.views.learning import error_message

logger = logging.getLogger(__name__)


def send_history(
    deps: Deps,
    context: BoltContext,
    client: WebClient,
    user_id: str,
    respond: Respond,
    *,
    offset: int = 0,
    note: str | None = None,
    replace: bool = False,
) -> None:
    with person_scope(deps, context, client, user_id) as scope:
        page = recent_entries(scope.session, scope.person, limit=HISTORY_PAGE + 1, offset=offset)
        reply = history_message(page[:HISTORY_PAGE], offset=offset, more=len(page) > HISTORY_PAGE, note=note)
    respond(**reply, replace_original=replace)


def register(app: App, deps: Deps) -> None:
    @app.command("/fitness")
    def fitness(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
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
            send_history(deps, context, client, user_id, respond)
            return
        if isinstance(request, ExportEntries):
            export(client, context, user_id, respond)
            return
        if isinstance(request, ChangeNudges):
            with person_scope(deps, context, client, user_id) as scope:
                reply = change_nudges(scope, **asdict(request))
                home = home_for(scope)
            respond(**reply)
            publish_home(client, user_id, home)
            return
        home = None
        with person_scope(deps, context, client, user_id) as scope:
            if isinstance(request, ShowCard):
                reply = fitness_message(load_fitness_card(scope.session, scope.person, now=scope.now))
            elif isinstance(request, SetTargets):
                targets = merged_targets(request, targets_of(scope.person))
                set_targets(scope.person, targets)
                reply, home = targets_set_message(targets), home_for(scope)
            elif isinstance(request, MarkRestWeek):
                monday = mark_rest_week(scope.session, scope.person, now=scope.now, rest=not request.undo)
                scope.session.flush()
                reply = plain_message(
                    f":palm_tree: The week of {day_label(monday)} is a rest week: your streak is safe. "
                    "`/fitness rest off` undoes it."
                    if not request.undo
                    else f"The week of {day_label(monday)} is an ordinary week again."
                )
                home = home_for(scope)
            elif isinstance(request, SetExpert):
                set_suggest_as_expert(scope.person, request.suggest)
                reply = expert_setting_message(request.suggest)
            else:
                assert isinstance(request, ForgetMe)
                reply = forget_me_question(holdings(scope.session, scope.person))
        respond(**reply)
        if home is not None:
            publish_home(client, user_id, home)

    def export(client: WebClient, context: BoltContext, user_id: str, respond: Respond) -> None:
        with person_scope(deps, context, client, user_id) as scope:
            csv_text, count = entries_csv(scope.session, scope.person)
            today = local_today(scope.person, scope.now)
        if count == 0:
            respond(
                **plain_message(
                    "You have no entries to export yet. Log one with `/learn 20m what you learned`."
                )
            )
            return
        try:
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            client.files_upload_v2(
                channel=channel,
                content=csv_text,
                filename=f"learnfit-entries-{today.isoformat()}.csv",
                title=f"Your Learnfit entries ({count})",
                initial_comment=f"Here are all your Learnfit entries in this workspace: {count} rows, oldest first.",
            )
        except SlackApiError as exc:
            logger.warning("export for %s failed: %s", user_id, exc.response.get("error"))
            respond(
                **error_message(
                    "I could not send the file to your DM just now; nothing was lost. Try again in a minute."
                )
            )
            return
        respond(**plain_message(f":inbox_tray: Sent {count} entries as a CSV file to your DM with Learnfit."))
