"""The HTTP side of Learnfit: one WSGI app (Slack events, OAuth, health) served by waitress (in worker
processes: bot/serving.py).

Bolt reads, decodes and parses a body before it checks the signature, and raises on what it cannot parse.
So a request to /slack/events reaches Bolt only once it is within the size cap, signed by Slack, and
parseable the way Bolt parses it; anything else is answered here (413, 401 or 400) with one log line.
"""

from __future__ import annotations

import io
import json
import logging
import re
import signal
import socket
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import Error, InternalServerError

from bot.bolt_request import bolt_request
from bot.db import is_healthy
from bot.serving import BACKLOG, MakeServer
from bot.settings import Settings
from bot.views.failures import not_saved_message

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

EVENTS_PATH = "/slack/events"
# ASCII digits only: int(), which the verifier calls, also takes " 1", "1_0" and other scripts' digits.
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")  # hmac.compare_digest raises on a non-ASCII one
THREADS = 8  # waitress threads per worker: each waits for its request's ack
# A request that waited this long for a thread is answered busy: its work, which may wait up to 2 s for the
# database (cli.WEB_LOCK_TIMEOUT_SECONDS), must still end inside Slack's 3 s.
QUEUE_DEADLINE_SECONDS = 0.8
ARRIVED_AT = "learnfit.arrived_at"

logger = logging.getLogger(__name__)


class Refused(Exception):
    """A request answered before Bolt sees it. The reason is logged: never the body or a header's value."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class LearnfitRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, with the request built by `bolt_request` (a slash command is read as a form)."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        return self.app.dispatch(
            bolt_request(request.get_body(), query=request.query_string, headers=request.get_headers())
        )


def build_wsgi_app(app: App, engine: Engine, settings: Settings) -> WsgiApp:
    """`POST /slack/events`, `GET /slack/install` and `/slack/oauth_redirect` (OAuth), `GET /healthz`."""
    slack = LearnfitRequestHandler(app, path=EVENTS_PATH)
    assert settings.slack_signing_secret, "serving Slack over HTTP needs the signing secret (require_http)"
    verifier = SignatureVerifier(settings.slack_signing_secret)
    cap = settings.max_request_body_bytes

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            healthy = is_healthy(engine)
            body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        # Only events carry a body Bolt needs; the OAuth pages read their query, and Bolt would parse a body.
        body = b""
        if environ.get("REQUEST_METHOD") == "POST" and path == EVENTS_PATH:
            try:
                body = read_body(environ, cap)
                check_from_slack(environ, body, verifier)
            except Refused as refused:
                logger.warning(
                    "refused a request to %s from %s: %d %s",
                    EVENTS_PATH,
                    environ.get("REMOTE_ADDR", "?"),
                    refused.status,
                    refused.reason,
                )
                return answer(start_response, refused.status)
            if waited_too_long(environ):
                return answer_busy(start_response, body)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return slack(environ, start_response)

    return wsgi


def read_body(environ: dict[str, Any], cap: int) -> bytes:
    """The body, refused before it is read when it is over `cap` bytes, whether or not its length is known."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared and not (declared.isascii() and declared.isdigit()):
        raise Refused(HTTPStatus.BAD_REQUEST, "Content-Length is not a number")
    too_large = Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {cap} bytes")
    if declared and (len(declared) > len(str(cap)) or int(declared) > cap):  # int() refuses 5,000 digits
        raise too_large
    # Chunked, or no length given: one byte past the cap says whether it is over.
    body: bytes = environ["wsgi.input"].read(int(declared) if declared else cap + 1)
    if len(body) > cap:
        raise too_large
    return body


def check_from_slack(environ: dict[str, Any], body: bytes, verifier: SignatureVerifier) -> None:
    """Signed by Slack (slack_sdk's verifier, given only what it can check without raising), then parseable."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    # A repeated header arrives joined with ", ", so it fails these shapes too.
    if not TIMESTAMP.fullmatch(timestamp) or not SIGNATURE.fullmatch(signature):
        raise Refused(HTTPStatus.UNAUTHORIZED, "signature headers missing or malformed")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "body is not UTF-8") from None
    if not verifier.is_valid(text, timestamp, signature):
        raise Refused(
            HTTPStatus.UNAUTHORIZED, "signature does not match, or the timestamp is over 5 minutes off"
        )
    check_parsable(text, environ.get("CONTENT_TYPE") or "")


def check_parsable(text: str, content_type: str) -> None:
    """Bolt's request parsing (slack_bolt.request.internals.parse_body), checked here without raising: JSON
    wherever Bolt decodes JSON, and a JSON object, which is all Bolt can take."""
    if not text:
        return
    if content_type.split(";")[0] == "application/json" or text.startswith("{"):
        _check_json_object(text, "body")
    elif "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        if payload is not None:
            _check_json_object(payload, "payload")


def _check_json_object(text: str, what: str) -> None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        raise Refused(HTTPStatus.BAD_REQUEST, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, f"{what} is not a JSON object")


def waited_too_long(environ: dict[str, Any]) -> bool:
    """The request waited so long for a free thread (a backlog) that its work might not finish inside
    Slack's three seconds: better a clear "busy" now than no answer at all."""
    arrived_at = environ.get(ARRIVED_AT)
    return isinstance(arrived_at, float) and time.monotonic() - arrived_at > QUEUE_DEADLINE_SECONDS


def answer_busy(start_response: Callable[..., Any], body: bytes) -> list[bytes]:
    """A slash command hears that nothing was saved; anything else gets 503, which Slack retries (events)
    or shows as a failure beside what was clicked or submitted, and Bolt never sees it: nothing is stored."""
    logger.warning("answered busy: a request waited over %.1f s for a thread", QUEUE_DEADLINE_SECONDS)
    fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    if "command" not in fields or "payload" in fields:
        return answer(start_response, HTTPStatus.SERVICE_UNAVAILABLE)
    reply = json.dumps(not_saved_message(busy=True)).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(reply)))])
    return [reply]


def answer(start_response: Callable[..., Any], status: HTTPStatus) -> list[bytes]:
    body = status.phrase.encode()
    start_response(
        f"{status.value} {status.phrase}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


# ---------------------------------------------------------------------- what waitress refuses on arrival


class _Parser(HTTPRequestParser):
    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.arrived_at = time.monotonic()  # its first bytes: from here the person is waiting

    def parse_header(self, header_plus: bytes) -> None:
        try:
            super().parse_header(header_plus)
        except ValueError:  # int() of a Content-Length of thousands of digits, which waitress lets escape
            raise ParsingError("Content-Length is invalid") from None


class _LoggedRefusal(ErrorTask):
    def execute(self) -> None:
        # types-waitress declares `request` an Error; it is the request's parser, which holds the error.
        error: Error = self.request.error  # type: ignore[attr-defined]
        if not isinstance(error, InternalServerError):  # logged by waitress, with its traceback
            logger.warning(
                "refused a request as it arrived: %d %s (%s)", error.code, error.reason, error.body
            )
        super().execute()


class _TimedTask(WSGITask):
    """The WSGI task, telling the app when its request arrived (to answer busy after a long queue)."""

    def get_environment(self) -> Any:
        environ = super().get_environment()
        environ[ARRIVED_AT] = getattr(self.request, "arrived_at", None)
        return environ


class _Channel(HTTPChannel):
    """Waitress refuses some requests itself (a body over its limit, broken framing), and logs nothing."""

    parser_class = _Parser
    error_task_class = _LoggedRefusal
    task_class = _TimedTask


def waitress_for(wsgi: WsgiApp, *, max_body_bytes: int, threads: int = THREADS) -> MakeServer:
    """What each worker serves on the shared socket: waitress (a production server, not Bolt's development
    server), logging what it refuses itself.

    Waitress buffers a whole request before the app sees it: its own limit refuses a larger body as soon as
    the headers declare it, or as soon as a chunked one passes it, without reading the rest.
    """

    def make(listening: socket.socket, channels: dict[int, Any]) -> BaseWSGIServer:
        server = create_server(
            wsgi,
            map=channels,
            sockets=[listening],
            threads=threads,
            ident="learnfit",
            backlog=BACKLOG,  # waitress listens again on the shared socket, with its own default otherwise
            max_request_body_size=max_body_bytes + 1,  # waitress refuses a body of its limit or more
        )
        assert isinstance(server, BaseWSGIServer), "one socket makes one server"
        server.channel_class = _Channel
        return server

    return make


def serve_server(server: MultiSocketServer | BaseWSGIServer) -> None:
    """Run a bound waitress server until SIGTERM or Ctrl-C."""

    def stop(*_args: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
