"""Messages about personal learning goals: the list with progress bars, App Home's lines, the celebration."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.parsing.goal import GOAL_EXAMPLE
from bot.services.goals import MAX_TITLE_LENGTH, GoalProgress
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    header,
    message,
    plain,
    problem_message,
    section,
)
from bot.views.format import counted, day_label, duration, mention, progress_bar, shown, skill_tags, truncate
from models import Goal, GoalStatus, GoalTarget

LOG_TOWARD_GOAL = "goal_log"
MARK_GOAL_DONE = "goal_done"
DROP_GOAL = "goal_drop"
EDIT_GOAL = "goal_edit"
SHARE_GOAL = "goal_share"

MAX_LISTED = 20  # two blocks each keeps the list under a message's 50 blocks
MAX_ON_HOME = 10  # one block each, plus a heading and a "more" line: at most 12 blocks
PRIVATE_NOTE = "Only you can see your goals."


def _day(day: date, today: date | None) -> str:
    """`Tue 5 Jan`, with the year when it is not this year (or when this year is not known)."""
    return day_label(day) if today is not None and day.year == today.year else f"{day_label(day)} {day.year}"


def _sessions(count: int) -> str:
    return counted(count, "session")


def target_text(goal: Goal) -> str:
    """The target in words: `10h of learning`, `12 sessions`, `a done-by date`."""
    if goal.target_kind is GoalTarget.MINUTES and goal.target_value:
        return f"{duration(goal.target_value)} of learning"
    if goal.target_kind is GoalTarget.SESSIONS and goal.target_value:
        return f"{_sessions(goal.target_value)} of learning"
    return "a done-by date"


def progress_line(progress: GoalProgress) -> str:
    """`▓▓▓▓░░░░░░ 40%` and the numbers behind it."""
    goal = progress.goal
    logged = f"{_sessions(progress.sessions)}, {duration(progress.minutes)}"
    if goal.target_kind is GoalTarget.DATE or not goal.target_value:
        return f"{logged} logged toward it" if progress.sessions else "Nothing logged toward it yet"
    bar = f"`{progress_bar(progress.fraction)} {int(progress.fraction * 100)}%`"
    if goal.target_kind is GoalTarget.MINUTES:
        return f"{bar} {duration(progress.minutes)} of {duration(goal.target_value)}"
    return f"{bar} {progress.sessions} of {_sessions(goal.target_value)}"


def status_line(progress: GoalProgress, today: date | None) -> str:
    goal = progress.goal
    if goal.status is GoalStatus.DONE:
        return ":white_check_mark: Done"
    if progress.overdue and goal.due_date is not None:
        return f":warning: Overdue since {_day(goal.due_date, today)}: extend it with *Edit*, or *Drop* it"
    if goal.due_date is not None:
        return f"Due {_day(goal.due_date, today)}"
    return "No due date"


def _skill_tags(goal: Goal) -> str:
    return skill_tags([skill.name for skill in goal.skills])


def _goal_text(progress: GoalProgress, today: date | None, *, title_limit: int = MAX_TITLE_LENGTH) -> str:
    goal = progress.goal
    details = [status_line(progress, today)]
    if goal.skills:
        details.append(_skill_tags(goal))
    return f"*{shown(goal.title, title_limit)}*\n{progress_line(progress)}\n" + " · ".join(details)


def _drop_button(goal: Goal) -> dict[str, Any]:
    return {
        **button("Drop", DROP_GOAL, value=str(goal.id), style="danger"),
        "confirm": {
            "title": plain("Drop this goal?"),
            "text": plain(f"“{truncate(goal.title, 200)}” leaves your list. Your learning entries stay."),
            "confirm": plain("Drop it"),
            "deny": plain("Keep it"),
            "style": "danger",
        },
    }


def _goal_actions(progress: GoalProgress) -> Block:
    goal_id = str(progress.goal.id)
    return actions(
        button("Log toward it", LOG_TOWARD_GOAL, value=goal_id, style="primary"),
        button("Mark done", MARK_GOAL_DONE, value=goal_id),
        button("Extend or edit" if progress.overdue else "Edit", EDIT_GOAL, value=goal_id),
        _drop_button(progress.goal),
    )


def goal_list_message(
    progress: list[GoalProgress], *, today: date, notice: str | None = None
) -> dict[str, Any]:
    """`/goal list`: each goal with its progress bar and what can be done with it."""
    blocks: list[Block] = [header("Your learning goals")]
    if notice:
        blocks.append(section(notice))
    for item in progress[:MAX_LISTED]:
        blocks.append(section(_goal_text(item, today)))
        if item.goal.status is GoalStatus.ACTIVE:
            blocks.append(_goal_actions(item))
    if not progress:
        blocks.append(
            section(f"No goals yet. Set one in a line, e.g. `{GOAL_EXAMPLE}`, or type `/goal` for a form.")
        )
    more = len(progress) - MAX_LISTED
    blocks.append(
        context(
            (f"And {more} more. " if more > 0 else "")
            + f"{PRIVATE_NOTE} Entries count when you pick the goal in the `/learn` form or tag one of "
            "its skills. `/goal help` for more."
        )
    )
    active = sum(1 for item in progress if item.goal.status is GoalStatus.ACTIVE)
    return message(f"Your learning goals: {active} active", blocks)


def goal_lines(progress: list[GoalProgress], *, today: date | None = None) -> list[Block]:
    """Goals for App Home: one block each (at most 12 blocks in all), with a button to log toward it."""
    if not progress:
        return [section("*Goals*\nNo goals yet. `/goal` sets one: time, sessions or a done-by date.")]
    blocks: list[Block] = [section("*Goals*")]
    for item in progress[:MAX_ON_HOME]:
        accessory = (
            button("Log toward it", LOG_TOWARD_GOAL, value=str(item.goal.id))
            if item.goal.status is GoalStatus.ACTIVE
            else None
        )
        blocks.append(section(_goal_text(item, today, title_limit=100), accessory=accessory))
    more = len(progress) - MAX_ON_HOME
    if more > 0:
        blocks.append(context(f"And {more} more: `/goal list`"))
    return blocks


def goal_saved_message(goal: Goal, *, today: date, duplicate: bool = False) -> dict[str, Any]:
    headline = "Already set (Slack sent this twice):" if duplicate else ":dart: Goal set:"
    parts = [f"*{shown(goal.title, MAX_TITLE_LENGTH)}*", target_text(goal)]
    if goal.due_date is not None:
        parts.append(f"by {_day(goal.due_date, today)}")
    counts = "Entries count when you pick this goal in the `/learn` form"
    if goal.skills:
        counts += " or tag " + _skill_tags(goal)
    blocks: list[Block] = [
        section(f"{headline} " + " · ".join(parts)),
        context(f"{counts}, from today on. `/goal list` shows your progress. {PRIVATE_NOTE}"),
    ]
    return message(f"Goal set: {shown(goal.title, 100)}", blocks)


def goal_reached_message(progress: GoalProgress) -> dict[str, Any]:
    """The DM that celebrates a goal reached, offering (never doing) a share."""
    goal = progress.goal
    blocks: list[Block] = [
        section(
            f":tada: *You reached your goal:* {shown(goal.title, MAX_TITLE_LENGTH)}\n"
            f"{duration(progress.minutes)} across {_sessions(progress.sessions)} since you set it."
        ),
        context("Only you can see this. Want your team to know? Share it with a channel."),
        actions(button("Share with a channel", SHARE_GOAL, value=str(goal.id))),
    ]
    return message(f"You reached your goal: {shown(goal.title, 100)}", blocks)


def goal_shared_message(goal: Goal, user_id: str) -> dict[str, Any]:
    title = shown(goal.title, MAX_TITLE_LENGTH)
    text = f":tada: {mention(user_id)} reached a learning goal: *{title}* ({target_text(goal)})"
    return message(f"A learning goal reached: {shown(goal.title, 100)}", [section(text)])


def goal_updated_notice(goal: Goal) -> str:
    """Above the goal list redrawn after an edit."""
    return f":pencil2: Updated *{shown(goal.title, 200)}*."


def goal_finished_notice(goal: Goal, *, changed: bool, drop: bool) -> str:
    """Above the goal list redrawn after Mark done or Drop."""
    title = shown(goal.title, 200)
    if not changed:
        return f"*{title}* is already {goal.status.value}; nothing changed."
    if drop:
        return f":wastebasket: Dropped *{title}*. Your learning entries stay as they were."
    return f":white_check_mark: Marked *{title}* done. Well done!"


def goal_not_saved_message(problem: str) -> dict[str, Any]:
    """A goal in a line the person's own day refused (say, a date that has just passed where they are)."""
    return goal_error_message(f"{problem} Nothing was saved.")


def goal_gone_message() -> dict[str, Any]:
    """An edit saved after the goal was finished or dropped (in another message, or on App Home)."""
    return goal_error_message("That goal is finished or gone, so nothing changed.")


def goal_refused_message(*, finished: bool = False) -> dict[str, Any]:
    """Why a button on a goal did nothing: it is finished, or not the person's (or no longer exists)."""
    if finished:
        return goal_error_message("That goal is finished.")
    return goal_error_message("That goal is not one of yours, or it no longer exists, so nothing changed.")


def goal_error_message(problem: str) -> dict[str, Any]:
    return problem_message(problem, command="/goal")


def goal_help_message() -> dict[str, Any]:
    text = "How to set learning goals with /goal"
    blocks: list[Block] = [
        section(
            "*Set a goal in one line:*\n"
            f"`{GOAL_EXAMPLE}`\n"
            "`/goal Read the SRE book #sre 12 sessions`\n"
            "`/goal Give a lightning talk on testing by 31 Jan`"
        ),
        section(
            "*Target:* time (`10h`, `90m`), sessions (`12 sessions`), or just a done-by date\n"
            "*Due date:* `by 2027-01-31` or `by 31 Jan`\n"
            "*Skills:* `#tags`; entries with any of them count toward the goal\n"
            "Entries you log from the goal's first day count, and so do entries you link to it in the "
            "`/learn` form."
        ),
        section(
            "`/goal` alone opens a form (with room for why it matters). `/goal list` shows your goals "
            f"with progress, and buttons to log, finish, edit or drop them. {PRIVATE_NOTE}"
        ),
    ]
    return message(text, blocks)
