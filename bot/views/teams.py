"""Team digests and the replies to /team, as leads and members see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.services.digests import TeamDigest
from bot.views.blocks import Block, context, header, message, section
from bot.views.format import KIND_LABELS, change, day_label, duration, escape
from bot.views.nudges import DAY_NAMES, clock_time
from models import EntryKind

FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEAM_EXAMPLES = (
    "`/team create Platform` · `/team add @ana @bo` · `/team remove @bo` · `/team lead @ana`\n"
    "`/team digest monday 09:00` (the lead's time) · `/team digest channel #platform` · `/team digest dm`\n"
    "`/team digest preview` · `/team list`\n"
    "In several teams? Name it: `/team add Platform @ana`, `/team digest Platform preview`."
)


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _mentions(user_ids: Sequence[str]) -> str:
    names = [f"<@{user_id}>" for user_id in user_ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _span(digest: TeamDigest) -> str:
    return f"{day_label(digest.first_day)} to {day_label(digest.last_day)}"


def digest_message(digest: TeamDigest, *, preview: bool = False) -> dict[str, Any]:
    """The weekly digest: it celebrates what the team learned; it never ranks anyone by time."""
    name = escape(digest.team_name)
    if digest.quiet:
        text = (
            f":seedling: A quiet week for *{name}*: nothing logged from {_span(digest)}. "
            "A 15-minute session this week is a great restart."
        )
        return message(text.replace("*", ""), [section(text)])
    sessions = "session" if digest.sessions == 1 else "sessions"
    lines = [
        f":busts_in_silhouette: *{digest.active} of {_people(digest.members)}* learned, "
        f"*{duration(digest.minutes)}* over *{digest.sessions} {sessions}* "
        f"({change(digest.minutes - digest.previous_minutes, ' min')} and "
        f"{change(digest.sessions - digest.previous_sessions)} sessions on the week before)"
    ]
    if digest.minutes:
        shares = " · ".join(
            f"{KIND_LABELS[kind]} {round(digest.mix[kind] * 100 / digest.minutes)}%" for kind in EntryKind
        )
        lines.append(f":bar_chart: *70/20/10 mix:* {shares}")
    if digest.top_skills:
        lines.append(":books: *Top skills:* " + " · ".join(f"`#{skill}`" for skill in digest.top_skills))
    if digest.asked or digest.answered or digest.resolved:
        help_line = (
            f":raising_hand: {digest.asked} asked · {digest.answered} answers · {digest.resolved} resolved"
        )
        if digest.helpers:
            help_line += f". Thank you {_mentions(digest.helpers)} for helping out!"
        lines.append(help_line)
    celebrations = []
    if digest.goals_reached:
        goals = "goal" if digest.goals_reached == 1 else "goals"
        celebrations.append(f":trophy: {digest.goals_reached} {goals} reached")
    for milestone in digest.milestones:
        celebrations.append(f":fire: <@{milestone.user_id}> reached a {milestone.weeks}-week streak")
    if celebrations:
        lines.append(" · ".join(celebrations))
    title = f"{digest.team_name}: a week of learning"
    blocks: list[Block] = [
        header(title),
        context(("Preview, only you can see it · " if preview else "") + _span(digest)),
        section("\n".join(lines)),
        context("Private entries count in the totals only. Learnfit never ranks people by time."),
    ]
    return message(
        f"{title}: {digest.active} of {_people(digest.members)} learned, {duration(digest.minutes)}", blocks
    )


@dataclass(frozen=True)
class TeamLine:
    name: str
    members: int
    leads: list[str]  # user ids
    weekday: int
    minute: int
    channel_id: str | None


def schedule_text(weekday: int, minute: int, channel_id: str | None) -> str:
    where = f"in <#{channel_id}>" if channel_id else "to the leads' DMs"
    return f"{FULL_DAY_NAMES[weekday]}s at {clock_time(minute)} (first lead's time), {where}"


def team_list_message(teams: Sequence[TeamLine]) -> dict[str, Any]:
    if not teams:
        return plain_team_message("No teams yet. A workspace admin starts one with `/team create Platform`.")
    lines = [
        f"*{escape(team.name)}* · {_people(team.members)} · "
        + (f"led by {_mentions(team.leads)}" if team.leads else "no lead yet")
        + f"\nDigest: {schedule_text(team.weekday, team.minute, team.channel_id)}"
        for team in teams
    ]
    blocks: list[Block] = [section(line) for line in lines[:45]]
    return message(f"{len(teams)} teams", blocks)


def plain_team_message(text: str) -> dict[str, Any]:
    return message(text.replace("*", ""), [section(text)])


def team_error_message(problem: str) -> dict[str, Any]:
    return message(problem, [section(f":warning: {problem}"), context("Type `/team help` for examples.")])


def team_help_message() -> dict[str, Any]:
    text = "How /team works"
    blocks: list[Block] = [
        section(
            "*Teams* give their leads a weekly digest of the team's learning: who learned (counted, never "
            "ranked), time and sessions against the week before, the 70/20/10 mix, top skills, help given "
            "and goals reached. Private entries count in the totals only."
        ),
        section(TEAM_EXAMPLES),
        context(
            "A workspace admin creates teams; a team's leads (or an admin) manage it. "
            f"Digest days: {', '.join(DAY_NAMES)}."
        ),
    ]
    return message(text, blocks)
