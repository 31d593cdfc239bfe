"""Habit nudges as the person sees them: the nudge itself, and their nudge settings."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.services.nudges import NudgeFacts, NudgeSettings
from bot.views.blocks import Block, actions, button, context, message, option, overflow, plain, section
from bot.views.format import channel_link, counted, day_label, duration, shown, skill_tag
from bot.views.goals import progress_line

NUDGE_LOG_NOW = "nudge_log_now"
NUDGE_SNOOZE_TODAY = "nudge_snooze_today"
NUDGE_SNOOZE_WEEK = "nudge_snooze_week"
NUDGE_SETTINGS = "nudge_settings"
NUDGE_DAYS = "nudge_days"
NUDGE_TIME = "nudge_time"
NUDGE_TOGGLE = "nudge_toggle"
NUDGE_UNSNOOZE = "nudge_unsnooze"
NUDGE_SETTINGS_MENU = "nudge_settings_menu"

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
OPENERS = (
    "Time for a small learning moment?",
    "What did you pick up today? Even ten minutes counts.",
    "Anything from today worth keeping? A line is enough.",
    "Learning adds up in small sessions. Got one today?",
    "A quick check-in on your learning:",
)
PROMPTS = (
    "What surprised you at work this week?",
    "What is one thing you understand better than you did on Monday?",
    "Who taught you something lately, even by accident?",
    "What did you look up today, and what did you find?",
    "What would you explain differently now than a month ago?",
    "Which mistake this week taught you the most?",
    "What question are you still chewing on?",
    "What did a code review, a meeting or a document teach you today?",
)


def clock_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def days_text(weekdays: Sequence[int]) -> str:
    names = [DAY_NAMES[day] for day in sorted(weekdays)]
    if len(names) == 7:
        return "every day"
    if sorted(weekdays) == [0, 1, 2, 3, 4]:
        return "weekdays"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def moment_label(moment: datetime) -> str:
    """`Thu 26 Nov 16:00`, in whatever zone the moment carries."""
    return f"{day_label(moment.date())} {moment:%H:%M}"


def _days(count: int) -> str:
    return counted(count, "day")


def _rings_line(facts: NudgeFacts) -> str:
    if facts.days_to_go == 0 and facts.minutes_to_go == 0:
        return ":white_check_mark: Your rings are closed this week; anything today is a bonus."
    if facts.rest_week:
        return ":palm_tree: It's a rest week, so no pressure; a short session still counts."
    missing = []
    if facts.days_to_go:
        missing.append(f"{_days(facts.days_to_go)} more")
    if facts.minutes_to_go:
        missing.append(f"{duration(facts.minutes_to_go)}")
    return f":dart: {' and '.join(missing)} close this week's rings."


def _streak_line(facts: NudgeFacts) -> str | None:
    if facts.streak <= 0:
        return None
    return f":fire: {counted(facts.streak, 'week')} in a row so far."


def nudge_message(facts: NudgeFacts, settings: NudgeSettings) -> dict[str, Any]:
    """The nudge: about them, worded differently from day to day (stable for one person and day)."""
    choose = random.Random(facts.seed)
    opener = choose.choice(OPENERS)
    lines = [_rings_line(facts)]
    streak = _streak_line(facts)
    if streak:
        lines.insert(0, streak)
    extras: list[str] = []
    if facts.goal is not None:
        extras.append(f":trophy: Your goal *{shown(facts.goal.goal.title, 80)}*: {progress_line(facts.goal)}")
    if facts.question is not None:
        where = f" in {channel_link(facts.question.channel_id)}" if facts.question.channel_id else ""
        extras.append(
            f":raising_hand: A colleague asked{where}: “{shown(facts.question.text, 150)}” "
            f"Your {skill_tag(facts.question.skill)} could help."
        )
    choose.shuffle(extras)
    lines.extend(extras[:1])
    prompt = choose.choice(PROMPTS)
    blocks: list[Block] = [
        section(f"*{opener}*\n" + "\n".join(lines)),
        context(f":thought_balloon: {prompt}"),
        actions(
            button("Log now", NUDGE_LOG_NOW, style="primary", value=facts.day.isoformat()),
            button("Not today", NUDGE_SNOOZE_TODAY, value="0"),
            button("Snooze a week", NUDGE_SNOOZE_WEEK, value="7"),
            button("Settings", NUDGE_SETTINGS),
        ),
        context(
            f"You get these {days_text(settings.weekdays)} at {clock_time(settings.minute)}, your time. "
            "`/fitness nudges` changes that."
        ),
    ]
    return message(f"{opener} {_rings_line(facts).split(' ', 1)[1]}", blocks)


def _state_text(settings: NudgeSettings) -> str:
    if not settings.enabled:
        return "*Nudges are off.* Turn them on (in the `⋯` menu) for a short reminder at a time you pick."
    text = f"*Nudges are on:* {days_text(settings.weekdays)} at {clock_time(settings.minute)}, your time."
    if settings.snoozed_until_local is not None:
        text += f"\n:zzz: Snoozed until {moment_label(settings.snoozed_until_local)}."
    elif settings.next_local is not None:
        text += f"\nNext one: {moment_label(settings.next_local)}."
    else:
        text += "\nThey start once you log learning."
    return text


def nudge_settings_message(settings: NudgeSettings, note: str | None = None) -> dict[str, Any]:
    """Your nudge schedule in three short lines: the state with on/off and End snooze in its `⋯` menu, then
    the days and the time, each changed on the spot."""
    day_options = [option(name, str(day)) for day, name in enumerate(DAY_NAMES)]
    days_element: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": NUDGE_DAYS,
        "placeholder": plain("Days"),
        "options": day_options,
    }
    chosen = [day_options[day] for day in settings.weekdays]
    if chosen:
        days_element["initial_options"] = chosen
    menu = [option("Turn off", "off") if settings.enabled else option("Turn on", "on")]
    if settings.snoozed_until_local is not None:
        menu.append(option("End snooze", "unsnooze"))
    else:
        menu.append(option("Snooze a week", "snooze"))
    blocks: list[Block] = []
    if note:
        blocks.append(context(note))
    blocks += [
        section(_state_text(settings), accessory=overflow(NUDGE_SETTINGS_MENU, *menu)),
        actions(
            days_element,
            {
                "type": "timepicker",
                "action_id": NUDGE_TIME,
                "initial_time": clock_time(settings.minute),
                "placeholder": plain("Time"),
            },
        ),
        context(
            "`/fitness nudges tue thu 16:00` · `snooze 7d` · `off`. Nudges skip days you already learned, and "
            "pause while your Slack status says you're away."
        ),
    ]
    return message(_state_text(settings).replace("*", ""), blocks)


def one_day_needed_message(settings: NudgeSettings) -> dict[str, Any]:
    """Every day unticked in the settings: the schedule stays as it was."""
    return nudge_settings_message(settings, note=":warning: Keep at least one day, or use *Turn off*.")


def snoozed_message(settings: NudgeSettings) -> dict[str, Any]:
    until = settings.snoozed_until_local
    text = (
        f":zzz: Snoozed until {moment_label(until)}. `/fitness nudges` to change your schedule."
        if until is not None
        else "Not snoozed."
    )
    return message(
        text,
        [section(text), actions(button("End snooze", NUDGE_UNSNOOZE), button("Settings", NUDGE_SETTINGS))],
    )
