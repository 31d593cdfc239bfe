"""A team's learning: minutes and people learning over twelve weeks, and this week's 70/20/10 mix.

Only aggregates reach this module: no name, user id or skill is ever drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.charts.png import BLUE, GREEN, GRID, INK, MUTED, ORANGE, PALE_BLUE, ChartSize, render_png, style_axes

TEAM_SIZE = ChartSize(1000, 400)
MIX_COLOURS = (BLUE, ORANGE, GREEN)


@dataclass(frozen=True)
class TeamWeek:
    label: str  # the week's first day ("23 Nov")
    minutes: int
    people: int  # how many learned (a count, never who)


@dataclass(frozen=True)
class MixShare:
    name: str  # "On the job"
    share: float  # this week's, 0 to 1
    aim: float  # the 70/20/10 aim, 0 to 1


@dataclass(frozen=True)
class TeamChart:
    weeks: tuple[TeamWeek, ...]  # oldest first; the last is this week, highlighted
    mix: tuple[MixShare, ...]


def render_team_chart(chart: TeamChart) -> bytes:
    """A PNG of TEAM_SIZE: the weeks on the left, this week's mix against the aim on the right."""

    def draw(figure: Figure) -> None:
        _draw_weeks(figure.add_axes((0.06, 0.16, 0.56, 0.7)), chart.weeks)
        _draw_mix(figure.add_axes((0.7, 0.16, 0.14, 0.7)), chart.mix)

    return render_png(draw, TEAM_SIZE)


def _draw_weeks(axes: Axes, weeks: tuple[TeamWeek, ...]) -> None:
    style_axes(axes)
    positions = list(range(len(weeks)))
    colours = [PALE_BLUE] * (len(weeks) - 1) + [BLUE]
    axes.bar(positions, [week.minutes for week in weeks], color=colours, width=0.62)
    top = max([60, *(week.minutes for week in weeks)]) * 1.2
    axes.set_ylim(0, top)
    axes.set_xticks(positions, [week.label for week in weeks], rotation=45, ha="right")
    if weeks:
        axes.get_xticklabels()[-1].set_color(INK)
        axes.get_xticklabels()[-1].set_fontweight("bold")
        axes.text(
            positions[-1], weeks[-1].minutes + top * 0.02, "this week", ha="center", fontsize=8, color=INK
        )
    axes.set_ylabel("minutes", color=MUTED, fontsize=9)
    axes.set_title(
        f"Team minutes and people learning, {len(weeks)} weeks", loc="left", color=INK, fontsize=12
    )
    people_axes = axes.twinx()
    people_axes.plot(positions, [week.people for week in weeks], color=ORANGE, marker="o", linewidth=1.5)
    most = max([1, *(week.people for week in weeks)])
    people_axes.set_ylim(0, most * 1.25)
    people_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    people_axes.tick_params(colors=ORANGE, labelsize=8, length=0)
    for side in ("top", "left", "bottom", "right"):
        people_axes.spines[side].set_visible(False)
    people_axes.set_ylabel("people learning", color=ORANGE, fontsize=9)


def _draw_mix(axes: Axes, mix: tuple[MixShare, ...]) -> None:
    """Two stacked bars: this week's shares, and the aim beside it."""
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(colors=MUTED, labelsize=9, length=0)
    axes.set_ylim(0, 100)
    axes.set_yticks([])
    bottoms = [0.0, 0.0]
    for share, colour in zip(mix, MIX_COLOURS, strict=False):
        heights = [share.share * 100, share.aim * 100]
        axes.bar([0, 1], heights, bottom=bottoms, color=colour, width=0.6, label=share.name)
        for position in (0, 1):
            if heights[position] >= 8:
                middle = bottoms[position] + heights[position] / 2
                label = f"{round(heights[position])}%"
                axes.text(position, middle, label, ha="center", va="center", color="white", fontsize=9)
        bottoms = [bottoms[0] + heights[0], bottoms[1] + heights[1]]
    axes.set_xticks([0, 1], ["This week", "Aim"])
    axes.get_xticklabels()[0].set_fontweight("bold")
    axes.set_title("70/20/10 mix", loc="left", color=INK, fontsize=12)
    axes.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False)
