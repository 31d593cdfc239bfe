"""Nudge buttons (Not today, Snooze a week, Settings) and the nudge settings controls.

Log now on a nudge opens the same empty learning form as Log learning (actions/learning.py).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.nudges import change_nudges
from bot.flows.scope import person_scope
from bot.gateway import SlackGateway
from bot.parsing.team import parse_time
from bot.services import nudges
from bot.services.people import Workspace
from bot.views.nudges import NUDGE_SNOOZE_TODAY, NUDGE_SNOOZE_WEEK, nudge_settings_message

SNOOZE_DAYS = {NUDGE_SNOOZE_TODAY: 0, NUDGE_SNOOZE_WEEK: 7}


def snooze(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Not today, or Snooze a week: the nudge becomes the snooze's confirmation."""
    ack()
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        reply = change_nudges(scope, snooze_days=SNOOZE_DAYS[action["action_id"]])
    respond(**reply, replace_original=True)


def show_settings(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Settings on a nudge: the settings in a new message, the nudge stays."""
    ack()
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        reply = change_nudges(scope)
    respond(**reply, replace_original=False)


def set_days(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    ack()
    chosen = tuple(
        int(item["value"])
        for item in action.get("selected_options") or []
        if str(item.get("value")).isdigit()
    )
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        if chosen:
            reply = change_nudges(scope, weekdays=chosen)
        else:
            reply = nudge_settings_message(
                nudges.nudge_settings(scope.person, scope.now),
                note=":warning: Keep at least one day, or use *Turn off*.",
            )
    respond(**reply, replace_original=True)


def set_time(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """A time Slack's picker sent that does not parse leaves the schedule as it was."""
    ack()
    minute = parse_time(str(action.get("selected_time") or ""))
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        reply = change_nudges(scope, minute=minute) if minute is not None else change_nudges(scope)
    respond(**reply, replace_original=True)


def toggle(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    ack()
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        reply = change_nudges(scope, enabled=action.get("value") == "on")
    respond(**reply, replace_original=True)


def unsnooze(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    ack()
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        reply = change_nudges(scope, unsnooze=True)
    respond(**reply, replace_original=True)
