"""Charts as PNG images, drawn on the server with matplotlib's Agg renderer: data in, PNG bytes out.

Pure: no database, no Slack, no clock. Callers pass plain numbers and the labels to print; uploading the
bytes and caching the file id is `bot/flows/charts.py`'s job (through `SlackGateway.upload_image`).
"""

from bot.charts.personal import PERSONAL_SIZE, PersonalChart, RingValue, WeekBar, render_personal_chart
from bot.charts.png import PNG_SIGNATURE, ChartSize, chart_version, png_size, render_png
from bot.charts.team import TEAM_SIZE, MixShare, TeamChart, TeamWeek, render_team_chart

__all__ = [
    "PERSONAL_SIZE",
    "PNG_SIGNATURE",
    "TEAM_SIZE",
    "ChartSize",
    "MixShare",
    "PersonalChart",
    "RingValue",
    "TeamChart",
    "TeamWeek",
    "WeekBar",
    "chart_version",
    "png_size",
    "render_personal_chart",
    "render_png",
    "render_team_chart",
]
