"""Small text helpers shared by the Block Kit builders."""

from __future__ import annotations

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


def escape(text: str) -> str:
    """Escape user text for mrkdwn so it cannot ping channels or break formatting links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def mentions(user_ids: Sequence[str]) -> str:
    """People named in a sentence: "<@A>", "<@A> and <@B>", "<@A>, <@B> and <@C>"."""
    names = [mention(user_id) for user_id in user_ids]
    return "".join(names) if len(names) <= 1 else ", ".join(names[:-1]) + " and " + names[-1]


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours}h {rest:02d}m" if rest else f"{hours}h"


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def skill_tags(entry: LearningEntry) -> str:
    return " ".join(f"`#{skill.name}`" for skill in entry.skills)


def entry_line(entry: LearningEntry, *, what_limit: int = 150) -> str:
    """One entry as one mrkdwn line: duration, kind, the words, the skills."""
    parts = [
        f"*{duration(entry.minutes)}*",
        KIND_LABELS[entry.kind],
        escape(truncate(entry.what, what_limit)),
    ]
    if entry.skills:
        parts.append(skill_tags(entry))
    lock = " :lock:" if entry.visibility is Visibility.PRIVATE else ""
    return " · ".join(parts) + lock


def progress_bar(fraction: float, width: int = 10) -> str:
    """`▓▓▓▓░░░░░░` for 0.4: a ring drawn as text, since Block Kit has no charts."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▓" * filled + "░" * (width - filled)


def change(value: int, unit: str = "") -> str:
    """`+15 min`, `-1 day` (a real minus sign), `same`: a week-on-week difference, never a judgement."""
    if value == 0:
        return "same"
    sign = "+" if value > 0 else "\u2212"
    return f"{sign}{abs(value)}{unit}"
