"""App Home (first version): the week at a glance, recent entries, and a button to log learning."""

from __future__ import annotations

from typing import Any

from bot.services.learning import WeekSummary
from bot.views.blocks import actions, button, context, divider, header, section
from bot.views.fitness import week_blocks
from bot.views.learning import OPEN_LOG_MODAL


def home_view(week: WeekSummary) -> dict[str, Any]:
    return {
        "type": "home",
        "blocks": [
            header("Learnfit"),
            section("Small, regular learning adds up. Log what you learn at work in seconds."),
            actions(button("Log learning", OPEN_LOG_MODAL, style="primary")),
            divider(),
            *week_blocks(week),
            divider(),
            context(
                "Tip: `/learn 30m #skill what you learned` from any channel, or *Save as learning* "
                "on any message. `/learn help` for more."
            ),
        ],
    }
