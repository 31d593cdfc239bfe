"""The goal form: set a goal (from /goal or App Home) or edit one from the goal list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.forms.base import DraftForm, FormErrors, FormValues, HiddenState, MessageOrigin, time_field
from bot.forms.elements import datepicker, modal, radio_buttons, skills_input, text_input
from bot.parsing.errors import CommandError
from bot.parsing.goal import parse_sessions
from bot.parsing.numbers import parse_bounded_int
from bot.services.goals import (
    MAX_TARGET_MINUTES,
    MAX_TARGET_SESSIONS,
    MAX_TITLE_LENGTH,
    MAX_WHY_LENGTH,
    MIN_TARGET_MINUTES,
    MIN_TARGET_SESSIONS,
    GoalDraft,
    GoalError,
)
from bot.views.blocks import Block, input_block, option
from bot.views.values import ChannelId, RowId
from models import Goal, GoalTarget

GOAL_MODAL = "goal_modal"
MINUTES_REFUSAL = (
    f"Give {MIN_TARGET_MINUTES} minutes to {MAX_TARGET_MINUTES // 60:,} hours, like 10h, 90m or 1h30m."
)
SESSIONS_REFUSAL = f"Give {MIN_TARGET_SESSIONS} to {MAX_TARGET_SESSIONS} sessions, like 12."


class BlockId(StrEnum):
    TITLE = "title"
    WHY = "why"
    TARGET = "target"
    AMOUNT = "amount"
    SKILLS = "skills"
    DUE = "due"


class GoalModalContext(HiddenState):
    """What the goal form remembers between opening and submission."""

    goal_id: RowId | None = None  # editing this goal
    channel_id: ChannelId | None = None  # where it was opened: the confirmation goes there
    origin: MessageOrigin | None = None  # the goal list an edit redraws in place


@dataclass(frozen=True)
class GoalPrefill:
    title: str = ""
    why: str | None = None
    target_kind: GoalTarget = GoalTarget.MINUTES
    target_value: int | None = None
    skills: tuple[str, ...] = ()
    due_date: date | None = None

    @classmethod
    def from_goal(cls, goal: Goal) -> GoalPrefill:
        return cls(
            title=goal.title,
            why=goal.why,
            target_kind=goal.target_kind,
            target_value=goal.target_value,
            skills=tuple(skill.name for skill in goal.skills),
            due_date=goal.due_date,
        )


_DRAFT = DraftForm(
    GoalDraft,
    blocks={
        "title": BlockId.TITLE,
        "why": BlockId.WHY,
        "target_kind": BlockId.TARGET,
        "target_value": BlockId.AMOUNT,
        "skills": BlockId.SKILLS,
        "due_date": BlockId.DUE,
    },
    stand_ins={"title": "x", "target_kind": GoalTarget.SESSIONS, "target_value": 1},
    # The target and its amount, and a done-by goal's date, only make sense together.
    checked_alone=("title", "why", "skills"),
)


def _amount_text(kind: GoalTarget, value: int | None) -> str | None:
    if value is None or kind is GoalTarget.DATE:
        return None
    if kind is GoalTarget.SESSIONS:
        return str(value)
    hours, minutes = divmod(value, 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")


def goal_modal(prefill: GoalPrefill, modal_context: GoalModalContext) -> dict[str, Any]:
    """The form behind `/goal`, Add a goal on App Home, and Edit."""
    targets = [
        option("Time spent learning", GoalTarget.MINUTES.value, "e.g. 10 hours by the end of the quarter"),
        option("Learning sessions", GoalTarget.SESSIONS.value, "e.g. 12 entries, whatever their length"),
        option("Just a done-by date", GoalTarget.DATE.value, "You mark it done when it is"),
    ]
    blocks: list[Block] = [
        input_block(
            BlockId.TITLE,
            "Your goal",
            text_input(
                initial=prefill.title,
                placeholder="e.g. Learn Kubernetes basics",
                max_length=MAX_TITLE_LENGTH,
            ),
        ),
        input_block(
            BlockId.WHY,
            "Why it matters",
            text_input(
                initial=prefill.why,
                placeholder="e.g. Our team moves to Kubernetes next quarter",
                multiline=True,
                max_length=MAX_WHY_LENGTH,
            ),
            optional=True,
            hint="Only you see this.",
        ),
        input_block(BlockId.TARGET, "Target", radio_buttons(targets, prefill.target_kind.value)),
        input_block(
            BlockId.AMOUNT,
            "How much?",
            text_input(
                initial=_amount_text(prefill.target_kind, prefill.target_value),
                placeholder="e.g. 10h, or 12",
                max_length=20,
            ),
            optional=True,
            hint="Time: 10h or 90m (a bare number means hours). Sessions: a number like 12. "
            "Leave empty for a done-by date.",
        ),
        input_block(
            BlockId.SKILLS,
            "Skills it covers",
            skills_input(prefill.skills, placeholder="e.g. #kubernetes #helm"),
            optional=True,
            hint="Entries tagged with any of these count toward the goal.",
        ),
        input_block(
            BlockId.DUE,
            "Done by",
            datepicker(prefill.due_date),
            optional=True,
            hint="Needed for a done-by goal.",
        ),
    ]
    return modal(
        GOAL_MODAL,
        title="Edit goal" if modal_context.goal_id is not None else "New goal",
        submit="Save",
        blocks=blocks,
        state=modal_context,
    )


def _amount(kind: GoalTarget, text: str) -> int | None:
    """The "How much?" field for a target kind (None for a done-by goal); CommandError says what to type."""
    if kind is GoalTarget.DATE:
        return None
    if kind is GoalTarget.MINUTES:
        # A bare number is hours here: nobody aims for "600" minutes of learning.
        return time_field(
            text, low=MIN_TARGET_MINUTES, high=MAX_TARGET_MINUTES, refusal=MINUTES_REFUSAL, bare_unit=60
        )
    if text.isdecimal():
        return parse_bounded_int(
            text, low=MIN_TARGET_SESSIONS, high=MAX_TARGET_SESSIONS, refusal=SESSIONS_REFUSAL
        )
    count = parse_sessions(text, refusal=SESSIONS_REFUSAL)
    if count is None:
        raise CommandError(SESSIONS_REFUSAL)
    return count


def _target_kind(form: FormValues) -> GoalTarget:
    try:
        return GoalTarget(form.choice(BlockId.TARGET) or GoalTarget.MINUTES.value)
    except ValueError:
        return GoalTarget.MINUTES


def parse_goal_form(values: object) -> GoalDraft:
    """Read the form's `view.state.values` into a draft, or raise FormErrors for each bad field."""
    form = FormValues(values)
    kind = _target_kind(form)
    amount_text = (form.text(BlockId.AMOUNT) or "").strip()
    found: dict[str, str] = {}
    try:
        value = _amount(kind, amount_text)
    except CommandError as exc:
        value, found[BlockId.AMOUNT] = None, exc.message if amount_text else "How much? " + exc.message
    due = form.day(BlockId.DUE)
    if kind is GoalTarget.DATE and due is None:
        found[BlockId.DUE] = "A done-by goal needs its date: when will you have done it?"
    fields = {
        "title": form.text(BlockId.TITLE) or "",
        "why": form.text(BlockId.WHY),
        "target_kind": kind,
        "target_value": value,
        "skills": form.words(BlockId.SKILLS),
        "due_date": due,
    }
    return _DRAFT.build(fields, found)


def field_errors(error: GoalError) -> FormErrors:
    """A problem only the service could see (too many goals, a date past where the person is), under its
    field."""
    return _DRAFT.refused(error)
