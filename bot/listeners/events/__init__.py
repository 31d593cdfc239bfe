"""Events API: app_home_opened, and later messages in help threads and reactions."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.events import help_threads, home


def register(app: App, deps: Deps) -> None:
    home.register(app, deps)
    help_threads.register(app, deps)
