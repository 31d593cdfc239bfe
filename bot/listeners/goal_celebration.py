"""Celebrating a goal reached: once, privately, in the person's DM with the app."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.listeners.common import person_scope, refresh_home
from bot.services.goals import reach_goals
from bot.views.goals import goal_reached_message
from models import Person

logger = logging.getLogger(__name__)


def _send(client: WebClient, user_id: str, messages: list[dict[str, Any]]) -> None:
    for payload in messages:
        try:
            client.chat_postMessage(channel=user_id, **payload)
        except SlackApiError as exc:
            # The goal stays reached (and listed as done): a lost DM is better than a repeated one.
            logger.warning("goal DM for %s failed: %s", user_id, exc.response.get("error"))


def announce_reached_goals(client: WebClient, session: Session, person: Person, now: datetime) -> None:
    """Mark each goal whose target is now met as reached, and tell the person in their DM, once each."""
    _send(
        client, person.user_id, [goal_reached_message(item) for item in reach_goals(session, person, now=now)]
    )


def celebrate_reached_goals(
    deps: Deps, context: BoltContext, client: WebClient, user_id: str, *, goals_changed: bool = False
) -> None:
    """announce_reached_goals for a request whose own transaction has committed, with the DMs sent after
    this one commits too: a Slack call never holds the database's write lock, and no DM goes out for a
    goal whose reaching failed to store. App Home is redrawn when a goal was reached or `goals_changed`.
    """
    with person_scope(deps, context, client, user_id) as scope:
        reached = reach_goals(scope.session, scope.person, now=scope.now)
        messages = [goal_reached_message(item) for item in reached]
    _send(client, user_id, messages)
    if messages or goals_changed:
        refresh_home(deps, context, client, user_id)
