"""Events API: app_home_opened, and later messages in help threads and reactions."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.events import home


def register(app: App, deps: Deps) -> None:
    home.register(app, deps)
