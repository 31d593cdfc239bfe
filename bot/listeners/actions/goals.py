"""Buttons on goals: Log toward it, Mark done, Drop, Edit, and Share from the celebration DM.

Goal ids come from buttons, so every one is looked up among the clicking person's own goals.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.forms.goal import GoalModalContext, GoalPrefill, goal_modal
from bot.forms.learning import ModalContext, ModalPrefill
from bot.forms.share_goal import share_modal
from bot.listeners.common import notify, person_scope, refresh_home
from bot.listeners.learning_modal import open_learning_modal
from bot.services.goals import drop_goal, get_goal, goal_progress, mark_goal_done
from bot.services.people import local_today
from bot.views.format import escape, truncate
from bot.views.goals import (
    DROP_GOAL,
    EDIT_GOAL,
    LOG_TOWARD_GOAL,
    MARK_GOAL_DONE,
    SHARE_GOAL,
    goal_error_message,
    goal_list_message,
)
from bot.views.home import OPEN_GOAL_MODAL
from models import GoalStatus

NOT_YOURS = "That goal is not one of yours, or it no longer exists, so nothing changed."


def _goal_id(action: dict[str, Any]) -> int | None:
    value = str(action.get("value", ""))
    return int(value) if value.isdigit() else None


def _channel_id(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id")


def _tell(body: dict[str, Any], respond: Respond, client: WebClient, payload: dict[str, Any]) -> None:
    """Answer privately where the button was: in its message when it has one, else (App Home) the DM."""
    if body.get("response_url"):
        respond(**payload, replace_original=False)
    else:
        notify(client, body["user"]["id"], payload, channel_id=_channel_id(body))


def register(app: App, deps: Deps) -> None:
    @app.action(OPEN_GOAL_MODAL)
    def open_goal_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=goal_modal(GoalPrefill(), GoalModalContext(channel_id=_channel_id(body))),
        )

    @app.action(LOG_TOWARD_GOAL)
    def log_toward_goal(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id, goal_id = body["user"]["id"], _goal_id(action)
        with person_scope(deps, context, client, user_id) as scope:
            goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
            usable = goal is not None and goal.status is GoalStatus.ACTIVE
        if not usable:
            _tell(
                body,
                respond,
                client,
                goal_error_message(NOT_YOURS if goal is None else "That goal is finished."),
            )
            return
        open_learning_modal(
            deps,
            context,
            client,
            user_id,
            body["trigger_id"],
            ModalContext(channel_id=_channel_id(body)),
            ModalPrefill(goal_id=goal_id),
        )

    @app.action(MARK_GOAL_DONE)
    @app.action(DROP_GOAL)
    def finish(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        """Mark done, or Drop (after its confirm dialog): the goal list redrawn with what changed."""
        ack()
        drop = action["action_id"] == DROP_GOAL
        user_id, goal_id = body["user"]["id"], _goal_id(action)
        with person_scope(deps, context, client, user_id) as scope:
            change = drop_goal if drop else mark_goal_done
            goal, changed = (
                change(scope.session, scope.person, goal_id, now=scope.now) if goal_id else (None, False)
            )
            if goal is None:
                reply = None
            else:
                scope.session.flush()
                title = escape(truncate(goal.title, 200))
                if not changed:
                    notice = f"*{title}* is already {goal.status.value}; nothing changed."
                elif drop:
                    notice = f":wastebasket: Dropped *{title}*. Your learning entries stay as they were."
                else:
                    notice = f":white_check_mark: Marked *{title}* done. Well done!"
                progress = goal_progress(scope.session, scope.person, now=scope.now)
                reply = goal_list_message(progress, today=local_today(scope.person, scope.now), notice=notice)
        if reply is None:
            _tell(body, respond, client, goal_error_message(NOT_YOURS))
            return
        if body.get("response_url"):
            respond(**reply, replace_original=True)
        else:
            notify(client, user_id, reply, channel_id=_channel_id(body))
        refresh_home(deps, context, client, user_id)

    @app.action(EDIT_GOAL)
    def edit_goal(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id, goal_id = body["user"]["id"], _goal_id(action)
        with person_scope(deps, context, client, user_id) as scope:
            goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
            prefill = GoalPrefill.from_goal(goal) if goal and goal.status is GoalStatus.ACTIVE else None
        if prefill is None:
            _tell(
                body,
                respond,
                client,
                goal_error_message(NOT_YOURS if goal is None else "That goal is finished."),
            )
            return
        modal_context = GoalModalContext(
            goal_id=goal_id, channel_id=_channel_id(body), response_url=body.get("response_url")
        )
        client.views_open(trigger_id=body["trigger_id"], view=goal_modal(prefill, modal_context))

    @app.action(SHARE_GOAL)
    def share_goal(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        user_id, goal_id = body["user"]["id"], _goal_id(action)
        with person_scope(deps, context, client, user_id) as scope:
            goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
            view = share_modal(goal) if goal and goal.reached_at is not None else None
        if view is None:
            _tell(body, respond, client, goal_error_message(NOT_YOURS))
            return
        client.views_open(trigger_id=body["trigger_id"], view=view)
