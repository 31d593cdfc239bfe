"""Every number a person types, read one way: decimal digits only, within bounds the caller gives, and
refused by its length before `int()` sees it; durations (`45m`, `1h30m`, `1.5h`) are made of such numbers.

Digits of any script count, as `int()` reads them (an Arabic-Indic `٣` and a full-width 3 are 3). Nothing
else that looks like a number does (`²`, `1e309`, `NaN`, `-5`, `1_000`), so no text can overflow a float,
reach Python's limit on digits, or hand the database a number it cannot hold.
"""

from __future__ import annotations

import re
import unicodedata

from bot.parsing.errors import CommandError

_FRACTION_DIGITS = 6  # `1.5h`: far finer than the minute the duration is rounded to

_HOURS = r"(?:h|hr|hrs|hour|hours)"
_MINUTES = r"(?:m|min|mins|minute|minutes)"
# `\d` is every decimal digit, in any script: the characters bounded_int reads.
DURATION = re.compile(
    rf"^(?:(?P<hours>\d+)(?:[.,](?P<fraction>\d+))?\s*{_HOURS}(?:\s*(?P<extra>\d+)\s*{_MINUTES})?"
    rf"|(?P<minutes>\d+)\s*{_MINUTES})$",
    re.IGNORECASE,
)


def _ascii_digits(text: str) -> str | None:
    """`text` in the digits 0-9, or None when it is empty or holds anything but decimal digits."""
    if not text.isdecimal():  # False for "" too
        return None
    return "".join(str(unicodedata.decimal(character)) for character in text)


def bounded_int(text: str, *, low: int, high: int) -> int | None:
    """`text` (digits only, spaces around allowed) as a whole number from `low` to `high`, or None."""
    digits = _ascii_digits(text.strip())
    if digits is None:
        return None
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(high)):
        return None
    value = int(significant)
    return value if low <= value <= high else None


def parse_bounded_int(text: str, *, low: int, high: int, refusal: str) -> int:
    """`text` as a whole number from `low` to `high`; CommandError(`refusal`) for anything else."""
    value = bounded_int(text, low=low, high=high)
    if value is None:
        raise CommandError(refusal)
    return value


def parse_duration(
    text: str, *, low: int, high: int, refusal: str, bare_unit: int | None = None
) -> int | None:
    """Minutes for `45m`, `1h`, `1h30m`, `1.5h`, `90 min`: None when `text` is not shaped like a duration,
    CommandError(`refusal`) when it is but is not `low` to `high` minutes.

    `bare_unit` is the minutes a number without a unit stands for (a form's time field: 1, or 60 where
    nobody means minutes); commands leave it None, so there a bare number is no duration.
    """
    text = text.strip()
    if bare_unit is not None and text.isdecimal():
        minutes = parse_bounded_int(text, low=0, high=high // bare_unit, refusal=refusal) * bare_unit
    elif (match := DURATION.match(text)) is None:
        return None
    elif match["minutes"] is not None:
        minutes = parse_bounded_int(match["minutes"], low=0, high=high, refusal=refusal)
    else:
        minutes = _hours_and_minutes(match, high=high, refusal=refusal)
    if not low <= minutes <= high:
        raise CommandError(refusal)
    return minutes


def _hours_and_minutes(match: re.Match[str], *, high: int, refusal: str) -> int:
    """`1h`, `1.5h`, `1h30m` as minutes, each part bounded before it is read (the total is checked after)."""
    hours = parse_bounded_int(match["hours"], low=0, high=high // 60, refusal=refusal)
    extra = parse_bounded_int(match["extra"] or "0", low=0, high=high, refusal=refusal)
    fraction = _ascii_digits(match["fraction"] or "0")
    if fraction is None or len(fraction) > _FRACTION_DIGITS:
        raise CommandError(refusal)
    scale: int = 10 ** len(fraction)
    return hours * 60 + round(int(fraction) * 60 / scale) + extra
