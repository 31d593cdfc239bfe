"""Modal submissions (view_submission), one listener per form."""

from slack_bolt import App

from bot.forms.ask import ASK_MODAL
from bot.forms.credit import CREDIT_MODAL
from bot.forms.goal import GOAL_MODAL
from bot.forms.learning import LEARNING_MODAL
from bot.forms.share_entry import SHARE_ENTRY_MODAL
from bot.forms.share_goal import SHARE_GOAL_MODAL
from bot.forms.targets import TARGETS_MODAL
from bot.listeners.views import fitness, goals, help, learning, sharing


def register(app: App) -> None:
    app.view(LEARNING_MODAL)(learning.submit_learning)
    app.view(GOAL_MODAL)(goals.submit_goal)
    app.view(SHARE_GOAL_MODAL)(goals.submit_share)
    app.view(SHARE_ENTRY_MODAL)(sharing.submit_entry_share)
    app.view(TARGETS_MODAL)(fitness.submit_targets)
    app.view(ASK_MODAL)(help.submit_question)
    app.view(CREDIT_MODAL)(help.submit_credit)
