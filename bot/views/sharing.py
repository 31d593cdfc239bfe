"""Working out loud: the card a person posts about one shared entry, and what they are told about it."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import Block, context, message, section
from bot.views.format import KIND_LABELS, channel_link, link, mention, shown, skill_tags
from models import LearningEntry

CARD_WHAT_LIMIT = 1000


def entry_card_message(entry: LearningEntry, user_id: str) -> dict[str, Any]:
    """The card in the channel: who, what, its skills and link; never its minutes (no one is measured)."""
    lines = [f":seedling: {mention(user_id)} is learning: *{shown(entry.what, CARD_WHAT_LIMIT)}*"]
    details = [KIND_LABELS[entry.kind]]
    if entry.skills:
        details.append(skill_tags([skill.name for skill in entry.skills]))
    if entry.link:
        details.append(link(entry.link, "link"))
    lines.append(" · ".join(details))
    blocks: list[Block] = [
        section("\n".join(lines)),
        context("Working out loud with Learnfit. Tips, questions or a good link? Reply in the thread."),
    ]
    return message(f"{mention(user_id)} is learning: {shown(entry.what, 100)}", blocks)


def entry_shared_message(channel_id: str, permalink: str | None) -> dict[str, Any]:
    """The private confirmation, with a link to the post when Slack gave one."""
    where = channel_link(channel_id)
    seen = f" ({link(permalink, 'link')})" if permalink else ""
    text = f":loudspeaker: Shared in {where}{seen}. Replies to it go in its thread."
    return message(f"Shared in {where}", [section(text)])


def not_shareable_message() -> dict[str, Any]:
    text = (
        "Only your own entries shared with your team can be posted in a channel; "
        "that one is private, removed, or not yours."
    )
    return message(text, [section(f":lock: {text}")])
