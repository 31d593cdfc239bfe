"""Steps every form submission shares: do the work before the ack, so a problem only it can find is shown
under its field; then confirm where the form was opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from slack_bolt import Ack

from bot.forms.base import FormErrors, MessageOrigin
from bot.gateway import SlackGateway

Params = ParamSpec("Params")
Done = TypeVar("Done")


def ack_after(
    ack: Ack, work: Callable[Params, Done], *args: Params.args, **kwargs: Params.kwargs
) -> Done | None:
    """What `work` returned, once the ack has closed the form; or None when it raised FormErrors, which the
    ack shows under their fields (the form stays open, nothing is stored)."""
    try:
        done = work(*args, **kwargs)
    except FormErrors as exc:
        ack(**exc.response)
        return None
    ack()
    return done


def confirm(
    gateway: SlackGateway,
    user_id: str,
    reply: dict[str, Any],
    *,
    origin: MessageOrigin | None,
    channel_id: str | None,
) -> None:
    """Redraw the message the form was opened from, if it is in the person's own DM with the app (the form
    says where it was, but only Slack knows whose DM that is); else tell the person privately where they
    opened the form. Never through an address the form carries: a forged one would make the app post
    anywhere."""
    if not _redrawn_in_own_dm(gateway, user_id, origin, reply):
        gateway.notify(user_id, reply, channel_id=channel_id)


def _redrawn_in_own_dm(
    gateway: SlackGateway, user_id: str, origin: MessageOrigin | None, reply: dict[str, Any]
) -> bool:
    if origin is None or gateway.dm_channel(user_id) != origin.channel_id:
        return False
    return gateway.update(origin.channel_id, origin.message_ts, reply)
