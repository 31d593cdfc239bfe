"""Finding things again: `/learn search` results, and the questions answered before that `/ask` shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.parsing import SEARCH_EXAMPLE
from bot.services.help import QuestionCard
from bot.services.search import AnsweredBefore, FoundEntry
from bot.views.blocks import Block, actions, button, context, message, section
from bot.views.format import (
    KIND_LABELS,
    channel_link,
    day_label,
    duration,
    link,
    mention,
    shown,
    skill_tags,
)
from bot.views.help import quote
from models import Visibility

POST_ANYWAY = "help_post_anyway"
SECTION_LIMIT = 3000  # Slack's limit on a section's text: a link cut there would leave markup open


def _with_link(line: str, url: str | None) -> str:
    """The line with its link last, if the whole fits in a section; else without the link."""
    if not url:
        return line
    linked = f"{line} · {link(url, 'link')}"
    return linked if len(linked) <= SECTION_LIMIT else line


def _found_line(entry: FoundEntry) -> str:
    who = "You" if entry.mine else mention(entry.user_id)
    parts = [
        f"*{who}*",
        day_label(entry.local_day),
        f"*{duration(entry.minutes)}*",
        KIND_LABELS[entry.kind],
        shown(entry.what, 300),
    ]
    if entry.skills:
        parts.append(skill_tags(entry.skills))
    lock = " :lock:" if entry.visibility is Visibility.PRIVATE else ""
    return _with_link(" · ".join(parts) + lock, entry.link)


def search_results_message(typed: str, found: Sequence[FoundEntry]) -> dict[str, Any]:
    """What `/learn search` found, best match first: only the searcher sees it."""
    searched = shown(typed.strip(), 100)
    if not found:
        text = f"Nothing found for “{searched}” in your entries or your teammates' shared ones."
        return message(
            text,
            [
                section(f":mag: {text}"),
                context(f"Try other words or a #skill, e.g. `{SEARCH_EXAMPLE}`."),
            ],
        )
    text = f":mag: Found {len(found)} for “{searched}”, best match first:"
    blocks: list[Block] = [section(text)]
    blocks += [section(_found_line(entry)) for entry in found]
    blocks.append(
        context(
            "Your own entries (:lock: private ones only you see) and what people in your learning teams "
            "shared. Days are each person's own."
        )
    )
    return message(text, blocks)


def _answered_line(answered: AnsweredBefore) -> str:
    question = answered.question
    parts = [f"• {shown(question.text, 200)}", f"in {channel_link(question.channel_id)}"]
    if question.resolved_at:
        parts.append(f"resolved {day_label(question.resolved_at.date())}")
    return _with_link(" · ".join(parts), answered.permalink)


def answered_before_message(card: QuestionCard, answered: Sequence[AnsweredBefore]) -> dict[str, Any]:
    """Before posting: questions like the asker's that were answered, and the choice to post anyway."""
    text = "Answered before: these resolved questions look like yours."
    blocks: list[Block] = [
        section(f":bulb: *Answered before:* these resolved questions look like yours {quote(card, 150)}"),
        *(section(_answered_line(item)) for item in answered),
        context("If one answers it, you need do nothing: your question is not posted (only you see this)."),
        actions(button("Post my question anyway", POST_ANYWAY, value=str(card.id), style="primary")),
    ]
    return message(text, blocks)


def posted_already_message() -> dict[str, Any]:
    text = "Your question is posted already (once, however many clicks)."
    return message(text, [section(text)])
