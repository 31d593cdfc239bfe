"""App Home: drawn when the person opens the Home tab (and noted, so changes are drawn while they look);
the event is acked before this runs, so a chart not drawn yet is drawn here."""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.flows.home import open_home
from bot.gateway import SlackGateway
from bot.services.people import Workspace


def home_opened(event: dict[str, Any], workspace: Workspace, deps: Deps, gateway: SlackGateway) -> None:
    if event.get("tab", "home") == "home":
        open_home(deps, workspace, gateway, event["user"])
