"""The one gateway for what Learnfit does to Slack: DMs, private replies, App Home, posts, modals, lookups.

One error policy for every call: Slack refusing (an error code) or being unreachable is logged once, here.
A message, a lookup or App Home then comes back as a value (None, False, or a `Posted` with its error), never
as an exception: what the person did is stored by then, and a failed courtesy must not undo it. Only opening
a modal raises (`SlackCallFailed`), because without it the click did nothing; the app's error handler tells
the person to try again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

logger = logging.getLogger(__name__)

Answer = TypeVar("Answer")


class SlackCallFailed(Exception):
    """A call the person's action depends on was refused; already logged."""


@dataclass(frozen=True)
class Posted:
    """A message Slack accepted (its ts), or the reason it did not."""

    ts: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class SlackUser:
    """What Learnfit reads of a Slack user: `found` is False when users.info failed for them."""

    user_id: str
    found: bool = True
    tz: str | None = None
    is_admin: bool = False
    is_bot: bool = False
    deleted: bool = False
    # Their own workspace and Enterprise Grid org: a Slack Connect partner's are another organisation's.
    team_id: str | None = None
    enterprise_id: str | None = None

    @classmethod
    def of(cls, user: dict[str, Any]) -> SlackUser:
        """From users.info's `user` object."""
        grid = user.get("enterprise_user") or {}
        return cls(
            user["id"],
            tz=user.get("tz") or None,
            # Admins and owners may manage anyone's question, pick the help channel and create teams.
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
            is_bot=bool(user.get("is_bot")),
            deleted=bool(user.get("deleted")),
            team_id=user.get("team_id"),
            enterprise_id=grid.get("enterprise_id"),
        )


class SlackGateway:
    """Slack calls for one request or job, made with that workspace's client."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def _call(self, method: str, subject: str | None, call: Callable[[], Answer]) -> Answer | str:
        """The response, or the error code Slack (or the network) answered with, logged once."""
        try:
            return call()
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        except OSError as exc:  # unreachable, after the client's own retries
            error = f"unreachable: {exc}"
        logger.warning("%s for %s failed: %s", method, subject or "-", error)
        return error

    # ------------------------------------------------------------------ people

    def user(self, user_id: str) -> SlackUser:
        answer = self._call("users.info", user_id, lambda: self.client.users_info(user=user_id))
        if isinstance(answer, str):
            return SlackUser(user_id, found=False)
        return SlackUser.of(answer["user"])

    def profile_of(self, user_id: str) -> SlackUser | None:
        """What Slack says of the user (their timezone may be missing); None when Slack cannot say."""
        user = self.user(user_id)
        return user if user.found else None

    def is_admin(self, user_id: str) -> bool:
        return self.user(user_id).is_admin

    # ------------------------------------------------------------------ messages

    def post(self, channel_id: str, payload: dict[str, Any], *, thread_ts: str | None = None) -> Posted:
        answer = self._call(
            "chat.postMessage",
            channel_id,
            lambda: self.client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, **payload),
        )
        return Posted(error=answer) if isinstance(answer, str) else Posted(ts=answer.get("ts"))

    def dm(self, user_id: str, payload: dict[str, Any]) -> bool:
        """A message in the person's DM with the app (posting to a user id opens it)."""
        return self.post(user_id, payload).ts is not None

    def notify(self, user_id: str, payload: dict[str, Any], *, channel_id: str | None = None) -> None:
        """Tell one person something privately: ephemeral where they were, else in their DM with the app."""
        if channel_id and not channel_id.startswith("D"):
            answer = self._call(
                "chat.postEphemeral",
                channel_id,
                lambda: self.client.chat_postEphemeral(channel=channel_id, user=user_id, **payload),
            )
            if not isinstance(answer, str):
                return
        self.dm(user_id, payload)

    def update(self, channel_id: str, ts: str, payload: dict[str, Any]) -> bool:
        answer = self._call(
            "chat.update",
            f"{channel_id}/{ts}",
            lambda: self.client.chat_update(channel=channel_id, ts=ts, **payload),
        )
        return not isinstance(answer, str)

    def respond(self, response_url: str, payload: dict[str, Any], *, replace_original: bool = False) -> bool:
        """Answer through an interaction's response_url; False once it has expired (30 minutes, 5 uses)."""
        answer = self._call(
            "response_url",
            None,
            lambda: WebhookClient(response_url).send(**payload, replace_original=replace_original),
        )
        if isinstance(answer, str):
            return False
        if answer.status_code != 200:
            logger.warning("response_url failed: %s %s", answer.status_code, answer.body)
            return False
        return True

    def permalink(self, channel_id: str | None, message_ts: str | None) -> str | None:
        if not channel_id or not message_ts:
            return None
        answer = self._call(
            "chat.getPermalink",
            channel_id,
            lambda: self.client.chat_getPermalink(channel=channel_id, message_ts=message_ts),
        )
        return None if isinstance(answer, str) else answer.get("permalink")

    def channel(self, channel_id: str) -> dict[str, Any] | str:
        """conversations.info's channel, or the error code."""
        answer = self._call(
            "conversations.info", channel_id, lambda: self.client.conversations_info(channel=channel_id)
        )
        return answer if isinstance(answer, str) else dict(answer["channel"])

    def send_file(self, user_id: str, *, content: str, filename: str, title: str, comment: str) -> bool:
        """A file in the person's DM with the app (files.getUploadURLExternal and completeUploadExternal)."""
        opened = self._call(
            "conversations.open", user_id, lambda: self.client.conversations_open(users=user_id)
        )
        if isinstance(opened, str):
            return False
        channel_id = opened["channel"]["id"]
        uploaded = self._call(
            "files.upload",
            user_id,
            lambda: self.client.files_upload_v2(
                channel=channel_id, content=content, filename=filename, title=title, initial_comment=comment
            ),
        )
        return not isinstance(uploaded, str)

    # ------------------------------------------------------------------ surfaces

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._call("views.publish", user_id, lambda: self.client.views_publish(user_id=user_id, view=view))

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal, or raise SlackCallFailed (an expired trigger, Slack down)."""
        answer = self._call(
            "views.open",
            view.get("callback_id"),
            lambda: self.client.views_open(trigger_id=trigger_id, view=view),
        )
        if isinstance(answer, str):
            raise SlackCallFailed(f"views.open: {answer}")
