"""The `/fitness` card, history and privacy messages."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from bot.services.fitness import (
    MIX_WEEKS,
    Targets,
)
from bot.services.fitness_card import FitnessCard
from bot.services.learning import WeekSummary
from bot.services.privacy import Holdings
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    header,
    message,
    option,
    overflow,
    problem_message,
    section,
)
from bot.views.format import (
    KIND_LABELS,
    counted,
    day_label,
    duration,
    entry_line,
    progress_bar,
    shown,
    skill_tag,
)
from bot.views.learning import OPEN_LOG_MODAL
from models import EntryKind, LearningEntry

OPEN_TARGETS_MODAL = "open_targets_modal"
SHOW_HISTORY = "show_history"
HISTORY_NEWER = "show_history_newer"  # Slack wants each action_id once per block
HISTORY_OLDER = "show_history_older"
HISTORY_KEEP = "show_history_keep"  # Keep it, instead of Delete: the same page again
HISTORY_ENTRY_MENU = "history_entry_menu"
CARD_MENU = "fitness_card_menu"
DELETE_ENTRY = "entry_delete"
FORGET_ME = "forget_me_confirm"
FORGET_ME_CANCEL = "forget_me_cancel"
HISTORY_PAGE = 15  # at most two blocks per entry keeps a page under Slack's 50 blocks per message


class CardChoice(StrEnum):
    """What the fitness card's `⋯` menu offers."""

    TARGETS = "targets"
    NUDGES = "nudges"
    HELP = "help"


class EntryChoice(StrEnum):
    """What a history entry's `⋯` menu offers; its value is `choice:entry id` (and `:page offset`)."""

    EDIT = "edit"
    DELETE = "delete"


def day_count(count: int) -> str:
    return counted(count, "day")


def _rings(card: FitnessCard) -> list[str]:
    rings = card.summary.rings
    mix = rings.mix
    shares = mix.shares
    mix_text = " · ".join(f"{KIND_LABELS[kind]} {round(shares[kind] * 100)}%" for kind in EntryKind)
    tick = {True: " :white_check_mark:", False: ""}
    return [
        f"*Consistency*  `{progress_bar(rings.consistency.fraction)}`  "
        f"{rings.consistency.value} of {day_count(rings.consistency.target)}{tick[rings.consistency.closed]}",
        f"*Time*  `{progress_bar(rings.time.fraction)}`  "
        f"{duration(rings.time.value)} of {duration(rings.time.target)}{tick[rings.time.closed]}",
        f"*Mix*  `{progress_bar(mix.fraction)}`  "
        + (mix_text if any(shares.values()) else f"nothing in the last {MIX_WEEKS} weeks yet")
        + tick[mix.closed],
    ]


def _streak_text(card: FitnessCard) -> str:
    streak = card.summary.streak
    text = f":fire: {counted(streak.current, 'week')} in a row" if streak.current else "No streak yet"
    if streak.best > streak.current:
        text += f" (best {streak.best})"
    if card.rest_this_week:
        text += " · :palm_tree: rest week, your streak is safe"
    return text


def _week_text(card: FitnessCard) -> str:
    """This week so far against last week at the same point, so a Monday is not measured against a whole
    week."""
    comparison = card.summary.comparison
    then = card.last_week_so_far_minutes
    return (
        f"This week *{duration(comparison.this_week_minutes)}* on {day_count(comparison.this_week_days)}, "
        + (f"by now last week {duration(then)}" if then else "nothing by now last week")
    )


def _skills_text(card: FitnessCard) -> str:
    if not card.top_skills:
        if card.week.recent:
            return "No skills tagged in the last 30 days: add `#tags` when you log."
        return "Nothing logged yet. Small sessions count: try `/learn 15m #topic what you explored`."
    skills = " · ".join(f"{skill_tag(skill.name)} {duration(skill.minutes)}" for skill in card.top_skills)
    return f"Top skills, 30 days: {skills}"


def _help_and_nudge_text(card: FitnessCard) -> str:
    return (
        f":raising_hand: Help given {card.help_given} · received {card.help_received} · "
        f"{_next_nudge_text(card)}"
    )


def latest_entries_blocks(week: WeekSummary) -> list[Block]:
    """Home's latest entries; none before the first (the card itself then says how to start)."""
    if not week.recent:
        return []
    return [
        section("*Latest learning*"),
        *(context(f"{day_label(entry.local_day)} · {entry_line(entry)}") for entry in week.recent),
    ]


def fitness_card_blocks(card: FitnessCard) -> list[Block]:
    """The card itself, shared by `/fitness` and App Home: six lines at most (tests/test_fitness_card.py
    counts them): the three rings, the streak and the week, top skills, help and nudges."""
    return [
        section("\n".join([*_rings(card), f"{_streak_text(card)} · {_week_text(card)}"])),
        context(_skills_text(card)),
        context(_help_and_nudge_text(card)),
    ]


def _next_nudge_text(card: FitnessCard) -> str:
    if card.nudges_snoozed_until is not None:
        return f":zzz: Nudges snoozed until {day_label(card.nudges_snoozed_until.date())}"
    if card.next_nudge is not None:
        return f":bell: Next nudge {card.next_nudge:%a %H:%M}"
    if card.nudges_enabled:
        return ":bell: Nudges start once you log learning"
    return ":bell: Nudges off"


def fitness_message(card: FitnessCard) -> dict[str, Any]:
    """`/fitness`: the card and one row of actions; targets, nudges and help wait in the overflow menu."""
    menu = overflow(
        CARD_MENU,
        option("Change targets", CardChoice.TARGETS),
        option("Nudge settings", CardChoice.NUDGES),
        option("How the rings work", CardChoice.HELP),
    )
    blocks = [
        *fitness_card_blocks(card),
        actions(
            button("Log learning", OPEN_LOG_MODAL, style="primary"),
            button("History", SHOW_HISTORY, value="0"),
            menu,
        ),
    ]
    rings = card.summary.rings
    text = (
        f"Learning fitness: {rings.consistency.value}/{rings.consistency.target} days, "
        f"{duration(rings.time.value)} of {duration(rings.time.target)} this week"
    )
    return message(text, blocks)


def fitness_error_message(problem: str) -> dict[str, Any]:
    return problem_message(problem, command="/fitness")


def fitness_help_message() -> dict[str, Any]:
    text = "How /fitness works"
    blocks: list[Block] = [
        section(
            "*Learning fitness* is small, regular learning that adds up. Each week (Monday to Sunday, in your "
            "timezone) you close three rings:\n"
            "• *Consistency*: days you learned, against your target (3 days to start)\n"
            "• *Time*: minutes you logged, against your target (60 minutes to start)\n"
            "• *Mix*: on the job, from people and formal learning over the last 4 weeks\n"
            "A week that closes Consistency and Time extends your *streak*. A rest week (`/fitness rest`) "
            "keeps it; one in any four weeks."
        ),
        section(
            "`/fitness` your card · `/fitness target 4 days 90m` set targets · `/fitness history` edit or "
            "delete entries · `/fitness rest` this week is a rest week (`rest off` to undo) · "
            "`/fitness export` all your entries as CSV in your DM · `/fitness forget-me` delete everything "
            "Learnfit holds about you · `/fitness expert off` (or `on`) whether askers see you suggested"
        ),
        context("Only you see your card. Team digests never show private entries by name."),
    ]
    return message(text, blocks)


def history_message(
    entries: list[LearningEntry],
    *,
    offset: int,
    more: bool,
    note: str | None = None,
    confirming: int | None = None,
) -> dict[str, Any]:
    """A page of history: one line per entry with Edit and Delete in its `⋯` menu; Delete first asks, in
    place of the entry's line (`confirming` is that entry's id)."""
    blocks: list[Block] = [header("Your learning history")]
    if note:
        blocks.append(context(note))
    if not entries:
        blocks.append(section("No entries here. Log one with `/learn 20m what you learned`."))
    for entry in entries:
        line = f"{day_label(entry.local_day)} · {entry_line(entry, what_limit=300)}"
        if entry.id == confirming:
            blocks.append(section(f":warning: Delete this entry for good?\n{line}"))
            blocks.append(
                actions(
                    button("Delete", DELETE_ENTRY, value=f"{entry.id}:{offset}", style="danger"),
                    button("Keep it", HISTORY_KEEP, value=str(offset)),
                )
            )
            continue
        menu = overflow(
            HISTORY_ENTRY_MENU,
            option("Edit", f"{EntryChoice.EDIT}:{entry.id}"),
            option("Delete…", f"{EntryChoice.DELETE}:{entry.id}:{offset}"),
        )
        blocks.append(section(line, accessory=menu))
    if more or offset:
        navigation = []
        if offset:
            navigation.append(button("Newer", HISTORY_NEWER, value=str(max(0, offset - HISTORY_PAGE))))
        if more:
            navigation.append(button("Older", HISTORY_OLDER, value=str(offset + HISTORY_PAGE)))
        blocks.append(actions(*navigation))
    return message("Your learning history", blocks)


def forget_me_question(held: Holdings) -> dict[str, Any]:
    text = (
        "This deletes everything Learnfit holds about you in this workspace: "
        f"{counted(held.entries, 'entry', 'entries')}, {counted(held.goals, 'goal')}, your questions, the replies and offers of help Learnfit noted, your places in "
        "teams, your targets and settings. It cannot be undone. "
        "`/fitness export` first if you want a copy."
    )
    return message(
        text,
        [
            section(f":warning: {text}"),
            actions(
                button("Delete everything", FORGET_ME, value="confirm", style="danger"),
                button("Cancel", FORGET_ME_CANCEL),
            ),
        ],
    )


def forgotten_message(held: Holdings) -> dict[str, Any]:
    text = (
        f"Done: {counted(held.entries, 'entry', 'entries')} and {counted(held.goals, 'goal')} are deleted, and "
        "Learnfit holds nothing else about you here. Nudges stop too: if you `/learn` again, you start fresh."
    )
    return message(text, [section(f":wastebasket: {text}")])


def deleted_note(removed: LearningEntry | None) -> str:
    """Above the history page redrawn after Delete (None: the entry was gone already)."""
    if removed is None:
        return "That entry was already gone."
    return f"Deleted *{duration(removed.minutes)}* · {shown(removed.what, 80)}"


def nothing_deleted_message() -> dict[str, Any]:
    """Cancel on the forget-me question, redrawn."""
    return plain_message("Nothing was deleted.")


def plain_message(text: str) -> dict[str, Any]:
    return message(text, [section(text)])


def timezone_note_message() -> dict[str, Any]:
    """Told once to someone Slack gives no timezone for."""
    return plain_message(
        ":globe_with_meridians: Learnfit uses UTC for your days and nudges until your Slack profile has a "
        "timezone. Once you set one there, Learnfit follows it within 12 hours."
    )


def rest_week_message(monday: date, *, rest: bool) -> dict[str, Any]:
    if rest:
        return plain_message(
            f":palm_tree: The week of {day_label(monday)} is a rest week: your streak is safe. "
            "`/fitness rest off` undoes it."
        )
    return plain_message(f"The week of {day_label(monday)} is an ordinary week again.")


def export_file(count: int, *, today: date) -> dict[str, str]:
    """The CSV file's name, title and comment, for the person's DM."""
    return {
        "filename": f"learnfit-entries-{today.isoformat()}.csv",
        "title": f"Your Learnfit entries ({count})",
        "comment": f"Here are all your Learnfit entries in this workspace: {counted(count, 'row')}, oldest first.",
    }


def exported_message(count: int, *, sent: bool) -> dict[str, Any]:
    """How the export went: nothing to send, sent, or Slack would not take the file."""
    if count == 0:
        return plain_message("You have no entries to export yet. Log one with `/learn 20m what you learned`.")
    if not sent:
        return fitness_error_message(
            "I could not send the file to your DM just now; nothing was lost. Try again in a minute."
        )
    return plain_message(
        f":inbox_tray: Sent {counted(count, 'entry', 'entries')} as a CSV file to your DM with Learnfit."
    )


def targets_set_message(targets: Targets) -> dict[str, Any]:
    return plain_message(
        f":dart: Targets set: {day_count(targets.days_per_week)} and {duration(targets.minutes_per_week)} a week. "
        "Your rings use them from this week on."
    )
