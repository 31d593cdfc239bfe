"""Buttons on goals: New goal, Log toward it, Mark done, Drop, Edit, and Share from the celebration DM.

Goal ids come from buttons, so every one is looked up among the clicking person's own goals.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.home import refresh_home
from bot.flows.learning import open_learning_modal
from bot.flows.scope import person_scope
from bot.forms.goal import GoalModalContext, GoalPrefill, goal_modal
from bot.forms.learning import ModalContext, ModalPrefill
from bot.forms.share_goal import share_modal
from bot.gateway import SlackGateway
from bot.listeners.payload import channel_of, id_value
from bot.services.goals import drop_goal, get_goal, goal_progress, mark_goal_done
from bot.services.people import Workspace, local_today
from bot.views.format import escape, truncate
from bot.views.goals import (
    DROP_GOAL,
    goal_error_message,
    goal_list_message,
)
from models import Goal, GoalStatus

NOT_YOURS = "That goal is not one of yours, or it no longer exists, so nothing changed."
FINISHED = "That goal is finished."


def _tell(
    body: dict[str, Any],
    respond: Respond,
    gateway: SlackGateway,
    payload: dict[str, Any],
    *,
    replace_original: bool = False,
) -> None:
    """Answer privately where the button was: in its message when it has one, else (App Home) the DM."""
    if body.get("response_url"):
        respond(**payload, replace_original=replace_original)
    else:
        gateway.notify(body["user"]["id"], payload, channel_id=channel_of(body))


def _refuse(body: dict[str, Any], respond: Respond, gateway: SlackGateway, goal: Goal | None) -> None:
    """Why a button on an active goal did nothing: the goal is not theirs (or gone), or it is finished."""
    _tell(body, respond, gateway, goal_error_message(NOT_YOURS if goal is None else FINISHED))


def open_goal_modal(ack: Ack, body: dict[str, Any], gateway: SlackGateway) -> None:
    ack()
    gateway.open_modal(
        body["trigger_id"], goal_modal(GoalPrefill(), GoalModalContext(channel_id=channel_of(body)))
    )


def log_toward_goal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    ack()
    user_id, goal_id = body["user"]["id"], id_value(action)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
        usable = goal is not None and goal.status is GoalStatus.ACTIVE
    if not usable:
        _refuse(body, respond, gateway, goal)
        return
    open_learning_modal(
        deps,
        workspace,
        gateway,
        user_id,
        body["trigger_id"],
        ModalContext(channel_id=channel_of(body)),
        ModalPrefill(goal_id=goal_id),
    )


def _finished_notice(goal: Goal, *, changed: bool, drop: bool) -> str:
    title = escape(truncate(goal.title, 200))
    if not changed:
        return f"*{title}* is already {goal.status.value}; nothing changed."
    if drop:
        return f":wastebasket: Dropped *{title}*. Your learning entries stay as they were."
    return f":white_check_mark: Marked *{title}* done. Well done!"


def finish_goal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Mark done, or Drop (after its confirm dialog): the goal list redrawn with what changed."""
    ack()
    drop = action["action_id"] == DROP_GOAL
    user_id, goal_id = body["user"]["id"], id_value(action)
    reply = None
    with person_scope(deps, workspace, gateway, user_id) as scope:
        change = drop_goal if drop else mark_goal_done
        goal, changed = (
            change(scope.session, scope.person, goal_id, now=scope.now) if goal_id else (None, False)
        )
        if goal is not None:
            scope.session.flush()
            reply = goal_list_message(
                goal_progress(scope.session, scope.person, now=scope.now),
                today=local_today(scope.person, scope.now),
                notice=_finished_notice(goal, changed=changed, drop=drop),
            )
    if reply is None:
        _tell(body, respond, gateway, goal_error_message(NOT_YOURS))
        return
    _tell(body, respond, gateway, reply, replace_original=True)
    refresh_home(deps, workspace, gateway, user_id)


def edit_goal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    ack()
    user_id, goal_id = body["user"]["id"], id_value(action)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
        prefill = GoalPrefill.from_goal(goal) if goal and goal.status is GoalStatus.ACTIVE else None
    if prefill is None:
        _refuse(body, respond, gateway, goal)
        return
    modal_context = GoalModalContext(
        goal_id=goal_id, channel_id=channel_of(body), response_url=body.get("response_url")
    )
    gateway.open_modal(body["trigger_id"], goal_modal(prefill, modal_context))


def share_goal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Share, on the celebration DM: only a goal of theirs that was reached."""
    ack()
    user_id, goal_id = body["user"]["id"], id_value(action)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
        view = share_modal(goal) if goal and goal.reached_at is not None else None
    if view is None:
        _tell(body, respond, gateway, goal_error_message(NOT_YOURS))
        return
    gateway.open_modal(body["trigger_id"], view)
