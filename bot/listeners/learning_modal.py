"""Opening the learning modal, shared by /learn, the Home and Edit buttons, and the message shortcut."""

from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.forms.learning import ModalContext, ModalPrefill, learning_modal
from bot.listeners.common import person_scope
from bot.services.goals import active_goal_choices
from bot.services.people import local_today


def open_learning_modal(
    deps: Deps,
    context: BoltContext,
    client: WebClient,
    user_id: str,
    trigger_id: str,
    modal_context: ModalContext,
    prefill: ModalPrefill | None = None,
) -> None:
    prefill = prefill or ModalPrefill()
    with person_scope(deps, context, client, user_id) as scope:
        today = local_today(scope.person, scope.now)
        goals = active_goal_choices(scope.session, scope.person, including=prefill.goal_id)
    client.views_open(
        trigger_id=trigger_id, view=learning_modal(prefill, modal_context, today=today, goals=goals)
    )
