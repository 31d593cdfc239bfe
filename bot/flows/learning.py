"""Opening the learning form, from /learn, the Home and Edit buttons, a nudge, a goal and the shortcut."""

from __future__ import annotations

from bot.deps import Deps
from bot.flows.scope import person_scope
from bot.forms.learning import ModalContext, ModalPrefill, learning_modal
from bot.gateway import SlackGateway
from bot.services.goals import active_goal_choices
from bot.services.people import Workspace, local_today


def open_learning_modal(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    trigger_id: str,
    modal_context: ModalContext,
    prefill: ModalPrefill | None = None,
) -> None:
    prefill = prefill or ModalPrefill()
    with person_scope(deps, workspace, gateway, user_id) as scope:
        today = local_today(scope.person, scope.now)
        goals = active_goal_choices(scope.session, scope.person, including=prefill.goal_id)
    gateway.open_modal(trigger_id, learning_modal(prefill, modal_context, today=today, goals=goals))
