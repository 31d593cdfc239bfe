"""The share form: post a reached goal (never its entries) to a channel the person picks."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.forms.base import HiddenState
from bot.forms.channel_pick import ChannelPick
from bot.forms.elements import channel_picker, modal
from bot.views.blocks import input_block, section
from bot.views.format import shown
from bot.views.values import RowId
from models import Goal

SHARE_GOAL_MODAL = "goal_share_modal"


class BlockId(StrEnum):
    CHANNEL = "channel"


class ShareGoalContext(HiddenState):
    """The goal being shared."""

    goal_id: RowId | None = None


NOT_YOURS = "That goal is not one of yours to share."
NOT_SEEN = (
    "You can share only in a channel you can see. If it is private, invite Learnfit there first "
    "(`/invite @Learnfit`), or pick another channel."
)
_NOT_A_MEMBER = "Learnfit is not in that channel yet. Type /invite @Learnfit there, or pick another channel."
CHANNEL_PICK = ChannelPick(
    BlockId.CHANNEL,
    {
        "not_in_channel": _NOT_A_MEMBER,
        "channel_not_found": _NOT_A_MEMBER,
        "is_archived": "That channel is archived. Pick another one.",
    },
)


def share_modal(goal: Goal) -> dict[str, Any]:
    return modal(
        SHARE_GOAL_MODAL,
        title="Share your goal",
        submit="Share",
        blocks=[
            section(
                f"Post a short note that you reached *{shown(goal.title, 500)}*. "
                "Only the goal and its target are shared, never your entries. Once shared, your "
                "learning team's weekly post (if it has one) may name it too."
            ),
            input_block(
                BlockId.CHANNEL,
                "Channel",
                channel_picker(),
                hint="Learnfit must be in the channel: /invite @Learnfit",
            ),
        ],
        state=ShareGoalContext(goal_id=goal.id),
    )


def parse_share_form(values: object) -> str:
    """The channel picked, or FormErrors asking for one."""
    return CHANNEL_PICK.read(values, ask="Pick a channel to share with.")
