"""The OAuth state of the install page: a row per view of /slack/install, used once by Slack's redirect.

Anyone can load the install page, so each new state first purges expired ones: the table holds about one
expiry window of page views, not every view since the app was deployed.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import Engine, delete, insert, select

from bot.deps import Clock
from models import slack_oauth_states

# The oldest rows looked at per new state: far more than arrive meanwhile, so the purge keeps up, and a walk
# of the primary key from its start, so it stays cheap however many rows there are (expire_at has no index).
PURGE_BATCH = 100

logger = logging.getLogger(__name__)


class OAuthStates(OAuthStateStore):
    """slack_sdk's state store on the same table (models.slack_stores), with the app's clock and the purge."""

    def __init__(self, engine: Engine, *, expiration_seconds: int, clock: Clock) -> None:
        self.engine = engine
        self.lifetime = timedelta(seconds=expiration_seconds)
        self.clock = clock

    @property
    def logger(self) -> logging.Logger:
        return logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._now()
        oldest = (
            select(slack_oauth_states.c.id, slack_oauth_states.c.expire_at)
            .order_by(slack_oauth_states.c.id)
            .limit(PURGE_BATCH)
            .subquery()
        )
        with self.engine.begin() as connection:
            connection.execute(
                delete(slack_oauth_states).where(
                    slack_oauth_states.c.id.in_(select(oldest.c.id).where(oldest.c.expire_at <= now))
                )
            )
            connection.execute(insert(slack_oauth_states).values(state=state, expire_at=now + self.lifetime))
        return state

    def consume(self, state: str) -> bool:
        """True once for a state issued here and not expired; deleting it is the check, so it cannot be
        used twice, even by two redirects at the same moment."""
        with self.engine.begin() as connection:
            used = connection.execute(
                delete(slack_oauth_states).where(
                    slack_oauth_states.c.state == state, slack_oauth_states.c.expire_at > self._now()
                )
            )
        return used.rowcount == 1

    def _now(self) -> datetime:
        # The column is a naive DateTime in UTC, as slack_sdk writes it.
        return self.clock().astimezone(UTC).replace(tzinfo=None)
