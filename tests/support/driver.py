"""Talks to the Learnfit WSGI app the way Slack does: signed form bodies over HTTP semantics."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier
from werkzeug.test import Client

from bot.localslack import FakeSlack
from bot.localslack.blockkit import block_kit_problems
from tests.support import payloads


@dataclass(frozen=True)
class SlackReply:
    status: int
    body: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


def signed_headers(
    body: bytes, secret: str, *, timestamp: int | None = None, content_type: str
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body.decode())
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


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
        channel_id: str = payloads.CHANNEL_ID,
        trigger: str | None = None,
    ) -> SlackReply:
        body = payloads.command_body(
            command,
            text,
            user_id=user,
            response_url=self.fake.response_url(),
            channel_id=channel_id,
            trigger=trigger,
        )
        return self.post(body)

    def interact(self, payload: dict[str, Any]) -> SlackReply:
        return self.post(payloads.interactive_body(payload))

    def click(
        self,
        action_id: str,
        *,
        user: str,
        value: str | None = None,
        response_url: str | None = None,
        channel_id: str | None = payloads.CHANNEL_ID,
    ) -> SlackReply:
        return self.interact(
            payloads.block_actions(
                action_id,
                user_id=user,
                value=value,
                response_url=response_url or self.fake.response_url(),
                channel_id=channel_id,
            )
        )

    def event(self, envelope: dict[str, Any], *, retry_num: int | None = None) -> SlackReply:
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else None
        )
        return self.post(json.dumps(envelope).encode(), content_type="application/json", headers=headers)
