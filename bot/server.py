"""The HTTP side of Learnfit: one WSGI app (Slack events, OAuth, health) served by waitress."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.db import is_healthy

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def build_wsgi_app(app: App, engine: Engine) -> WsgiApp:
    """`POST /slack/events`, `GET /slack/install` and `/slack/oauth_redirect` (OAuth), `GET /healthz`."""
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            healthy = is_healthy(engine)
            body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return slack(environ, start_response)

    return wsgi


def serve(wsgi: WsgiApp, *, host: str, port: int, threads: int = 8) -> None:
    """Serve until SIGTERM or Ctrl-C (waitress: a production server, not Bolt's development server)."""
    serve_server(create_server(wsgi, host=host, port=port, threads=threads, ident="learnfit"))


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
