"""/team: teams, their members and leads, and their weekly digest.

Slack escapes mentions in /team (the manifest sets should_escape), so people arrive as `<@U123|ana>` and
channels as `<#C123|platform>`. A team is named before the rest when the person is in several:
`/team add Platform @ana`, `/team digest Platform monday 09:00`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.parsing.errors import CommandError
from bot.parsing.numbers import bounded_int

USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
TIME = re.compile(r"^(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>am|pm)?$", re.IGNORECASE)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TEAM_SUBCOMMANDS = "`create`, `add`, `remove`, `lead`, `digest`, `weekly-post`, `list`, `feed`, `leave`, `insights` or `help`"
WEEKLY_POST_USAGE = (
    "Say `/team weekly-post on #channel [day] [time]`, e.g. `/team weekly-post on #platform friday 16:00`, "
    "or `/team weekly-post off`."
)


@dataclass(frozen=True)
class ShowTeamHelp:
    pass


@dataclass(frozen=True)
class ListTeams:
    pass


@dataclass(frozen=True)
class CreateTeam:
    name: str


@dataclass(frozen=True)
class AddMembers:
    team: str | None
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class RemoveMembers:
    team: str | None
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class MakeLeads:
    team: str | None
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class SetDigestTime:
    team: str | None
    weekday: int  # Monday = 0
    minute: int


@dataclass(frozen=True)
class SetDigestChannel:
    team: str | None
    channel_id: str | None  # None: each lead's DM


@dataclass(frozen=True)
class SetWeeklyPost:
    """`/team weekly-post on #channel [day] [time]`: "What <team> learned", weekly in that channel."""

    team: str | None
    channel_id: str
    weekday: int | None  # None: the team's day so far (Monday at first)
    minute: int | None  # None: the team's time so far (10:00 at first)


@dataclass(frozen=True)
class WeeklyPostOff:
    team: str | None


@dataclass(frozen=True)
class PreviewDigest:
    team: str | None


@dataclass(frozen=True)
class LeaveTeam:
    """`/team leave [Team]`: anyone may leave a team they are in (the only one, unless they name it)."""

    team: str | None


@dataclass(frozen=True)
class ShowFeed:
    """`/team feed [Team]`: what teammates shared lately, in all of the person's teams or the one named."""

    team: str | None


@dataclass(frozen=True)
class SetHelpChannel:
    """`/team help-channel #channel`: where /ask posts (peer help's setting, routed to its handler)."""

    text: str


@dataclass(frozen=True)
class ShowInsights:
    """`/team insights`: the organisation's learning over twelve weeks (admins and those they name)."""


@dataclass(frozen=True)
class ListInsightsAccess:
    """`/team insights-access`: who besides admins may see insights."""


@dataclass(frozen=True)
class GrantInsightsAccess:
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class RevokeInsightsAccess:
    user_ids: tuple[str, ...]


InsightsAccessRequest = ListInsightsAccess | GrantInsightsAccess | RevokeInsightsAccess

TeamRequest = (
    ShowTeamHelp
    | ListTeams
    | CreateTeam
    | AddMembers
    | RemoveMembers
    | MakeLeads
    | SetDigestTime
    | SetDigestChannel
    | SetWeeklyPost
    | WeeklyPostOff
    | PreviewDigest
    | LeaveTeam
    | ShowFeed
    | SetHelpChannel
    | ShowInsights
    | InsightsAccessRequest
)


def parse_time(text: str) -> int | None:
    """Minutes past midnight for `09:00`, `9am`, `4:30pm`, `16`; None if it is not a time."""
    match = TIME.match(text.strip())
    if not match:
        return None
    half = (match["half"] or "").lower()
    hour = bounded_int(match["hour"], low=1, high=12) if half else bounded_int(match["hour"], low=0, high=23)
    minute = bounded_int(match["minute"] or "0", low=0, high=59)
    if hour is None or minute is None:
        return None
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    return hour * 60 + minute


def parse_weekday(word: str) -> int | None:
    """0 for `monday`, `mon` or `Mon`; None if it is not a day of the week."""
    word = word.lower().rstrip(".,")
    if word == "weds":
        return 2
    if len(word) < 3:
        return None
    return next((index for index, name in enumerate(WEEKDAY_NAMES) if name.startswith(word)), None)


def _team_name(text: str) -> str | None:
    name = " ".join(text.split())
    if not name:
        return None
    if "<" in name or "@" in name or "#" in name:
        raise CommandError(
            "Put the team's name first and then the people, e.g. `/team add Platform @ana @bo`."
        )
    return name


def _people(verb: str, text: str) -> tuple[str | None, tuple[str, ...]]:
    first = USER.search(text)
    if first is None:
        if "@" in text:
            raise CommandError(
                "I could not tell who you meant. Type @ and pick each person from Slack's list, "
                f"e.g. `/team {verb} @ana`."
            )
        raise CommandError(f"Say who, e.g. `/team {verb} @ana @bo`.")
    team = _team_name(text[: first.start()])
    rest = USER.sub(" ", text[first.start() :])
    if rest.strip(" ,"):
        raise CommandError(
            f"I could not read `{rest.strip()[:60]}`. Mention people with @, e.g. `/team {verb} @ana @bo`."
        )
    user_ids = tuple(dict.fromkeys(USER.findall(text)))
    return team, user_ids


def _digest(text: str) -> TeamRequest:
    words = text.split()
    lowered = [word.lower() for word in words]
    if lowered and lowered[-1] == "preview":
        return PreviewDigest(_team_name(" ".join(words[:-1])))
    if lowered and lowered[-1] == "dm":
        return SetDigestChannel(_team_name(" ".join(words[:-1])), None)
    channel = CHANNEL.search(text)
    if channel is not None:
        before = text[: channel.start()].split()
        if not before or before[-1].lower() != "channel" or text[channel.end() :].strip():
            raise CommandError("Say `/team digest channel #channel` to post the digest in a channel.")
        return SetDigestChannel(_team_name(" ".join(before[:-1])), channel[1])
    if "channel" in lowered:
        raise CommandError(
            "Pick the channel with #, e.g. `/team digest channel #platform` (and invite Learnfit to it)."
        )
    if len(words) >= 2:
        minute = parse_time(words[-1])
        weekday = parse_weekday(words[-2])
        if minute is not None and weekday is not None:
            return SetDigestTime(_team_name(" ".join(words[:-2])), weekday, minute)
        if weekday is not None or minute is not None:
            raise CommandError("Give a day and a time, e.g. `/team digest monday 09:00`.")
    raise CommandError(
        "Try `/team digest monday 09:00`, `/team digest channel #platform`, `/team digest dm` "
        "or `/team digest preview`."
    )


def _weekly_post(text: str) -> SetWeeklyPost | WeeklyPostOff:
    words = text.split()
    if words and words[-1].lower() == "off":
        return WeeklyPostOff(_team_name(" ".join(words[:-1])))
    channel = CHANNEL.search(text)
    before = text[: channel.start()].split() if channel else []
    if channel is None or not before or before[-1].lower() != "on":
        raise CommandError(WEEKLY_POST_USAGE)
    weekday, minute = _day_and_time(text[channel.end() :].split())
    return SetWeeklyPost(_team_name(" ".join(before[:-1])), channel[1], weekday, minute)


def _day_and_time(words: list[str]) -> tuple[int | None, int | None]:
    """An optional day and an optional time, in either order: `friday`, `16:00`, `fri 4pm`."""
    weekday: int | None = None
    minute: int | None = None
    for word in words[:3]:
        day, time = parse_weekday(word), parse_time(word)
        if weekday is None and day is not None:
            weekday = day
        elif minute is None and time is not None:
            minute = time
        else:
            break
    else:
        if len(words) <= 2:
            return weekday, minute
    raise CommandError("Give a day and a time, e.g. `/team weekly-post on #platform friday 16:00`.")


def _leave(text: str) -> LeaveTeam:
    if USER.search(text):
        raise CommandError(
            "`/team leave` takes you out of a team. A lead removes someone else: `/team remove @bo`."
        )
    return LeaveTeam(_team_name(text))


# The verbs that name people, the word their examples use, and what they ask for.
PEOPLE_VERBS: dict[str, tuple[str, type[AddMembers | RemoveMembers | MakeLeads]]] = {
    "add": ("add", AddMembers),
    "remove": ("remove", RemoveMembers),
    "lead": ("lead", MakeLeads),
    "leads": ("lead", MakeLeads),
}


def _insights_access(text: str) -> InsightsAccessRequest:
    """`/team insights-access [list]`, `/team insights-access @ana`, `/team insights-access remove @ana`."""
    verb, _, rest = text.partition(" ")
    if verb.lower() in ("", "list"):
        if rest:
            raise CommandError("Say `/team insights-access` to see who has access.")
        return ListInsightsAccess()
    removing = verb.lower() == "remove"
    team, user_ids = _people(
        "insights-access remove" if removing else "insights-access", rest if removing else text
    )
    if team is not None:
        raise CommandError("Mention people with @, e.g. `/team insights-access @ana`.")
    return RevokeInsightsAccess(user_ids) if removing else GrantInsightsAccess(user_ids)


def _insights(rest: str) -> ShowInsights:
    if rest:
        raise CommandError("Say just `/team insights`.")
    return ShowInsights()


def _create(rest: str) -> CreateTeam:
    name = rest.strip()
    if not name:
        raise CommandError("Name the team, e.g. `/team create Platform`.")
    if "<" in name:
        raise CommandError("Team names are plain words, e.g. `/team create Platform`.")
    return CreateTeam(name)


# Each subcommand but those naming people (PEOPLE_VERBS), and how the rest of its text is read.
SUBCOMMANDS: dict[str, Callable[[str], TeamRequest]] = {
    "": lambda _rest: ShowTeamHelp(),
    "help": lambda _rest: ShowTeamHelp(),
    "?": lambda _rest: ShowTeamHelp(),
    "list": lambda _rest: ListTeams(),
    "ls": lambda _rest: ListTeams(),
    "create": _create,
    "digest": _digest,
    "leave": _leave,
    "feed": lambda rest: ShowFeed(_team_name(rest)),
    "weekly-post": _weekly_post,
    "weeklypost": _weekly_post,
    "help-channel": SetHelpChannel,
    "insights": _insights,
    "insights-access": _insights_access,
}


def parse_team(text: str) -> TeamRequest:
    text = " ".join(text.split())
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    if verb in PEOPLE_VERBS:
        example_verb, request = PEOPLE_VERBS[verb]
        return request(*_people(example_verb, rest))
    parse = SUBCOMMANDS.get(verb)
    if parse is None:
        raise CommandError(f"`/team {text[:100]}` is not something I know. Try {TEAM_SUBCOMMANDS}.")
    return parse(rest)
