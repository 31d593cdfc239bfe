"""Team digests and the replies to /team, as leads and members see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.parsing.ask import HELP_CHANNEL_EXAMPLE
from bot.services.digests import PRIVATE_TOTALS_MIN_PEOPLE, TeamDigest
from bot.services.teams import Left, Mentioned, Welcome
from bot.views.blocks import Block, context, header, message, problem_message, section
from bot.views.format import (
    KIND_LABELS,
    change,
    channel_link,
    counted,
    day_label,
    duration,
    duration_change,
    escape,
    mention,
    mentions,
    skill_tag,
)
from bot.views.nudges import DAY_NAMES, clock_time, moment_label
from models import EntryKind, LearningTeam

FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEAM_EXAMPLES = (
    "`/team create Platform` · `/team add @ana @bo` · `/team remove @bo` · `/team lead @ana`\n"
    "`/team digest monday 09:00` (the lead's time) · `/team digest channel #platform` · `/team digest dm`\n"
    "`/team digest preview` · `/team list` · `/team leave` (a team you are in)\n"
    "`/team feed` (what your teammates shared lately; `/team feed Platform` for one team)\n"
    "`/team weekly-post on #platform friday 16:00` posts *What Platform learned* there weekly · "
    "`/team weekly-post off`\n"
    "`/team insights` (admins, and those they name with `/team insights-access @ana`)\n"
    "In several teams? Name it: `/team add Platform @ana`, `/team digest Platform preview`."
)


def _people(count: int) -> str:
    return counted(count, "person", "people")


def _span(digest: TeamDigest) -> str:
    return f"{day_label(digest.first_day)} to {day_label(digest.last_day)}"


def digest_message(digest: TeamDigest, *, preview: bool = False) -> dict[str, Any]:
    """The weekly digest: it celebrates what the team learned; it never ranks anyone by time."""
    name = escape(digest.team_name)
    if digest.quiet:
        text = (
            f":seedling: A quiet week for *{name}*: nothing shared from {_span(digest)}. "
            "A 15-minute session this week is a great restart."
        )
        return message(text.replace("*", ""), [section(text)])
    lines = [
        f":busts_in_silhouette: *{digest.active} of {_people(digest.members)}* learned, "
        f"*{duration(digest.minutes)}* over *{counted(digest.sessions, 'session')}* "
        f"({duration_change(digest.minutes - digest.previous_minutes)} and "
        f"{change(digest.sessions - digest.previous_sessions)} sessions on the week before)"
    ]
    if digest.minutes:
        shares = " · ".join(
            f"{KIND_LABELS[kind]} {round(digest.mix[kind] * 100 / digest.minutes)}%" for kind in EntryKind
        )
        lines.append(f":bar_chart: *70/20/10 mix:* {shares}")
    if digest.top_skills:
        lines.append(":books: *Top skills:* " + " · ".join(skill_tag(skill) for skill in digest.top_skills))
    if digest.asked or digest.answered or digest.resolved:
        help_line = (
            f":raising_hand: {digest.asked} asked · {counted(digest.answered, 'answer')} · "
            f"{digest.resolved} resolved"
        )
        if digest.helpers:
            help_line += f". Thank you {mentions(digest.helpers)} for helping out!"
        lines.append(help_line)
    celebrations = []
    if digest.goals_reached:
        celebrations.append(f":trophy: {counted(digest.goals_reached, 'goal')} reached")
    for milestone in digest.milestones:
        celebrations.append(f":fire: {mention(milestone.user_id)} reached a {milestone.weeks}-week streak")
    if celebrations:
        lines.append(" · ".join(celebrations))
    blocks: list[Block] = [
        header(f"{digest.team_name}: a week of learning"),  # plain text: shown as typed, never parsed
        context(("Preview, only you can see it · " if preview else "") + _span(digest)),
        section("\n".join(lines)),
        context(_privacy_note(digest) + " Learnfit never ranks people by time."),
    ]
    return message(
        f"{name}: a week of learning: {digest.active} of {_people(digest.members)} learned, "
        f"{duration(digest.minutes)}",
        blocks,
    )


def _privacy_note(digest: TeamDigest) -> str:
    """What the totals count; when private entries are left out, why (saying so even when there were none,
    so the note itself tells nothing)."""
    if digest.private_counted:
        return "Private entries count in the totals only."
    return (
        f"These totals count shared entries only: private ones count once at least "
        f"{PRIVATE_TOTALS_MIN_PEOPLE} people learn in a week, so no one's can be read off the totals."
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
    where = f"in {channel_link(channel_id)}" if channel_id else "to the leads' DMs"
    return f"{FULL_DAY_NAMES[weekday]}s at {clock_time(minute)} (first lead's time), {where}"


def team_list_message(teams: Sequence[TeamLine]) -> dict[str, Any]:
    if not teams:
        return plain_team_message("No teams yet. A workspace admin starts one with `/team create Platform`.")
    lines = [
        f"*{escape(team.name)}* · {_people(team.members)} · "
        + (f"led by {mentions(team.leads)}" if team.leads else "no lead yet")
        + f"\nDigest: {schedule_text(team.weekday, team.minute, team.channel_id)}"
        for team in teams
    ]
    blocks: list[Block] = [section(line) for line in lines[:45]]
    return message(counted(len(teams), "team"), blocks)


def team_created_message(team: LearningTeam) -> dict[str, Any]:
    name = escape(team.name)
    return plain_team_message(
        f":tada: Created *{name}*, led by you. Add people with `/team add {name} @ana @bo`. "
        f"Its digest: {schedule_text(team.digest_weekday, team.digest_minute, None)}."
    )


def _mention_list(user_ids: Sequence[str]) -> str:
    return ", ".join(mention(user_id) for user_id in user_ids)


def _changed_members_message(text: str, notes: Sequence[str], left_out: Mentioned) -> dict[str, Any]:
    """What changed, after a note on each kind of mentioned user left out."""
    lines = [text]
    if left_out.refused:
        lines.append(f"Left out (a bot or a deactivated account): {_mention_list(left_out.refused)}.")
    if left_out.outsiders:
        lines.append(
            f"Left out (from another organisation, through Slack Connect): {_mention_list(left_out.outsiders)}. "
            "Learnfit teams are for your own colleagues."
        )
    return plain_team_message("\n".join([*lines, *notes]))


def members_added_message(
    team_name: str, added: Sequence[str], already: Sequence[str], left_out: Mentioned
) -> dict[str, Any]:
    name = f"*{escape(team_name)}*"
    text = f"Added {_mention_list(added)} to {name}." if added else f"Nobody new to add to {name}."
    notes = [f"Already in {name}: {_mention_list(already)}."] if already else []
    return _changed_members_message(text, notes, left_out)


def leads_made_message(team_name: str, promoted: Sequence[str], left_out: Mentioned) -> dict[str, Any]:
    name = f"*{escape(team_name)}*"
    text = (
        f"{_mention_list(promoted)} now lead {name}: they get its digest and can manage it."
        if promoted
        else f"They already lead {name}."
    )
    return _changed_members_message(text, [], left_out)


def members_removed_message(
    team_name: str, removed: Sequence[str], left_out: Mentioned, *, leaderless: bool
) -> dict[str, Any]:
    name = f"*{escape(team_name)}*"
    text = f"Removed {_mention_list(removed)} from {name}." if removed else f"They weren't in {name}."
    notes = [_no_lead_note(team_name)] if leaderless else []
    return _changed_members_message(text, notes, left_out)


def _no_lead_note(team_name: str) -> str:
    return (
        f":warning: *{escape(team_name)}* has no lead now, so its digest goes nowhere: `/team lead @someone`."
    )


def team_left_message(left: Left) -> dict[str, Any]:
    text = f"You left *{escape(left.team_name)}*: its digest no longer counts your learning."
    return plain_team_message("\n".join([text, _no_lead_note(left.team_name)] if left.leaderless else [text]))


def added_to_team_message(welcome: Welcome) -> dict[str, Any]:
    """The DM to someone just added to a team: which team, who leads it, what they will see, how to keep an
    entry private and how to leave."""
    name = escape(welcome.team_name)
    led_by = f"led by {mentions(welcome.leads)}" if welcome.leads else "with no lead yet"
    readers = (
        f"Its weekly digest is posted in <#{welcome.digest_channel_id}>, for everyone there"
        if welcome.digest_channel_id
        else "Its leads get a weekly digest"
    )
    lines = [
        f":wave: {mention(welcome.added_by)} added you to *{name}*, a learning team {led_by}.",
        "*What your teammates see:* entries you share with your team appear in its feed (their App Home "
        "and `/team feed`): who learned what, with skills, link and when, never minutes. They can say "
        "*Nice one*, and you get one friendly summary of those a day at most.",
        f"*What its leads see:* {readers}. Entries you share with your team count in its time, sessions, "
        "70/20/10 mix and top skills; a streak milestone and help you give are named. Private entries are "
        "never shown by name, skill or text, not in the feed nor anywhere else, and count in the digest's "
        f"totals only once at least {PRIVATE_TOTALS_MIN_PEOPLE} people learn in a week.",
        *(
            [
                f"*Weekly post:* the titles and skills of entries you share with the team (never their "
                f"time) are listed in {channel_link(welcome.weekly_post_channel_id)} each week."
            ]
            if welcome.weekly_post_channel_id
            else []
        ),
        "*Keep an entry private:* add `vis:private` to `/learn`, or pick *Only me* in the form.",
        f"*Leave the team:* `/team leave {name}`.",
    ]
    return message(f"You were added to the learning team {name}", [section("\n".join(lines))])


def digest_time_set_message(team: LearningTeam, tz: str, next_digest: datetime | None) -> dict[str, Any]:
    """The new schedule; `next_digest` is the next one in `tz`, the team's digest timezone."""
    following = f" The next one: {moment_label(next_digest)} ({tz})." if next_digest else ""
    return plain_team_message(
        f"*{escape(team.name)}*'s digest: "
        f"{schedule_text(team.digest_weekday, team.digest_minute, team.digest_channel_id)}." + following
    )


def digest_channel_set_message(team_name: str, channel_id: str | None) -> dict[str, Any]:
    where = f"in {channel_link(channel_id)}" if channel_id else "to each lead's DM"
    return plain_team_message(f"*{escape(team_name)}*'s digest now goes {where}.")


def digest_channel_problem(channel_id: str, channel: dict[str, Any] | str) -> str | None:
    """Why the digest could not be posted in a channel, if it could not: `channel` is what
    conversations.info said of it, or its error code."""
    where = channel_link(channel_id)
    if channel == "missing_scope":
        # Installed before Learnfit asked for channels:read and groups:read: checking needs a reinstall.
        return (
            f"I'm not allowed to look at {where} yet. A workspace admin can fix that by installing "
            "Learnfit again (it now asks to see basic channel details); then try again."
        )
    if isinstance(channel, str):
        return f"I can't see {where}. Invite Learnfit there first (`/invite @Learnfit`), then try again."
    if channel.get("is_archived"):
        return f"{where} is archived; pick another channel."
    if not channel.get("is_member"):
        return f"Learnfit isn't in {where} yet. Invite it (`/invite @Learnfit`), then try again."
    return None


def plain_team_message(text: str) -> dict[str, Any]:
    return message(text.replace("*", ""), [section(text)])


def team_error_message(problem: str) -> dict[str, Any]:
    return problem_message(problem, command="/team")


def team_help_message() -> dict[str, Any]:
    text = "How /team works"
    blocks: list[Block] = [
        section(
            "*Teams* give their leads a weekly digest of the team's learning: who learned (counted, never "
            "ranked), time and sessions against the week before, the 70/20/10 mix, top skills, help given "
            "and goals reached. Private entries count in the totals only, and only once at least "
            f"{PRIVATE_TOTALS_MIN_PEOPLE} people learn in a week."
        ),
        section(TEAM_EXAMPLES),
        section(
            f"*Workspace admins, one set-up step:* `{HELP_CHANNEL_EXAMPLE}` picks the channel where `/ask` "
            "posts questions (and invite Learnfit to it)."
        ),
        context(
            "A workspace admin creates teams; a team's leads (or an admin) manage it. "
            f"Digest days: {', '.join(DAY_NAMES)}."
        ),
    ]
    return message(text, blocks)
