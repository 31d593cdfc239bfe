"""The credit form: who helped with a question, when the asker resolves it or credits helpers later."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from bot.forms.base import VALUE, FormErrors, FormValues, HiddenState
from bot.forms.elements import Element, modal
from bot.services.help import QuestionCard
from bot.views.blocks import input_block, plain, section
from bot.views.help import quote
from bot.views.values import ChannelId, RowId
from models import QuestionStatus

CREDIT_MODAL = "credit_helpers_modal"


class BlockId(StrEnum):
    HELPERS = "helpers"


class CreditModalContext(HiddenState):
    """What the credit form remembers between opening and submission."""

    question_id: RowId | None = None
    channel_id: ChannelId | None = None  # where it was opened: the confirmation goes there


WITHDRAWN = "This question was withdrawn, so nothing changed."
ASKER_PICKED = "You asked this question, so your own help is not credited: pick only the people who helped."
NOT_YOURS = "Only the asker, or a workspace admin, can resolve this question."


def credit_modal(
    card: QuestionCard, repliers: Sequence[str], *, channel_id: str | None = None
) -> dict[str, Any]:
    """Who helped? Everyone who replied in the thread is already picked (never the asker, whoever opens it);
    the asker can change it."""
    repliers = [user for user in repliers if user != card.asker]
    element: Element = {
        "type": "multi_users_select",
        "action_id": VALUE,
        "placeholder": plain("Pick the people who helped"),
    }
    if repliers:
        element["initial_users"] = list(repliers[:100])
    resolving = card.status is QuestionStatus.OPEN
    return modal(
        CREDIT_MODAL,
        title="Who helped?",
        submit="Resolve" if resolving else "Credit",
        blocks=[
            section(f"{'Resolve' if resolving else 'Your question'} {quote(card, 500)}"),
            input_block(
                BlockId.HELPERS,
                "They helped me",
                element,
                optional=True,
                hint="Everyone who replied in the thread is picked. Each gets credit for helping, once.",
            ),
        ],
        state=CreditModalContext(question_id=card.id, channel_id=channel_id),
    )


def parse_credit_form(values: object) -> list[str]:
    """The people picked as helpers."""
    return FormValues(values).users(BlockId.HELPERS)


def refused(problem: str) -> FormErrors:
    """Why the form cannot be saved (WITHDRAWN, NOT_YOURS), under the helpers."""
    return FormErrors({BlockId.HELPERS: problem})
