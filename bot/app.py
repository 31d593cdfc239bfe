"""build_app: the one place a Bolt app is assembled from settings, and its listeners wired."""

from __future__ import annotations

import json
import logging
import time
import traceback
from concurrent.futures import Executor, ThreadPoolExecutor
from logging import Logger
from typing import Any

from slack_bolt import Ack, App, BoltResponse
from slack_bolt.context.respond import Respond
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot.db import is_busy
from bot.deps import Clock, Deps
from bot.listeners import register_listeners
from bot.oauth_states import OAuthStates
from bot.settings import InstallMode, Settings
from bot.slack_client import Sleep, make_web_client
from bot.views.failures import BROKEN, BUSY, not_saved_message, not_saved_modal
from bot.views.learning import error_message

# Exactly the bot scopes the code uses; manifest.yml lists the same (a test keeps them equal).
BOT_SCOPES = (
    "channels:history",  # replies in help-question threads, in public channels the app is in
    "channels:read",  # conversations.info: is the app in the public channel a digest is to go to
    "chat:write",  # replies, confirmations, DMs
    "commands",  # slash commands and the message shortcut
    "files:write",  # /fitness export sends a CSV
    "groups:history",  # replies in help-question threads, in private channels the app is in
    "groups:read",  # conversations.info for a private digest channel
    "im:write",  # open the DM the export goes to
    "reactions:read",  # the asker's :white_check_mark: on their question resolves it
    "users:read",  # the timezone that decides a person's local day
)
OAUTH_STATE_SECONDS = 600
LISTENER_THREADS = 16
NOT_INSTALLED_MESSAGE = (
    ":warning: Learnfit is not installed in this workspace any more. "
    "Ask a workspace admin to install it again from the app's /slack/install page."
)

logger = logging.getLogger(__name__)


def _oauth_settings(settings: Settings, engine: Engine, clock: Clock) -> OAuthSettings:
    assert settings.slack_client_id and settings.slack_client_secret
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        # Tables come from our Alembic migrations (models/slack_stores.py), never create_tables().
        installation_store=SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine),
        state_store=OAuthStates(engine, expiration_seconds=OAUTH_STATE_SECONDS, clock=clock),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
    )


def build_app(
    settings: Settings,
    deps: Deps,
    *,
    engine: Engine,
    process_before_response: bool = False,
    sleep: Sleep = time.sleep,
    token_verification: bool = True,
    listener_executor: Executor | None = None,
) -> App:
    """The Learnfit Bolt app.

    process_before_response=True runs each listener to the end before answering Slack's HTTP request
    (tests use it to see every effect once the request returns); the web process acks first.
    """
    client = make_web_client(settings.slack_api_url, settings.slack_bot_token, sleep=sleep)
    common: dict[str, Any] = {
        "signing_secret": settings.slack_signing_secret,
        "client": client,
        "process_before_response": process_before_response,
        # Bolt's default is 5 threads: work after one ack (Home, a DM) must not hold up the next ack.
        "listener_executor": listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="learnfit-listener"),
    }
    if settings.install_mode is InstallMode.OAUTH:
        app = App(
            **common,
            oauth_settings=_oauth_settings(settings, engine, deps.clock),
            user_facing_authorize_error_message=NOT_INSTALLED_MESSAGE,
        )
    else:
        app = App(**common, token_verification_enabled=token_verification)
    register_listeners(app, deps)
    app.error(_report_listener_error)
    return app


# Codes that say what went wrong without quoting anything: SQLSTATE, SQLite's error name, SQLAlchemy's code.
_ERROR_CODES = ("sqlstate", "sqlite_errorname", "code", "errno")


def failure_trace(error: BaseException) -> str:
    """Where `error` was raised, and every exception chained to it: classes, error codes and frames.

    Never an exception's message or arguments: they can quote what a person typed (a database error quotes
    the row it refused, `int()` the text it could not read).
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        codes = [
            f"{name}={value}"
            for name in _ERROR_CODES
            if isinstance(value := getattr(current, name, None), str | int) and not isinstance(value, bool)
        ]
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"{kind.__module__}.{kind.__qualname__} {' '.join(codes)}".rstrip() + "\n" + frames)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "caused by ".join(parts)


def _request_name(body: dict[str, Any]) -> str:
    """A request by its kind and the app's own id for it (a form's callback id, a button's action id)."""
    view, actions = body.get("view"), body.get("actions")
    own_id = None
    if isinstance(view, dict):
        own_id = view.get("callback_id")
    elif isinstance(actions, list) and actions and isinstance(actions[0], dict):
        own_id = actions[0].get("action_id")
    return " ".join(str(part) for part in (body.get("command") or body.get("type"), own_id) if part)


def _report_listener_error(
    error: Exception, body: dict[str, Any], logger: Logger, respond: Respond | None, ack: Ack
) -> BoltResponse | None:
    """One handler failing must not take the app down: the person hears about it, and the log says where it
    failed (failure_trace), with nothing the person typed."""
    logger.error("listener failed for %s: %s", _request_name(body) or "a request", failure_trace(error))
    if ack.response is None:
        # The work before the ack failed and its transaction rolled back: Slack's answer says so.
        busy = is_busy(error)
        answer = _not_saved_answer(body, busy=busy)
        if answer is None and respond is not None and respond.response_url:  # a button: say so beside it
            _tell(respond, logger, BUSY if busy else BROKEN)
        return answer or BoltResponse(status=200, body="")
    if respond is not None and respond.response_url:  # a form's submission has none to answer through
        _tell(
            respond,
            logger,
            "Something went wrong on our side. If you do not see your change in `/fitness`, "
            "please try again in a minute.",
        )
    # Once acked, Slack has its answer (the web process sent it already); keep the HTTP reply the same.
    return ack.response


def _not_saved_answer(body: dict[str, Any], *, busy: bool) -> BoltResponse | None:
    """Slack's answer to a request whose work stored nothing: a command gets the message as its ack, a form
    a view pushed over it (the form and what was typed stay behind it); anything else has no answer."""
    if body.get("command"):
        answer: dict[str, Any] = not_saved_message(busy=busy)
    elif body.get("type") == "view_submission":
        answer = {"response_action": "push", "view": not_saved_modal(busy=busy)}
    else:
        return None
    return BoltResponse(
        status=200, body=json.dumps(answer), headers={"content-type": "application/json;charset=utf-8"}
    )


def _tell(respond: Respond, logger: Logger, text: str) -> None:
    try:
        respond(**error_message(text), replace_original=False)
    except Exception as exc:
        logger.error("could not tell the person about the failure: %s", failure_trace(exc))
