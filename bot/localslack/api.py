"""A fake Slack Web API server on loopback, for tests and the local playground.

``FakeSlack`` serves the subset of the Slack Web API that Learnfit uses on ``127.0.0.1`` (standard-library
HTTP in a daemon thread). Point a ``slack_sdk.WebClient(base_url=fake.base_url)`` at it and it answers like
Slack: same response shapes, same error codes, 429s with ``Retry-After``. It records every call, checks every
Block Kit payload against Slack's limits, and can inject failures with :meth:`FakeSlack.fail_next`.

Besides ``/api/<method>`` it serves ``/response/<key>`` (response URLs, see :meth:`FakeSlack.response_url`),
``/upload/<file_id>`` (the upload URLs handed out by ``files.getUploadURLExternal``) and, for the
playground's page, ``GET /files/<file_id>`` (an uploaded file's bytes).
"""

from __future__ import annotations

import copy
import email.parser
import email.policy
import hashlib
import http.client
import itertools
import json
import logging
import mimetypes
import re
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from .blockkit import BlockKitViolation, block_kit_problems, slack_file_ids, text_problems

logger = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
DEFAULT_BOT_SCOPES = (
    "channels:read,chat:write,commands,files:write,groups:read,im:read,im:write,reactions:write,users:read"
)

# Which bot scopes each method needs (any one of them), as Slack's method reference says; a method not
# listed needs none. conversations.info depends on the kind of conversation, so it is checked per channel.
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "users.info": frozenset({"users:read"}),
    "conversations.open": frozenset({"im:write", "mpim:write", "channels:manage", "groups:write"}),
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.delete": frozenset({"chat:write"}),
    "reactions.add": frozenset({"reactions:write"}),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}),
}
CONVERSATION_READ_SCOPES = {"C": "channels:read", "G": "groups:read", "D": "im:read"}
_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-")
# OAuth exchanges authenticate with the client id/secret, not a token.
_TOKENLESS_METHODS = frozenset({"oauth.v2.access"})
# Form-encoded requests carry these as JSON strings; JSON bodies carry them as objects already.
_JSON_FIELDS = frozenset({"attachments", "blocks", "files", "metadata", "user_auth_blocks", "view"})
_MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"})
_VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
_ID = re.compile(r"[CDGUW][A-Z0-9]+")
_SERVE_POLL_SECONDS = 0.02  # how quickly stop() returns; serve_forever's default 0.5 s slows test teardown
_VIEW_DEFAULTS: dict[str, Any] = {
    "private_metadata": "",
    "callback_id": "",
    "external_id": "",
    "clear_on_close": False,
    "notify_on_close": False,
    "previous_view_id": None,
}


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake received.

    ``args`` merges the query string, form fields and JSON body; JSON-encoded form fields (``blocks``,
    ``view``, ...) are decoded, and ``token`` is moved out of ``args`` into its own field.
    """

    method: str  # "chat.postMessage"; "response_url" or "file_upload" for those endpoints
    args: dict[str, Any]
    token: str | None
    path: str  # request path; for response_url, the key
    at: float  # time.monotonic() when received


class _ApiError(Exception):
    """Raised by method handlers to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def _invalid_arguments(message: str) -> _ApiError:
    return _ApiError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {message}"]})


@dataclass
class _Failure:
    error: str | None
    status: int
    retry_after: int | None
    remaining: int


@dataclass
class _OAuthGrant:
    user_id: str
    scope: str
    used: bool = False


@dataclass(frozen=True)
class _HttpRequest:
    verb: str
    path: str
    query: str
    headers: Mapping[str, str]  # lower-cased names
    body: bytes


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = JSON_CONTENT_TYPE
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, data: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
    ) -> _Reply:
        return cls(status, json.dumps(data).encode("utf-8"), JSON_CONTENT_TYPE, headers or {})

    @classmethod
    def ok(cls, data: Mapping[str, Any] | None = None) -> _Reply:
        return cls.json({"ok": True, **(data or {})})

    @classmethod
    def error(
        cls, error: str, *, status: int = 200, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> _Reply:
        return cls.json({"ok": False, "error": error, **extra}, status, headers)

    @classmethod
    def text(cls, status: int, text: str, headers: Mapping[str, str] | None = None) -> _Reply:
        return cls(status, text.encode("utf-8"), TEXT_CONTENT_TYPE, headers or {})


Handler = Callable[[dict[str, Any]], dict[str, Any]]


class FakeSlack:
    """A Slack Web API stand-in: start it, point a WebClient at ``base_url``, then inspect ``calls``."""

    def __init__(
        self,
        team_id: str = "T0LEARN",
        team_domain: str = "learnfit-test",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        app_id: str = "A0LEARN",
        *,
        scopes: str = DEFAULT_BOT_SCOPES,
        time_source: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        # What every token may do (comma-separated, as Slack lists them); a method needing another scope
        # answers missing_scope, so an app that forgot to request one fails here as it would on Slack.
        self.scopes = frozenset(scope.strip() for scope in scopes.split(",") if scope.strip())
        # Message timestamps follow this clock (the playground's moves forward when a person jumps a day).
        self._time_source = time_source
        self.team_domain = team_domain
        self.team_name = team_domain.replace("-", " ").title()
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = "learnfit"
        self.app_id = app_id
        # One Condition guards all state: the server threads write, test threads read and wait_for.
        self._cond = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._members: dict[str, list[str]] = {}
        self._oauth_grants: dict[str, _OAuthGrant] = {}
        self._ids = itertools.count(1)
        self._last_ts_micros = 0
        # Files stay through reset(), as they stay in Slack: an app may keep their ids (delete_files()).
        self._uploads: dict[str, dict[str, Any]] = {}
        self._methods: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "reactions.add": self._reactions_add,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "oauth.v2.access": self._oauth_v2_access,
        }
        self._clear_runtime_state()

    def _clear_runtime_state(self) -> None:
        """Everything reset() forgets; users, channels and OAuth codes are set-up and survive it."""
        self._calls: list[RecordedCall] = []
        self._violations: list[BlockKitViolation] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._revoked: set[str] = set()
        self._inactive = False
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self._ims: set[str] = set()
        self._reactions: set[tuple[str, str, str]] = set()
        self._views: dict[str, dict[str, Any]] = {}
        self._external_view_ids: dict[str, str] = {}
        self._home_view_ids: dict[str, str] = {}  # user id -> view id
        self._ephemerals: list[dict[str, Any]] = []
        # Response URLs handed out with a context (who, where, which message) act on what they point at.
        self._response_contexts: dict[str, dict[str, Any]] = {}
        self._trigger_views: dict[str, str] = {}  # trigger_id -> id of the view opened or pushed with it

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeSlack is already started")
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": _SERVE_POLL_SECONDS},
            name=f"FakeSlack:{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def _root_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started; call start() or use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """The URL to give ``WebClient(base_url=...)``; slack_sdk appends the method name."""
        return f"{self._root_url}/api/"

    def response_url(
        self,
        key: str = "",
        *,
        channel: str | None = None,
        user: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A response URL on the fake; POSTs to it are recorded as method ``"response_url"``.

        Given a ``channel`` and ``user``, a POST also acts as on Slack: an ephemeral reply to ``user`` (or an
        ``in_channel`` message), or, with ``replace_original``/``delete_original``, a change to the message
        at ``message_ts`` (a channel message or one of ``user``'s ephemerals).
        """
        key = key or secrets.token_urlsafe(12)
        url = f"{self._root_url}/response/{key}"
        if channel and user:
            with self._cond:
                self._response_contexts[key] = {"channel": channel, "user": user, "message_ts": message_ts}
        return url

    # ------------------------------------------------------------------ set-up

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str | None = "Europe/London",
        tz_offset: int | None = None,
        real_name: str | None = None,
        deleted: bool = False,
        is_bot: bool = False,
        is_admin: bool = False,
        status_text: str = "",
        status_emoji: str = "",
        team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> None:
        """Add a workspace member, as ``users.info`` returns it. ``tz_offset`` defaults to tz's offset now;
        ``tz=None`` is a profile without a timezone, which Slack answers without the tz fields.

        ``team_id`` is the user's own workspace when it is not this one: a Slack Connect partner's, or,
        with ``enterprise_id``, another workspace of the same Enterprise Grid org.
        """
        real_name = name if real_name is None else real_name
        team_id = team_id or self.team_id
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real_name,
            **self._timezone_fields(tz, tz_offset),
            "is_admin": is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "status_text": status_text,
                "status_emoji": status_emoji,
                "team": team_id,
            },
        }
        if enterprise_id:
            user["enterprise_user"] = {
                "id": user_id,
                "enterprise_id": enterprise_id,
                "enterprise_name": enterprise_id.lower(),
                "is_admin": is_admin,
                "is_owner": False,
                "teams": [team_id],
            }
        with self._cond:
            self._users[user_id] = user

    @staticmethod
    def _timezone_fields(tz: str | None, tz_offset: int | None) -> dict[str, Any]:
        if tz is None:
            return {}
        now = datetime.now(ZoneInfo(tz))
        utc_offset = now.utcoffset()
        if tz_offset is None:
            tz_offset = int(utc_offset.total_seconds()) if utc_offset is not None else 0
        # Slack's labels are long names ("British Summer Time"); zoneinfo only knows abbreviations.
        return {"tz": tz, "tz_label": now.tzname() or tz, "tz_offset": tz_offset}

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
        members: Iterable[str] | None = None,
        is_ext_shared: bool = False,
    ) -> None:
        """A channel; `members` are the people in it (None: everyone the fake knows); `is_ext_shared`: shared
        with another organisation (Slack Connect)."""
        channel = self._channel_object(
            channel_id, name, is_member=is_member, is_archived=is_archived, is_private=is_private
        )
        channel["is_ext_shared"] = is_ext_shared
        with self._cond:
            self._channels[channel_id] = channel
            if members is None:
                self._members.pop(channel_id, None)
            else:
                self._members[channel_id] = list(members)

    def add_oauth_code(
        self, code: str, *, user_id: str = "U0INSTALLER", scope: str = DEFAULT_BOT_SCOPES
    ) -> None:
        """Make ``oauth.v2.access`` accept ``code`` once, as if ``user_id`` had just installed the app."""
        with self._cond:
            self._oauth_grants[code] = _OAuthGrant(user_id=user_id, scope=scope)

    def revoke(self, token: str) -> None:
        """Every later call with ``token`` answers ``token_revoked``."""
        with self._cond:
            self._revoked.add(token)

    def uninstall(self) -> None:
        """Every later authenticated call answers ``account_inactive``, as after the app is uninstalled."""
        with self._cond:
            self._inactive = True

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail.

        ``error`` alone answers HTTP 200 ``{"ok": false, "error": error}``. ``status=429`` answers
        ``ratelimited`` with a ``Retry-After`` header (``retry_after`` seconds, default 1). A 5xx status
        answers a plain-text body, as Slack's edge does. Failures queue up in the order they were added.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 429:
            error = error or "ratelimited"
            retry_after = 1 if retry_after is None else retry_after
        if error is None and status < 500:
            raise ValueError("give an error code, or a 429 or 5xx status")
        with self._cond:
            self._failures.setdefault(method, deque()).append(_Failure(error, status, retry_after, times))

    def reset(self) -> None:
        """Forget calls, violations, queued failures, revocations, messages and views.

        Users, channels, OAuth codes and uploaded files are kept.
        """
        with self._cond:
            self._clear_runtime_state()

    def delete_files(self) -> None:
        """Forget every uploaded file, as if each was deleted in Slack."""
        with self._cond:
            self._uploads.clear()

    # ------------------------------------------------------------------ inspection

    @property
    def calls(self) -> list[RecordedCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Block until at least ``count`` calls of ``method`` were recorded, and return them."""
        return self.wait_for_any((method,), count, timeout)

    def wait_for_any(
        self, methods: Sequence[str], count: int = 1, timeout: float = 5.0
    ) -> list[RecordedCall]:
        """Block until at least ``count`` calls of any of ``methods`` were recorded, and return them."""
        with self._cond:
            if self._cond.wait_for(lambda: len(self._calls_to(*methods)) >= count, timeout):
                return self._calls_to(*methods)
            seen = Counter(call.method for call in self._calls)
            raise AssertionError(
                f"expected {count} call(s) of {' or '.join(methods)} within {timeout}s, "
                f"got {sum(seen[method] for method in methods)}; methods seen: {dict(seen) or 'none'}"
            )

    def _calls_to(self, *methods: str) -> list[RecordedCall]:
        return [call for call in self._calls if call.method in methods]

    @property
    def violations(self) -> list[BlockKitViolation]:
        with self._cond:
            return list(self._violations)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages the fake posted and still holds (after updates and deletes), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(message)
                for message in self._messages.values()
                if channel is None or message["channel"] == channel
            ]

    def uploads(self) -> list[dict[str, Any]]:
        """Files uploaded through files.getUploadURLExternal, oldest first: id, name, title, content (the
        bytes), completed (files.completeUploadExternal was called) and channel_id (None: shared nowhere)."""
        with self._cond:
            return [copy.deepcopy(upload) for upload in self._uploads.values()]

    def view(self, view_id: str) -> dict[str, Any] | None:
        """The current state of a view opened, pushed, updated or published through the fake."""
        with self._cond:
            view = self._views.get(view_id)
            return copy.deepcopy(view) if view is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for ``user_id``."""
        with self._cond:
            view_id = self._home_view_ids.get(user_id)
        return self.view(view_id) if view_id is not None else None

    def ephemerals(self, user_id: str | None = None, channel: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages (chat.postEphemeral, and response URLs with a context), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(message)
                for message in self._ephemerals
                if (user_id is None or message["user"] == user_id)
                and (channel is None or message["channel"] == channel)
            ]

    def file(self, file_id: str) -> tuple[dict[str, Any], bytes] | None:
        """A completed upload's file object and its bytes (None until its bytes arrived)."""
        with self._cond:
            upload = self._uploads.get(file_id)
            if upload is None or upload["content"] is None:
                return None
            return _file_object(upload), bytes(upload["content"])

    def view_for_trigger(self, trigger_id: str) -> dict[str, Any] | None:
        """The view opened or pushed with ``trigger_id``, as it is now, if any was."""
        with self._cond:
            view_id = self._trigger_views.get(trigger_id)
        return self.view(view_id) if view_id is not None else None

    # ------------------------------------------------------------------ acting as people

    def post_as_user(
        self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """Record a message a person wrote (the playground sends the matching ``message`` event)."""
        with self._cond:
            channel_id = self._resolve_channel(channel)
            message: dict[str, Any] = {
                "channel": channel_id,
                "ts": self._next_ts(),
                "text": text,
                "blocks": [],
                "thread_ts": thread_ts,
                "user": user_id,
                "team": self.team_id,
            }
            self._messages[(channel_id, message["ts"])] = message
            self._cond.notify_all()
            return copy.deepcopy(message)

    def react_as_user(self, user_id: str, channel: str, ts: str, name: str) -> bool:
        """Add a person's reaction to a message; False if they had already reacted so."""
        with self._cond:
            channel_id = self._resolve_channel(channel)
            message = self._messages.get((channel_id, ts))
            if message is None:
                return False
            reactions = message.setdefault("reactions_by", {}).setdefault(name, [])
            if user_id in reactions:
                return False
            reactions.append(user_id)
            message.setdefault("reactions", []).append(name)
            return True

    def put_view(self, view: dict[str, Any], *, replacing: str | None = None) -> dict[str, Any]:
        """Store a view an app returned in a response_action (update keeps ``replacing``'s id)."""
        with self._cond:
            existing = self._views.get(replacing) if replacing else None
            return self._store_view(view, existing)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """Serve the fake from another WSGI server (the playground mounts it at ``/api/``)."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        request = _HttpRequest(
            environ["REQUEST_METHOD"],
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            headers,
            body,
        )
        try:
            reply = self._handle(request)
        except Exception:
            logger.exception("FakeSlack failed to handle %s %s", request.verb, request.path)
            reply = _Reply.error("fatal_error", status=500)
        status = f"{reply.status} {http.client.responses.get(reply.status, '')}".strip()
        start_response(
            status,
            [
                ("Content-Type", reply.content_type),
                ("Content-Length", str(len(reply.body))),
                *reply.headers.items(),
            ],
        )
        return [reply.body]

    # ------------------------------------------------------------------ request handling

    def _handle(self, request: _HttpRequest) -> _Reply:
        route, _, rest = request.path.lstrip("/").partition("/")
        if route == "api" and rest:
            return self._handle_api(rest, request)
        if route == "response" and rest:
            return self._handle_response_url(rest, request)
        if route == "upload" and rest:
            return self._handle_upload(rest, request)
        return _Reply.error("not_found", status=404)

    def _handle_api(self, method: str, request: _HttpRequest) -> _Reply:
        at = time.monotonic()
        parse_error = None
        try:
            args = _parse_args(request)
        except ValueError:
            args, parse_error = {}, "invalid_json"
        header_token = _bearer_token(request.headers)
        arg_token = args.pop("token", None)
        call = RecordedCall(method, args, header_token or arg_token, request.path, at)
        problems = _payload_problems(method, args)

        def answer() -> _Reply:
            handler = self._methods.get(method)
            if handler is None:
                return _Reply.error("unknown_method")
            if parse_error is not None:
                return _Reply.error(parse_error)
            auth_error = None if method in _TOKENLESS_METHODS else self._auth_error(call.token)
            if auth_error is not None:
                return _Reply.error(auth_error)
            needed = self._needed_scopes(method, args)
            if needed and not needed & self.scopes:
                return _Reply.error(
                    "missing_scope", needed=",".join(sorted(needed)), provided=",".join(sorted(self.scopes))
                )
            problems.extend(self._unknown_files(method, args))
            if problems:
                return _invalid_payload_reply(method, args, problems)
            try:
                return _Reply.ok(handler(args))
            except _ApiError as exc:
                return _Reply.error(exc.error, **exc.extra)

        return self._respond(call, problems, answer)

    def _handle_response_url(self, key: str, request: _HttpRequest) -> _Reply:
        at = time.monotonic()
        try:
            args = _parse_args(request)
        except ValueError:
            args = {}
        call = RecordedCall("response_url", args, None, key, at)
        problems = _payload_problems("response_url", args)

        def answer() -> _Reply:
            problems.extend(self._unknown_files("response_url", args))
            if problems:  # response URLs answer bad payloads with a 400, unlike the Web API
                return _Reply.error("invalid_blocks", status=400, errors=problems)
            context = self._response_contexts.get(key)
            if context is not None:
                self._act_on_response(context, args)
            return _Reply.ok()

        return self._respond(call, problems, answer)

    def _act_on_response(self, context: dict[str, Any], args: dict[str, Any]) -> None:
        """What Slack does with a response URL POST: replace or delete the original, or post anew."""
        original_ts = context["message_ts"]
        target: dict[str, Any] | None = None
        if original_ts:
            target = self._messages.get((context["channel"], original_ts)) or next(
                (e for e in self._ephemerals if e["ts"] == original_ts and e["user"] == context["user"]), None
            )
        if target is not None and _truthy(args.get("delete_original")):
            if target in self._ephemerals:
                self._ephemerals.remove(target)
            else:
                self._messages.pop((target["channel"], target["ts"]), None)
            return
        if target is not None and _truthy(args.get("replace_original")):
            target["text"] = args.get("text", "")
            target["blocks"] = copy.deepcopy(args.get("blocks") or [])
            return
        if not (args.get("text") or args.get("blocks")):
            return
        if args.get("response_type") == "in_channel":
            self._chat_post_message({**args, "channel": context["channel"]})
            return
        self._chat_post_ephemeral({**args, "channel": context["channel"], "user": context["user"]})

    def _handle_upload(self, file_id: str, request: _HttpRequest) -> _Reply:
        args = {"file_id": file_id, "size": len(request.body), "content": request.body}
        call = RecordedCall("file_upload", args, None, request.path, time.monotonic())

        def answer() -> _Reply:
            upload = self._uploads.get(file_id)
            if upload is None:
                return _Reply.text(404, "Not Found")
            upload["content"] = request.body
            return _Reply.text(200, f"OK - {len(request.body)}")  # what files.slack.com answers

        return self._respond(call, [], answer)

    def _respond(self, call: RecordedCall, problems: list[str], answer: Callable[[], _Reply]) -> _Reply:
        """Answer (an injected failure first) and record the call before the client sees the reply."""
        with self._cond:
            reply = self._take_failure(call.method) or answer()
            self._calls.append(call)
            self._violations.extend(BlockKitViolation(call.method, problem) for problem in problems)
            self._cond.notify_all()
        return reply

    def _unknown_files(self, method: str, args: Mapping[str, Any]) -> list[str]:
        """Images that show a file this workspace never finished uploading (Slack: invalid_blocks)."""
        view = args.get("view")
        if method in _MESSAGE_METHODS:
            payload: Mapping[str, Any] = args
        elif method in _VIEW_METHODS and isinstance(view, dict):
            payload = view
        else:
            return []
        return [
            f"slack_file {file_id!r} is not a file uploaded here"
            for file_id in slack_file_ids(payload)
            if not self._uploads.get(file_id, {}).get("completed")
        ]

    def _take_failure(self, method: str) -> _Reply | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining == 0:
            queue.popleft()
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
        if failure.status >= 500:
            return _Reply.text(
                failure.status, http.client.responses.get(failure.status, "Server Error"), headers
            )
        return _Reply.error(failure.error or "fatal_error", status=failure.status, headers=headers)

    def _needed_scopes(self, method: str, args: Mapping[str, Any]) -> frozenset[str]:
        if method not in ("conversations.info", "conversations.members"):
            return METHOD_SCOPES.get(method, frozenset())
        channel_id = str(args.get("channel") or "")
        private = bool(self._channels.get(channel_id, {}).get("is_private"))
        kind = "G" if private else channel_id[:1]
        scope = CONVERSATION_READ_SCOPES.get(kind)
        return frozenset({scope}) if scope else frozenset()

    def _auth_error(self, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if not token.startswith(_TOKEN_PREFIXES):
            return "invalid_auth"
        if token in self._revoked:
            return "token_revoked"
        if self._inactive:
            return "account_inactive"
        return None

    # ------------------------------------------------------------------ ids and lookups

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def _next_ts(self) -> str:
        # Wall-clock like Slack's, but strictly increasing so every message gets a unique ts.
        micros = max(int(self._time_source() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _channel_object(
        self,
        channel_id: str,
        name: str,
        *,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
        is_mpim: bool = False,
    ) -> dict[str, Any]:
        return {
            "id": channel_id,
            "name": name,
            "name_normalized": name,
            "is_channel": not is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": is_mpim,
            "is_private": is_private,
            "is_archived": is_archived,
            "is_general": False,
            "is_member": is_member,
            "created": int(time.time()),
            "context_team_id": self.team_id,
        }

    def _im_object(self, channel_id: str) -> dict[str, Any]:
        user_id = channel_id[1:]
        return {
            "id": channel_id,
            "is_im": True,
            "user": user_id,
            "is_user_deleted": bool(self._users.get(user_id, {}).get("deleted")),
            "is_open": channel_id in self._ims,
            "created": int(time.time()),
            "context_team_id": self.team_id,
        }

    def _resolve_channel(self, value: Any) -> str:
        """The channel id for a channel or DM id, a #name, or a user id (meaning the app's DM with them)."""
        if not isinstance(value, str) or not value:
            raise _ApiError("channel_not_found")
        if _ID.fullmatch(value):
            if value[0] in "UW":
                return "D" + value
            if value[0] == "D" or value in self._channels:
                return value
        name = value.removeprefix("#")
        for channel_id, channel in self._channels.items():
            if channel["name"] == name:
                return channel_id
        raise _ApiError("channel_not_found")

    def _postable_channel(self, value: Any) -> str:
        channel_id = self._resolve_channel(value)
        channel = self._channels.get(channel_id)
        if channel is not None and channel["is_archived"]:
            raise _ApiError("is_archived")
        if channel is not None and not channel["is_member"]:
            raise _ApiError("not_in_channel")
        if channel_id.startswith("D"):
            self._ims.add(channel_id)
        return channel_id

    def _find_message(self, channel: Any, ts: Any) -> dict[str, Any]:
        channel_id = self._resolve_channel(channel)
        message = self._messages.get((channel_id, ts)) if isinstance(ts, str) else None
        if message is None:
            raise _ApiError("message_not_found")
        return message

    def _public_message(self, message: dict[str, Any]) -> dict[str, Any]:
        """The message object as the chat.* methods return it."""
        public = {
            key: value for key, value in message.items() if key != "channel" and value not in (None, [])
        }
        return copy.deepcopy({"type": "message", **public})

    # ------------------------------------------------------------------ methods: auth, users, conversations

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(args.get("user", ""))
        if user is None:
            raise _ApiError("user_not_found")
        return {"user": copy.deepcopy(user)}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": {"id": self._resolve_channel(args["channel"])}}
        user_ids = [user_id.strip() for user_id in str(args.get("users", "")).split(",") if user_id.strip()]
        if not user_ids:
            raise _ApiError("users_list_not_supplied")
        if any(self._users.get(user_id, {}).get("deleted") for user_id in user_ids):
            raise _ApiError("user_disabled")
        if len(user_ids) > 1:
            return {"channel": {"id": self._open_group_dm(user_ids)}}
        channel_id = "D" + user_ids[0]
        already_open = channel_id in self._ims
        self._ims.add(channel_id)
        extra = {"no_op": True, "already_open": True} if already_open else {}
        return {"channel": {"id": channel_id}, **extra}

    def _open_group_dm(self, user_ids: list[str]) -> str:
        members = sorted({*user_ids, self.bot_user_id})
        # A stable id per member set, so opening the same group twice gives the same conversation.
        channel_id = "G" + hashlib.sha1(",".join(members).encode()).hexdigest()[:10].upper()
        name = "mpdm-" + "--".join(members).lower() + "-1"
        self._channels.setdefault(
            channel_id, self._channel_object(channel_id, name, is_private=True, is_mpim=True)
        )
        return channel_id

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        """Everyone in the channel, in pages of `limit` (Slack's cursor is the next index here)."""
        channel_id = self._resolve_channel(args.get("channel"))
        members = self._members.get(channel_id, list(self._users))
        start = int(args.get("cursor") or 0)
        limit = max(1, min(int(args.get("limit") or 100), 1000))
        page = members[start : start + limit]
        following = str(start + limit) if start + limit < len(members) else ""
        return {"members": page, "response_metadata": {"next_cursor": following}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._resolve_channel(args.get("channel"))
        if channel_id.startswith("D"):
            return {"channel": self._im_object(channel_id)}
        return {"channel": copy.deepcopy(self._channels[channel_id])}

    # ------------------------------------------------------------------ methods: chat

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._postable_channel(args.get("channel"))
        _require_content(args)
        message = {
            "channel": channel_id,
            "ts": self._next_ts(),
            "text": args.get("text", ""),
            "blocks": copy.deepcopy(args.get("blocks") or []),
            "thread_ts": args.get("thread_ts"),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
        }
        self._messages[(channel_id, message["ts"])] = message
        return {"channel": channel_id, "ts": message["ts"], "message": self._public_message(message)}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        self._postable_channel(args.get("channel"))
        if not args.get("user"):
            raise _ApiError("user_not_found")
        _require_content(args)
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": self._resolve_channel(args.get("channel")),
                "user": args["user"],
                "ts": ts,
                "text": args.get("text", ""),
                "blocks": copy.deepcopy(args.get("blocks") or []),
                "thread_ts": args.get("thread_ts"),
                "bot_id": self.bot_id,
            }
        )
        return {"message_ts": ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(args.get("channel"), args.get("ts"))
        _require_content(args)
        # Like Slack, fields left out keep their old value; an empty blocks list clears the blocks.
        for key in ("text", "blocks"):
            if key in args:
                message[key] = copy.deepcopy(args[key])
        return {
            "channel": message["channel"],
            "ts": message["ts"],
            "text": message["text"],
            "message": self._public_message(message),
        }

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(args.get("channel"), args.get("ts"))
        del self._messages[(message["channel"], message["ts"])]
        return {"channel": message["channel"], "ts": message["ts"]}

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._resolve_channel(args.get("channel"))
        ts = args.get("message_ts")
        if not isinstance(ts, str) or not ts:
            raise _ApiError("message_not_found")
        permalink = f"https://{self.team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
        message = self._messages.get((channel_id, ts))
        if message is not None and message["thread_ts"]:
            permalink += f"?thread_ts={message['thread_ts']}&cid={channel_id}"
        return {"channel": channel_id, "permalink": permalink}

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel") or not args.get("timestamp"):
            raise _ApiError("no_item_specified")
        if not args.get("name"):
            raise _ApiError("invalid_name")
        key = (self._resolve_channel(args["channel"]), args["timestamp"], args["name"])
        if key in self._reactions:
            raise _ApiError("already_reacted")
        self._reactions.add(key)
        message = self._messages.get(key[:2])
        if message is not None:
            message.setdefault("reactions", []).append(args["name"])
        return {}

    # ------------------------------------------------------------------ methods: views

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.open and views.push: Slack answers both with the new view."""
        if not args.get("trigger_id"):
            raise _invalid_arguments("missing required field: trigger_id")
        view = _require_view(args)
        if view.get("external_id") in self._external_view_ids:
            raise _ApiError("duplicate_external_id")
        stored = self._store_view(view)
        self._trigger_views[args["trigger_id"]] = stored["id"]
        return {"view": stored}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _require_view(args)
        if args.get("view_id"):
            existing = self._views.get(args["view_id"])
        elif args.get("external_id"):
            existing = self._views.get(self._external_view_ids.get(args["external_id"], ""))
        else:
            raise _invalid_arguments("either view_id or external_id is required")
        if existing is None:
            raise _ApiError("not_found")
        _check_hash(args, existing)
        return {"view": self._store_view(view, existing)}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user_id")
        if not user_id:
            raise _invalid_arguments("missing required field: user_id")
        view = _require_view(args)
        existing = self._views.get(self._home_view_ids.get(user_id, ""))
        if existing is not None:
            _check_hash(args, existing)
        stored = self._store_view(view, existing)
        self._home_view_ids[user_id] = stored["id"]
        return {"view": stored}

    def _store_view(
        self, submitted: dict[str, Any], existing: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Save a view as Slack would return it; updating keeps the id and gives a new hash."""
        view_id = existing["id"] if existing is not None else self._new_id("V")
        view = {
            **_VIEW_DEFAULTS,
            **copy.deepcopy(submitted),
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
            "root_view_id": existing["root_view_id"] if existing is not None else view_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        }
        self._views[view_id] = view
        if view["external_id"]:
            self._external_view_ids[view["external_id"]] = view_id
        return copy.deepcopy(view)

    # ------------------------------------------------------------------ methods: files, oauth

    def _files_get_upload_url_external(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = args.get("filename")
        try:
            length = int(args.get("length", ""))
        except (TypeError, ValueError):
            length = None
        if not filename or length is None:
            raise _invalid_arguments("filename and length are required")
        file_id = self._new_id("F")
        self._uploads[file_id] = {"id": file_id, "name": filename, "length": length, "content": None}
        return {"upload_url": f"{self._root_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            raise _invalid_arguments("files must be a non-empty JSON array")
        channels = [self._postable_channel(channel) for channel in _share_targets(args)]
        completed = []
        for item in files:
            upload = self._uploads.get(item.get("id", "")) if isinstance(item, dict) else None
            if upload is None or upload["content"] is None:  # never issued, or its bytes never arrived
                raise _ApiError("file_not_found")
            # Without a channel the file is private to the app: shared nowhere, shown only by blocks.
            upload.update(
                completed=True,
                title=item.get("title") or upload["name"],
                channel_id=args.get("channel_id") or None,
            )
            completed.append(_file_object(upload))
        for channel_id in channels:
            # Slack shares the files as one message from the uploader, the initial comment as its text.
            ts = self._next_ts()
            message = {
                "channel": channel_id,
                "ts": ts,
                "text": args.get("initial_comment") or "",
                "blocks": [],
                "files": copy.deepcopy(completed),
                "upload": True,
                "thread_ts": args.get("thread_ts"),
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "app_id": self.app_id,
                "team": self.team_id,
            }
            self._messages[(channel_id, ts)] = message
        return {"files": completed}

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        grant = self._oauth_grants.get(args.get("code", ""))
        if grant is None:
            raise _ApiError("invalid_code")
        if grant.used:
            raise _ApiError("code_already_used")
        grant.used = True
        team_number, bot_number = secrets.randbelow(10**12), secrets.randbelow(10**12)
        return {
            "access_token": f"xoxb-{team_number}-{bot_number}-{secrets.token_hex(12)}",
            "token_type": "bot",
            "scope": grant.scope,
            "bot_user_id": self.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": self.team_id, "name": self.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": grant.user_id},
        }


# ---------------------------------------------------------------------- request parsing and checks


def _parse_args(request: _HttpRequest) -> dict[str, Any]:
    """Merge query string and body (form, JSON or multipart) into one dict. Raises ValueError on bad JSON."""
    args: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if request.body:
        if media_type == "application/json":
            body = json.loads(request.body)
            if not isinstance(body, dict):
                raise ValueError("a JSON body must be an object")
            args.update(body)
        elif media_type == "multipart/form-data":
            args.update(_parse_multipart(content_type, request.body))
        else:
            args.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    return {key: _decode_json_field(key, value) for key, value in args.items()}


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Form fields of a multipart body; file parts stay bytes."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)  # bytes for a leaf part; None for a nested multipart
        content = payload if isinstance(payload, bytes) else b""
        fields[str(name)] = content if part.get_filename() else content.decode("utf-8")
    return fields


def _decode_json_field(key: str, value: Any) -> Any:
    if key not in _JSON_FIELDS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # left as a string, so the Block Kit check reports it like Slack's invalid_blocks_format


def _share_targets(args: Mapping[str, Any]) -> list[Any]:
    """files.completeUploadExternal's `channel_id`, or its older comma-separated `channels`."""
    if args.get("channel_id"):
        return [args["channel_id"]]
    channels = args.get("channels")
    return [c.strip() for c in channels.split(",") if c.strip()] if isinstance(channels, str) else []


def _file_object(upload: Mapping[str, Any]) -> dict[str, Any]:
    name = str(upload["name"])
    return {
        "id": upload["id"],
        "name": name,
        "title": upload.get("title") or name,
        "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "filetype": name.rpartition(".")[2].lower() if "." in name else "binary",
        "size": len(upload["content"]),
    }


def _bearer_token(headers: Mapping[str, str]) -> str | None:
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None  # e.g. the Basic auth oauth.v2.access uses
    return credentials.strip() or None


def _payload_problems(method: str, args: Mapping[str, Any]) -> list[str]:
    """Block Kit problems in the message or view a call carries (none for other methods)."""
    if method in _MESSAGE_METHODS:
        return block_kit_problems(args, "message")
    view = args.get("view")
    if method not in _VIEW_METHODS or not isinstance(view, dict):
        return []
    is_home = method == "views.publish" or (method == "views.update" and view.get("type") == "home")
    return block_kit_problems(view, "home" if is_home else "modal")


def _invalid_payload_reply(method: str, args: Mapping[str, Any], problems: list[str]) -> _Reply:
    messages = [f"[ERROR] {problem}" for problem in problems]
    if method in _VIEW_METHODS:
        return _Reply.error("invalid_arguments", response_metadata={"messages": messages})
    error = "msg_too_long" if problems == text_problems(args) else "invalid_blocks"
    return _Reply.error(error, errors=problems, response_metadata={"messages": messages})


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _require_content(args: Mapping[str, Any]) -> None:
    if not (args.get("text") or args.get("blocks") or args.get("attachments")):
        raise _ApiError("no_text")


def _require_view(args: Mapping[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    if not isinstance(view, dict):
        raise _invalid_arguments("missing required field: view")
    return view


def _check_hash(args: Mapping[str, Any], existing: Mapping[str, Any]) -> None:
    if args.get("hash") and args["hash"] != existing["hash"]:
        raise _ApiError("hash_conflict")


# ---------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # never let a stuck client connection keep the test process alive

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.fake = fake


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = _HttpRequest(self.command, url.path, url.query, headers, body)
        try:
            reply = self.server.fake._handle(request)
        except Exception:  # a bug in the fake must reach the client as an error, not kill the server thread
            logger.exception("FakeSlack failed to handle %s %s", self.command, self.path)
            reply = _Reply.error("fatal_error", status=500)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("FakeSlack: " + format, *args)
