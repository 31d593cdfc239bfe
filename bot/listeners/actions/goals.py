"""Buttons on goals: New goal, Log toward it, Mark done, Drop, Edit, and Share from the celebration DM.

Goal ids come from buttons, so every one is looked up among the clicking person's own goals.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.home import redraw_home
from bot.flows.learning import open_learning_modal
from bot.flows.scope import person_scope
from bot.forms.goal import GoalModalContext, GoalPrefill, goal_modal
from bot.forms.learning import ModalContext, ModalPrefill
from bot.forms.share_goal import share_modal
from bot.gateway import SlackGateway
from bot.listeners.payload import channel_of, id_value, redrawable_message
from bot.services.goals import drop_goal, get_goal, goal_progress, mark_goal_done
from bot.services.people import Workspace, local_today
from bot.views.goals import DROP_GOAL, goal_finished_notice, goal_list_message, goal_refused_message
from models import Goal, GoalStatus

Read = TypeVar("Read")


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


def _clicked_goal(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
    read: Callable[[Goal], Read],
    *,
    reached: bool = False,
) -> Read | None:
    """What `read` makes of the clicked goal (while it is loaded) if it is the clicker's and still active, or
    with `reached` one they reached; otherwise they are told why, and None."""
    goal_id = id_value(action)
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
        if goal is not None and (
            goal.reached_at is not None if reached else goal.status is GoalStatus.ACTIVE
        ):
            return read(goal)
        # Share is only offered on a goal reached: any other is refused like someone else's.
        finished = goal is not None and not reached
    _tell(body, respond, gateway, goal_refused_message(finished=finished))
    return None


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
    goal_id = _clicked_goal(body, action, respond, workspace, deps, gateway, lambda goal: goal.id)
    if goal_id is None:
        return
    modal_context = ModalContext(channel_id=channel_of(body))
    prefill = ModalPrefill(goal_id=goal_id)
    open_learning_modal(
        deps, workspace, gateway, body["user"]["id"], body["trigger_id"], modal_context, prefill
    )


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
                notice=goal_finished_notice(goal, changed=changed, drop=drop),
            )
    ack()  # the change is stored: now Slack hears back
    if reply is None:
        _tell(body, respond, gateway, goal_refused_message())
        return
    _tell(body, respond, gateway, reply, replace_original=True)
    redraw_home(deps, workspace, gateway, user_id)


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
    view = _clicked_goal(body, action, respond, workspace, deps, gateway, partial(_edit_form, body=body))
    if view is not None:
        gateway.open_modal(body["trigger_id"], view)


def _edit_form(goal: Goal, *, body: dict[str, Any]) -> dict[str, Any]:
    """The goal form filled in with the goal; saved, it redraws the message clicked (the goal list)."""
    modal_context = GoalModalContext(
        goal_id=goal.id, channel_id=channel_of(body), origin=redrawable_message(body)
    )
    return goal_modal(GoalPrefill.from_goal(goal), modal_context)


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
    view = _clicked_goal(body, action, respond, workspace, deps, gateway, share_modal, reached=True)
    if view is not None:
        gateway.open_modal(body["trigger_id"], view)
