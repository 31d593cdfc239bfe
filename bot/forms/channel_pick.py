"""The channel picker of the forms that post something of the person's in a channel they pick (a goal, an
entry): reading the pick, and saying under it what to do when Slack will not let the app post there."""

from __future__ import annotations

from collections.abc import Mapping

from bot.forms.base import FormErrors, FormValues

POST_FAILED = (
    "Slack did not let Learnfit post there just now. Try again in a minute, or pick another channel."
)


class ChannelPick:
    """One form's channel field: its block id, and its words for each of Slack's refusals."""

    def __init__(self, block_id: str, problems: Mapping[str, str]) -> None:
        self.block_id = block_id
        self.problems = dict(problems)

    def read(self, values: object, *, ask: str) -> str:
        """The channel picked, or FormErrors that `ask` for one."""
        channel_id = FormValues(values).conversation(self.block_id)
        if channel_id is None:
            raise self.refused(ask)
        return channel_id

    def refused(self, problem: str) -> FormErrors:
        return FormErrors({self.block_id: problem})

    def post_refused(self, error: str) -> FormErrors:
        """What to do about a channel Slack would not let the app post in, by Slack's error code (the
        gateway has logged it)."""
        return self.refused(self.problems.get(error) or POST_FAILED)
