"""What a person sees when the work behind their request failed before Slack got its answer: nothing was
stored (the transaction rolled back), so they are told so, and that trying again is safe."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import message, plain, section

BUSY = "Learnfit is busy right now, so nothing was saved. Please try again in a minute."
BROKEN = "Something went wrong on our side, so nothing was saved. Please try again in a minute."


def not_saved_message(*, busy: bool) -> dict[str, Any]:
    """The ack of a slash command whose work failed: an ephemeral message in place of the confirmation."""
    text = BUSY if busy else BROKEN
    return {"response_type": "ephemeral", **message(text, [section(f":hourglass: {text}")])}


def not_saved_modal(*, busy: bool) -> dict[str, Any]:
    """Pushed over a form whose submission failed: closing it goes back to the form, with what was typed."""
    text = BUSY if busy else BROKEN
    return {
        "type": "modal",
        "title": plain("Not saved yet"),
        "close": plain("Back to the form"),
        "blocks": [section(f":hourglass: {text} Your form is still open behind this message.")],
    }
