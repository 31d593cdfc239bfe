"""App Home: the person's dashboard (fitness card, goals, latest entries) and the buttons to act."""

from __future__ import annotations

from typing import Any

from bot.services.fitness_card import FitnessCard
from bot.views.blocks import Block, actions, button, context, divider, header, section
from bot.views.fitness import OPEN_TARGETS_MODAL, fitness_card_blocks, latest_entries_blocks
from bot.views.help import OPEN_ASK_MODAL
from bot.views.learning import OPEN_LOG_MODAL

OPEN_GOAL_MODAL = "open_goal_modal"


def home_view(card: FitnessCard, goal_blocks: list[Block], feed: list[Block] | None = None) -> dict[str, Any]:
    """`goal_blocks` come from bot.views.goals.goal_lines (their own heading, at most 12 blocks); `feed`
    from bot.views.feed.feed_blocks (at most 14, none for someone in no team)."""
    latest = latest_entries_blocks(card.week)
    return {
        "type": "home",
        "blocks": [
            header("Learnfit"),
            context("Small, regular learning adds up. Only you see this page."),
            actions(
                button("Log learning", OPEN_LOG_MODAL, style="primary"),
                button("Add a goal", OPEN_GOAL_MODAL),
                button("Change targets", OPEN_TARGETS_MODAL),
                button("Ask for help", OPEN_ASK_MODAL),
            ),
            divider(),
            section("*Your learning fitness*"),
            *fitness_card_blocks(card),
            divider(),
            *goal_blocks[:12],
            divider(),
            *([*latest, divider()] if latest else []),
            *([*feed[:14], divider()] if feed else []),
            context(
                "`/learn 30m #skill what you learned` from any channel, or *Save as learning* on any message. "
                "`/fitness help` explains the rings."
            ),
        ],
    }


def forgotten_home_view() -> dict[str, Any]:
    """Home right after forget-me: nothing about the person, and no new record made to draw it."""
    return {
        "type": "home",
        "blocks": [
            header("Learnfit"),
            section(
                "Everything Learnfit held about you in this workspace is deleted. Log learning any time to start fresh."
            ),
            actions(button("Log learning", OPEN_LOG_MODAL, style="primary")),
        ],
    }
