"""/fitness: the card, or one of its subcommands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.errors import CommandError
from bot.parsing.numbers import parse_bounded_int, parse_duration
from bot.parsing.team import parse_time, parse_weekday
from bot.services.fitness import (
    MAX_DAYS_PER_WEEK,
    MAX_MINUTES_PER_WEEK,
    MIN_DAYS_PER_WEEK,
    MIN_MINUTES_PER_WEEK,
    Targets,
)

FITNESS_SUBCOMMANDS = (
    "`target`, `history`, `rest`, `export`, `forget-me`, `expert on|off`, `nudges` or `help`"
)
TARGET_EXAMPLE = "/fitness target 4 days 90m"
DAYS_REFUSAL = f"Pick {MIN_DAYS_PER_WEEK} to {MAX_DAYS_PER_WEEK} learning days a week."
MINUTES_REFUSAL = (
    f"Pick {MIN_MINUTES_PER_WEEK} minutes to {MAX_MINUTES_PER_WEEK // 60} hours a week "
    "(small and regular beats big and rare)."
)
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


@dataclass(frozen=True)
class SetExpert:
    """`/fitness expert on|off`: whether askers may see you suggested for their questions."""

    suggest: bool


@dataclass(frozen=True)
class ChangeNudges:
    """`/fitness nudges ...`: show (nothing set), switch on or off, reschedule, snooze or end a snooze."""

    enabled: bool | None = None
    weekdays: tuple[int, ...] | None = None
    minute: int | None = None
    snooze_days: int | None = None  # 0: the rest of today
    unsnooze: bool = False


FitnessRequest = (
    ShowCard
    | ShowFitnessHelp
    | SetTargets
    | ShowHistory
    | MarkRestWeek
    | ExportEntries
    | ForgetMe
    | SetExpert
    | ChangeNudges
)
SIMPLE: dict[str, FitnessRequest] = {
    "": ShowCard(),
    "help": ShowFitnessHelp(),
    "?": ShowFitnessHelp(),
    "history": ShowHistory(),
    "export": ExportEntries(),
    "forget-me": ForgetMe(),
    "forget me": ForgetMe(),
    "rest": MarkRestWeek(),
    "rest off": MarkRestWeek(undo=True),
    "expert on": SetExpert(suggest=True),
    "expert off": SetExpert(suggest=False),
}


def parse_fitness(text: str) -> FitnessRequest:
    words = " ".join(text.split()).lower()
    if words in SIMPLE:
        return SIMPLE[words]
    first, _, rest = words.partition(" ")
    if first in ("target", "targets"):
        return _parse_targets(rest)
    if first in ("nudges", "nudge"):
        return parse_nudges(rest)
    if first == "expert":
        raise CommandError(
            "Use `/fitness expert on` or `/fitness expert off` (whether askers see you suggested)."
        )
    raise CommandError(f"`/fitness {text.strip()[:100]}` is not something I know. Try {FITNESS_SUBCOMMANDS}.")


def _parse_targets(text: str) -> SetTargets:
    days: int | None = None
    minutes: int | None = None
    # "4 days 90m", "4d 1h30m", "90 min": join number-and-unit pairs split by a space first.
    words = re.sub(r"(\d)\s+([a-z])", r"\1\2", text).split()
    for word in words:
        if days is None and (match := DAYS.match(word)):
            days = parse_bounded_int(
                match["days"], low=MIN_DAYS_PER_WEEK, high=MAX_DAYS_PER_WEEK, refusal=DAYS_REFUSAL
            )
        elif minutes is None and (found := _weekly_minutes(word)) is not None:
            minutes = found
        else:
            raise CommandError(f"I could not read `{word[:40]}` as days or time. Try `{TARGET_EXAMPLE}`.")
    if days is None and minutes is None:
        raise CommandError(f"Say how many days and how much time a week, e.g. `{TARGET_EXAMPLE}`.")
    return SetTargets(days_per_week=days, minutes_per_week=minutes)


def _weekly_minutes(word: str) -> int | None:
    return parse_duration(word, low=MIN_MINUTES_PER_WEEK, high=MAX_MINUTES_PER_WEEK, refusal=MINUTES_REFUSAL)


def merged_targets(request: SetTargets, current: Targets) -> Targets:
    """The targets after `/fitness target`: what was not named stays as it was."""
    return Targets(
        days_per_week=request.days_per_week or current.days_per_week,
        minutes_per_week=request.minutes_per_week or current.minutes_per_week,
    )


NUDGES_EXAMPLE = "/fitness nudges tue thu 16:00"
MAX_SNOOZE_DAYS = 90
SNOOZE = re.compile(r"^(?P<count>\d+)\s*(?P<unit>d|day|days|w|wk|week|weeks)$")


def parse_nudges(text: str) -> ChangeNudges:
    """`on`, `off`, `tue thu 16:00`, `weekdays 9am`, `snooze today`, `snooze 7d`, `snooze off`."""
    words = text.lower().replace(",", " ").split()
    if not words:
        return ChangeNudges()
    if words in (["on"], ["off"]):
        return ChangeNudges(enabled=words == ["on"])
    if words[0] == "snooze":
        return _parse_snooze(" ".join(words[1:]))
    weekdays: list[int] = []
    minute: int | None = None
    for word in words:
        if word in ("weekdays", "workdays"):
            weekdays += range(5)
        elif word in ("daily", "everyday"):
            weekdays += range(7)
        elif (day := parse_weekday(word)) is not None:
            weekdays.append(day)
        elif minute is None and (found := parse_time(word)) is not None:
            minute = found
        else:
            raise CommandError(f"I could not read `{word[:40]}` as a day or a time. Try `{NUDGES_EXAMPLE}`.")
    return ChangeNudges(weekdays=tuple(sorted(set(weekdays))) or None, minute=minute)


def _parse_snooze(text: str) -> ChangeNudges:
    if text in ("", "today", "day"):
        return ChangeNudges(snooze_days=0)
    if text in ("off", "end", "stop"):
        return ChangeNudges(unsnooze=True)
    if text in ("week", "a week"):
        return ChangeNudges(snooze_days=7)
    match = SNOOZE.match(text)
    if not match:
        raise CommandError("Snooze for `today` or a number of days, e.g. `/fitness nudges snooze 7d`.")
    per = 7 if match["unit"].startswith("w") else 1
    refusal = f"Snooze for 1 to {MAX_SNOOZE_DAYS} days, or turn nudges off with `/fitness nudges off`."
    count = parse_bounded_int(match["count"], low=1, high=MAX_SNOOZE_DAYS // per, refusal=refusal)
    return ChangeNudges(snooze_days=count * per)
