"""What every draft (an entry, a goal, a question) shares: skill names, clean text, errors worded for people.

Clean text is one rule for every field a person types, links and names included: no invisible control
characters. PostgreSQL cannot store NUL, a lone surrogate (JSON's `\ud800` delivers one) cannot be encoded
at all, and the rest (ESC, BEL, DEL, line and paragraph separators) only hide what a text really says.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

MAX_SKILLS = 10
MAX_SKILL_LENGTH = 50
ALLOWED_CONTROL_CHARACTERS = {"\n", "\t"}
# Control characters, surrogates, and the line and paragraph separators.
INVISIBLE_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
CONTROL_CHARACTERS_MESSAGE = "remove the invisible control characters (often pasted from a terminal)"
SKILL_PATTERN = re.compile(r"^[\w+#.\-]+$")


class DraftError(ValueError):
    """Input a person can fix; `field` names the form field (modal block) it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_skill(raw: str) -> str:
    """`#Python`, `python` and `PYTHON.` are one skill: `python`."""
    no_control_characters(raw)
    name = unicodedata.normalize("NFKC", raw).strip().lstrip("#").rstrip(".,;:!?)").casefold()
    if not name:
        raise ValueError("a skill needs a name after the #")
    if len(name) > MAX_SKILL_LENGTH:
        raise ValueError(f"skill names are at most {MAX_SKILL_LENGTH} characters")
    if not SKILL_PATTERN.match(name):
        raise ValueError(f"`{raw}` is not a skill name: use letters, digits and + # . - _ (no spaces)")
    return name


def unique_skills(value: object, *, per: str) -> tuple[str, ...]:
    """Normalised skill names, first occurrence kept, at most MAX_SKILLS (`per` names the thing they tag)."""
    items = value or ()
    if not isinstance(items, Iterable):
        raise TypeError(f"skills come as a list, not {type(value).__name__}")
    names = [normalise_skill(str(raw)) for raw in items]
    unique = tuple(dict.fromkeys(names))
    if len(unique) > MAX_SKILLS:
        raise ValueError(f"at most {MAX_SKILLS} skills per {per}")
    return unique


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a character no text field keeps (a line break or a tab is fine)."""
    return any(
        unicodedata.category(character) in INVISIBLE_CATEGORIES
        and character not in ALLOWED_CONTROL_CHARACTERS
        for character in text
    )


def no_control_characters(text: str | None) -> str | None:
    """The validator every text field uses: `text` as it is, or ValueError worded for people."""
    if text and has_control_characters(text):
        raise ValueError(CONTROL_CHARACTERS_MESSAGE)
    return text


def tidy(error: ErrorDetails) -> str:
    """pydantic's message as a sentence: our validators' ValueErrors are already worded for people."""
    # pydantic refuses a lone surrogate itself, in words meant for programmers.
    message = CONTROL_CHARACTERS_MESSAGE if error["type"] == "string_unicode" else str(error["msg"])
    message = message.removeprefix("Value error, ")
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


class Draft(BaseModel):
    """A validated, immutable draft; `build` raises the first problem as a DraftError worded for people."""

    model_config = ConfigDict(frozen=True)
    first_field: ClassVar[str]
    error_type: ClassVar[type[DraftError]] = DraftError

    @classmethod
    def friendly(cls, field: str, error: ErrorDetails) -> str:
        return tidy(error)

    @classmethod
    def error_field(cls, field: str) -> str:
        return field

    @classmethod
    def build(cls, **fields: Any) -> Self:
        try:
            return cls(**fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else cls.first_field
            raise cls.error_type(cls.error_field(field), cls.friendly(field, error)) from None
