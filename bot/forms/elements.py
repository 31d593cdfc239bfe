"""Block Kit for forms: the modal around them and the input elements in them (action id `VALUE` each)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.forms.base import VALUE, HiddenState
from bot.views.blocks import Block, plain

Element = dict[str, Any]


def modal(
    callback_id: str, *, title: str, submit: str, blocks: list[Block], state: HiddenState | None = None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "blocks": blocks,
    }
    if state is not None:
        view["private_metadata"] = state.dump()
    return view


def text_input(
    *, placeholder: str, max_length: int, initial: str | None = None, multiline: bool = False
) -> Element:
    element: Element = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "placeholder": plain(placeholder),
        "max_length": max_length,
    }
    if multiline:
        element["multiline"] = True
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def skills_input(skills: Sequence[str], *, placeholder: str) -> Element:
    """Skills as #tags, read back by `FormValues.words`."""
    return text_input(
        initial=" ".join(f"#{name}" for name in skills), placeholder=placeholder, max_length=600
    )


def url_input(initial: str | None = None) -> Element:
    element: Element = {"type": "url_text_input", "action_id": VALUE}
    if initial:
        element["initial_value"] = initial
    return element


def radio_buttons(options: list[dict[str, Any]], picked: str) -> Element:
    """Radio buttons with `picked` (an option's value, which must be among them) chosen."""
    initial = next(item for item in options if item["value"] == picked)
    return {"type": "radio_buttons", "action_id": VALUE, "options": options, "initial_option": initial}


def static_select(
    options: list[dict[str, Any]], *, placeholder: str | None = None, picked: str | None = None
) -> Element:
    element: Element = {"type": "static_select", "action_id": VALUE, "options": options}
    if placeholder:
        element["placeholder"] = plain(placeholder)
    initial = next((item for item in options if item["value"] == picked), None)
    if initial:
        element["initial_option"] = initial
    return element


def datepicker(initial: date | None = None) -> Element:
    element: Element = {"type": "datepicker", "action_id": VALUE}
    if initial:
        element["initial_date"] = initial.isoformat()
    return element


def channel_picker(initial: str | None = None) -> Element:
    """A public or private channel (the app must be in it to post there)."""
    element: Element = {
        "type": "conversations_select",
        "action_id": VALUE,
        "placeholder": plain("Pick a channel"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if initial:
        element["initial_conversation"] = initial
    return element
