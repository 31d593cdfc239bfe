"""Changing a person's nudges, from `/fitness nudges` and the nudge buttons: one change, then the settings."""

from __future__ import annotations

from typing import Any

from bot.flows.scope import PersonScope
from bot.services import nudges
from bot.views.nudges import nudge_settings_message, snoozed_message


def change_nudges(
    scope: PersonScope,
    *,
    enabled: bool | None = None,
    weekdays: tuple[int, ...] | None = None,
    minute: int | None = None,
    snooze_days: int | None = None,
    unsnooze: bool = False,
) -> dict[str, Any]:
    """Apply one change to the person's nudges (none: just show them) and answer with their settings."""
    person, now = scope.person, scope.now
    note = None
    if snooze_days is not None:
        return snoozed_message(nudges.snooze(person, now=now, days=snooze_days))
    if unsnooze:
        nudges.unsnooze(person, now=now)
        note = "Snooze ended."
    if weekdays is not None or minute is not None:
        nudges.set_nudge_schedule(person, weekdays, minute, now=now)
        note = ":white_check_mark: Saved."
    if enabled is not None:
        nudges.set_nudges_enabled(person, enabled, now=now)
        note = ":white_check_mark: Nudges are on." if enabled else "Nudges are off. Turn them on any time."
    return nudge_settings_message(nudges.nudge_settings(person, now), note=note)
