"""Help question buttons: I can help, Resolved, edit, withdraw, invite experts (being built)."""

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    pass
