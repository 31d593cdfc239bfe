"""The share-an-entry form: post one shared entry as a card in a channel the person picks (and is in)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.forms.base import HiddenState
from bot.forms.channel_pick import ChannelPick
from bot.forms.elements import channel_picker, modal
from bot.views.blocks import context, input_block, section
from bot.views.format import shown, skill_tags
from bot.views.values import ChannelId, RowId
from models import LearningEntry

SHARE_ENTRY_MODAL = "entry_share_modal"


class BlockId(StrEnum):
    CHANNEL = "channel"


class ShareEntryContext(HiddenState):
    """The entry being shared, and where the button was clicked (to confirm there, to that person only)."""

    entry_id: RowId | None = None
    channel_id: ChannelId | None = None


NOT_SHAREABLE = "That entry is private, removed, or not yours, so it can't be shared."
NOT_A_CHANNEL = "Pick a channel: a card is never posted in a direct message."
NOT_IN_IT = "You can share only in a channel you're in. Pick one of yours."
NOT_SEEN = (
    "Learnfit can't see that channel. If it's private, type `/invite @Learnfit` there first, "
    "or pick another channel."
)
_NOT_A_MEMBER = "Learnfit isn't in that channel yet. Type `/invite @Learnfit` there, or pick another channel."
CHANNEL_PICK = ChannelPick(
    BlockId.CHANNEL,
    {
        "not_in_channel": _NOT_A_MEMBER,
        "channel_not_found": NOT_SEEN,
        "is_archived": "That channel is archived. Pick another one.",
    },
)


def share_entry_modal(entry: LearningEntry, *, channel_id: str | None) -> dict[str, Any]:
    """The form, with the channel the entry was logged in picked when it was a channel (not a DM)."""
    logged_in = channel_id if channel_id and not channel_id.startswith("D") else None
    tags = skill_tags([skill.name for skill in entry.skills])
    return modal(
        SHARE_ENTRY_MODAL,
        title="Share in a channel",
        submit="Share",
        blocks=[
            section(f"Post a card about this entry, with your name: *{shown(entry.what, 500)}* {tags}"),
            context("Only this entry is shared (never its time), nothing else of yours."),
            input_block(
                BlockId.CHANNEL,
                "Channel",
                channel_picker(logged_in),
                hint="A channel you're in. Learnfit must be there too: /invite @Learnfit",
            ),
        ],
        state=ShareEntryContext(entry_id=entry.id, channel_id=channel_id),
    )


def parse_share_entry_form(values: object) -> str:
    """The channel picked, or FormErrors asking for one."""
    return CHANNEL_PICK.read(values, ask="Pick a channel to share in.")
