"""The one gateway for what Learnfit does to Slack: DMs, private replies, App Home, posts, modals, lookups.

One error policy for every call: Slack refusing (an error code) or being unreachable is logged once, here,
and comes back as a value (None, False, or a `SlackFailure` on what was asked for), never as an exception:
what the person did is stored by then, and a failed courtesy must not undo it. Listeners mostly ignore the
failure; the scheduler reads it (its status and Retry-After) to decide whether a send is retried. Only
opening a modal raises (`SlackCallFailed`), because without it the click did nothing; the app's error
handler tells the person to try again.

Every call goes to the Web API the client points at. Nothing here posts to an address a request carries:
an interaction's response_url is used only through Bolt's `respond`, from the request Slack just sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack_client import retry_after_seconds

logger = logging.getLogger(__name__)

Answer = TypeVar("Answer")


class SlackCallFailed(Exception):
    """A call the person's action depends on was refused; already logged."""


@dataclass(frozen=True)
class SlackFailure:
    """Why a call did not happen: Slack's error code (or `http_<status>`, or `unreachable`), the HTTP
    status when Slack answered at all, and for a 429 how long Slack asked to wait."""

    error: str
    status: int | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class Posted:
    """A message Slack accepted (its channel and ts), or why it did not."""

    ts: str | None = None
    channel: str | None = None
    failure: SlackFailure | None = None

    @property
    def error(self) -> str | None:
        return self.failure.error if self.failure else None


@dataclass(frozen=True)
class SlackUser:
    """What Learnfit reads of a Slack user, or (`failure`) why users.info could not say."""

    user_id: str
    failure: SlackFailure | None = None
    tz: str | None = None
    is_admin: bool = False
    is_bot: bool = False
    deleted: bool = False
    status_text: str | None = None
    status_emoji: str | None = None
    # Their own workspace and Enterprise Grid org: a Slack Connect partner's are another organisation's.
    team_id: str | None = None
    enterprise_id: str | None = None

    @property
    def found(self) -> bool:
        return self.failure is None

    @classmethod
    def of(cls, user: dict[str, Any]) -> SlackUser:
        """From users.info's `user` object."""
        grid: dict[str, Any] = user.get("enterprise_user") or {}
        profile: dict[str, Any] = user.get("profile") or {}
        return cls(
            user["id"],
            tz=user.get("tz") or None,
            # Admins and owners may manage anyone's question, pick the help channel and create teams.
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
            is_bot=bool(user.get("is_bot")),
            deleted=bool(user.get("deleted")),
            status_text=profile.get("status_text"),
            status_emoji=profile.get("status_emoji"),
            team_id=user.get("team_id"),
            enterprise_id=grid.get("enterprise_id"),
        )


class SlackGateway:
    """Slack calls for one request or job, made with that workspace's client."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def _call(self, method: str, subject: str | None, call: Callable[[], Answer]) -> Answer | SlackFailure:
        """The response, or why Slack (or the network) did not give one, logged once."""
        try:
            return call()
        except SlackApiError as exc:
            response = exc.response
            status = response.status_code
            data = response.data if isinstance(response.data, dict) else {}
            failure = SlackFailure(
                str(data.get("error") or f"http_{status}"),
                status,
                retry_after_seconds(response.headers) if status == 429 else None,
            )
        except OSError as exc:  # unreachable, after the client's own retries
            failure = SlackFailure("unreachable")
            logger.warning("%s for %s: Slack unreachable: %s", method, subject or "-", exc)
            return failure
        logger.warning("%s for %s failed: %s", method, subject or "-", failure.error)
        return failure

    def token_works(self) -> bool:
        """Whether the app's token is still good (auth.test): tells a gone person from a gone app."""
        return not isinstance(self._call("auth.test", None, self.client.auth_test), SlackFailure)

    # ------------------------------------------------------------------ people

    def user(self, user_id: str) -> SlackUser:
        answer = self._call("users.info", user_id, lambda: self.client.users_info(user=user_id))
        if isinstance(answer, SlackFailure):
            return SlackUser(user_id, failure=answer)
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
        if isinstance(answer, SlackFailure):
            return Posted(failure=answer)
        return Posted(ts=answer.get("ts"), channel=answer.get("channel"))

    def dm_channel(self, user_id: str) -> str | None:
        """The id of the person's DM with the app (conversations.open: the same one every time)."""
        opened = self._call(
            "conversations.open", user_id, lambda: self.client.conversations_open(users=user_id)
        )
        return None if isinstance(opened, SlackFailure) else str(opened["channel"]["id"])

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
            if not isinstance(answer, SlackFailure):
                return
        self.dm(user_id, payload)

    def update(self, channel_id: str, ts: str, payload: dict[str, Any]) -> bool:
        answer = self._call(
            "chat.update",
            f"{channel_id}/{ts}",
            lambda: self.client.chat_update(channel=channel_id, ts=ts, **payload),
        )
        return not isinstance(answer, SlackFailure)

    def permalink(self, channel_id: str | None, message_ts: str | None) -> str | None:
        if not channel_id or not message_ts:
            return None
        answer = self._call(
            "chat.getPermalink",
            channel_id,
            lambda: self.client.chat_getPermalink(channel=channel_id, message_ts=message_ts),
        )
        return None if isinstance(answer, SlackFailure) else answer.get("permalink")

    def channel(self, channel_id: str) -> dict[str, Any] | str:
        """conversations.info's channel, or Slack's error code."""
        answer = self._call(
            "conversations.info", channel_id, lambda: self.client.conversations_info(channel=channel_id)
        )
        return answer.error if isinstance(answer, SlackFailure) else dict(answer["channel"])

    def is_public_channel(self, channel_id: str) -> bool:
        """Whether everyone in the workspace can read the channel: not for a private channel (whatever its
        id starts with), a DM or a group DM, nor when Slack cannot say."""
        channel = self.channel(channel_id)
        return not isinstance(channel, str) and _open_to_everyone(channel)

    def sees_channel(self, user_id: str, channel_id: str) -> bool:
        """Whether the person can see the channel in Slack: any public one; a private one only if they are
        in it (conversations.members, paged). Unknown to the app (an error) counts as unseen."""
        info = self.channel(channel_id)
        if isinstance(info, str):
            return False
        return _open_to_everyone(info) or self.is_in_channel(user_id, channel_id)

    def is_in_channel(self, user_id: str, channel_id: str) -> bool:
        """Whether the person is a member of the channel, public or private (conversations.members, paged);
        when Slack cannot say, they are not."""
        cursor: str | None = None
        while True:
            page = self._call(
                "conversations.members",
                channel_id,
                partial(self.client.conversations_members, channel=channel_id, cursor=cursor, limit=1000),
            )
            if isinstance(page, SlackFailure):
                return False
            if user_id in (page.get("members") or []):
                return True
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return False

    def send_file(self, user_id: str, *, content: str, filename: str, title: str, comment: str) -> bool:
        """A file in the person's DM with the app (files.getUploadURLExternal and completeUploadExternal)."""
        channel_id = self.dm_channel(user_id)
        if channel_id is None:
            return False
        uploaded = self._call(
            "files.upload",
            user_id,
            lambda: self.client.files_upload_v2(
                channel=channel_id, content=content, filename=filename, title=title, initial_comment=comment
            ),
        )
        return not isinstance(uploaded, SlackFailure)

    def upload_image(self, png: bytes, *, filename: str, title: str, alt_text: str) -> str | None:
        """Upload an image for blocks to show, and return its file id (None: Slack would not take it).

        files.getUploadURLExternal, the bytes, then files.completeUploadExternal without a channel: the file
        stays private to the app, shared nowhere, and an image block shows it with {"slack_file": {"id"}}.
        """
        try:
            uploaded = self._call(
                "files.upload",
                filename,
                lambda: self.client.files_upload_v2(
                    content=png, filename=filename, title=title, alt_txt=alt_text
                ),
            )
        except SlackRequestError:  # the upload URL refused the bytes (slack_sdk raises, not answers)
            logger.warning("files.upload for %s failed: the upload URL refused the bytes", filename)
            return None
        if isinstance(uploaded, SlackFailure):
            return None
        files = uploaded.get("files") or []
        file_id = files[0].get("id") if files and isinstance(files[0], dict) else None
        return str(file_id) if file_id else None

    # ------------------------------------------------------------------ surfaces

    def publish_home(self, user_id: str, view: dict[str, Any]) -> SlackFailure | None:
        """Publish the person's App Home; why not, if Slack refused it."""
        answer = self._call(
            "views.publish", user_id, lambda: self.client.views_publish(user_id=user_id, view=view)
        )
        return answer if isinstance(answer, SlackFailure) else None

    def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal, or raise SlackCallFailed (an expired trigger, Slack down)."""
        answer = self._call(
            "views.open",
            view.get("callback_id"),
            lambda: self.client.views_open(trigger_id=trigger_id, view=view),
        )
        if isinstance(answer, SlackFailure):
            raise SlackCallFailed(f"views.open: {answer.error}")


def _open_to_everyone(channel: dict[str, Any]) -> bool:
    """A public channel, as conversations.info describes it: not private (whatever its id starts with), nor a
    DM or a group DM, which carry no `is_private` of their own."""
    return not any(channel.get(flag) for flag in ("is_private", "is_im", "is_mpim", "is_group"))
