"""The ask form: ask peers a question (from /ask or App Home) or edit one still open."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.forms.base import DraftForm, FormErrors, FormValues, HiddenState
from bot.forms.elements import channel_picker, modal, radio_buttons, skills_input, text_input
from bot.services.help import MAX_DETAILS_LENGTH, MAX_QUESTION_LENGTH, QuestionCard, QuestionDraft
from bot.views.blocks import Block, context, input_block, option
from bot.views.format import channel_link
from bot.views.help import URGENCY_LABELS
from bot.views.values import ChannelId, RowId
from models import Urgency

ASK_MODAL = "ask_modal"


class BlockId(StrEnum):
    QUESTION = "question"
    DETAILS = "details"
    SKILLS = "skills"
    URGENCY = "urgency"
    CHANNEL = "channel"


class AskModalContext(HiddenState):
    """What the ask form remembers between opening and submission."""

    channel_id: ChannelId | None = None  # where it was opened: the confirmation goes there
    question_id: RowId | None = None  # editing this question


@dataclass(frozen=True)
class AskForm:
    draft: QuestionDraft
    channel_id: str | None  # the channel picked in the form, when it offers a choice


CLOSED = "This question is closed, so it can no longer be edited."
NOT_YOURS = "Only the asker, or a workspace admin, can edit this question."

_DRAFT = DraftForm(
    QuestionDraft,
    blocks={
        "text": BlockId.QUESTION,
        "details": BlockId.DETAILS,
        "skills": BlockId.SKILLS,
        "urgency": BlockId.URGENCY,
    },
    stand_ins={"text": "x"},
    checked_alone=("text", "details", "skills"),
)


def _channel_block(modal_context: AskModalContext) -> Block:
    """Where to post, for a workspace without a help channel: where the form was opened, if a channel."""
    opened_in = modal_context.channel_id
    return input_block(
        BlockId.CHANNEL,
        "Post in",
        channel_picker(opened_in if opened_in and opened_in[0] in "CG" else None),
        hint="Learnfit must be in it: /invite @Learnfit",
    )


def ask_modal(
    modal_context: AskModalContext, *, card: QuestionCard | None = None, help_channel_id: str | None = None
) -> dict[str, Any]:
    """The form behind `/ask`, the Home button and Edit (with `card`). There is no anonymous option:
    answers need someone to thank. Without a help channel, a new question asks where to go."""
    urgency_options = [option(label, urgency.value) for urgency, label in URGENCY_LABELS.items()]
    blocks: list[Block] = [
        input_block(
            BlockId.QUESTION,
            "Your question",
            text_input(
                initial=card.text if card else None,
                placeholder="e.g. How do I read a Postgres query plan?",
                max_length=MAX_QUESTION_LENGTH,
                multiline=True,
            ),
        ),
        input_block(
            BlockId.DETAILS,
            "Details",
            text_input(
                initial=card.details if card else None,
                placeholder="What you tried, what you expected, links",
                max_length=MAX_DETAILS_LENGTH,
                multiline=True,
            ),
            optional=True,
        ),
        input_block(
            BlockId.SKILLS,
            "Skills",
            skills_input(card.skills if card else (), placeholder="e.g. #postgres #performance"),
            optional=True,
            hint="Up to 10. They find peers who have learned about them.",
        ),
        input_block(
            BlockId.URGENCY,
            "How soon do you need it?",
            radio_buttons(urgency_options, (card.urgency if card else Urgency.NORMAL).value),
        ),
    ]
    if card is None:
        if help_channel_id is None:
            blocks.append(_channel_block(modal_context))
        where = f" in {channel_link(help_channel_id)}" if help_channel_id else ""
        blocks.append(
            context(f"Your question is posted{where} with your name, so helpers know whom they help.")
        )
    return modal(
        ASK_MODAL,
        title="Edit your question" if card else "Ask for help",
        submit="Save" if card else "Post",
        blocks=blocks,
        state=modal_context,
    )


def parse_ask_form(values: object) -> AskForm:
    """Read the form's `view.state.values`, or raise FormErrors under each field that is wrong."""
    form = FormValues(values)
    fields = {
        "text": form.text(BlockId.QUESTION) or "",
        "details": form.text(BlockId.DETAILS),
        "skills": form.words(BlockId.SKILLS),
        "urgency": form.choice(BlockId.URGENCY) or Urgency.NORMAL.value,
    }
    return AskForm(_DRAFT.build(fields), form.conversation(BlockId.CHANNEL))


def channel_not_seen() -> FormErrors:
    """A channel picked that the asker cannot see (a forged pick), or a private one Learnfit is not in."""
    return FormErrors(
        {
            BlockId.CHANNEL: "You can ask only in a channel you can see. If it is private, invite Learnfit "
            "there first (`/invite @Learnfit`), or pick another channel."
        }
    )


def refused(problem: str) -> FormErrors:
    """Why a well-filled form still cannot be saved (CLOSED, NOT_YOURS), under the question."""
    return FormErrors({BlockId.QUESTION: problem})
