"""A team's weekly "What <team> learned" post, and the replies to `/team weekly-post`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.team_posts import AnsweredQuestion, SharedGoal, SkillGroup, TeamPost
from bot.views.blocks import Block, context, header, message, section
from bot.views.format import channel_link, day_label, escape, mention, mentions, shown, skill_tag
from bot.views.nudges import clock_time, moment_label
from bot.views.teams import FULL_DAY_NAMES, digest_channel_problem, plain_team_message
from models import LearningTeam

TITLE_LIMIT = 150  # typed characters; escaped, a line stays well under a section's limit
SECTION_LIMIT = 3000


def weekly_post_message(post: TeamPost) -> dict[str, Any]:
    """The post: shared entries' titles by skill, questions teammates answered, goals people shared."""
    blocks: list[Block] = [
        header(f"What {post.team_name} learned"),  # plain text: shown as typed, never parsed
        context(f"{day_label(post.first_day)} to {day_label(post.last_day)} · what the team shared"),
    ]
    for group in post.groups:
        blocks += _sections(_skill_lines(group))
    if post.more_entries:
        more = "entry" if post.more_entries == 1 else "entries"
        blocks.append(context(f"…and {post.more_entries} more shared {more}."))
    if post.questions:
        blocks += _sections(_questions_lines(post.questions))
    if post.goals:
        blocks += _sections(_goals_lines(post.goals))
    blocks.append(
        context(
            "Curious about something here? Ask in the thread. Only what people shared with the team is "
            "here: never a private entry, anyone's time or a ranking."
        )
    )
    return message(f"What {escape(post.team_name)} learned this week", blocks)


def _sections(lines: list[str]) -> list[Block]:
    """Lines in as few sections as fit Slack's 3,000 characters each, never cutting a line (an escaped
    character or a mention cut in half would show as stray markup)."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + 1 + len(line) <= SECTION_LIMIT:
            texts[-1] += "\n" + line
        else:
            texts.append(line)
    return [section(text) for text in texts]


def _skill_lines(group: SkillGroup) -> list[str]:
    title = skill_tag(group.skill) if group.skill else "_No skill tagged_"
    return [f"*{title}*", *(f"• {shown(what, TITLE_LIMIT)}" for what in group.titles)]


def _questions_lines(questions: list[AnsweredQuestion]) -> list[str]:
    lines = [":raising_hand: *Questions teammates answered*"]
    for question in questions:
        thanks = f" Thanks {mentions(question.helpers)}!" if question.helpers else ""
        lines.append(
            f"• “{shown(question.text, TITLE_LIMIT)}” in {channel_link(question.channel_id)}.{thanks}"
        )
    return lines


def _goals_lines(goals: list[SharedGoal]) -> list[str]:
    lines = [":trophy: *Goals reached*"]
    lines += [f"• {mention(goal.user_id)} reached *{shown(goal.title, TITLE_LIMIT)}*" for goal in goals]
    return lines


def weekly_post_on_message(team: LearningTeam, tz: str, next_post: datetime | None) -> dict[str, Any]:
    """The new setting; `next_post` is the next one in `tz`, the team's timezone."""
    channel = channel_link(team.weekly_post_channel_id or "")
    when = f"{FULL_DAY_NAMES[team.weekly_post_weekday]}s at {clock_time(team.weekly_post_minute)}"
    following = f" The next one: {moment_label(next_post)} ({tz})." if next_post else ""
    return plain_team_message(
        f":loudspeaker: *What {escape(team.name)} learned* now goes to {channel} on {when} "
        f"(first lead's time).{following}\n"
        "It lists the titles and skills of entries the team shared (never private ones, nor anyone's "
        "time), questions teammates answered in public channels, and goals people chose to share. "
        "A week with none of these is skipped. `/team weekly-post off` stops it."
    )


def weekly_post_off_message(team_name: str) -> dict[str, Any]:
    return plain_team_message(f"*{escape(team_name)}*'s weekly post is off.")


def weekly_post_channel_problem(channel_id: str, channel: dict[str, Any] | str) -> str | None:
    """Why the weekly post could not go to a channel: `channel` is what conversations.info said of it, or
    its error code."""
    if isinstance(channel, dict) and (channel.get("is_im") or channel.get("is_mpim")):
        return "Pick a channel for the weekly post, not a direct message."
    if isinstance(channel, dict) and (channel.get("is_ext_shared") or channel.get("is_pending_ext_shared")):
        # What a team shares is for the organisation: never for partners from another one (Slack Connect).
        return (
            f"{channel_link(channel_id)} is shared with another organisation. Pick a channel only your "
            "organisation is in: the weekly post lists what your team shared."
        )
    return digest_channel_problem(channel_id, channel)


NOT_YOUR_CHANNEL = (
    "Pick a channel you can see for the weekly post: your team's learning will be posted there."
)


def weekly_post_paused_message(team_name: str, channel_id: str) -> dict[str, Any]:
    """To the team's leads, once: the post could not go out, so it is off until a lead turns it on again."""
    where = channel_link(channel_id)
    name = escape(team_name)
    return plain_team_message(
        f":warning: *What {name} learned* could not be posted in {where}: Learnfit isn't in it "
        "(or it was archived or removed), so the weekly post is off for now. "
        f"To turn it back on, type `/invite @Learnfit` in {where}, then `/team weekly-post {name} on` "
        "with the channel."
    )
