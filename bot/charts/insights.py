"""The one chart of `/team insights`: people and minutes a week, the 70/20/10 mix, skills rising and falling,
and questions against who can help. Only the aggregates the insights service returns reach it."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import partial

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.charts.png import ChartSize, render_png
from bot.services.insights import OTHER, Insights, kind_names

KIND_COLOURS = {"job": "#2e7d32", "people": "#1565c0", "formal": "#ef6c00", OTHER: "#9e9e9e"}
KIND_NAMES = {"job": "On the job", "people": "From people", "formal": "Courses", OTHER: "Other"}
SKILLS_SHOWN = 8
NAME_LIMIT = 24


INSIGHTS_SIZE = ChartSize(width=1200, height=800)


def insights_png(insights: Insights) -> bytes:
    """The chart as PNG bytes (the same bytes for the same figures: no timestamp in the file)."""
    return render_png(partial(_draw, insights), INSIGHTS_SIZE)


def _draw(insights: Insights, figure: Figure) -> None:
    figure.set_layout_engine("constrained")
    weekly, mix, trends, demand = figure.subplots(2, 2).flatten()
    _weekly(weekly, insights)
    _mix(mix, insights)
    _trends(trends, insights)
    _demand(demand, insights)
    figure.suptitle(
        f"Learning over 12 weeks, {insights.first_day:%d %b} – {insights.last_day:%d %b %Y}"
        " (groups of fewer than 5 people are left out)"
    )


def _week_labels(insights: Insights) -> list[str]:
    return [f"{week.first_day:%d %b}" for week in insights.weeks]


def _weekly(axes: Axes, insights: Insights) -> None:
    positions = range(len(insights.weeks))
    people = [week.people or 0 for week in insights.weeks]
    axes.bar(positions, people, color="#5c6bc0", label="People learning")
    axes.set_ylabel("People learning")
    axes.set_title("People learning and minutes, each week")
    minutes_axes = axes.twinx()
    minutes = [week.minutes if week.people else None for week in insights.weeks]
    minutes_axes.plot(
        positions, [m if m is not None else float("nan") for m in minutes], "o-", color="#d81b60"
    )
    minutes_axes.set_ylabel("Minutes")
    minutes_axes.set_ylim(bottom=0)
    axes.set_xticks(list(positions), _week_labels(insights), rotation=45, fontsize=8)


def _mix(axes: Axes, insights: Insights) -> None:
    positions = list(range(len(insights.weeks)))
    bottoms = [0.0] * len(positions)
    for kind in kind_names():
        shares = [
            100 * week.mix.get(kind, 0) / week.minutes if week.minutes else 0.0 for week in insights.weeks
        ]
        axes.bar(positions, shares, bottom=bottoms, color=KIND_COLOURS[kind], label=KIND_NAMES[kind])
        bottoms = [bottom + share for bottom, share in zip(bottoms, shares, strict=True)]
    axes.set_ylim(0, 100)
    axes.set_ylabel("% of minutes")
    axes.set_title("The 70/20/10 mix, each week")
    axes.legend(loc="lower left", fontsize=8)
    axes.set_xticks(positions, _week_labels(insights), rotation=45, fontsize=8)


def _trends(axes: Axes, insights: Insights) -> None:
    moving = sorted(insights.skills, key=lambda skill: (-abs(skill.change), skill.name))[:SKILLS_SHOWN]
    axes.set_title("Skills rising and falling (people, last 6 weeks against the 6 before)")
    if not moving:
        _nothing_yet(axes)
        return
    changes = [skill.change for skill in moving]
    colours = ["#2e7d32" if change >= 0 else "#c62828" for change in changes]
    axes.barh(range(len(moving)), changes, color=colours)
    _name_ticks(axes, [skill.name for skill in moving])
    axes.axvline(0, color="#424242", linewidth=0.8)
    axes.set_xlabel("Change in people learning it")


def _demand(axes: Axes, insights: Insights) -> None:
    asked = insights.demand[:SKILLS_SHOWN]
    axes.set_title("Asked about with /ask against people who can help")
    if not asked:
        _nothing_yet(axes)
        return
    rows = range(len(asked))
    axes.barh([row - 0.2 for row in rows], [skill.questions for skill in asked], 0.4, label="Questions")
    axes.barh([row + 0.2 for row in rows], [skill.helpers for skill in asked], 0.4, label="Can help")
    _name_ticks(axes, [skill.name for skill in asked])
    axes.legend(fontsize=8)


def _name_ticks(axes: Axes, names: Sequence[str]) -> None:
    axes.set_yticks(range(len(names)), [skill_label(name) for name in names])
    axes.invert_yaxis()
    for label in axes.get_yticklabels():
        label.set_parse_math(False)  # a `$` in a skill's name is a dollar sign, not TeX


def _nothing_yet(axes: Axes) -> None:
    axes.text(0.5, 0.5, "Not enough people yet", ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def skill_label(name: str) -> str:
    """A skill's name as the chart shows it: control characters as spaces, shortened."""
    printable = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in name)
    shown = printable if len(printable) <= NAME_LIMIT else printable[: NAME_LIMIT - 1] + "…"
    return f"#{shown}"
