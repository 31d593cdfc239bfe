"""/ask and /team are in the manifest already; until they ship, say so and point to what works."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.views.blocks import message, section

UPCOMING = {
    "/ask": "Asking peers for help",
    "/team": "Teams and weekly digests",
}


def register(app: App) -> None:
    for name, feature in UPCOMING.items():

        @app.command(name)
        def upcoming(ack: Ack, command: dict[str, Any], feature: str = feature) -> None:
            text = (
                f"{feature} ({command['command']}) is coming soon. Meanwhile, `/learn` logs what you "
                "learned and `/fitness` shows your week."
            )
            ack(**message(text, [section(text)]))
