"""What the app puts in a button's value or a form's hidden state, as it reads it back: ids only, in bounds.

Slack hands these back on a click or a submission, and a forged request could carry anything, so each id
read here is only a claim: the listener still looks the row up among the clicker's own, or checks the
person against the database.
"""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Every table's id is an INTEGER column, on PostgreSQL a 32-bit one.
MAX_ROW_ID = 2**31 - 1

RowId = Annotated[int, Field(gt=0, le=MAX_ROW_ID)]
# Slack's ids as the app writes them: U or W for people, C, G or D for conversations; never anything that
# could close a mention or carry markup.
USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,20}")
UserId = Annotated[str, Field(pattern=f"^{USER_ID.pattern}$")]
ChannelId = Annotated[str, Field(pattern=f"^{CHANNEL_ID.pattern}$")]
MessageTs = Annotated[str, Field(pattern=r"^[0-9]{1,12}\.[0-9]{1,8}$")]


class ButtonValue(BaseModel):
    """A button value that says more than one id, kept as compact JSON; only the app writes it."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid", populate_by_name=True)

    def dump(self) -> str:
        return self.model_dump_json(by_alias=True)

    @classmethod
    def load(cls, raw: object) -> Self | None:
        """The value as the app wrote it, or None for anything else (forged, truncated, another shape)."""
        if not isinstance(raw, str) or len(raw) > 2000:  # Slack's limit for a button's value
            return None
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            return None
