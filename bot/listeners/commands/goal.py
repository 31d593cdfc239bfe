"""/goal: set a learning goal in one line, open the goal form, list goals with progress, or show help."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.forms.goal import GoalModalContext, GoalPrefill, goal_modal
from bot.listeners.common import person_scope
from bot.listeners.goal_celebration import celebrate_reached_goals
from bot.parsing.goal import ListGoals, OpenGoalModal, ShowGoalHelp, earliest_today, parse_goal
from bot.parsing.learn import CommandError
from bot.services.goals import GoalError, create_goal, goal_progress
from bot.services.people import local_today
from bot.views.goals import (
    goal_error_message,
    goal_help_message,
    goal_list_message,
    goal_saved_message,
)


def register(app: App, deps: Deps) -> None:
    @app.command("/goal")
    def goal(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        # Parsing is pure and fast, so mistakes and help are answered in the ack itself.
        try:
            request = parse_goal(command.get("text", ""), today=earliest_today(deps.clock()))
        except CommandError as exc:
            ack(**goal_error_message(exc.message))
            return
        if isinstance(request, ShowGoalHelp):
            ack(**goal_help_message())
            return
        ack()
        user_id = command["user_id"]
        if isinstance(request, OpenGoalModal):
            client.views_open(
                trigger_id=command["trigger_id"],
                view=goal_modal(GoalPrefill(), GoalModalContext(channel_id=command.get("channel_id"))),
            )
            return
        new_goal = False
        with person_scope(deps, context, client, user_id) as scope:
            today = local_today(scope.person, scope.now)
            if isinstance(request, ListGoals):
                reply = goal_list_message(
                    goal_progress(scope.session, scope.person, now=scope.now), today=today
                )
            else:
                try:
                    created = create_goal(
                        scope.session,
                        scope.person,
                        request.draft,
                        now=scope.now,
                        # Slack gives each invocation its own trigger id, so a redelivery cannot set it twice.
                        idempotency_key=f"command:{command['trigger_id']}",
                    )
                except GoalError as exc:
                    # Only the person's own day can tell (say, a date that has just passed where they are).
                    reply = goal_error_message(f"{exc.message} Nothing was saved.")
                else:
                    reply = goal_saved_message(created.goal, today=today, duplicate=created.duplicate)
                    new_goal = not created.duplicate
        respond(**reply)
        if new_goal:
            # Entries from earlier today count, so a goal can be reached the moment it is set.
            celebrate_reached_goals(deps, context, client, user_id, goals_changed=True)
