"""Which token the scheduler uses for a workspace, a Web API client for it, and whether the app is still
installed there.

One workspace (SLACK_BOT_TOKEN): that token everywhere. OAuth (SLACK_CLIENT_ID): the bot that
slack_sdk's installation store holds for the workspace or, in an Enterprise Grid org installed org-wide,
for the whole org; refreshed first when token rotation is on and the token is about to expire (the
refreshed installation is saved for the web process too).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.gateway import SlackGateway
from bot.settings import InstallMode, Settings
from bot.slack_client import Sleep, make_web_client
from models import LearningTeam, Person, SlackWorkspace

logger = logging.getLogger(__name__)

# Refresh a rotating token when it has less than this left: longer than one tick's sends.
ROTATE_MINUTES_BEFORE_EXPIRY = 15


@dataclass(frozen=True)
class Workspace:
    team_id: str
    enterprise_id: str | None = None


class NotInstalled(Exception):
    """No usable token for the workspace (never installed, or its token could not be refreshed)."""


class WorkspaceClients:
    """Web API clients by workspace, each with the right token and an injected sleep for retries."""

    def __init__(self, settings: Settings, engine: Engine, *, sleep: Sleep = time.sleep) -> None:
        self.settings = settings
        self.sleep = sleep
        self._clients: dict[str, WebClient] = {}
        self._by_workspace: dict[Workspace, WebClient] = {}
        self._store: SQLAlchemyInstallationStore | None = None
        self._rotator: TokenRotator | None = None
        if settings.install_mode is InstallMode.OAUTH:
            assert settings.slack_client_id and settings.slack_client_secret
            self._store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)
            self._rotator = TokenRotator(
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret,
                client=make_web_client(settings.slack_api_url, sleep=sleep),
            )

    def _client(self, token: str) -> WebClient:
        client = self._clients.get(token)
        if client is None:
            client = self._clients[token] = make_web_client(
                self.settings.slack_api_url, token, sleep=self.sleep
            )
        return client

    def token_for(self, workspace: Workspace) -> str:
        if self._store is None:
            if not self.settings.slack_bot_token:
                raise NotInstalled("SLACK_BOT_TOKEN is not set")
            return self.settings.slack_bot_token
        bot = self._installed_bot(workspace)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"no installation for {workspace.team_id}")
        if bot.bot_refresh_token and self._rotator is not None:
            return self._rotated_token(workspace, bot, bot.bot_token)
        return bot.bot_token

    def _installed_bot(self, workspace: Workspace) -> Bot | None:
        """The bot of the workspace's own installation; in a Grid org without one, the org-wide
        installation's, which slack_sdk's store keeps under the org with no workspace."""
        assert self._store is not None
        bot = self._store.find_bot(enterprise_id=workspace.enterprise_id, team_id=workspace.team_id)
        if bot is None and workspace.enterprise_id:
            bot = self._store.find_bot(
                enterprise_id=workspace.enterprise_id, team_id=None, is_enterprise_install=True
            )
        return bot

    def _rotated_token(self, workspace: Workspace, bot: Bot, current: str) -> str:
        assert self._store is not None and self._rotator is not None
        installation = self._store.find_installation(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            is_enterprise_install=bot.is_enterprise_install,
        )
        if installation is None:
            return current
        try:
            rotated = self._rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
            )
        except (SlackTokenRotationError, SlackApiError) as exc:
            logger.warning("refreshing the bot token of %s failed: %s", workspace.team_id, exc)
            raise NotInstalled(f"the bot token of {workspace.team_id} could not be refreshed") from None
        if rotated is None:
            return installation.bot_token or current
        self._store.save(rotated)
        logger.info("refreshed the rotating bot token of %s", workspace.team_id)
        return rotated.bot_token or current

    def client_for(self, workspace: Workspace) -> WebClient:
        """A client with the workspace's token (looked up once a tick); raises NotInstalled if there is none."""
        client = self._by_workspace.get(workspace)
        if client is None:
            client = self._by_workspace[workspace] = self._client(self.token_for(workspace))
        return client

    def forget(self) -> None:
        """Look tokens up again (each tick starts here: installations and rotations change)."""
        self._by_workspace.clear()


def mark_uninstalled(sessions: sessionmaker[Session], workspace: Workspace, *, now: datetime) -> None:
    """Record that the app left a workspace, and take its people and teams off the schedule."""
    with sessions() as session, session.begin():
        row = session.scalar(select(SlackWorkspace).where(SlackWorkspace.team_id == workspace.team_id))
        if row is None:
            row = SlackWorkspace(
                team_id=workspace.team_id, enterprise_id=workspace.enterprise_id, created_at=now
            )
            session.add(row)
        if row.uninstalled_at is None:
            row.uninstalled_at = now
        session.execute(
            update(Person)
            .where(Person.team_id == workspace.team_id)
            .values(next_nudge_at=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(LearningTeam)
            .where(LearningTeam.team_id == workspace.team_id)
            .values(next_digest_at=None)
            .execution_options(synchronize_session=False)
        )


def reactivate_reinstalled(
    sessions: sessionmaker[Session], clients: WorkspaceClients, *, now: datetime
) -> int:
    """Workspaces marked uninstalled whose token works again (reinstalled) are back on the schedule."""
    with sessions() as session:
        gone = session.execute(
            select(SlackWorkspace.team_id, SlackWorkspace.enterprise_id).where(
                SlackWorkspace.uninstalled_at.is_not(None)
            )
        ).all()
    back = 0
    for team_id, enterprise_id in gone:
        workspace = Workspace(team_id, enterprise_id)
        try:
            client = clients.client_for(workspace)
        except NotInstalled:
            continue
        if not SlackGateway(client).token_works():
            continue
        with sessions() as session, session.begin():
            session.execute(
                update(SlackWorkspace)
                .where(SlackWorkspace.team_id == team_id)
                .values(uninstalled_at=None)
                .execution_options(synchronize_session=False)
            )
        back += 1
        logger.info("Learnfit works in %s again: back on the schedule", team_id)
    return back
