"""What every form shares: problems shown under fields, hidden state, reading what was submitted, and
turning it into a service's draft."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.parsing.errors import CommandError
from bot.parsing.numbers import parse_duration
from bot.services.drafts import Draft, DraftError
from bot.views.values import USER_ID, ChannelId, MessageTs

# Every input block holds one element with this action id, so a form reads a field by its block id alone.
VALUE = "value"

# No form picks more people than this (Slack's multi-select allows 100).
MAX_PEOPLE_PICKED = 100

DraftT = TypeVar("DraftT", bound=Draft)


class FormErrors(ValueError):
    """Modal input we could not accept: the message to show under each block, by block id."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(errors)
        self.errors = {str(block_id): message for block_id, message in errors.items()}

    @property
    def response(self) -> dict[str, Any]:
        """The view_submission ack that keeps the modal open with each message under its field."""
        return {"response_action": "errors", "errors": self.errors}


class HiddenState(BaseModel):
    """What a modal remembers between opening and submission, kept as JSON in its private_metadata.

    Only the app writes it, but a forged submission could carry anything: what does not validate loads as
    the empty state, which the form's own checks then refuse, never as a crash. It holds ids (checked
    again against the database and the person submitting), never an address to send anything to.
    """

    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")

    def dump(self) -> str:
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def load(cls, raw: object) -> Self:
        try:
            return cls.model_validate_json(raw if isinstance(raw, str) and raw else "{}")
        except ValidationError:
            return cls()


class MessageOrigin(HiddenState):
    """The message a form was opened from, to redraw in place on submission: only one in the person's own
    DM with the app, which the submission checks again (`bot/listeners/views/submission.py`)."""

    channel_id: ChannelId
    message_ts: MessageTs


class FormValues:
    """A submitted modal's `view.state.values`, read by block id.

    Whatever is missing or of the wrong shape reads as empty, so a forged submission is refused field by
    field like a careless one.
    """

    def __init__(self, values: object) -> None:
        self._values: Mapping[Any, Any] = values if isinstance(values, Mapping) else {}

    def _read(self, block_id: str, key: str) -> object:
        block = self._values.get(block_id)
        element = block.get(VALUE) if isinstance(block, Mapping) else None
        return element.get(key) if isinstance(element, Mapping) else None

    def _string(self, block_id: str, key: str) -> str | None:
        value = self._read(block_id, key)
        return value if isinstance(value, str) and value else None

    def text(self, block_id: str) -> str | None:
        """What was typed (plain or URL input); None when nothing was."""
        return self._string(block_id, "value")

    def words(self, block_id: str) -> list[str]:
        """What was typed, split at spaces and commas: how skills are written."""
        return [word for word in re.split(r"[\s,]+", self.text(block_id) or "") if word]

    def choice(self, block_id: str) -> str | None:
        """The picked option's value (radio buttons, a select)."""
        option = self._read(block_id, "selected_option")
        value = option.get("value") if isinstance(option, Mapping) else None
        return value if isinstance(value, str) else None

    def day(self, block_id: str) -> str | None:
        """The picked date as Slack sends it (YYYY-MM-DD); the draft checks it is a date."""
        return self._string(block_id, "selected_date")

    def conversation(self, block_id: str) -> str | None:
        return self._string(block_id, "selected_conversation")

    def users(self, block_id: str) -> list[str]:
        """The people picked, each once: only what reads as a Slack user id, and no more than a form offers."""
        users = self._read(block_id, "selected_users")
        if not isinstance(users, list) or len(users) > MAX_PEOPLE_PICKED:
            return []
        picked = (user for user in users if isinstance(user, str) and USER_ID.fullmatch(user))
        return list(dict.fromkeys(picked))


def time_field(text: str, *, low: int, high: int, refusal: str, bare_unit: int = 1) -> int:
    """A form's time field: a bare number counts `bare_unit` minutes, anything else is a duration like 45m or
    1h30m; CommandError(`refusal`) unless it is `low` to `high` minutes."""
    minutes = parse_duration(text, low=low, high=high, refusal=refusal, bare_unit=bare_unit)
    if minutes is None:
        raise CommandError(refusal)
    return minutes


@dataclass(frozen=True)
class DraftForm(Generic[DraftT]):
    """How a form's fields become a service's draft, with each problem shown under the block it belongs to.

    `blocks` places every draft field (and any other name the service gives a problem) in a block; a
    problem named otherwise goes under the draft's first field. `checked_alone` are the fields that can be
    checked on their own, with valid `stand_ins` for the required ones, so the person sees every problem
    at once.
    """

    draft: type[DraftT]
    blocks: Mapping[str, str]
    stand_ins: Mapping[str, object]
    checked_alone: tuple[str, ...]

    def __post_init__(self) -> None:
        # A field added to the draft needs its place in the form, or its problems would show elsewhere.
        unplaced = set(self.draft.model_fields) - set(self.blocks)
        if unplaced:
            raise TypeError(f"{self.draft.__name__} fields with no block in the form: {sorted(unplaced)}")

    def block_of(self, field: str) -> str:
        return self.blocks.get(field) or self.blocks[self.draft.first_field]

    def refused(self, error: DraftError) -> FormErrors:
        """A problem the draft or the service found, under its field."""
        return FormErrors({self.block_of(error.field): error.message})

    def build(self, fields: Mapping[str, object], found: Mapping[str, str] | None = None) -> DraftT:
        """The draft, or FormErrors with every problem: those the form `found`, then each field's own."""
        errors = dict(found or {})
        for name in self.checked_alone:
            block_id = self.block_of(name)
            if block_id in errors:
                continue
            try:
                self.draft.build(**{**self.stand_ins, name: fields[name]})
            except DraftError as exc:
                errors[block_id] = exc.message
        if errors:
            raise FormErrors(errors)
        try:
            return self.draft.build(**fields)
        except DraftError as exc:
            raise self.refused(exc) from None
