"""Messages and the modal for logging learning."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from bot.parsing import LEARN_EXAMPLE
from bot.services.learning import MAX_WHAT_LENGTH, WeekSummary
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    input_block,
    message,
    option,
    plain,
    section,
)
from bot.views.format import (
    KIND_EXPLANATIONS,
    KIND_LABELS,
    VISIBILITY_LABELS,
    day_label,
    duration,
    entry_line,
    escape,
    truncate,
)
from models import EntryKind, LearningEntry, Visibility

LEARNING_MODAL = "learning_modal"
EDIT_ENTRY = "entry_edit"
UNDO_ENTRY = "entry_undo"
OPEN_LOG_MODAL = "open_log_modal"


@dataclass(frozen=True)
class ModalContext:
    """What the modal must remember between opening and submission (kept in private_metadata)."""

    entry_id: int | None = None
    channel_id: str | None = None
    response_url: str | None = None
    from_message: bool = False

    def dump(self) -> str:
        return json.dumps({key: value for key, value in asdict(self).items() if value not in (None, False)})

    @classmethod
    def load(cls, raw: str | None) -> ModalContext:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls(
            entry_id=data.get("entry_id"),
            channel_id=data.get("channel_id"),
            response_url=data.get("response_url"),
            from_message=bool(data.get("from_message")),
        )


@dataclass(frozen=True)
class ModalPrefill:
    what: str = ""
    minutes: int | None = None
    kind: EntryKind = EntryKind.JOB
    skills: tuple[str, ...] = ()
    link: str | None = None
    visibility: Visibility = Visibility.TEAM
    day: date | None = None
    goal_id: int | None = None

    @classmethod
    def from_entry(cls, entry: LearningEntry) -> ModalPrefill:
        return cls(
            what=entry.what,
            minutes=entry.minutes,
            kind=entry.kind,
            skills=tuple(skill.name for skill in entry.skills),
            link=entry.link,
            visibility=entry.visibility,
            day=entry.local_day,
            goal_id=entry.goal_id,
        )


def _week_line(week: WeekSummary) -> str:
    entries = "entry" if week.entries == 1 else "entries"
    return f"This week: *{duration(week.minutes)}* across {week.entries} {entries}"


def logged_message(entry: LearningEntry, week: WeekSummary, *, duplicate: bool = False) -> dict[str, Any]:
    headline = "Already logged (Slack sent this twice):" if duplicate else ":white_check_mark: Logged:"
    blocks: list[Block] = [
        section(f"{headline} {entry_line(entry, what_limit=500)}"),
        context(
            f"{day_label(entry.local_day)} · {VISIBILITY_LABELS[entry.visibility]}"
            + (f" · <{entry.link}|link>" if entry.link else ""),
            _week_line(week),
        ),
        actions(
            button("Edit", EDIT_ENTRY, value=str(entry.id)),
            button("Undo", UNDO_ENTRY, value=str(entry.id)),
        ),
    ]
    return message(f"Logged {duration(entry.minutes)}: {truncate(entry.what, 100)}", blocks)


def updated_message(entry: LearningEntry, week: WeekSummary) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f":pencil2: Updated: {entry_line(entry, what_limit=500)}"),
        context(f"{day_label(entry.local_day)} · {VISIBILITY_LABELS[entry.visibility]}", _week_line(week)),
        actions(
            button("Edit", EDIT_ENTRY, value=str(entry.id)),
            button("Undo", UNDO_ENTRY, value=str(entry.id)),
        ),
    ]
    return message(f"Updated: {truncate(entry.what, 100)}", blocks)


def undone_message(entry: LearningEntry | None) -> dict[str, Any]:
    if entry is None:
        text = "That entry is already gone; nothing else changed."
    else:
        text = (
            f":wastebasket: Removed *{duration(entry.minutes)}* · {escape(truncate(entry.what, 200))}. "
            f"Log it again any time with `/learn`."
        )
    return message(text, [section(text)])


def error_message(problem: str) -> dict[str, Any]:
    return message(problem, [section(f":warning: {problem}"), context("Type `/learn help` for examples.")])


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
            "`/fitness` shows your week."
        ),
    ]
    return message(text, blocks)


def _plain_input(action_id: str, *, initial: str | None, placeholder: str, **extra: Any) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        **extra,
    }
    if initial:
        element["initial_value"] = initial
    return element


def _radio(action_id: str, options: list[dict[str, Any]], initial_value: str) -> dict[str, Any]:
    initial = next(item for item in options if item["value"] == initial_value)
    return {"type": "radio_buttons", "action_id": action_id, "options": options, "initial_option": initial}


def _goal_picker(goals: Sequence[tuple[int, str]], picked: int | None) -> Block:
    options = [option(truncate(title, 75), str(goal_id)) for goal_id, title in goals[:100]]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": "value",
        "placeholder": plain("Pick a goal"),
        "options": options,
    }
    initial = next((item for item in options if item["value"] == str(picked)), None)
    if initial:
        element["initial_option"] = initial
    return input_block(
        "goal",
        "Toward a goal",
        element,
        optional=True,
        hint="Entries that share one of a goal's skills count toward it anyway.",
    )


def learning_modal(
    prefill: ModalPrefill,
    modal_context: ModalContext,
    *,
    today: date,
    goals: Sequence[tuple[int, str]] = (),
) -> dict[str, Any]:
    """The form behind `/learn`, the Home button, Edit and the message shortcut.

    `goals` are the person's (id, title) goals for the optional goal picker, shown only when there are any.
    """
    editing = modal_context.entry_id is not None
    kind_options = [option(KIND_LABELS[kind], kind.value, KIND_EXPLANATIONS[kind]) for kind in EntryKind]
    visibility_options = [
        option("My team", Visibility.TEAM.value, "Counts in your team's weekly digest"),
        option("Only me", Visibility.PRIVATE.value, "Counted in totals, never shown by name"),
    ]
    link_element: dict[str, Any] = {"type": "url_text_input", "action_id": "value"}
    if prefill.link:
        link_element["initial_value"] = prefill.link
    blocks: list[Block] = [
        input_block(
            "what",
            "What did you learn?",
            _plain_input(
                "value",
                initial=prefill.what[:MAX_WHAT_LENGTH] or None,
                placeholder="e.g. How asyncio cancels tasks, pairing with Ana",
                multiline=True,
                max_length=MAX_WHAT_LENGTH,
            ),
        ),
        input_block(
            "minutes",
            "How long?",
            _plain_input(
                "value",
                initial=str(prefill.minutes) if prefill.minutes else None,
                placeholder="e.g. 30, 45m, 1h30m",
                max_length=20,
            ),
            hint="Minutes, or a duration like 1h30m. Small sessions count.",
        ),
        input_block("kind", "Where did it come from?", _radio("value", kind_options, prefill.kind.value)),
        input_block(
            "skills",
            "Skills",
            _plain_input(
                "value",
                initial=" ".join(f"#{name}" for name in prefill.skills) or None,
                placeholder="e.g. #python #asyncio",
                max_length=600,
            ),
            optional=True,
        ),
        input_block(
            "day",
            "When?",
            {"type": "datepicker", "action_id": "value", "initial_date": (prefill.day or today).isoformat()},
        ),
        input_block("link", "Link", link_element, optional=True, hint="An article, a doc, a Slack message."),
        input_block(
            "visibility", "Who can see it?", _radio("value", visibility_options, prefill.visibility.value)
        ),
    ]
    if goals:
        after_skills = next(i for i, block in enumerate(blocks) if block["block_id"] == "skills") + 1
        blocks.insert(after_skills, _goal_picker(goals, prefill.goal_id))
    return {
        "type": "modal",
        "callback_id": LEARNING_MODAL,
        "title": plain("Edit learning" if editing else "Log learning"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": modal_context.dump(),
        "blocks": blocks,
    }
