"""A person's week: the three rings now, and minutes and learning days over recent weeks (met ones marked)."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Wedge

from bot.charts.png import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    PALE_BLUE,
    TRACK,
    ChartSize,
    render_png,
    style_axes,
)

PERSONAL_SIZE = ChartSize(1000, 400)
RING_COLOURS = (GREEN, BLUE, ORANGE)  # outermost first
RING_WIDTH = 0.22


@dataclass(frozen=True)
class RingValue:
    """One ring: its name, how full it is drawn (0 to 1), whether it closed, and the figure printed by it."""

    name: str
    fraction: float
    closed: bool
    figure: str  # "2 of 3 days"


@dataclass(frozen=True)
class WeekBar:
    label: str  # the week's Monday, as the reader reads dates ("23 Nov")
    minutes: int
    days: int
    met: bool


@dataclass(frozen=True)
class PersonalChart:
    rings: tuple[RingValue, ...]  # Consistency, Time, Mix
    weeks: tuple[WeekBar, ...]  # oldest first; the last is this week
    minutes_target: int


def render_personal_chart(chart: PersonalChart) -> bytes:
    """A PNG of PERSONAL_SIZE: rings on the left, the weeks on the right."""

    def draw(figure: Figure) -> None:
        rings_axes = figure.add_axes((0.01, 0.08, 0.36, 0.84))
        weeks_axes = figure.add_axes((0.45, 0.16, 0.48, 0.7))
        _draw_rings(rings_axes, chart.rings)
        _draw_weeks(weeks_axes, chart)

    return render_png(draw, PERSONAL_SIZE)


def _draw_rings(axes: Axes, rings: tuple[RingValue, ...]) -> None:
    axes.set_xlim(-1.05, 2.6)
    axes.set_ylim(-1.1, 1.1)
    axes.set_aspect("equal")
    axes.axis("off")
    for index, (ring, colour) in enumerate(zip(rings, RING_COLOURS, strict=False)):
        radius = 1.0 - index * (RING_WIDTH + 0.04)
        axes.add_patch(Wedge((0, 0), radius, 0, 360, width=RING_WIDTH, color=TRACK))
        sweep = 360 * max(0.0, min(1.0, ring.fraction))
        if sweep > 0:
            # Clockwise from twelve o'clock, like a clock face.
            axes.add_patch(Wedge((0, 0), radius, 90 - sweep, 90, width=RING_WIDTH, color=colour))
        mark = "  \u2713" if ring.closed else ""
        axes.text(1.15, 0.55 - index * 0.55, ring.name, color=colour, fontsize=12, weight="bold", va="bottom")
        axes.text(1.15, 0.52 - index * 0.55, ring.figure + mark, color=INK, fontsize=11, va="top")


def _draw_weeks(axes: Axes, chart: PersonalChart) -> None:
    style_axes(axes)
    positions = range(len(chart.weeks))
    colours = [GREEN if week.met else PALE_BLUE for week in chart.weeks]
    bars = axes.bar(positions, [week.minutes for week in chart.weeks], color=colours, width=0.62)
    bars[-1].set_edgecolor(INK)  # this week
    bars[-1].set_linewidth(1.5)
    axes.axhline(chart.minutes_target, color=MUTED, linestyle="--", linewidth=1)
    top = max([chart.minutes_target, *(week.minutes for week in chart.weeks)]) * 1.25
    axes.set_ylim(0, top)
    for position, week in zip(positions, chart.weeks, strict=True):
        if week.met:
            axes.text(position, week.minutes + top * 0.02, "met", ha="center", fontsize=8, color=GREEN)
    axes.set_xticks(list(positions), [week.label for week in chart.weeks])
    axes.set_ylabel("minutes", color=MUTED, fontsize=9)
    axes.set_title("Minutes and learning days a week", loc="left", color=INK, fontsize=12)
    days_axes = axes.twinx()
    days_axes.plot(positions, [week.days for week in chart.weeks], color=ORANGE, marker="o", linewidth=1.5)
    days_axes.set_ylim(0, 7 * 1.25)
    days_axes.set_yticks(range(8))
    days_axes.tick_params(colors=ORANGE, labelsize=8, length=0)
    for side in ("top", "left", "bottom", "right"):
        days_axes.spines[side].set_visible(False)
    days_axes.set_ylabel("learning days", color=ORANGE, fontsize=9)
