"""Slash commands: /learn, /fitness, and the ones still to come."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.commands import fitness, goal, learn, upcoming


def register(app: App, deps: Deps) -> None:
    learn.register(app, deps)
    fitness.register(app, deps)
    goal.register(app, deps)
    upcoming.register(app)
