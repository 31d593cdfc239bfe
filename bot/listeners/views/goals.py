"""Submitting the goal modal (set once, or edit) and the share modal (post to the channel picked)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.deps import Deps
from bot.listeners.common import notify, person_scope
from bot.listeners.goal_celebration import celebrate_reached_goals
from bot.parsing.goal import parse_goal_form
from bot.parsing.learn import FormErrors
from bot.services.goals import GoalError, create_goal, get_goal, goal_progress, update_goal
from bot.services.people import local_today
from bot.views.format import escape, truncate
from bot.views.goals import (
    GOAL_MODAL,
    SHARE_GOAL_MODAL,
    GoalModalContext,
    goal_error_message,
    goal_list_message,
    goal_saved_message,
    goal_shared_message,
)

NOT_A_MEMBER = "Learnfit is not in that channel yet. Type /invite @Learnfit there, or pick another channel."
CHANNEL_PROBLEMS = {
    "not_in_channel": NOT_A_MEMBER,
    "channel_not_found": NOT_A_MEMBER,
    "is_archived": "That channel is archived. Pick another one.",
}


def _shared_goal_id(view: dict[str, Any]) -> int | None:
    try:
        goal_id = json.loads(view.get("private_metadata") or "{}").get("goal_id")
    except (ValueError, AttributeError):
        return None
    return goal_id if isinstance(goal_id, int) else None


def register(app: App, deps: Deps) -> None:
    @app.view(GOAL_MODAL)
    def submit_goal(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        user_id = body["user"]["id"]
        modal_context = GoalModalContext.load(view.get("private_metadata"))
        try:
            draft = parse_goal_form(view["state"]["values"])
        except FormErrors as exc:
            ack(response_action="errors", errors=exc.errors)
            return
        # Store before acking: a problem only the database can see (a date past in their day) goes under
        # its field.
        editing = modal_context.goal_id is not None
        try:
            with person_scope(deps, context, client, user_id) as scope:
                today = local_today(scope.person, scope.now)
                if modal_context.goal_id is not None:
                    goal = update_goal(
                        scope.session, scope.person, modal_context.goal_id, draft, now=scope.now
                    )
                    duplicate = False
                    scope.session.flush()
                    if goal is None:
                        reply = goal_error_message("That goal is finished or gone, so nothing changed.")
                        editing = False  # nothing to redraw: say so where the person is
                    else:
                        notice = f":pencil2: Updated *{escape(truncate(goal.title, 200))}*."
                        progress = goal_progress(scope.session, scope.person, now=scope.now)
                        reply = goal_list_message(progress, today=today, notice=notice)
                else:
                    created = create_goal(
                        scope.session,
                        scope.person,
                        draft,
                        now=scope.now,
                        # A double click on Save submits the same view twice.
                        idempotency_key=f"view:{view['id']}",
                    )
                    duplicate = created.duplicate
                    reply = goal_saved_message(created.goal, today=today)
        except GoalError as exc:
            ack(response_action="errors", errors={exc.field: exc.message})
            return
        ack()
        if duplicate:
            return
        # An edit from the goal list redraws the list in place (while its response_url lives).
        sent = editing and modal_context.response_url
        if not (sent and WebhookClient(sent).send(**reply, replace_original=True).status_code == 200):
            notify(client, user_id, reply, channel_id=modal_context.channel_id)
        celebrate_reached_goals(deps, context, client, user_id, goals_changed=True)

    @app.view(SHARE_GOAL_MODAL)
    def submit_share(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        user_id = body["user"]["id"]
        channel = view["state"]["values"].get("channel", {}).get("value", {}).get("selected_conversation")
        if not channel:
            ack(response_action="errors", errors={"channel": "Pick a channel to share with."})
            return
        goal_id = _shared_goal_id(view)
        with person_scope(deps, context, client, user_id) as scope:
            goal = get_goal(scope.session, scope.person, goal_id) if goal_id else None
            payload = goal_shared_message(goal, user_id) if goal and goal.reached_at is not None else None
        if payload is None:
            ack(response_action="errors", errors={"channel": "That goal is not one of yours to share."})
            return
        # Post before acking, so a channel the app cannot post in is explained under the field.
        try:
            client.chat_postMessage(channel=channel, **payload)
        except SlackApiError as exc:
            problem = CHANNEL_PROBLEMS.get(str(exc.response.get("error")))
            if problem is None:
                raise
            ack(response_action="errors", errors={"channel": problem})
            return
        ack()
