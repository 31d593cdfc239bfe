"""Small text helpers shared by the Block Kit builders, and the one way a person's words enter markup."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from models import EntryKind, LearningEntry, Visibility

KIND_LABELS = {
    EntryKind.JOB: "On the job",
    EntryKind.PEOPLE: "From people",
    EntryKind.FORMAL: "Formal",
}
KIND_EXPLANATIONS = {
    EntryKind.JOB: "Doing the work: solving a real problem, trying something new, reading code.",
    EntryKind.PEOPLE: "From colleagues: pairing, mentoring, code review, asking for help.",
    EntryKind.FORMAL: "Structured learning: a course, a book, a talk, a workshop.",
}
VISIBILITY_LABELS = {
    Visibility.TEAM: "Shared with your team",
    Visibility.PRIVATE: "Private: only you can see it",
}


# Slack ids the app writes into markup: a person (W… on Enterprise Grid), a public or private channel.
_PERSON_ID = re.compile(r"[UW][A-Z0-9]+")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]+")


def escape(text: str) -> str:
    """A person's words for any text Slack parses (a message's `text`, mrkdwn): Slack's whole rule, `&`, `<`
    and `>` as entities, so nothing typed can mention anyone (`<!here>`, `<@U…>`, `<!subteam^…>`), link
    anywhere, or break the app's own markup. Plain `@here` stays a word: the app never asks Slack to
    link names (`link_names`, `parse=full`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    """A person the app names; an id that is not a Slack user id (a forged value) shows as inert text."""
    return f"<@{user_id}>" if _PERSON_ID.fullmatch(user_id) else escape(user_id)


def channel_link(channel_id: str) -> str:
    """A channel the app names; anything but a channel id shows as inert text."""
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id) else escape(channel_id)


def link(url: str, label: str) -> str:
    """A person's URL behind the app's label: nothing in the URL can close the link or change its label."""
    url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{url}|{escape(label)}>"


def mentions(user_ids: Sequence[str]) -> str:
    """People named in a sentence: "<@A>", "<@A> and <@B>", "<@A>, <@B> and <@C>"."""
    names = [mention(user_id) for user_id in user_ids]
    return "".join(names) if len(names) <= 1 else ", ".join(names[:-1]) + " and " + names[-1]


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(text: str, limit: int) -> str:
    """A person's words, shortened then escaped (in that order, so no entity is cut in half)."""
    return escape(truncate(text, limit))


def duration(minutes: int) -> str:
    """The one way a length of time is shown, in every message, card and digest: `45m`, `1h`, `5h 55m`
    (the way people type it in `/learn`)."""
    hours, rest = divmod(abs(minutes), 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h {rest:02d}m" if rest else f"{hours}h"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`1 entry`, `4 entries`, `0 goals`: a number and its noun, always agreeing."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def skill_tag(name: str) -> str:
    return f"`#{escape(name)}`"


def skill_tags(names: Sequence[str]) -> str:
    return " ".join(skill_tag(name) for name in names)


def entry_line(entry: LearningEntry, *, what_limit: int = 150) -> str:
    """One entry as one mrkdwn line: duration, kind, the words, the skills."""
    parts = [
        f"*{duration(entry.minutes)}*",
        KIND_LABELS[entry.kind],
        shown(entry.what, what_limit),
    ]
    if entry.skills:
        parts.append(skill_tags([skill.name for skill in entry.skills]))
    lock = " :lock:" if entry.visibility is Visibility.PRIVATE else ""
    return " · ".join(parts) + lock


def progress_bar(fraction: float, width: int = 10) -> str:
    """`▓▓▓▓░░░░░░` for 0.4: a ring drawn as text, since Block Kit has no charts."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▓" * filled + "░" * (width - filled)


def change(value: int, unit: str = "") -> str:
    """`+2`, `-1 day` (a real minus sign), `same`: a week-on-week difference in a count."""
    if value == 0:
        return "same"
    sign = "+" if value > 0 else "\u2212"
    return f"{sign}{abs(value)}{unit}"


def duration_change(minutes: int) -> str:
    """`+2h 20m`, `-20m` (a real minus sign), `same`: a difference in time, in the same format as every duration."""
    if minutes == 0:
        return "same"
    return ("+" if minutes > 0 else "\u2212") + duration(minutes)
