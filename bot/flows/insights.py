"""`/team insights`: load the figures, draw and upload the chart, send the CSV to the person's DM, and
return the message that shows them (the text alone when Slack will not take the chart)."""

from __future__ import annotations

from typing import Any

from bot.charts.insights import insights_png
from bot.deps import Deps
from bot.gateway import SlackGateway
from bot.services.insights import insights_csv, load_insights
from bot.services.people import Workspace
from bot.views.insights import insights_alt_text, insights_files, insights_message


def insights_reply(deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> dict[str, Any]:
    now = deps.clock()
    with deps.sessions() as session:
        insights = load_insights(session, workspace, now=now)
    chart_file, csv_file = insights_files(now.date())
    file_id = gateway.upload_image(insights_png(insights), alt_text=insights_alt_text(insights), **chart_file)
    csv_sent = gateway.send_file(user_id, content=insights_csv(insights), **csv_file)
    return insights_message(insights, file_id=file_id, csv_sent=csv_sent)
