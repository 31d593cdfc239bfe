"""App Home: drawn whenever the person opens the Home tab (the event is acked before this runs, so its
chart, when not drawn yet, is drawn here and Home published again with it)."""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.flows.home import open_home
from bot.gateway import SlackGateway
from bot.services.people import Workspace


def home_opened(event: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway) -> None:
    if event.get("tab", "home") == "home":
        open_home(deps, workspace, gateway, event["user"])
