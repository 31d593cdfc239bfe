"""Message and global shortcuts."""

from slack_bolt import App

from bot.listeners.shortcuts import save_message


def register(app: App) -> None:
    app.message_shortcut(save_message.SAVE_AS_LEARNING)(save_message.save_as_learning)
