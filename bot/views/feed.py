"""The team feed (App Home and `/team feed`), its "Nice one" button, and the author's kudos summary.

The feed says who learned what, with skills, link and when (in the viewer's time): never minutes, never
a count of anything per person. Kudos are told to the author alone, without names, never as a score.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field

from bot.services.feed import FEED_DAYS, MAX_OFFSET, PAGE_SIZE, FeedItem, TeamFeed
from bot.services.kudos import MAX_SUMMARY_LINES, KudosLine
from bot.views.blocks import Block, actions, button, context, message, problem_message, section
from bot.views.format import KIND_LABELS, escape, link, mention, shown, skill_tags
from bot.views.nudges import moment_label
from bot.views.values import ButtonValue, RowId

GIVE_KUDOS = "feed_kudos"
# Newest and More sit in one block, so their ids differ; both start with FEED_PAGE, which the listener matches.
FEED_PAGE = "feed_page"
FEED_NEWEST = f"{FEED_PAGE}_newest"
FEED_MORE = f"{FEED_PAGE}_more"
FEED_HEADING = "Your teams are learning"


class FeedPage(ButtonValue):
    """Which page of whose feed a button redraws: ids and numbers only, checked again on the click (the
    team only ever narrows the feed to teams the clicker is in)."""

    offset: int = Field(alias="o", ge=0, le=MAX_OFFSET)
    learning_team_id: RowId | None = Field(default=None, alias="t")


class KudosValue(FeedPage):
    """A "Nice one" button: the entry it is for (a claim the click checks), and the page it sits on."""

    entry_id: RowId = Field(alias="e")


def _page(feed: TeamFeed, offset: int) -> FeedPage:
    return FeedPage(offset=offset, learning_team_id=feed.learning_team_id)


def _item_blocks(feed: TeamFeed, item: FeedItem, tz: ZoneInfo) -> list[Block]:
    entry = item.entry
    words = f"{mention(item.author)} · {shown(entry.what, 300)}"
    if entry.skills:
        words += " · " + skill_tags([skill.name for skill in entry.skills])
    value = KudosValue(offset=feed.offset, learning_team_id=feed.learning_team_id, entry_id=entry.id)
    kudos = button("✓ Nice one sent" if item.kudos_given else "🙌 Nice one", GIVE_KUDOS, value=value.dump())
    facts = [feed_moment(entry.created_at, tz), KIND_LABELS[entry.kind]]
    if entry.link:
        facts.append(link(entry.link, "link"))
    return [section(words, accessory=kudos), context(" · ".join(facts))]


def _navigation(feed: TeamFeed) -> list[Block]:
    buttons = []
    if feed.offset > 0:
        buttons.append(button("Newest", FEED_NEWEST, value=_page(feed, 0).dump()))
    if feed.has_more and feed.offset + PAGE_SIZE <= MAX_OFFSET:
        buttons.append(button("More", FEED_MORE, value=_page(feed, feed.offset + PAGE_SIZE).dump()))
    return [actions(*buttons)] if buttons else []


def feed_blocks(feed: TeamFeed, *, tz: ZoneInfo) -> list[Block]:
    """The feed's blocks (at most 14); none for someone in no team, who has no teammates to show."""
    if not feed.team_names:
        return []
    teams = ", ".join(f"*{escape(name)}*" for name in feed.team_names[:10])
    blocks: list[Block] = [
        section(f"*{FEED_HEADING}*"),
        context(f"Shared by your teammates in {teams}. Private entries never appear here."),
    ]
    if not feed.items:
        quiet = (
            "Nothing more shared lately."
            if feed.offset
            else f"Nothing shared by your teammates in the last {FEED_DAYS} days yet."
        )
        blocks.append(section(quiet))
    for item in feed.items:
        blocks += _item_blocks(feed, item, tz)
    return blocks + _navigation(feed)


def feed_message(feed: TeamFeed, *, tz: ZoneInfo) -> dict[str, Any]:
    """`/team feed`: the same page as on App Home, only to the person who asked."""
    if not feed.team_names:
        return plain_feed_message(
            "You aren't in a learning team yet, so there is no team feed. `/team list` shows the teams; "
            "a team's lead adds people with `/team add`."
        )
    count = len(feed.items)
    return message(
        f"{FEED_HEADING}: {count} shared {'entry' if count == 1 else 'entries'}", feed_blocks(feed, tz=tz)
    )


def plain_feed_message(text: str) -> dict[str, Any]:
    return message(text.replace("*", ""), [section(text)])


def not_in_team_message(name: str) -> dict[str, Any]:
    return problem_message(
        f"You aren't in a team called *{escape(' '.join(name.split())[:80])}*. `/team list` shows the teams.",
        command="/team",
    )


def kudos_refused_message() -> dict[str, Any]:
    """A click on an entry the clicker can't give kudos to (gone, made private, their own, not a teammate's)."""
    return plain_feed_message("That entry isn't in your team feed any more, so nothing was sent.")


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def kudos_summary_message(lines: Sequence[KudosLine]) -> dict[str, Any]:
    """The author's daily DM: how many people found each note useful, without naming them."""
    shown_lines = [
        f":raised_hands: *{_people(line.people)}* found your note on _{shown(line.what, 120)}_ useful"
        for line in lines[:MAX_SUMMARY_LINES]
    ]
    rest = len(lines) - MAX_SUMMARY_LINES
    if rest > 0:
        shown_lines.append(f"…and people liked {rest} more of your notes.")
    text = (
        f"{_people(lines[0].people)} found your note on {shown(lines[0].what, 80)} useful"
        if lines
        else "Your teammates found your notes useful"
    )
    blocks: list[Block] = [
        section("\n".join(shown_lines) or "Your teammates found your notes useful."),
        context(
            "Teammates said *Nice one* on entries you shared with your team. Only you see this; "
            "`vis:private` keeps an entry out of the team feed."
        ),
    ]
    return message(text, blocks)


def feed_moment(moment: datetime, tz: ZoneInfo) -> str:
    """When an entry was logged, in the viewer's time."""
    return moment_label(moment.astimezone(tz))
