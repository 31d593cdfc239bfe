"""Learnfit's configuration: one pydantic-settings class read from the environment (and an optional .env)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """An embedded SQLite file in the working folder: nothing to install to try Learnfit."""
    return f"sqlite:///{Path.cwd() / 'learnfit.db'}"


class InstallMode(StrEnum):
    SINGLE_WORKSPACE = "single-workspace"
    OAUTH = "oauth"


class ConfigError(Exception):
    """A missing or contradictory setting, worded for the person starting the app."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    database_url: str = Field(default_factory=default_database_url, alias="DATABASE_URL")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    port: int = Field(default=3000, alias="PORT", ge=1, le=65535)
    # Slack's requests are kilobytes (a large modal's submission, some hundred); a body over this is refused
    # unread, so unsigned traffic cannot make the process hold it.
    max_request_body_bytes: int = Field(default=1024 * 1024, alias="MAX_REQUEST_BODY_BYTES", ge=64 * 1024)
    # Worker processes for `learnfit web` (the platforms' convention); unset: one per CPU.
    web_concurrency: int | None = Field(default=None, alias="WEB_CONCURRENCY", ge=1, le=64)

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk appends the method name to base_url as-is.
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _normalise_postgres_url(cls, value: str) -> str:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value.removeprefix(prefix)
        return value

    @model_validator(mode="after")
    def _one_install_mode(self) -> Settings:
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            missing = "SLACK_CLIENT_SECRET" if self.slack_client_id else "SLACK_CLIENT_ID"
            raise ValueError(
                f"{missing} is not set: OAuth needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
            )
        if self.slack_client_id and self.slack_bot_token:
            raise ValueError(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: use SLACK_BOT_TOKEN for one workspace "
                "or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET for OAuth, not both"
            )
        return self

    @property
    def install_mode(self) -> InstallMode:
        return InstallMode.OAUTH if self.slack_client_id else InstallMode.SINGLE_WORKSPACE

    def require_http(self) -> None:
        """Check what serving Slack over HTTP needs."""
        if not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: copy it from your app's Basic Information page"
            )
        self._require_install()

    def require_socket(self) -> None:
        """Check what Socket Mode needs."""
        if not self.slack_app_token:
            raise ConfigError(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) "
                "with the connections:write scope"
            )
        if not self.slack_app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        if self.install_mode is InstallMode.OAUTH:
            raise ConfigError("Socket Mode serves one workspace: set SLACK_BOT_TOKEN, not SLACK_CLIENT_ID")
        self._require_install()

    def _require_install(self) -> None:
        if self.install_mode is InstallMode.SINGLE_WORKSPACE:
            if not self.slack_bot_token:
                raise ConfigError(
                    "SLACK_BOT_TOKEN is not set: set it (xoxb-...) for one workspace, "
                    "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install through OAuth"
                )
            if not self.slack_bot_token.startswith("xoxb-"):
                raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")


def load_settings() -> Settings:
    """Read settings, turning pydantic's report into one line that names the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        location = error.get("loc") or ()
        name = str(location[0]).upper() if location else ""
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}" if name else message) from None
