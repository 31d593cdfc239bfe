"""Events API: app_home_opened, messages in help threads and reactions on questions."""

from slack_bolt import App

from bot.listeners.events import help_threads, home


def register(app: App) -> None:
    app.event("app_home_opened")(home.home_opened)
    app.event("message")(help_threads.thread_message)
    app.event("reaction_added")(help_threads.reaction_added)
