"""block_actions: buttons and selects."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.actions import fitness, goals, help, learning, nudges


def register(app: App, deps: Deps) -> None:
    learning.register(app, deps)
    goals.register(app, deps)
    fitness.register(app, deps)
    help.register(app, deps)
    nudges.register(app, deps)
