"""Messages about logging learning: the confirmation with Edit and Undo, mistakes, and help."""

from __future__ import annotations

from typing import Any

from bot.parsing import LEARN_EXAMPLE, SEARCH_EXAMPLE
from bot.services.learning import WeekSummary
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    message,
    problem_message,
    section,
)
from bot.views.format import VISIBILITY_LABELS, counted, day_label, duration, entry_line, link, shown
from models import LearningEntry, Visibility

EDIT_ENTRY = "entry_edit"
UNDO_ENTRY = "entry_undo"
SHARE_ENTRY = "entry_share"
OPEN_LOG_MODAL = "open_log_modal"


def _week_line(week: WeekSummary) -> str:
    return f"This week: *{duration(week.minutes)}* across {counted(week.entries, 'entry', 'entries')}"


def _logged_buttons(entry: LearningEntry) -> list[dict[str, Any]]:
    """Edit and Undo; and Share in a channel for an entry shared with the team (never a private one)."""
    buttons = [
        button("Edit", EDIT_ENTRY, value=str(entry.id)),
        button("Undo", UNDO_ENTRY, value=str(entry.id)),
    ]
    if entry.visibility is Visibility.TEAM:
        buttons.append(button("Share in a channel", SHARE_ENTRY, value=str(entry.id)))
    return buttons


def logged_message(entry: LearningEntry, week: WeekSummary, *, duplicate: bool = False) -> dict[str, Any]:
    headline = "Already logged (Slack sent this twice):" if duplicate else ":white_check_mark: Logged:"
    blocks: list[Block] = [
        section(f"{headline} {entry_line(entry, what_limit=500)}"),
        context(
            f"{day_label(entry.local_day)} · {VISIBILITY_LABELS[entry.visibility]}"
            + (f" · {link(entry.link, 'link')}" if entry.link else ""),
            _week_line(week),
        ),
        actions(*_logged_buttons(entry)),
    ]
    return message(f"Logged {duration(entry.minutes)}: {shown(entry.what, 100)}", blocks)


def updated_message(entry: LearningEntry, week: WeekSummary) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f":pencil2: Updated: {entry_line(entry, what_limit=500)}"),
        context(f"{day_label(entry.local_day)} · {VISIBILITY_LABELS[entry.visibility]}", _week_line(week)),
        actions(
            button("Edit", EDIT_ENTRY, value=str(entry.id)),
            button("Undo", UNDO_ENTRY, value=str(entry.id)),
        ),
    ]
    return message(f"Updated: {shown(entry.what, 100)}", blocks)


def undone_message(entry: LearningEntry | None) -> dict[str, Any]:
    if entry is None:
        text = "That entry is already gone; nothing else changed."
    else:
        text = (
            f":wastebasket: Removed *{duration(entry.minutes)}* · {shown(entry.what, 200)}. "
            f"Log it again any time with `/learn`."
        )
    return message(text, [section(text)])


def entry_gone_message() -> dict[str, Any]:
    """An edit saved after the entry was removed (Undo, Delete, forget-me)."""
    return error_message("That entry was removed before you saved, so nothing changed.")


def nothing_to_edit_message() -> dict[str, Any]:
    return error_message("That entry no longer exists, so there is nothing to edit.")


def error_message(problem: str) -> dict[str, Any]:
    return problem_message(problem, command="/learn")


def help_message() -> dict[str, Any]:
    text = "How to log learning with /learn"
    blocks: list[Block] = [
        section(
            "*Log what you learned in one line:*\n"
            f"`{LEARN_EXAMPLE}`\n"
            "`/learn 1h kind:formal Finished the SQL course, chapter 4`\n"
            "`/learn 20m kind:people vis:private Asked Bo how our deploys work`"
        ),
        section(
            "*Durations:* `45m`, `1h`, `1h30m`, `1.5h`, `90 min` (1 minute to 16 hours)\n"
            "*Skills:* `#tags` anywhere, e.g. `#python` (case does not matter)\n"
            "*Kind:* `kind:job` (by doing, the default), `kind:people` (from colleagues), "
            "`kind:formal` (course, book, talk)\n"
            "*Who sees it:* your team by default; add `vis:private` to keep it to yourself\n"
            "*Link:* paste a URL to keep it with the entry"
        ),
        section(
            "`/learn` alone opens a form. On any message, choose *More actions → Save as learning*.\n"
            f"*Find it again:* `{SEARCH_EXAMPLE}` searches your entries and your teammates' shared ones.\n"
            "`/fitness` shows your week."
        ),
    ]
    return message(text, blocks)
