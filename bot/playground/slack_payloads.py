"""Requests shaped and signed as Slack sends them: slash commands, interactivity payloads, Events API.

The playground's browser clicks become these, so the Bolt app cannot tell them from Slack's own.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

TEAM_ID = "T0PLAY"
TEAM_DOMAIN = "learnfit-playground"
API_APP_ID = "A0LEARN"
BOT_USER_ID = "U0BOT"
_counter = itertools.count(1000)


def trigger_id() -> str:
    return f"{next(_counter)}.{TEAM_ID}.trigger{next(_counter)}"


def action_ts() -> str:
    return f"{time.time():.6f}"


def signed_headers(body: bytes, secret: str, *, content_type: str) -> dict[str, str]:
    """The headers Slack signs a request with (v0 HMAC over timestamp and body)."""
    stamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body.decode())
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }


def command_body(
    command: str,
    text: str,
    *,
    user_id: str,
    user_name: str,
    channel_id: str,
    channel_name: str,
    response_url: str,
    trigger: str,
) -> bytes:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger,
        }
    ).encode()


def user_object(user_id: str, name: str) -> dict[str, Any]:
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def team_object() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def interactive_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_actions(
    action: dict[str, Any],
    *,
    user: dict[str, Any],
    trigger: str,
    container: dict[str, Any],
    channel: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user,
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger,
        "team": team_object(),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [{**action, "action_ts": action_ts()}],
    }
    if channel is not None:
        payload["channel"] = channel
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    if response_url:
        payload["response_url"] = response_url
    return payload


def view_submission(
    view: dict[str, Any], values: dict[str, Any], *, user: dict[str, Any], trigger: str
) -> dict[str, Any]:
    """The view as it is open, plus the state.values the person typed."""
    return {
        "type": "view_submission",
        "team": team_object(),
        "user": user,
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger,
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(view: dict[str, Any], *, user: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_closed",
        "team": team_object(),
        "user": user,
        "api_app_id": API_APP_ID,
        "token": "legacy-verification-token",
        "view": view,
        "is_cleared": False,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action(
    callback_id: str,
    *,
    user: dict[str, Any],
    message: dict[str, Any],
    channel: dict[str, Any],
    response_url: str,
    trigger: str,
) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger,
        "message_ts": message["ts"],
        "response_url": response_url,
        "team": team_object(),
        "channel": channel,
        "user": user,
        "message": message,
        "token": "legacy-verification-token",
        "action_ts": action_ts(),
        "is_enterprise_install": False,
        "enterprise": None,
    }


def event_envelope(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_counter)}",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }


def app_home_opened(user_id: str) -> dict[str, Any]:
    return event_envelope(
        {"type": "app_home_opened", "user": user_id, "channel": f"D{user_id}", "tab": "home"}
    )


def message_event(
    *, user_id: str, channel_id: str, ts: str, text: str, thread_ts: str | None = None
) -> dict[str, Any]:
    """A person's `message` event (message.channels / message.groups / message.im)."""
    channel_type = {"D": "im", "G": "group"}.get(channel_id[:1], "channel")
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel_id,
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": TEAM_ID,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def reaction_added_event(
    *, user_id: str, reaction: str, channel_id: str, message_ts: str, item_user: str
) -> dict[str, Any]:
    return {
        "type": "reaction_added",
        "user": user_id,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel_id, "ts": message_ts},
        "event_ts": action_ts(),
    }
