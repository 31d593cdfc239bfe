"""/fitness: the card, or one of its subcommands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.learn import CommandError, FormErrors, parse_minutes
from bot.services.fitness import (
    MAX_DAYS_PER_WEEK,
    MAX_MINUTES_PER_WEEK,
    MIN_DAYS_PER_WEEK,
    MIN_MINUTES_PER_WEEK,
    Targets,
)

FITNESS_SUBCOMMANDS = "`target`, `history`, `rest`, `export`, `forget-me` or `help`"
TARGET_EXAMPLE = "/fitness target 4 days 90m"
DAYS = re.compile(r"^(?P<days>\d+)\s*(?:d|day|days)$", re.IGNORECASE)


@dataclass(frozen=True)
class ShowCard:
    pass


@dataclass(frozen=True)
class ShowFitnessHelp:
    pass


@dataclass(frozen=True)
class SetTargets:
    days_per_week: int | None
    minutes_per_week: int | None


@dataclass(frozen=True)
class ShowHistory:
    pass


@dataclass(frozen=True)
class MarkRestWeek:
    undo: bool = False


@dataclass(frozen=True)
class ExportEntries:
    pass


@dataclass(frozen=True)
class ForgetMe:
    pass


FitnessRequest = (
    ShowCard | ShowFitnessHelp | SetTargets | ShowHistory | MarkRestWeek | ExportEntries | ForgetMe
)
SIMPLE = {
    "": ShowCard(),
    "help": ShowFitnessHelp(),
    "?": ShowFitnessHelp(),
    "history": ShowHistory(),
    "export": ExportEntries(),
    "forget-me": ForgetMe(),
    "forget me": ForgetMe(),
    "rest": MarkRestWeek(),
    "rest off": MarkRestWeek(undo=True),
}


def parse_fitness(text: str) -> FitnessRequest:
    words = " ".join(text.split()).lower()
    if words in SIMPLE:
        return SIMPLE[words]
    first, _, rest = words.partition(" ")
    if first in ("target", "targets"):
        return _parse_targets(rest)
    raise CommandError(f"`/fitness {text.strip()[:100]}` is not something I know. Try {FITNESS_SUBCOMMANDS}.")


def _parse_targets(text: str) -> SetTargets:
    days: int | None = None
    minutes: int | None = None
    # "4 days 90m", "4d 1h30m", "90 min": join number-and-unit pairs split by a space first.
    words = re.sub(r"(\d)\s+([a-z])", r"\1\2", text).split()
    for word in words:
        if days is None and (match := DAYS.match(word)):
            days = int(match["days"])
        elif minutes is None and (found := parse_minutes(word)) is not None:
            minutes = found
        else:
            raise CommandError(f"I could not read `{word}` as days or time. Try `{TARGET_EXAMPLE}`.")
    if days is None and minutes is None:
        raise CommandError(f"Say how many days and how much time a week, e.g. `{TARGET_EXAMPLE}`.")
    if days is not None and not MIN_DAYS_PER_WEEK <= days <= MAX_DAYS_PER_WEEK:
        raise CommandError(f"Pick {MIN_DAYS_PER_WEEK} to {MAX_DAYS_PER_WEEK} learning days a week.")
    if minutes is not None and not MIN_MINUTES_PER_WEEK <= minutes <= MAX_MINUTES_PER_WEEK:
        raise CommandError(
            f"Pick {MIN_MINUTES_PER_WEEK} minutes to {MAX_MINUTES_PER_WEEK // 60} hours a week "
            "(small and regular beats big and rare)."
        )
    return SetTargets(days_per_week=days, minutes_per_week=minutes)


def merged_targets(request: SetTargets, current: Targets) -> Targets:
    """The targets after `/fitness target`: what was not named stays as it was."""
    return Targets(
        days_per_week=request.days_per_week or current.days_per_week,
        minutes_per_week=request.minutes_per_week or current.minutes_per_week,
    )


def parse_targets_form(values: dict[str, dict[str, dict[str, object]]], current: Targets) -> Targets:
    """Read the targets modal; raise FormErrors under the field that is wrong."""
    selected = values.get("days", {}).get("value", {}).get("selected_option") or {}
    days_text = str(selected.get("value", current.days_per_week))  # type: ignore[union-attr]
    minutes_text = str(values.get("minutes", {}).get("value", {}).get("value") or "").strip()
    minutes = int(minutes_text) if minutes_text.isdigit() else parse_minutes(minutes_text)
    if minutes is None or not MIN_MINUTES_PER_WEEK <= minutes <= MAX_MINUTES_PER_WEEK:
        raise FormErrors(
            {
                "minutes": f"Give {MIN_MINUTES_PER_WEEK} minutes to {MAX_MINUTES_PER_WEEK // 60} hours, like 90m or 2h."
            }
        )
    return Targets(days_per_week=int(days_text), minutes_per_week=minutes)
