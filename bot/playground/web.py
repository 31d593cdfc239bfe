"""One port for everything: the page at /, its JSON at /playground/, the fake Web API at /api/, the app at
/slack/events (so the app's SLACK_API_URL and the browser both talk to this one server)."""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from waitress.server import BaseWSGIServer
from waitress.server import create_server as waitress_server

from bot.playground.core import Playground, PlaygroundError
from bot.server import WsgiApp, build_wsgi_app

logger = logging.getLogger(__name__)

STATIC = resources.files("bot.playground") / "static"
MAX_BODY = 1_000_000


class PlaygroundServer:
    """The WSGI router; `playground` is set once the port is bound (the app's API URL needs the port)."""

    def __init__(self) -> None:
        self.playground: Playground | None = None
        self._slack: WsgiApp | None = None

    def attach(self, playground: Playground) -> None:
        self.playground = playground
        self._slack = build_wsgi_app(playground.app, playground.engine, playground.settings)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        playground = self.playground
        if playground is None or self._slack is None:
            return _reply(start_response, "503 Service Unavailable", {"error": "starting"})
        if path.startswith(("/api/", "/response/", "/upload/", "/files/")):
            return playground.fake.wsgi_app(environ, start_response)
        if path.startswith("/slack/") or path == "/healthz":
            return self._slack(environ, start_response)
        if path.startswith("/playground/"):
            return self._json_api(playground, path.removeprefix("/playground/"), environ, start_response)
        return _static(path, start_response)

    def _json_api(
        self, playground: Playground, route: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            if environ["REQUEST_METHOD"] == "GET" and route == "state":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                return _reply(start_response, "200 OK", playground.state(query.get("user", [""])[0]))
            if environ["REQUEST_METHOD"] != "POST":
                return _reply(start_response, "405 Method Not Allowed", {"error": "POST only"})
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            return _reply(start_response, "200 OK", {"ok": True, **(_post(playground, route, body) or {})})
        except PlaygroundError as exc:
            return _reply(start_response, "400 Bad Request", {"ok": False, "error": str(exc)})
        except (KeyError, ValueError) as exc:
            return _reply(start_response, "400 Bad Request", {"ok": False, "error": f"bad request: {exc}"})
        except Exception:
            logger.exception("playground request %s failed", route)
            return _reply(start_response, "500 Internal Server Error", {"ok": False, "error": "server error"})


def _post(playground: Playground, route: str, body: dict[str, Any]) -> dict[str, Any] | None:
    user = body.get("user", "")
    if route == "send":
        text = str(body["text"])
        if text.startswith("/") and not body.get("thread_ts"):
            playground.command(user, body["channel"], text)
        else:
            playground.say(user, body["channel"], text, body.get("thread_ts"))
    elif route == "action":
        playground.action(user, body)
    elif route == "submit":
        return {"errors": playground.submit(user, body["view_id"], body.get("values") or {})}
    elif route == "close":
        playground.close_modal(user, body["view_id"])
    elif route == "react":
        playground.react(user, body["channel"], body["ts"], body["name"])
    elif route == "shortcut":
        playground.shortcut(user, body["channel"], body["ts"])
    elif route == "home":
        playground.open_home(user)
    elif route == "jump":
        return {"report": playground.jump(int(body["days"]))}
    elif route == "scheduler":
        return {"report": playground.run_scheduler()}
    else:
        raise PlaygroundError(f"unknown action {route!r}")
    return None


def _reply(start_response: Callable[..., Any], status: str, data: dict[str, Any]) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def _static(path: str, start_response: Callable[..., Any]) -> list[bytes]:
    name = "index.html" if path in ("", "/") else path.lstrip("/")
    resource = STATIC / name
    if "/" in name or ".." in name or not resource.is_file():
        body = b"not found"
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    body = resource.read_bytes()
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


def create_server(
    database_path: Path, *, host: str = "127.0.0.1", port: int = 3000
) -> tuple[BaseWSGIServer, Playground]:
    """Bind the port, then build the playground against it; returns (waitress server, playground)."""
    router = PlaygroundServer()
    # Requests to the app call the fake API on this same server: enough threads for both at once.
    server = waitress_server(router, host=host, port=port, threads=16, ident="learnfit-playground")
    # One host and port make one listening socket, for which waitress returns that socket's own server.
    assert isinstance(server, BaseWSGIServer)
    _, bound_port = server.getsockname()
    playground = Playground(f"sqlite:///{database_path}", api_url=f"http://127.0.0.1:{bound_port}/api/")
    router.attach(playground)
    return server, playground
