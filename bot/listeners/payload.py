"""Reading Slack's interactive payloads the same way in every listener."""

from __future__ import annotations

from typing import Any


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel an interaction happened in (None on App Home and in modals)."""
    channel: dict[str, Any] = body.get("channel") or {}
    return channel.get("id")


def id_value(action: dict[str, Any]) -> int | None:
    """A button's value that names a row by its id; anything else (crafted, empty) is None."""
    value = str(action.get("value", ""))
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
