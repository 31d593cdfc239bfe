"""A page of a person's learning history: /fitness history, and the History, Newer, Older and Delete buttons."""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.flows.scope import person_scope
from bot.gateway import SlackGateway
from bot.services.fitness_card import recent_entries
from bot.services.people import Workspace
from bot.views.fitness import HISTORY_PAGE, history_message


def history_page(
    deps: Deps,
    workspace: Workspace,
    gateway: SlackGateway,
    user_id: str,
    *,
    offset: int = 0,
    note: str | None = None,
    confirming: int | None = None,
) -> dict[str, Any]:
    """The message showing the page that starts `offset` entries back, with `note` on top (and, in place of
    the entry `confirming`, the question whether to delete it)."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        # One entry past the page says whether there is an Older page.
        page = recent_entries(scope.session, scope.person, limit=HISTORY_PAGE + 1, offset=offset)
        reply = history_message(
            page[:HISTORY_PAGE],
            offset=offset,
            more=len(page) > HISTORY_PAGE,
            note=note,
            confirming=confirming,
        )
    return reply
