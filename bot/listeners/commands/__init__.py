"""Slash commands: /learn, /fitness, /goal, /ask, /team (one module each)."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners.commands import ask, fitness, goal, learn, team


def register(app: App, deps: Deps) -> None:
    app.command("/learn")(learn.learn_command)
    app.command("/fitness")(fitness.fitness_command)
    app.command("/goal")(goal.goal_command)
    ask.register(app, deps)
    team.register(app, deps)
