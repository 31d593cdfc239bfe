"""App Home: drawn whenever the person opens the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.deps import Deps
from bot.flows.home import refresh_home
from bot.flows.scope import workspace_of
from bot.gateway import SlackGateway


def home_opened(event: dict[str, Any], context: BoltContext, deps: Deps, gateway: SlackGateway) -> None:
    if event.get("tab", "home") == "home":
        refresh_home(deps, workspace_of(context), gateway, event["user"])
