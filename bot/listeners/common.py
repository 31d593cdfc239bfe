"""What every listener does the same way: find the workspace and person, talk back, refresh App Home."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.services.fitness_card import FitnessCard, load_fitness_card
from bot.services.goals import goal_progress
from bot.services.people import TimezoneLookup, Workspace, get_or_create_person, local_today
from bot.views.goals import goal_lines
from bot.views.home import home_view
from models import Person

logger = logging.getLogger(__name__)


def workspace_of(context: BoltContext) -> Workspace:
    team_id = context.team_id or context.enterprise_id
    if not team_id:
        raise ValueError("a Slack request without a team or enterprise id")
    return Workspace(team_id=team_id, enterprise_id=context.enterprise_id)


def timezone_lookup(client: WebClient) -> TimezoneLookup:
    """Read a user's timezone from users.info; a Slack failure means 'unknown', never an error."""

    def lookup(user_id: str) -> str | None:
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            logger.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return None
        return user.get("tz")

    return lookup


@dataclass
class PersonScope:
    session: Session
    person: Person
    now: datetime


@contextmanager
def person_scope(deps: Deps, context: BoltContext, client: WebClient, user_id: str) -> Iterator[PersonScope]:
    """One database session for one person's request, committed at the end unless it raised."""
    now = deps.clock()
    with deps.sessions() as session, session.begin():
        person = get_or_create_person(
            session, workspace_of(context), user_id, now=now, lookup_timezone=timezone_lookup(client)
        )
        yield PersonScope(session, person, now)


def home_for(scope: PersonScope, card: FitnessCard | None = None) -> dict[str, Any]:
    """The person's App Home, built inside their scope (so it shows the change just made)."""
    card = card or load_fitness_card(scope.session, scope.person, now=scope.now)
    return home_view(card, goal_blocks_for(scope.session, scope.person, now=scope.now))


def publish_home(client: WebClient, user_id: str, view: dict[str, Any]) -> None:
    """Send a built App Home; a failure here must never undo what the person just did."""
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:
        logger.warning("views.publish for %s failed: %s", user_id, exc.response.get("error"))


def refresh_home(deps: Deps, context: BoltContext, client: WebClient, user_id: str) -> None:
    with person_scope(deps, context, client, user_id) as scope:
        view = home_for(scope)
    publish_home(client, user_id, view)


def goal_blocks_for(session: Session, person: Person, *, now: datetime) -> list[dict[str, Any]]:
    return goal_lines(goal_progress(session, person, now=now), today=local_today(person, now))


def notify(
    client: WebClient, user_id: str, payload: dict[str, Any], *, channel_id: str | None = None
) -> None:
    """Tell one person something privately: ephemeral where they were, else in their DM with the app."""
    if channel_id and not channel_id.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, **payload)
            return
        except SlackApiError as exc:
            logger.info("ephemeral in %s failed (%s); using the DM", channel_id, exc.response.get("error"))
    client.chat_postMessage(channel=user_id, **payload)
