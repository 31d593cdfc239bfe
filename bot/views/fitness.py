"""The `/fitness` card (first version): this week's minutes and entries, and the latest entries."""

from __future__ import annotations

from typing import Any

from bot.services.learning import WeekSummary
from bot.views.blocks import Block, actions, button, context, divider, fields, header, message, section
from bot.views.format import day_label, duration, entry_line
from bot.views.learning import OPEN_LOG_MODAL


def week_blocks(week: WeekSummary) -> list[Block]:
    blocks: list[Block] = [
        fields(f"*This week*\n{duration(week.minutes)}", f"*Entries*\n{week.entries}"),
        context(f"Week of {day_label(week.week_start)} · weeks start on Monday, in your timezone"),
    ]
    if week.recent:
        blocks.append(section("*Latest learning*"))
        blocks.extend(context(f"{day_label(entry.local_day)} · {entry_line(entry)}") for entry in week.recent)
    else:
        blocks.append(
            section("Nothing logged yet. Small sessions count: try `/learn 15m #topic what you explored`.")
        )
    return blocks


def fitness_message(week: WeekSummary) -> dict[str, Any]:
    blocks = [
        header("Your learning fitness"),
        *week_blocks(week),
        divider(),
        actions(button("Log learning", OPEN_LOG_MODAL, style="primary")),
    ]
    return message(f"This week: {duration(week.minutes)} across {week.entries} entries", blocks)


def fitness_help_message() -> dict[str, Any]:
    text = (
        "`/fitness` shows your learning this week and your latest entries. Log with `/learn`; "
        "`/learn help` has examples."
    )
    return message(text, [section(text)])
