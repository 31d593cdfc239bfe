"""Opening the learning form, from /learn, the Home and Edit buttons, a nudge, a goal and the shortcut."""

from __future__ import annotations

from bot.deps import Deps
from bot.flows.scope import person_scope
from bot.forms.learning import ModalContext, ModalPrefill, learning_modal
from bot.gateway import SlackGateway
from bot.services.goals import active_goal_choices
from bot.services.learning import get_entry
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


def open_entry_editor(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    trigger_id: str,
    entry_id: int | None,
    modal_context: ModalContext,
) -> bool:
    """The learning form filled in with one of the person's own entries; False when they have no such
    entry (removed since, or an id that was never theirs)."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        entry = get_entry(scope.session, scope.person, entry_id) if entry_id else None
        prefill = ModalPrefill.from_entry(entry) if entry else None
    if prefill is None:
        return False
    open_learning_modal(deps, workspace, gateway, user_id, trigger_id, modal_context, prefill)
    return True
