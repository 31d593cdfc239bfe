"""App Home: built inside a person's scope (so it shows the change just made) and published after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows.scope import PersonScope, person_scope
from bot.gateway import SlackGateway
from bot.services.feed import load_feed
from bot.services.fitness_card import FitnessCard, load_fitness_card
from bot.services.goals import goal_progress
from bot.services.people import Workspace, local_today, zone_of
from bot.views.feed import feed_blocks
from bot.views.goals import goal_lines
from bot.views.home import home_view
from models import Person


def home_for(scope: PersonScope, card: FitnessCard | None = None, *, feed_offset: int = 0) -> dict[str, Any]:
    """Home as it is now; `feed_offset` is the team feed's page (More and Newest redraw Home with it)."""
    card = card or load_fitness_card(scope.session, scope.person, now=scope.now)
    feed = load_feed(scope.session, scope.person, now=scope.now, offset=feed_offset)
    return home_view(
        card,
        goal_blocks_for(scope.session, scope.person, now=scope.now),
        feed_blocks(feed, tz=zone_of(scope.person)),
    )


def goal_blocks_for(session: Session, person: Person, *, now: datetime) -> list[dict[str, Any]]:
    return goal_lines(goal_progress(session, person, now=now), today=local_today(person, now))


def refresh_home(deps: Deps, workspace: Workspace, gateway: SlackGateway, user_id: str) -> None:
    with person_scope(deps, workspace, gateway, user_id) as scope:
        view = home_for(scope)
    gateway.publish_home(user_id, view)
