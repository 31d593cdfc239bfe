"""/goal: one line of text into a goal draft, the form, the list, or help."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import MAXYEAR, UTC, date, datetime, timedelta

from bot.parsing.errors import CommandError
from bot.parsing.numbers import bounded_int, parse_bounded_int, parse_duration
from bot.services.goals import (
    MAX_TARGET_MINUTES,
    MAX_TARGET_SESSIONS,
    MIN_TARGET_MINUTES,
    MIN_TARGET_SESSIONS,
    GoalDraft,
    GoalError,
    check_due_date,
)
from models import GoalTarget

GOAL_EXAMPLE = "/goal Learn Kubernetes basics #kubernetes 10h by 2027-01-31"
MINUTES_REFUSAL = (
    f"Aim for between {MIN_TARGET_MINUTES} minutes and {MAX_TARGET_MINUTES // 60:,} hours. "
    f"Nothing was saved; try `{GOAL_EXAMPLE}`."
)
SESSIONS_REFUSAL = (
    f"Aim for between {MIN_TARGET_SESSIONS} and {MAX_TARGET_SESSIONS} sessions. "
    f"Nothing was saved; try `{GOAL_EXAMPLE}`."
)
HELP_WORDS = {"help", "?", "-h", "--help"}
LIST_WORDS = {"list", "ls", "show"}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# Words people write for a date that is no calendar date: a done-by phrase made of them is a date meant.
DATE_WORDS = frozenset(
    {
        "yesterday",
        "today",
        "tonight",
        "tomorrow",
        "now",
        "soon",
        "later",
        "next",
        "last",
        "end",
        "week",
        "month",
        "year",
        "weekend",
        "eod",
        "eow",
        "eom",
        "eoy",
        "christmas",
        "xmas",
        "easter",
        "summer",
        "winter",
        "spring",
        "autumn",
        "fall",
        "quarter",
        "q1",
        "q2",
        "q3",
        "q4",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    }
)
ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
DAY = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?$", re.IGNORECASE)
YEAR = re.compile(r"^\d{4}$")
SESSIONS = re.compile(r"^(?P<count>\d+)\s*(?:sessions?|entries|times)$", re.IGNORECASE)
# "12 sessions" and "1 h 30 m" arrive as several words: try joining a few.
_MAX_AMOUNT_WORDS = 4
_MAX_DATE_WORDS = 3


@dataclass(frozen=True)
class ShowGoalHelp:
    pass


@dataclass(frozen=True)
class OpenGoalModal:
    pass


@dataclass(frozen=True)
class ListGoals:
    pass


@dataclass(frozen=True)
class CreateGoal:
    draft: GoalDraft


GoalRequest = ShowGoalHelp | OpenGoalModal | ListGoals | CreateGoal


def earliest_today(now: datetime) -> date:
    """The earliest date it is anywhere right now (UTC-12).

    The command is answered before we look the person up, so their own day is not known yet: a date
    before this one has passed for everybody; the service checks against their real day afterwards.
    """
    return (now.astimezone(UTC) - timedelta(hours=12)).date()


class _NotADate(ValueError):
    """Words shaped like a date that no calendar has, e.g. `31 Feb`."""


def _date_part(digits: str, *, high: int) -> int:
    """A year, month or day as typed: a number from 1 to `high`, or _NotADate."""
    value = bounded_int(digits, low=1, high=high)
    if value is None:
        raise _NotADate
    return value


def _calendar_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _NotADate from None


def _next(month: int, day: int, today: date) -> date:
    """The next `day month` from today on (a date without a year means the coming one)."""
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise _NotADate


def _day_and_month(first: str, second: str) -> tuple[int, int] | None:
    """`31 Jan` or `Jan 31` as (month, day); None when the words are not shaped like that."""
    first, second = first.lower().rstrip(","), second.lower().rstrip(",")
    if (day := DAY.match(first)) and second in MONTHS:
        return MONTHS[second], _date_part(day["day"], high=31)
    if first in MONTHS and (day := DAY.match(second)):
        return MONTHS[first], _date_part(day["day"], high=31)
    return None


def parse_date(words: list[str], *, today: date) -> date | None:
    """`2027-01-31`, `31 Jan`, `Jan 31`, `31 Jan 2027`; None when not a date; _NotADate when impossible."""
    if len(words) == 1:
        iso = ISO_DATE.match(words[0])
        if iso is None:
            return None
        year = _date_part(iso["year"], high=MAXYEAR)
        return _calendar_date(year, _date_part(iso["month"], high=12), _date_part(iso["day"], high=31))
    if len(words) == 2:
        found = _day_and_month(*words)
        return _next(*found, today) if found else None
    if len(words) == 3 and YEAR.match(words[2]):
        found = _day_and_month(words[0], words[1])
        return _calendar_date(_date_part(words[2], high=MAXYEAR), *found) if found else None
    return None


def parse_sessions(text: str, *, refusal: str = SESSIONS_REFUSAL) -> int | None:
    """`12 sessions`, `12 entries`, `12 times`: None when not shaped so; CommandError for a count no goal
    has."""
    match = SESSIONS.match(text.strip())
    if match is None:
        return None
    return parse_bounded_int(
        match["count"], low=MIN_TARGET_SESSIONS, high=MAX_TARGET_SESSIONS, refusal=refusal
    )


@dataclass
class _Options:
    today: date
    minutes: int | None = None
    sessions: int | None = None
    due: date | None = None
    skills: list[str] = field(default_factory=list)

    def take(self, words: list[str], *, from_end: bool) -> list[str]:
        """Consume option words (a target, `by <date>`, #skills) at one end of the text; return the rest."""
        while words:
            used = self._take_due(words, from_end=from_end) or self._take_amount(words, from_end=from_end)
            if not used:
                word = words[-1] if from_end else words[0]
                if not (word.startswith("#") and len(word) > 1):
                    break
                self.skills.append(word)
                used = 1
            words = words[:-used] if from_end else words[used:]
        return words

    def _take_due(self, words: list[str], *, from_end: bool) -> int:
        for size in range(min(_MAX_DATE_WORDS, len(words) - 1), 0, -1):
            chunk = words[-size - 1 :] if from_end else words[: size + 1]
            if chunk[0].lower() != "by":
                continue
            try:
                due = parse_date(chunk[1:], today=self.today)
            except _NotADate:
                raise CommandError(
                    f"`{' '.join(chunk[1:])}` is not a date I can find in a calendar. "
                    "Write it like `by 2027-01-31` or `by 31 Jan`."
                ) from None
            if due is None:
                continue
            if self.due is not None:
                raise CommandError("Give one done-by date, e.g. `by 31 Jan`.")
            self.due = due
            return size + 1
        return 0

    def _take_amount(self, words: list[str], *, from_end: bool) -> int:
        for size in range(min(_MAX_AMOUNT_WORDS, len(words)), 0, -1):
            text = " ".join(words[-size:] if from_end else words[:size])
            minutes = parse_duration(
                text, low=MIN_TARGET_MINUTES, high=MAX_TARGET_MINUTES, refusal=MINUTES_REFUSAL
            )
            sessions = parse_sessions(text)
            if minutes is None and sessions is None:
                continue
            if self.minutes is not None or self.sessions is not None:
                raise CommandError(
                    "Pick one target: time (like `10h`) or sessions (like `12 sessions`), not both."
                )
            self.minutes, self.sessions = minutes, sessions
            return size
        return 0


def _looks_like_a_date(words: list[str]) -> bool:
    """Words meant as a date that no calendar reading finds (`yesterday`, `end of year`, `Friday`), as
    opposed to a title that just has `by` in it (`Stand by me`)."""
    return any(
        any(character.isdigit() for character in word)
        or word.lower().strip(".,") in DATE_WORDS | MONTHS.keys()
        for word in words
    )


def _no_target(words: list[str], skills: list[str]) -> CommandError:
    """No target was found: a correct example built from what was typed (its title and #skills). A
    trailing `by <words>` meant as a date that is none (`by yesterday`) is left out of the example and
    named, so the example works as it is."""
    by = next((index for index in range(len(words) - 1, 0, -1) if words[index].lower() == "by"), None)
    unread = ""
    if by is not None and len(words) - by - 1 <= _MAX_DATE_WORDS and _looks_like_a_date(words[by + 1 :]):
        unread = f"`{' '.join(words[by + 1 :])}` is not a date I can read. "
        words = words[:by]
    return CommandError(
        f"{unread}Give the goal a target, like `10h` or `12 sessions`, or a done-by date, like `by 31 Jan`: "
        f"`/goal {' '.join([*words, *skills])} 10h by 31 Jan`"
    )


def parse_goal(text: str, *, today: date) -> GoalRequest:
    """Parse `/goal` text: a title, then a target (`10h`, `12 sessions`), `by <date>` and #skills.

    `today` resolves dates written without a year (`by 31 Jan` is the coming 31 January).
    """
    text = text.strip()
    if not text:
        return OpenGoalModal()
    if text.lower() in HELP_WORDS:
        return ShowGoalHelp()
    if text.lower() in LIST_WORDS:
        return ListGoals()

    options = _Options(today=today)
    words = options.take(text.split(), from_end=True)
    words = options.take(words, from_end=False)
    tagged = list(options.skills)  # #skills typed around the title, not in it
    # Tags inside the title count as skills too, and stay in the title as written.
    options.skills += [word for word in words if re.match(r"^#[^\s#]", word)]
    title = " ".join(words).strip()

    if not title:
        raise CommandError(f"What is the goal? Put a few words before the target, e.g. `{GOAL_EXAMPLE}`")
    if options.minutes is not None:
        kind, value = GoalTarget.MINUTES, options.minutes
    elif options.sessions is not None:
        kind, value = GoalTarget.SESSIONS, options.sessions
    elif options.due is not None:
        kind, value = GoalTarget.DATE, None
    else:
        raise _no_target(words, tagged)
    try:
        draft = GoalDraft.build(
            title=title, target_kind=kind, target_value=value, skills=options.skills, due_date=options.due
        )
        check_due_date(draft.due_date, today)
    except GoalError as exc:
        raise CommandError(f"{exc.message} Nothing was saved; try `{GOAL_EXAMPLE}`.") from None
    return CreateGoal(draft)
