"""/goal: set a learning goal in one line, open the goal form, list goals with progress, or show help."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.goals import celebrate_reached_goals
from bot.flows.scope import PersonScope, person_scope
from bot.forms.goal import GoalModalContext, GoalPrefill, goal_modal
from bot.gateway import SlackGateway
from bot.listeners.commands.answer_in_ack import mistake_or_help_answered, parse_text
from bot.listeners.payload import channel_of, command_key
from bot.parsing.goal import CreateGoal, ListGoals, OpenGoalModal, ShowGoalHelp, earliest_today, parse_goal
from bot.services.goals import GoalError, create_goal, goal_progress
from bot.services.people import Workspace, local_today
from bot.views.goals import (
    goal_error_message,
    goal_help_message,
    goal_list_message,
    goal_not_saved_message,
    goal_saved_message,
)


def goal_command(
    ack: Ack,
    command: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    request = parse_text(partial(parse_goal, today=earliest_today(deps.clock())), command)
    if mistake_or_help_answered(request, ack, ShowGoalHelp, goal_help_message, goal_error_message):
        return
    user_id = command["user_id"]
    if isinstance(request, OpenGoalModal):
        ack()
        modal_context = GoalModalContext(channel_id=channel_of(command))
        gateway.open_modal(command["trigger_id"], goal_modal(GoalPrefill(), modal_context))
        return
    new_goal = False
    with person_scope(deps, workspace, gateway, user_id) as scope:
        if isinstance(request, ListGoals):
            today = local_today(scope.person, scope.now)
            reply = goal_list_message(goal_progress(scope.session, scope.person, now=scope.now), today=today)
        else:
            reply, new_goal = _set_goal(scope, request, trigger_id=command["trigger_id"])
    ack(**reply)  # the goal is stored before Slack hears back, and the ack says so
    if new_goal:
        # Entries from earlier today count, so a goal can be reached the moment it is set.
        celebrate_reached_goals(deps, workspace, gateway, user_id, goals_changed=True)


def _set_goal(scope: PersonScope, request: CreateGoal, *, trigger_id: str) -> tuple[dict[str, Any], bool]:
    """The reply, and whether a new goal was stored."""
    try:
        created = create_goal(
            scope.session,
            scope.person,
            request.draft,
            now=scope.now,
            idempotency_key=command_key(trigger_id),
        )
    except GoalError as exc:
        # Only the person's own day can tell (say, a date that has just passed where they are).
        return goal_not_saved_message(exc.message), False
    today = local_today(scope.person, scope.now)
    return goal_saved_message(created.goal, today=today, duplicate=created.duplicate), not created.duplicate
