"""Payloads shaped like the ones Slack sends (slash commands, interactivity, events)."""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0LEARN"
TEAM_DOMAIN = "learnfit-test"
API_APP_ID = "A0LEARN"
CHANNEL_ID = "C0GENERAL"
_counter = itertools.count(1000)


def trigger_id() -> str:
    return f"{next(_counter)}.{TEAM_ID}.trigger{next(_counter)}"


def command_body(
    command: str,
    text: str,
    *,
    user_id: str,
    response_url: str,
    channel_id: str = CHANNEL_ID,
    trigger: str | None = None,
) -> bytes:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger or trigger_id(),
        }
    ).encode()


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def interactive_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_actions(
    action_id: str,
    *,
    user_id: str,
    value: str | None = None,
    response_url: str | None = None,
    container: dict[str, Any] | None = None,
    channel_id: str | None = CHANNEL_ID,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "b1",
        "type": "button",
        "text": {"type": "plain_text", "text": "Button"},
        "action_ts": f"{next(_counter)}.000100",
    }
    if value is not None:
        action["value"] = value
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "container": container
        or {"type": "message", "message_ts": "1700000000.000100", "is_ephemeral": True},
        "trigger_id": trigger_id(),
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if channel_id:
        payload["channel"] = {"id": channel_id, "name": "general"}
    if response_url:
        payload["response_url"] = response_url
    if view is not None:
        payload["view"] = view
    return payload


def view_submission(
    view: dict[str, Any], values: dict[str, Any], *, user_id: str, view_id: str
) -> dict[str, Any]:
    """Submit a view as Slack would: the view we opened, plus state.values typed by the person."""
    submitted = {**view, "id": view_id, "team_id": TEAM_ID, "state": {"values": values}, "hash": "h1"}
    return {
        "type": "view_submission",
        "team": _team(),
        "user": _user(user_id),
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id(),
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action(
    callback_id: str, *, user_id: str, message_text: str, message_user: str, message_ts: str, channel_id: str
) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id(),
        "message_ts": message_ts,
        "response_url": "https://hooks.slack.invalid/unused",
        "team": _team(),
        "channel": {"id": channel_id, "name": "general"},
        "user": _user(user_id),
        "message": {"type": "message", "user": message_user, "text": message_text, "ts": message_ts},
        "token": "legacy-verification-token",
        "action_ts": f"{next(_counter)}.000200",
        "is_enterprise_install": False,
        "enterprise": None,
    }


def event_envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter)}",
        "event_time": 1700000000,
        "authorizations": [
            {"team_id": TEAM_ID, "user_id": "U0BOT", "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }


def app_home_opened(user_id: str) -> dict[str, Any]:
    return event_envelope(
        {"type": "app_home_opened", "user": user_id, "channel": f"D{user_id}", "tab": "home"}
    )


def form_values(**fields: dict[str, Any]) -> dict[str, Any]:
    """state.values with each block's single element under action_id 'value'."""
    return {block_id: {"value": element} for block_id, element in fields.items()}


def text_value(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def radio_value(value: str) -> dict[str, Any]:
    return {
        "type": "radio_buttons",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def date_value(value: str) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def url_value(value: str | None) -> dict[str, Any]:
    return {"type": "url_text_input", "value": value}


def message_event(
    *,
    user_id: str,
    channel_id: str,
    ts: str,
    text: str = "",
    thread_ts: str | None = None,
    subtype: str | None = None,
    bot_id: str | None = None,
) -> dict[str, Any]:
    """A `message` event as the Events API delivers it (message.channels / message.groups)."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel_id,
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "group" if channel_id.startswith("G") else "channel",
        "team": TEAM_ID,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if subtype:
        event["subtype"] = subtype
    if bot_id:
        event["bot_id"] = bot_id
    return event


def message_changed_event(
    *, user_id: str, channel_id: str, ts: str, thread_ts: str, text: str, event_ts: str
) -> dict[str, Any]:
    """Slack's `message_changed`: the edited message nested under `message`."""
    edited = {"type": "message", "user": user_id, "text": text, "ts": ts, "thread_ts": thread_ts}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel_id,
        "ts": event_ts,
        "event_ts": event_ts,
        "message": {**edited, "edited": {"user": user_id, "ts": event_ts}},
        "previous_message": {**edited, "text": "(before)"},
        "channel_type": "channel",
    }


def message_deleted_event(
    *, user_id: str, channel_id: str, ts: str, thread_ts: str, event_ts: str
) -> dict[str, Any]:
    """Slack's `message_deleted`: the deleted message's ts, and what it was under `previous_message`."""
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel_id,
        "ts": event_ts,
        "event_ts": event_ts,
        "deleted_ts": ts,
        "previous_message": {
            "type": "message",
            "user": user_id,
            "text": "",
            "ts": ts,
            "thread_ts": thread_ts,
        },
        "channel_type": "channel",
    }


def reaction_added_event(
    *, user_id: str, reaction: str, channel_id: str, message_ts: str, item_user: str = "U0BOT"
) -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": user_id,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel_id, "ts": message_ts},
        "event_ts": f"{next(_counter)}.000300",
    }
