"""Talks to the Learnfit WSGI app the way Slack does: signed form bodies over HTTP semantics."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.test import Client

from bot.localslack import FakeSlack
from bot.localslack.blockkit import block_kit_problems
from bot.localslack.payloads import SlackPayloads, interactive_body, signed_headers
from tests.support.payloads import CHANNEL_ID, MESSAGE_TS, TEST_TEAM, button, overflow_pick


@dataclass(frozen=True)
class SlackReply:
    status: int
    body: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


class SlackDriver:
    """Sends Slack-shaped, signed requests to /slack/events and checks any Block Kit that comes back."""

    def __init__(self, wsgi_app: Any, signing_secret: str, fake: FakeSlack) -> None:
        self.client = Client(wsgi_app)
        self.secret = signing_secret
        self.fake = fake

    def post(
        self,
        body: bytes,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> SlackReply:
        all_headers = signed_headers(body, self.secret, timestamp=timestamp, content_type=content_type)
        all_headers.update(headers or {})
        response = self.client.post("/slack/events", data=body, headers=all_headers)
        reply = SlackReply(response.status_code, response.get_data(as_text=True))
        if reply.body.startswith("{") and "blocks" in reply.json:
            problems = block_kit_problems(reply.json, "message")
            assert not problems, problems
        return reply

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str,
        channel_id: str = CHANNEL_ID,
        trigger: str | None = None,
        team: SlackPayloads = TEST_TEAM,
    ) -> SlackReply:
        body = team.command_body(
            command,
            text,
            user_id=user,
            channel_id=channel_id,
            response_url=self.fake.response_url(),
            trigger_id=trigger,
        )
        return self.post(body)

    def interact(self, payload: dict[str, Any]) -> SlackReply:
        return self.post(interactive_body(payload))

    def click(
        self,
        action_id: str,
        *,
        user: str,
        value: str | None = None,
        response_url: str | None = None,
        channel_id: str | None = CHANNEL_ID,
        ephemeral: bool = True,
        team: SlackPayloads = TEST_TEAM,
    ) -> SlackReply:
        """A button on a message in `channel_id` (None: where Slack reports no channel)."""
        return self.interact(
            team.block_actions(
                button(action_id, value),
                user_id=user,
                channel_id=channel_id,
                message_ts=MESSAGE_TS,
                ephemeral=ephemeral,
                response_url=response_url or self.fake.response_url(),
            )
        )

    def pick(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        response_url: str | None = None,
        channel_id: str | None = CHANNEL_ID,
        ephemeral: bool = True,
    ) -> SlackReply:
        """An option picked in the overflow menu `action_id` on a message in `channel_id`."""
        return self.interact(
            TEST_TEAM.block_actions(
                overflow_pick(action_id, value),
                user_id=user,
                channel_id=channel_id,
                message_ts=MESSAGE_TS,
                ephemeral=ephemeral,
                response_url=response_url or self.fake.response_url(),
            )
        )

    def submit(self, view: dict[str, Any], values: dict[str, Any], *, user: str, view_id: str) -> SlackReply:
        """Submit a modal the app opened (views.open's `view`), as Slack would once it named it `view_id`."""
        return self.interact(TEST_TEAM.view_submission(view, values, user_id=user, view_id=view_id))

    def shortcut(
        self, callback_id: str, message: dict[str, Any], *, user: str, channel_id: str = CHANNEL_ID
    ) -> SlackReply:
        """A message shortcut used on `message` in `channel_id`."""
        payload = TEST_TEAM.message_action(
            callback_id, message, user_id=user, channel_id=channel_id, response_url=self.fake.response_url()
        )
        return self.interact(payload)

    def event(self, envelope: dict[str, Any], *, retry_num: int | None = None) -> SlackReply:
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else None
        )
        return self.post(json.dumps(envelope).encode(), content_type="application/json", headers=headers)

    def open_home(self, user: str, *, team: SlackPayloads = TEST_TEAM) -> SlackReply:
        """The person opens the app's Home tab (from then on, their changes redraw it)."""
        return self.event(team.app_home_opened(user))
