"""Message and global shortcuts."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.shortcuts import save_message


def register(app: App, deps: Deps) -> None:
    save_message.register(app, deps)
