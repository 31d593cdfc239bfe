"""Submitting the goal form (set a goal, or edit one) and the share form (post to the channel picked)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack

from bot.deps import Deps
from bot.flows.goals import celebrate_reached_goals
from bot.flows.scope import PersonScope, person_scope
from bot.forms import share_goal
from bot.forms.goal import GoalModalContext, field_errors, parse_goal_form
from bot.gateway import SlackGateway
from bot.listeners.payload import view_key
from bot.listeners.views.submission import ack_after, confirm
from bot.services.goals import (
    GoalDraft,
    GoalError,
    create_goal,
    get_goal,
    goal_progress,
    mark_shared,
    update_goal,
)
from bot.services.people import Workspace, local_today
from bot.views.goals import (
    goal_gone_message,
    goal_list_message,
    goal_saved_message,
    goal_shared_message,
    goal_updated_notice,
)


@dataclass(frozen=True)
class _Saved:
    reply: dict[str, Any]
    duplicate: bool = False  # a double submission of a goal already set: nothing more to say
    redraws_list: bool = False  # an edit: the reply is the goal list, redrawn where it was clicked


def submit_goal(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    user_id = body["user"]["id"]
    modal_context = GoalModalContext.load(view.get("private_metadata"))
    # Store before acking: a problem only the database can see (a date past in their day) goes under its
    # field.
    saved = ack_after(ack, _save, deps, workspace, gateway, user_id, modal_context, view)
    if saved is None or saved.duplicate:
        return
    # An edit from the goal list in the person's DM redraws the list in place.
    origin = modal_context.origin if saved.redraws_list else None
    confirm(gateway, user_id, saved.reply, origin=origin, channel_id=modal_context.channel_id)
    celebrate_reached_goals(deps, workspace, gateway, user_id, goals_changed=True)


def _save(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    modal_context: GoalModalContext,
    view: dict[str, Any],
) -> _Saved:
    draft = parse_goal_form(view["state"]["values"])
    try:
        with person_scope(deps, workspace, gateway, user_id) as scope:
            if modal_context.goal_id is not None:
                return _edit(scope, modal_context.goal_id, draft)
            created = create_goal(
                scope.session,
                scope.person,
                draft,
                now=scope.now,
                idempotency_key=view_key(view),
            )
            today = local_today(scope.person, scope.now)
            return _Saved(goal_saved_message(created.goal, today=today), duplicate=created.duplicate)
    except GoalError as exc:
        raise field_errors(exc) from None


def _edit(scope: PersonScope, goal_id: int, draft: GoalDraft) -> _Saved:
    goal = update_goal(scope.session, scope.person, goal_id, draft, now=scope.now)
    if goal is None:
        # Nothing to redraw: say so where the person is.
        return _Saved(goal_gone_message())
    scope.session.flush()
    progress = goal_progress(scope.session, scope.person, now=scope.now)
    today = local_today(scope.person, scope.now)
    return _Saved(
        goal_list_message(progress, today=today, notice=goal_updated_notice(goal)), redraws_list=True
    )


def submit_share(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    # Post before acking, so a channel the app cannot post in is explained under the field.
    ack_after(ack, _share, deps, workspace, gateway, body["user"]["id"], view)


def _share(
    deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str, view: dict[str, Any]
) -> None:
    shared = share_goal.ShareGoalContext.load(view.get("private_metadata"))
    channel_id = share_goal.parse_share_form(view["state"]["values"])
    with person_scope(deps, workspace, gateway, user_id) as scope:
        goal = get_goal(scope.session, scope.person, shared.goal_id) if shared.goal_id else None
        if goal is None or goal.reached_at is None:
            raise share_goal.CHANNEL_PICK.refused(share_goal.NOT_YOURS)
        payload = goal_shared_message(goal, user_id)
    if not gateway.sees_channel(user_id, channel_id):
        raise share_goal.CHANNEL_PICK.refused(share_goal.NOT_SEEN)
    posted = gateway.post(channel_id, payload)
    if posted.error is not None:
        raise share_goal.CHANNEL_PICK.post_refused(posted.error)
    with person_scope(deps, workspace, gateway, user_id) as scope:
        mark_shared(scope.session, scope.person, goal.id, now=scope.now)
