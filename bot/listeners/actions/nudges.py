"""Nudge buttons (Not today, Snooze a week, Settings) and the nudge settings controls.

Log now on a nudge opens the same empty learning form as Log learning (actions/learning.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.flows.nudges import change_nudges
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.listeners.payload import menu_choice
from bot.parsing.numbers import bounded_int
from bot.parsing.team import parse_time
from bot.services import nudges
from bot.services.people import Workspace
from bot.views.nudges import NUDGE_SNOOZE_TODAY, NUDGE_SNOOZE_WEEK, one_day_needed_message

SNOOZE_DAYS = {NUDGE_SNOOZE_TODAY: 0, NUDGE_SNOOZE_WEEK: 7}


def _answer(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
    reply: Callable[[PersonScope], dict[str, Any]],
    *,
    replace_original: bool = True,
) -> None:
    """The clicker's `reply` (a change to their nudges, and their settings), in place of the message clicked;
    acked once the change is stored."""
    with person_scope(deps, workspace, gateway, body["user"]["id"]) as scope:
        payload = reply(scope)
    ack()
    respond(**payload, replace_original=replace_original)


def _one_day_needed(scope: PersonScope) -> dict[str, Any]:
    return one_day_needed_message(nudges.nudge_settings(scope.person, scope.now))


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
    days = SNOOZE_DAYS[action["action_id"]]
    _answer(ack, body, respond, workspace, deps, gateway, partial(change_nudges, snooze_days=days))


def show_settings(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """Settings on a nudge: the settings in a new message, the nudge stays."""
    _answer(ack, body, respond, workspace, deps, gateway, change_nudges, replace_original=False)


def set_days(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    chosen = _weekdays(action.get("selected_options"))
    reply = partial(change_nudges, weekdays=chosen) if chosen else _one_day_needed
    _answer(ack, body, respond, workspace, deps, gateway, reply)


def _weekdays(options: object) -> tuple[int, ...]:
    """The days ticked (0 Monday .. 6 Sunday), each once; what is no day of the week is not one."""
    if not isinstance(options, list) or len(options) > 7:
        return ()
    days = (
        bounded_int(item["value"], low=0, high=6)
        if isinstance(item, dict) and isinstance(item.get("value"), str) and item["value"].isascii()
        else None
        for item in options
    )
    return tuple(sorted({day for day in days if day is not None}))


def set_time(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """A time Slack's picker sent that does not parse (None) leaves the schedule as it was."""
    minute = parse_time(str(action.get("selected_time") or ""))
    _answer(ack, body, respond, workspace, deps, gateway, partial(change_nudges, minute=minute))


def toggle(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    enabled = action.get("value") == "on"
    _answer(ack, body, respond, workspace, deps, gateway, partial(change_nudges, enabled=enabled))


SETTINGS_MENU = {
    "on": partial(change_nudges, enabled=True),
    "off": partial(change_nudges, enabled=False),
    "unsnooze": partial(change_nudges, unsnooze=True),
    "snooze": partial(change_nudges, snooze_days=7),
}


def settings_menu(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    """The `⋯` menu on the nudge settings: on or off, End snooze or Snooze a week (anything else: ignored)."""
    choice, _ = menu_choice(action)
    reply = SETTINGS_MENU.get(choice)
    if reply is None:
        ack()
        return
    _answer(ack, body, respond, workspace, deps, gateway, reply)


def unsnooze(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    workspace: Workspace,
    deps: Deps,
    gateway: SlackGateway,
) -> None:
    _answer(ack, body, respond, workspace, deps, gateway, partial(change_nudges, unsnooze=True))
