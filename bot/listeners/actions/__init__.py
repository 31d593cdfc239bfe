"""block_actions: buttons, selects and pickers, one module per feature; each action id wired here."""

import re

from slack_bolt import App

from bot.listeners.actions import feed, fitness, goals, help, learning, nudges, search
from bot.views.feed import FEED_PAGE, GIVE_KUDOS
from bot.views.fitness import (
    CARD_MENU,
    DELETE_ENTRY,
    FORGET_ME,
    FORGET_ME_CANCEL,
    HISTORY_ENTRY_MENU,
    OPEN_TARGETS_MODAL,
    SHOW_HISTORY,
)
from bot.views.goals import DROP_GOAL, EDIT_GOAL, LOG_TOWARD_GOAL, MARK_GOAL_DONE, SHARE_GOAL
from bot.views.help import (
    CLOSE_QUESTION,
    CREDIT_HELPERS,
    EDIT_QUESTION,
    INVITE_EXPERT,
    KEEP_QUESTION,
    KEEP_WAITING,
    LOG_HELP_LEARNING,
    OFFER_HELP,
    OPEN_ASK_MODAL,
    QUESTION_MENU,
    REPOST_QUESTION,
    RESOLVE_QUESTION,
    WITHDRAW_QUESTION,
)
from bot.views.home import OPEN_GOAL_MODAL
from bot.views.learning import EDIT_ENTRY, OPEN_LOG_MODAL, SHARE_ENTRY, UNDO_ENTRY
from bot.views.nudges import (
    NUDGE_DAYS,
    NUDGE_LOG_NOW,
    NUDGE_SETTINGS,
    NUDGE_SETTINGS_MENU,
    NUDGE_SNOOZE_TODAY,
    NUDGE_SNOOZE_WEEK,
    NUDGE_TIME,
    NUDGE_TOGGLE,
    NUDGE_UNSNOOZE,
)
from bot.views.search import POST_ANYWAY


def register(app: App) -> None:
    app.action(OPEN_LOG_MODAL)(learning.open_log_modal)
    app.action(EDIT_ENTRY)(learning.edit_entry)
    app.action(UNDO_ENTRY)(learning.undo_entry)
    app.action(SHARE_ENTRY)(learning.share_entry)

    app.action(OPEN_GOAL_MODAL)(goals.open_goal_modal)
    app.action(LOG_TOWARD_GOAL)(goals.log_toward_goal)
    app.action(MARK_GOAL_DONE)(goals.finish_goal)
    app.action(DROP_GOAL)(goals.finish_goal)
    app.action(EDIT_GOAL)(goals.edit_goal)
    app.action(SHARE_GOAL)(goals.share_goal)

    app.action(OPEN_TARGETS_MODAL)(fitness.open_targets)
    app.action(CARD_MENU)(fitness.card_menu)
    app.action(HISTORY_ENTRY_MENU)(fitness.entry_menu)
    # History on the card, and Newer, Older and Keep it on a history page (their ids start the same).
    app.action(re.compile(f"^{SHOW_HISTORY}"))(fitness.page_history)
    app.action(DELETE_ENTRY)(fitness.delete_from_history)
    app.action(FORGET_ME)(fitness.forget_me)
    app.action(FORGET_ME_CANCEL)(fitness.keep_me)

    app.action(OPEN_ASK_MODAL)(help.open_ask)
    app.action(OFFER_HELP)(help.offer)
    app.action(RESOLVE_QUESTION)(help.resolve)
    app.action(CREDIT_HELPERS)(help.resolve)
    app.action(EDIT_QUESTION)(help.edit)
    app.action(QUESTION_MENU)(help.question_menu)
    app.action(KEEP_QUESTION)(help.keep_question)
    app.action(WITHDRAW_QUESTION)(help.withdraw)
    app.action(CLOSE_QUESTION)(help.withdraw)
    app.action(REPOST_QUESTION)(help.repost)
    app.action(INVITE_EXPERT)(help.invite)
    app.action(LOG_HELP_LEARNING)(help.log_learning)
    app.action(KEEP_WAITING)(help.keep_waiting)
    app.action(POST_ANYWAY)(search.post_anyway)

    app.action(GIVE_KUDOS)(feed.give_kudos_click)
    app.action(re.compile(f"^{FEED_PAGE}"))(feed.page_feed)

    app.action(NUDGE_LOG_NOW)(learning.open_log_modal)
    app.action(NUDGE_SNOOZE_TODAY)(nudges.snooze)
    app.action(NUDGE_SNOOZE_WEEK)(nudges.snooze)
    app.action(NUDGE_SETTINGS)(nudges.show_settings)
    app.action(NUDGE_DAYS)(nudges.set_days)
    app.action(NUDGE_TIME)(nudges.set_time)
    app.action(NUDGE_TOGGLE)(nudges.toggle)
    app.action(NUDGE_SETTINGS_MENU)(nudges.settings_menu)
    app.action(NUDGE_UNSNOOZE)(nudges.unsnooze)
