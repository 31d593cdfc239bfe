"""`/team insights` as an admin (or someone they named) sees it, and the replies about who may see it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.services.insights import (
    INSIGHTS_MIN_GROUP,
    OTHER,
    OTHER_GROUP,
    WEEKS,
    Insights,
    SkillDemand,
    SkillTrend,
    kind_names,
)
from bot.services.teams import Mentioned
from bot.views.blocks import Block, context, header, message, section
from bot.views.charts import chart_block
from bot.views.format import day_label, duration, mention, skill_tag, truncate

SKILLS_LISTED = 5
DEMAND_LISTED = 8
KIND_WORDS = {"job": "on the job", "people": "from people", "formal": "courses", OTHER: "other"}
GROUP_NOTE = (
    f"Only groups of at least {INSIGHTS_MIN_GROUP} people show (a skill, a week, a kind of learning in a "
    "week); smaller ones are folded into \u201cother\u201d, and private entries count only inside such groups. "
    "No one is named."
)
WHO_GRANTS = (
    "Insights are for workspace admins and owners, and the people they give access to. "
    "Ask a workspace admin or owner to run `/team insights-access @you`."
)


def preparing_message() -> dict[str, Any]:
    """The ack: the figures and the chart follow in a moment."""
    return {"text": "Preparing insights…"}


def insights_refused_message() -> dict[str, Any]:
    return message(WHO_GRANTS, [section(f":lock: {WHO_GRANTS}")])


def access_admins_only_message() -> dict[str, Any]:
    text = "Only a workspace admin or owner can give or take access to insights, or see who has it."
    return message(text, [section(f":lock: {text}")])


def _skill(name: str) -> str:
    return "everything else (smaller groups)" if name == OTHER_GROUP else skill_tag(truncate(name, 40))


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "–"


def _mix_line(mix: dict[str, int]) -> str:
    total = sum(mix.values())
    return " · ".join(
        f"{KIND_WORDS[kind]} {_percent(mix[kind], total)}" for kind in kind_names() if kind in mix
    )


def _trend_line(skill: SkillTrend) -> str:
    before = "fewer than 5" if skill.earlier_people is None else str(skill.earlier_people)
    now = "fewer than 5" if skill.recent_people is None else str(skill.recent_people)
    return f"{_skill(skill.name)}: {now} people in the last 6 weeks (the 6 before: {before})"


def demand_line(skill: SkillDemand) -> str:
    """`#kubernetes: 14 questions, 3 people who can help, 60 % resolved, median 5 h to resolve`."""
    helpers = "1 person who can help" if skill.helpers == 1 else f"{skill.helpers} people who can help"
    line = f"{_skill(skill.name)}: {skill.questions} questions, {helpers}, {_percent(skill.resolved, skill.questions)} resolved"
    if skill.median_hours_to_resolve is not None:
        line += f", median {_hours(skill.median_hours_to_resolve)} to resolve"
    return line


def _hours(hours: float) -> str:
    """`40 min`, `2.5 h`, `3.2 days`."""
    if hours < 1:
        return duration(max(1, round(hours * 60)))
    return f"{round(hours, 1):g} h" if hours < 48 else f"{round(hours / 24, 1):g} days"


def insights_summary(insights: Insights) -> list[str]:
    """The figures in words, one mrkdwn paragraph each (also what a screen reader gets)."""
    shown_weeks = [week for week in insights.weeks if week.people is not None]
    people = "fewer than 5 people" if insights.people is None else f"{insights.people} people"
    lines = [
        f"*Learning:* {people} over {WEEKS} weeks, {duration(insights.minutes)} in all; "
        f"{len(shown_weeks)} of {WEEKS} weeks had at least {INSIGHTS_MIN_GROUP} people learning."
    ]
    earlier, recent = insights.mix(slice(0, WEEKS // 2)), insights.mix(slice(WEEKS // 2, WEEKS))
    if recent or earlier:
        lines.append(
            f"*70/20/10, last 6 weeks:* {_mix_line(recent) or '–'}\n"
            f"*the 6 weeks before:* {_mix_line(earlier) or '–'}"
        )
    rising = [skill for skill in insights.skills if skill.change > 0]
    falling = [skill for skill in insights.skills if skill.change < 0]
    rising.sort(key=lambda skill: -skill.change)
    falling.sort(key=lambda skill: skill.change)
    if rising:
        lines.append("*Rising:*\n" + "\n".join(f"• {_trend_line(skill)}" for skill in rising[:SKILLS_LISTED]))
    if falling:
        lines.append(
            "*Falling:*\n" + "\n".join(f"• {_trend_line(skill)}" for skill in falling[:SKILLS_LISTED])
        )
    demand = insights.demand[:DEMAND_LISTED] + ([insights.other_demand] if insights.other_demand else [])
    if demand:
        lines.append(
            "*Asked about against who can help:*\n" + "\n".join(f"• {demand_line(skill)}" for skill in demand)
        )
    else:
        lines.append(f"*Asked about:* no skill yet with questions and at least {INSIGHTS_MIN_GROUP} people.")
    return lines


def insights_alt_text(insights: Insights) -> str:
    """What the chart shows, numbers included, for screen readers: the period, each week's people and
    minutes (weeks of fewer than 5 people only as that), the recent mix; no one's name."""
    weeks = "; ".join(
        f"{day_label(week.first_day)}: "
        + (
            f"{week.people} people, {duration(week.minutes)}"
            if week.people is not None
            else f"fewer than {INSIGHTS_MIN_GROUP} people"
        )
        for week in insights.weeks
    )
    mix = _mix_line(insights.mix(slice(WEEKS // 2, WEEKS))) or "none yet"
    return truncate(
        f"Chart of learning from {day_label(insights.first_day)} to {day_label(insights.last_day)}. People "
        f"learning and minutes each week: {weeks}. The 70/20/10 mix of the last 6 weeks: {mix}. Also skills "
        "rising and falling, and skills asked about against people who can help, as in the text. Groups of "
        f"fewer than {INSIGHTS_MIN_GROUP} people are left out.",
        2000,
    )


def insights_message(insights: Insights, *, file_id: str | None, csv_sent: bool) -> dict[str, Any]:
    """The figures in words, the chart when Slack took it, and where the CSV went."""
    summary = insights_summary(insights)
    blocks: list[Block] = [header(f"Learning insights: {WEEKS} weeks")]
    blocks += [section(line) for line in summary]
    if file_id:
        blocks.append(chart_block(file_id, insights_alt_text(insights)))
    where = (
        "The figures are in a CSV file in your DM with Learnfit."
        if csv_sent
        else "I could not send the CSV file to your DM just now; try again in a minute."
    )
    blocks.append(context(f"{GROUP_NOTE} {where}"))
    return message("Learning insights: " + " ".join(summary).replace("*", ""), blocks)


def insights_files(today: date) -> tuple[dict[str, str], dict[str, str]]:
    """The chart's name and title, and the CSV's name, title and comment."""
    chart = {"filename": f"learnfit-insights-{today.isoformat()}.png", "title": "Learning insights"}
    spreadsheet = {
        "filename": f"learnfit-insights-{today.isoformat()}.csv",
        "title": f"Learning insights to {today.isoformat()}",
        "comment": (
            f"The learning insights' figures for the last {WEEKS} weeks. Only groups of at least "
            f"{INSIGHTS_MIN_GROUP} people are in it; no one is named."
        ),
    }
    return chart, spreadsheet


def _mentions(user_ids: Sequence[str]) -> str:
    return ", ".join(mention(user_id) for user_id in user_ids)


def access_changed_message(
    changed: Sequence[str], unchanged: Sequence[str], left_out: Mentioned, *, granted: bool
) -> dict[str, Any]:
    """Who was given (or lost) access to insights, and who was left as they were."""
    if granted:
        lines = [f"{_mentions(changed)} can now see `/team insights`." if changed else "Nobody new to add."]
        if unchanged:
            lines.append(f"Already had access: {_mentions(unchanged)}.")
    else:
        lines = [
            f"{_mentions(changed)} can no longer see `/team insights`." if changed else "Nobody to remove."
        ]
        if unchanged:
            lines.append(f"Did not have access: {_mentions(unchanged)}.")
    if left_out.refused:
        lines.append(f"Left out (a bot or a deactivated account): {_mentions(left_out.refused)}.")
    if left_out.outsiders:
        lines.append(f"Left out (from another organisation): {_mentions(left_out.outsiders)}.")
    text = "\n".join(lines)
    return message(text, [section(text)])


def access_list_message(user_ids: Sequence[str]) -> dict[str, Any]:
    """Who besides admins and owners may see insights."""
    if user_ids:
        text = f"Besides workspace admins and owners, these people can see `/team insights`: {_mentions(user_ids)}."
    else:
        text = "Only workspace admins and owners can see `/team insights`. Give someone access: `/team insights-access @ana`."
    return message(text, [section(text), context("Take it away with `/team insights-access remove @ana`.")])
