"""Nudge buttons (Log now, Not today, Snooze a week, Settings) and the nudge settings controls."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.forms.learning import ModalContext
from bot.listeners.common import PersonScope, person_scope
from bot.listeners.learning_modal import open_learning_modal
from bot.parsing.team import parse_time
from bot.services import nudges
from bot.views.nudges import (
    NUDGE_DAYS,
    NUDGE_LOG_NOW,
    NUDGE_SETTINGS,
    NUDGE_SNOOZE_TODAY,
    NUDGE_SNOOZE_WEEK,
    NUDGE_TIME,
    NUDGE_TOGGLE,
    NUDGE_UNSNOOZE,
    nudge_settings_message,
    snoozed_message,
)

logger = logging.getLogger(__name__)


def change_nudges(
    scope: PersonScope,
    *,
    enabled: bool | None = None,
    weekdays: tuple[int, ...] | None = None,
    minute: int | None = None,
    snooze_days: int | None = None,
    unsnooze: bool = False,
) -> dict[str, Any]:
    """Apply one change to the person's nudges and answer with their settings (shared with /fitness)."""
    person, now = scope.person, scope.now
    note = None
    if snooze_days is not None:
        return snoozed_message(nudges.snooze(person, now=now, days=snooze_days))
    if unsnooze:
        nudges.unsnooze(person, now=now)
        note = "Snooze ended."
    if weekdays is not None or minute is not None:
        nudges.set_nudge_schedule(person, weekdays, minute, now=now)
        note = ":white_check_mark: Saved."
    if enabled is not None:
        nudges.set_nudges_enabled(person, enabled, now=now)
        note = ":white_check_mark: Nudges are on." if enabled else "Nudges are off. Turn them on any time."
    return nudge_settings_message(nudges.nudge_settings(person, now), note=note)


def _channel_id(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id")


def register(app: App, deps: Deps) -> None:
    @app.action(NUDGE_LOG_NOW)
    def log_now(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        open_learning_modal(
            deps,
            context,
            client,
            body["user"]["id"],
            body["trigger_id"],
            ModalContext(channel_id=_channel_id(body)),
        )

    def snooze_for(days: int) -> Any:
        def snooze(
            ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
        ) -> None:
            ack()
            with person_scope(deps, context, client, body["user"]["id"]) as scope:
                reply = change_nudges(scope, snooze_days=days)
            respond(**reply, replace_original=True)

        return snooze

    app.action(NUDGE_SNOOZE_TODAY)(snooze_for(0))
    app.action(NUDGE_SNOOZE_WEEK)(snooze_for(7))

    @app.action(NUDGE_SETTINGS)
    def settings(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()
        with person_scope(deps, context, client, body["user"]["id"]) as scope:
            reply = change_nudges(scope)
        respond(**reply, replace_original=False)

    @app.action(NUDGE_DAYS)
    def days(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        chosen = tuple(
            int(item["value"])
            for item in action.get("selected_options") or []
            if str(item.get("value")).isdigit()
        )
        with person_scope(deps, context, client, body["user"]["id"]) as scope:
            if chosen:
                reply = change_nudges(scope, weekdays=chosen)
            else:
                reply = nudge_settings_message(
                    nudges.nudge_settings(scope.person, scope.now),
                    note=":warning: Keep at least one day, or use *Turn off*.",
                )
        respond(**reply, replace_original=True)

    @app.action(NUDGE_TIME)
    def nudge_time(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        minute = parse_time(str(action.get("selected_time") or ""))
        with person_scope(deps, context, client, body["user"]["id"]) as scope:
            reply = change_nudges(scope, minute=minute) if minute is not None else change_nudges(scope)
        respond(**reply, replace_original=True)

    @app.action(NUDGE_TOGGLE)
    def toggle(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        with person_scope(deps, context, client, body["user"]["id"]) as scope:
            reply = change_nudges(scope, enabled=action.get("value") == "on")
        respond(**reply, replace_original=True)

    @app.action(NUDGE_UNSNOOZE)
    def unsnooze(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()
        with person_scope(deps, context, client, body["user"]["id"]) as scope:
            reply = change_nudges(scope, unsnooze=True)
        respond(**reply, replace_original=True)
