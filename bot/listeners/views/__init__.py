"""view_submission and view_closed."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.views import fitness, goals, help, learning


def register(app: App, deps: Deps) -> None:
    learning.register(app, deps)
    goals.register(app, deps)
    fitness.register(app, deps)
    help.register(app, deps)
