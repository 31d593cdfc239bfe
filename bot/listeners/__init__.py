"""Every Slack listener, grouped by the surface Slack calls it from, wired in one place."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import actions, commands, events, shortcuts, views


def register_listeners(app: App, deps: Deps) -> None:
    commands.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    shortcuts.register(app, deps)
    events.register(app, deps)
