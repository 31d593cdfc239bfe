"""App Home: built inside a person's scope (so it shows the change just made) and published after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows.charts import PICTURE_REFUSED, cached_block, drawn_block, forget_chart, personal_draft
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.services.fitness_card import FitnessCard, load_fitness_card
from bot.services.goals import goal_progress
from bot.services.people import Workspace, local_today
from bot.views.charts import with_chart
from bot.views.goals import goal_lines
from bot.views.home import home_view
from models import Person


def home_for(scope: PersonScope, card: FitnessCard | None = None) -> dict[str, Any]:
    """Home, with its chart only if Slack already holds it for these numbers: never drawn here, so the
    listener that changed something answers as fast as before (opening Home draws it: open_home)."""
    card = card or load_fitness_card(scope.session, scope.person, now=scope.now)
    view = home_view(card, goal_blocks_for(scope.session, scope.person, now=scope.now))
    return with_chart(view, cached_block(scope.session, personal_draft(scope.person, card)))


def goal_blocks_for(session: Session, person: Person, *, now: datetime) -> list[dict[str, Any]]:
    return goal_lines(goal_progress(session, person, now=now), today=local_today(person, now))


def refresh_home(deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> None:
    """Redraw Home after a change: with the chart only if it is drawn already for these numbers."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        view = home_for(scope)
    gateway.publish_home(user_id, view)


def open_home(deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> None:
    """The person opened Home: publish it at once; when its chart is not drawn yet for these numbers, draw
    and upload it after, and publish again with it (a failed picture leaves the text as published)."""
    with person_scope(deps, workspace, gateway, user_id) as scope:
        card = load_fitness_card(scope.session, scope.person, now=scope.now)
        view = home_view(card, goal_blocks_for(scope.session, scope.person, now=scope.now))
        draft = personal_draft(scope.person, card)
        cached = cached_block(scope.session, draft)
    refused = gateway.publish_home(user_id, with_chart(view, cached))
    if cached is not None and refused is not None and refused.error in PICTURE_REFUSED:
        forget_chart(deps.sessions, draft)  # Slack no longer shows that file: publish without, draw anew
        cached = None
        gateway.publish_home(user_id, view)
    if cached is None and (drawn := drawn_block(deps.sessions, gateway, draft, now=deps.clock())):
        gateway.publish_home(user_id, with_chart(view, drawn))
