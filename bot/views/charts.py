"""Charts beside the text: what each chart draws (from the card or the digest), the words that say the same
for anyone who cannot see it (every image's alt_text states its numbers), and the image block itself."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.charts import MixShare, PersonalChart, RingValue, TeamChart, TeamWeek, WeekBar
from bot.services.digests import TeamDigest, TrendWeek
from bot.services.fitness_card import FitnessCard
from bot.views.blocks import Block
from bot.views.fitness import day_count
from bot.views.format import KIND_LABELS, duration
from models import EntryKind

ALT_TEXT_MAX = 2000  # Slack's limit for an image block's alt_text
MIX_AIM = {EntryKind.JOB: 0.7, EntryKind.PEOPLE: 0.2, EntryKind.FORMAL: 0.1}  # 70/20/10


def _week_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def personal_chart(card: FitnessCard) -> PersonalChart:
    """This week's rings and the card's recent weeks, as the chart draws them."""
    rings = card.summary.rings
    sources = "source" if rings.mix.target == 1 else "sources"
    return PersonalChart(
        rings=(
            RingValue(
                "Consistency",
                rings.consistency.fraction,
                rings.consistency.closed,
                f"{rings.consistency.value} of {day_count(rings.consistency.target)}",
            ),
            RingValue(
                "Time",
                rings.time.fraction,
                rings.time.closed,
                f"{duration(rings.time.value)} of {duration(rings.time.target)}",
            ),
            RingValue(
                "Mix",
                rings.mix.fraction,
                rings.mix.closed,
                f"{rings.mix.value} of {rings.mix.target} {sources}",
            ),
        ),
        weeks=tuple(
            WeekBar(_week_label(week.week_start), week.minutes, week.days, week.met) for week in card.trend
        ),
        minutes_target=card.targets.minutes_per_week,
    )


def personal_alt_text(chart: PersonalChart) -> str:
    """Every number the personal chart draws, in words."""
    rings = "; ".join(
        f"{ring.name} {ring.figure}{' (closed)' if ring.closed else ''}" for ring in chart.rings
    )
    weeks = "; ".join(
        f"{week.label}{' (this week)' if index == len(chart.weeks) - 1 else ''}: "
        f"{duration(week.minutes)}, {day_count(week.days)}{', met' if week.met else ''}"
        for index, week in enumerate(chart.weeks)
    )
    met = sum(week.met for week in chart.weeks)
    text = (
        f"Chart of your learning fitness. This week's rings: {rings}. "
        f"Minutes and learning days in the last {len(chart.weeks)} weeks: {weeks}. "
        f"Targets met in {met} of {len(chart.weeks)} weeks (target {duration(chart.minutes_target)} a week)."
    )
    return text[:ALT_TEXT_MAX]


def team_chart(digest: TeamDigest, trend: list[TrendWeek]) -> TeamChart:
    """The team's weeks and this week's mix: counts and minutes only, never who."""
    total = sum(digest.mix.values())
    return TeamChart(
        weeks=tuple(TeamWeek(_week_label(week.first_day), week.minutes, week.people) for week in trend),
        mix=tuple(
            MixShare(KIND_LABELS[kind], digest.mix[kind] / total if total else 0.0, MIX_AIM[kind])
            for kind in EntryKind
        ),
    )


def team_alt_text(chart: TeamChart) -> str:
    """Every number the team chart draws, in words (no one is named: the chart has no one to name)."""
    weeks = "; ".join(
        f"{week.label}{' (this week)' if index == len(chart.weeks) - 1 else ''}: "
        f"{duration(week.minutes)}, {week.people} {'person' if week.people == 1 else 'people'} learning"
        for index, week in enumerate(chart.weeks)
    )
    mix = ", ".join(f"{share.name} {round(share.share * 100)}%" for share in chart.mix)
    aim = ", ".join(f"{round(share.aim * 100)}%" for share in chart.mix)
    text = (
        f"Chart of the team's learning, week by week for {len(chart.weeks)} weeks: {weeks}. "
        f"This week's mix: {mix} (the aim is {aim})."
    )
    return text[:ALT_TEXT_MAX]


def chart_block(file_id: str, alt_text: str) -> Block:
    """An image block showing a file the app uploaded (privately, shared nowhere)."""
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": alt_text[:ALT_TEXT_MAX]}


def with_chart(payload: dict[str, Any], chart: Block | None) -> dict[str, Any]:
    """The message or view with the chart as its own block, right under its first header (else first);
    unchanged without a chart, so the text never waits for or depends on a picture."""
    if chart is None:
        return payload
    blocks: list[Block] = list(payload.get("blocks") or [])
    at = next((index + 1 for index, block in enumerate(blocks) if block.get("type") == "header"), 0)
    return {**payload, "blocks": [*blocks[:at], chart, *blocks[at:]]}
