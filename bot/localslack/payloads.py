"""Requests as Slack sends them from one workspace: slash commands, interactivity payloads, Events API.

The tests and the playground both speak to the real Bolt app with these, so it cannot tell them from Slack's.
A workspace of an Enterprise Grid org sends them for a workspace-level install or, when the app is installed
once for the whole org, in the org-wide shapes (no `team`, a null authorized team, the org's id).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

LEGACY_TOKEN = "legacy-verification-token"  # Slack still sends the deprecated verification token
_serials = itertools.count(1000)


def signed_headers(
    body: bytes, secret: str, *, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack signs a request with: v0 HMAC-SHA256 of "v0:{timestamp}:{body}", stamped now."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def interactive_body(payload: Mapping[str, Any]) -> bytes:
    """Interactivity arrives as a form with the JSON payload in one field."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def _now_ts() -> str:
    return f"{time.time():.6f}"


def _present(**fields: Any) -> dict[str, Any]:
    """The optional fields that have a value: Slack leaves the others out of the payload."""
    return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class SlackPayloads:
    """One workspace's requests. Names are what Slack puts beside ids (a person's handle, a channel's name);
    an id not named falls back to its lowercase form, a DM to "directmessage".

    `org_wide_install`: as Slack sends them when the app is installed for the whole org (`enterprise_id`);
    `team_id` is then named only as the person's workspace, never as the installation's.
    """

    team_id: str
    team_domain: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    api_app_id: str = "A0LEARN"  # FakeSlack's app and bot user by default
    bot_user_id: str = "U0BOT"
    user_names: Mapping[str, str] = field(default_factory=dict)
    channel_names: Mapping[str, str] = field(default_factory=dict)
    # Slack Connect: the own workspace of each partner from another organisation (everyone else is of
    # this one), and the channels shared with another organisation.
    user_teams: Mapping[str, str] = field(default_factory=dict)
    ext_shared_channels: frozenset[str] = frozenset()
    org_wide_install: bool = False

    def __post_init__(self) -> None:
        if self.org_wide_install and not self.enterprise_id:
            raise ValueError("an org-wide install is an Enterprise Grid org's: give its enterprise_id")

    def new_trigger_id(self) -> str:
        return f"{next(_serials)}.{self.team_id}.trigger{next(_serials)}"

    # ------------------------------------------------------------------ the pieces every payload shares

    def _user(self, user_id: str) -> dict[str, Any]:
        name = self.user_names.get(user_id, user_id.lower())
        return {"id": user_id, "username": name, "name": name, "team_id": self._team_of(user_id)}

    def _team_of(self, user_id: str) -> str:
        return self.user_teams.get(user_id, self.team_id)

    def _channel_name(self, channel_id: str) -> str:
        fallback = "directmessage" if channel_id.startswith("D") else channel_id.lower()
        return self.channel_names.get(channel_id, fallback)

    def _channel(self, channel_id: str | None) -> dict[str, Any] | None:
        return {"id": channel_id, "name": self._channel_name(channel_id)} if channel_id else None

    def _as_shown(self, view: Mapping[str, Any]) -> dict[str, Any]:
        """A view as a payload carries it. Org-wide, Slack names the org as the installation's workspace
        (`app_installed_team_id`), the one Bolt takes for the request's team."""
        if not self.org_wide_install:
            return dict(view)
        return {**view, "team_id": self.team_id, "app_installed_team_id": self.enterprise_id}

    def _interaction(self, kind: str, user_id: str) -> dict[str, Any]:
        """What every interactivity payload carries: what happened, who did it, in which workspace."""
        team: dict[str, Any] = {"id": self.team_id, "domain": self.team_domain}
        enterprise: dict[str, Any] | None = None
        if self.enterprise_id:
            team |= {"enterprise_id": self.enterprise_id, "enterprise_name": self.enterprise_name}
            enterprise = {"id": self.enterprise_id, "name": self.enterprise_name}
        return {
            "type": kind,
            # Org-wide, Slack names no team: the person's workspace is their user's team_id.
            "team": None if self.org_wide_install else team,
            "user": self._user(user_id),
            "token": LEGACY_TOKEN,
            "enterprise": enterprise,
            "is_enterprise_install": self.org_wide_install,
        }

    # ------------------------------------------------------------------ slash commands

    def command_body(
        self,
        command: str,
        text: str,
        *,
        user_id: str,
        channel_id: str,
        response_url: str,
        trigger_id: str | None = None,
    ) -> bytes:
        """A slash command's form body."""
        fields = {
            "token": LEGACY_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            **_present(enterprise_id=self.enterprise_id, enterprise_name=self.enterprise_name),
            "channel_id": channel_id,
            "channel_name": self._channel_name(channel_id),
            "user_id": user_id,
            "user_name": self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "true" if self.org_wide_install else "false",
            "response_url": response_url,
            "trigger_id": trigger_id or self.new_trigger_id(),
        }
        return urlencode(fields).encode()

    # ------------------------------------------------------------------ interactivity

    def block_actions(
        self,
        action: Mapping[str, Any],
        *,
        user_id: str,
        view: Mapping[str, Any] | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        ephemeral: bool = False,
        message: Mapping[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> dict[str, Any]:
        """`action` used in `view` (a modal or the Home tab) or, without one, on the message at `message_ts`
        in `channel_id` (`message` is that message, which Slack leaves out when it is ephemeral)."""
        if view is not None:
            container: dict[str, Any] = {"type": "view", "view_id": view["id"]}
        else:
            container = {"type": "message", "message_ts": message_ts, "is_ephemeral": ephemeral}
            container |= _present(channel_id=channel_id)
        return {
            **self._interaction("block_actions", user_id),
            "api_app_id": self.api_app_id,
            "container": container,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "actions": [{**action, "action_ts": _now_ts()}],
            **_present(
                channel=self._channel(channel_id),
                message=None if ephemeral else message,
                view=None if view is None else self._as_shown(view),
                response_url=response_url,
            ),
        }

    def view_submission(
        self,
        view: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        user_id: str,
        view_id: str | None = None,
        trigger_id: str | None = None,
    ) -> dict[str, Any]:
        """Submit `view` with the state.values the person typed. `view` is as Slack holds it, or as the app
        opened it (views.open's argument) plus the `view_id` Slack gave it."""
        held = view if view_id is None else {**view, "id": view_id, "team_id": self.team_id, "hash": "h1"}
        return {
            **self._interaction("view_submission", user_id),
            "api_app_id": self.api_app_id,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "view": {**self._as_shown(held), "state": {"values": values}},
            "response_urls": [],
        }

    def view_closed(self, view: Mapping[str, Any], *, user_id: str) -> dict[str, Any]:
        """The person cancelled a modal opened with notify_on_close."""
        return {
            **self._interaction("view_closed", user_id),
            "api_app_id": self.api_app_id,
            "view": self._as_shown(view),
            "is_cleared": False,
        }

    def message_action(
        self,
        callback_id: str,
        message: Mapping[str, Any],
        *,
        user_id: str,
        channel_id: str,
        response_url: str,
        trigger_id: str | None = None,
    ) -> dict[str, Any]:
        """A message shortcut used on `message` (which has its `ts`) in `channel_id`; Slack names no app."""
        return {
            **self._interaction("message_action", user_id),
            "callback_id": callback_id,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "message_ts": message["ts"],
            "response_url": response_url,
            "channel": self._channel(channel_id),
            "message": message,
            "action_ts": _now_ts(),
        }

    # ------------------------------------------------------------------ Events API

    def event_envelope(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        conversation_team_id: str | None = None,
    ) -> dict[str, Any]:
        """The event_callback wrapper every Events API delivery comes in, for an event by a person of this
        workspace. `conversation_team_id`: the workspace the conversation belongs to, when it is another
        workspace of the org (a channel shared across the org's workspaces)."""
        serial = next(_serials)
        authorization = {
            "enterprise_id": self.enterprise_id,
            # An org-wide installation is the org's, for no one workspace.
            "team_id": None if self.org_wide_install else self.team_id,
            "user_id": self.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": self.org_wide_install,
        }
        conversation: dict[str, Any] = {}
        if self.org_wide_install or conversation_team_id:
            conversation = {
                "context_team_id": conversation_team_id or self.team_id,
                "context_enterprise_id": self.enterprise_id,
            }
        return {
            "token": LEGACY_TOKEN,
            "team_id": self.team_id,
            **_present(enterprise_id=self.enterprise_id),
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{serial}",
            "event_time": int(time.time()),
            "event_context": f"EC{serial}",
            "authorizations": [authorization],
            "is_ext_shared_channel": _channel_in(event) in self.ext_shared_channels,
            **conversation,
        }

    def app_home_opened(self, user_id: str) -> dict[str, Any]:
        """The person opened the app's Home tab (already in its envelope)."""
        event = {"type": "app_home_opened", "user": user_id, "channel": f"D{user_id}", "tab": "home"}
        return self.event_envelope(event)

    def message_event(
        self,
        *,
        user_id: str,
        channel_id: str,
        ts: str,
        text: str = "",
        thread_ts: str | None = None,
        subtype: str | None = None,
        bot_id: str | None = None,
    ) -> dict[str, Any]:
        """A `message` event (message.channels / message.groups / message.im), by a person or a bot. In a
        channel shared with another organisation it names the author's workspace as `user_team` too."""
        team = self._team_of(user_id)
        shared = {"user_team": team, "source_team": team} if channel_id in self.ext_shared_channels else {}
        return {
            "type": "message",
            "channel": channel_id,
            "user": user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": _channel_type(channel_id),
            "team": team,
            **shared,
            **_present(thread_ts=thread_ts, subtype=subtype, bot_id=bot_id),
        }

    def message_changed_event(
        self, *, user_id: str, channel_id: str, ts: str, thread_ts: str, text: str, event_ts: str
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
            "channel_type": _channel_type(channel_id),
        }

    def message_deleted_event(
        self, *, user_id: str, channel_id: str, ts: str, thread_ts: str, event_ts: str
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
            "channel_type": _channel_type(channel_id),
        }

    def reaction_added_event(
        self, *, user_id: str, reaction: str, channel_id: str, message_ts: str, item_user: str | None = None
    ) -> dict[str, Any]:
        """A reaction to the message at `message_ts`, written by `item_user` (the app's bot unless said)."""
        return {
            "type": "reaction_added",
            "user": user_id,
            "reaction": reaction,
            "item_user": item_user or self.bot_user_id,
            "item": {"type": "message", "channel": channel_id, "ts": message_ts},
            "event_ts": _now_ts(),
        }


def _channel_in(event: Mapping[str, Any]) -> str | None:
    """The conversation an event happened in (a reaction's is its item's)."""
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    return str(channel) if channel else None


def _channel_type(channel_id: str) -> str:
    """Events name the kind of conversation by the id's first letter: D a DM, G a private channel."""
    return {"D": "im", "G": "group"}.get(channel_id[:1], "channel")
