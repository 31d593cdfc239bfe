"""The weekly targets form: how many learning days and how much time a week the rings aim for."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.forms.base import FormErrors, FormValues, time_field
from bot.forms.elements import modal, static_select, text_input
from bot.parsing.errors import CommandError
from bot.parsing.numbers import bounded_int
from bot.services.fitness import (
    MAX_DAYS_PER_WEEK,
    MAX_MINUTES_PER_WEEK,
    MIN_DAYS_PER_WEEK,
    MIN_MINUTES_PER_WEEK,
    Targets,
)
from bot.views.blocks import input_block, option, section
from bot.views.fitness import day_count

TARGETS_MODAL = "targets_modal"
MINUTES_REFUSAL = (
    f"Give {MIN_MINUTES_PER_WEEK} minutes to {MAX_MINUTES_PER_WEEK // 60} hours, like 90m or 2h."
)


class BlockId(StrEnum):
    DAYS = "days"
    MINUTES = "minutes"


def targets_modal(targets: Targets) -> dict[str, Any]:
    days = [option(day_count(count), str(count)) for count in range(MIN_DAYS_PER_WEEK, MAX_DAYS_PER_WEEK + 1)]
    return modal(
        TARGETS_MODAL,
        title="Weekly targets",
        submit="Save",
        blocks=[
            section("Small and regular beats big and rare. Pick what you can keep up on a busy week."),
            input_block(
                BlockId.DAYS,
                "Learning days a week",
                static_select(days, picked=str(targets.days_per_week)),
            ),
            input_block(
                BlockId.MINUTES,
                "Time a week",
                text_input(
                    initial=str(targets.minutes_per_week), placeholder="e.g. 60, 90m, 2h", max_length=20
                ),
                hint=f"Minutes, or a duration like 1h30m ({MIN_MINUTES_PER_WEEK} minutes to "
                f"{MAX_MINUTES_PER_WEEK // 60} hours).",
            ),
        ],
    )


def parse_targets_form(values: object, current: Targets) -> Targets:
    """Read the form; raise FormErrors under the time when it is out of range."""
    form = FormValues(values)
    try:
        minutes = time_field(
            form.text(BlockId.MINUTES) or "",
            low=MIN_MINUTES_PER_WEEK,
            high=MAX_MINUTES_PER_WEEK,
            refusal=MINUTES_REFUSAL,
        )
    except CommandError as exc:
        raise FormErrors({BlockId.MINUTES: exc.message}) from None
    days = bounded_int(form.choice(BlockId.DAYS) or "", low=MIN_DAYS_PER_WEEK, high=MAX_DAYS_PER_WEEK)
    return Targets(days_per_week=current.days_per_week if days is None else days, minutes_per_week=minutes)
