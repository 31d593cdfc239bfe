"""Steps every form submission shares: do the work before the ack, so a problem only it can find is shown
under its field; then confirm where the form was opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from slack_bolt import Ack

from bot.forms.base import FormErrors
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
    response_url: str | None,
    channel_id: str | None,
) -> None:
    """Redraw the message the form was opened from (while its `response_url` lives), else tell the person
    privately where they opened it."""
    if not (response_url and gateway.respond(response_url, reply, replace_original=True)):
        gateway.notify(user_id, reply, channel_id=channel_id)
