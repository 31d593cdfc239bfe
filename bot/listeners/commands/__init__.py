"""Slash commands: /learn, /fitness, /goal, /ask, /team (one module each)."""

from slack_bolt import App

from bot.listeners.commands import ask, fitness, goal, learn, team


def register(app: App) -> None:
    app.command("/learn")(learn.learn_command)
    app.command("/fitness")(fitness.fitness_command)
    app.command("/goal")(goal.goal_command)
    app.command("/ask")(ask.ask_command)
    app.command("/team")(team.team_command)
