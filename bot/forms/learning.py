"""The learning form: log what was learned (from /learn, App Home, a nudge, a goal, a question, a message)
or edit an entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.forms.base import DraftForm, FormErrors, FormValues, HiddenState, MessageOrigin, time_field
from bot.forms.elements import (
    datepicker,
    modal,
    radio_buttons,
    skills_input,
    static_select,
    text_input,
    url_input,
)
from bot.parsing.errors import CommandError
from bot.parsing.numbers import bounded_int
from bot.services.drafts import DraftError
from bot.services.learning import MAX_MINUTES, MAX_WHAT_LENGTH, EntryDraft
from bot.views.blocks import Block, input_block, option
from bot.views.format import KIND_EXPLANATIONS, KIND_LABELS, truncate
from bot.views.values import MAX_ROW_ID, ChannelId, RowId
from models import EntryKind, LearningEntry, Visibility

LEARNING_MODAL = "learning_modal"
MINUTES_REFUSAL = (
    f"Give 1 minute to {MAX_MINUTES // 60} hours: minutes like 30, or a duration like 45m or 1h30m."
)


class BlockId(StrEnum):
    WHAT = "what"
    MINUTES = "minutes"
    KIND = "kind"
    SKILLS = "skills"
    GOAL = "goal"
    DAY = "day"
    LINK = "link"
    VISIBILITY = "visibility"


class ModalContext(HiddenState):
    """What the learning form remembers between opening and submission."""

    entry_id: RowId | None = None  # editing this entry
    channel_id: ChannelId | None = None  # where it was opened: the confirmation goes there
    origin: MessageOrigin | None = None  # the confirmation an edit redraws in place
    from_message: bool = False  # opened by the message shortcut


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


_DRAFT = DraftForm(
    EntryDraft,
    blocks={
        "what": BlockId.WHAT,
        "minutes": BlockId.MINUTES,
        "kind": BlockId.KIND,
        "skills": BlockId.SKILLS,
        "goal_id": BlockId.GOAL,
        "goal": BlockId.GOAL,  # the service's name for the picked goal when it refuses it
        "day": BlockId.DAY,
        "link": BlockId.LINK,
        "visibility": BlockId.VISIBILITY,
    },
    stand_ins={"what": "x", "minutes": 1},
    checked_alone=("what", "minutes", "skills", "link"),
)


def _goal_picker(goals: Sequence[tuple[int, str]], picked: int | None) -> Block:
    options = [option(truncate(title, 75), str(goal_id)) for goal_id, title in goals[:100]]
    return input_block(
        BlockId.GOAL,
        "Toward a goal",
        static_select(options, placeholder="Pick a goal", picked=str(picked)),
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
    kind_options = [option(KIND_LABELS[kind], kind.value, KIND_EXPLANATIONS[kind]) for kind in EntryKind]
    visibility_options = [
        option("My team", Visibility.TEAM.value, "Counts in your team's weekly digest"),
        option("Only me", Visibility.PRIVATE.value, "Counted in totals, never shown by name"),
    ]
    blocks: list[Block] = [
        input_block(
            BlockId.WHAT,
            "What did you learn?",
            text_input(
                initial=prefill.what,
                placeholder="e.g. How asyncio cancels tasks, pairing with Ana",
                multiline=True,
                max_length=MAX_WHAT_LENGTH,
            ),
        ),
        input_block(
            BlockId.MINUTES,
            "How long?",
            text_input(
                initial=str(prefill.minutes) if prefill.minutes else None,
                placeholder="e.g. 30, 45m, 1h30m",
                max_length=20,
            ),
            hint="Minutes, or a duration like 1h30m. Small sessions count.",
        ),
        input_block(BlockId.KIND, "Where did it come from?", radio_buttons(kind_options, prefill.kind.value)),
        input_block(
            BlockId.SKILLS,
            "Skills",
            skills_input(prefill.skills, placeholder="e.g. #python #asyncio"),
            optional=True,
        ),
        *([_goal_picker(goals, prefill.goal_id)] if goals else []),
        input_block(BlockId.DAY, "When?", datepicker(prefill.day or today)),
        input_block(
            BlockId.LINK,
            "Link",
            url_input(prefill.link),
            optional=True,
            hint="An article, a doc, a Slack message.",
        ),
        input_block(
            BlockId.VISIBILITY,
            "Who can see it?",
            radio_buttons(visibility_options, prefill.visibility.value),
        ),
    ]
    editing = modal_context.entry_id is not None
    return modal(
        LEARNING_MODAL,
        title="Edit learning" if editing else "Log learning",
        submit="Save",
        blocks=blocks,
        state=modal_context,
    )


def parse_learning_form(values: object) -> EntryDraft:
    """Read the form's `view.state.values` into a draft, or raise FormErrors for each bad field."""
    form = FormValues(values)
    found: dict[str, str] = {}
    try:
        minutes = time_field(
            form.text(BlockId.MINUTES) or "", low=1, high=MAX_MINUTES, refusal=MINUTES_REFUSAL
        )
    except CommandError as exc:
        minutes, found[BlockId.MINUTES] = 0, exc.message
    fields = {
        "what": form.text(BlockId.WHAT) or "",
        "minutes": minutes,
        "kind": form.choice(BlockId.KIND) or EntryKind.JOB.value,
        "skills": form.words(BlockId.SKILLS),
        "link": form.text(BlockId.LINK),
        "visibility": form.choice(BlockId.VISIBILITY) or Visibility.TEAM.value,
        "day": form.day(BlockId.DAY),
        "goal_id": bounded_int(form.choice(BlockId.GOAL) or "", low=1, high=MAX_ROW_ID),
    }
    return _DRAFT.build(fields, found)


def field_errors(error: DraftError) -> FormErrors:
    """A problem only the service could see (a day still ahead where the person is), under its field."""
    return _DRAFT.refused(error)
