"""Tiny constructors for the Block Kit elements Learnfit uses over and over."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text[:150])}


def section(text: str, *, block_id: str | None = None, accessory: dict[str, Any] | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text[:3000])}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def fields(*texts: str) -> Block:
    return {"type": "section", "fields": [mrkdwn(text[:2000]) for text in texts[:10]]}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text[:3000]) for text in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, *, value: str | None = None, style: str | None = None, url: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text[:75]), "action_id": action_id}
    if value is not None:
        element["value"] = value[:2000]
    if style:
        element["style"] = style
    if url:
        element["url"] = url
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id:
        block["block_id"] = block_id
    return block


def overflow(action_id: str, *options: dict[str, Any]) -> dict[str, Any]:
    """The `⋯` menu where secondary and destructive actions wait (Slack takes 2 to 5 options); a pick
    arrives as the action's `selected_option`."""
    return {"type": "overflow", "action_id": action_id, "options": list(options[:5])}


def confirm_dialog(title: str, text: str, *, confirm: str, deny: str) -> dict[str, Any]:
    """Slack's own "are you sure?" dialog on a destructive button."""
    return {
        "title": plain(title[:100]),
        "text": plain(text[:300]),
        "confirm": plain(confirm[:30]),
        "deny": plain(deny[:30]),
        "style": "danger",
    }


def option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"text": plain(text[:75]), "value": value}
    if description:
        item["description"] = plain(description[:75])
    return item


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label[:2000]),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint[:2000])
    return block


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A message payload: `text` is the notification and screen-reader fallback."""
    return {"text": text, "blocks": blocks}


def problem_message(problem: str, *, command: str) -> dict[str, Any]:
    """Something to fix in what the person typed, and where the command's examples are."""
    return message(
        problem, [section(f":warning: {problem}"), context(f"Type `{command} help` for examples.")]
    )
