"""/goal: set and track personal learning goals (being built; answers 'coming soon' until then)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.deps import Deps
from bot.views.blocks import message, section


def register(app: App, deps: Deps) -> None:
    @app.command("/goal")
    def goal(ack: Ack, command: dict[str, Any]) -> None:
        text = "Personal learning goals (/goal) are coming soon. Meanwhile, `/learn` logs what you learned."
        ack(**message(text, [section(text)]))
